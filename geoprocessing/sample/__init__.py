"""The illustrative sample data set for Venice and its Lagoon (``laguna sample load``).

Deterministic from a seed; shapes only approximate the real geography and every record is
labelled illustrative. Modules: :mod:`.geography` (coast, lagoon, basins, property, buffer
zone, municipalities, historic city, islands), :mod:`.landscape` (channels, flats, fish
farms, salt marshes, towns, land take), :mod:`.points` (heritage assets, accommodation),
:mod:`.rasters` (land cover, DEM, NDVI computed per window), :mod:`.tides` (hourly levels),
:mod:`.register`, :mod:`.plan` and :mod:`.indicators` (domain files), :mod:`.vectors`
(GeoPackage writer), :mod:`.load` (write the files, then load them through the importers).
"""
