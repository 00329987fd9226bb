"""Map-based reports for the Steering Committee (issue 7).

``laguna report build`` gathers a period's figures from the store (:mod:`.gather`: the
indicators' last values and evaluations, the plan's projects, funding, the UNESCO factors,
the comparison with the previous period, and the provenance of every number), draws maps
and charts (:mod:`.staticmaps`, :mod:`.charts`, :mod:`.webmaps`), renders a self-contained
HTML page and a PDF (:mod:`.render`), and records the snapshot (:mod:`.build`,
:mod:`.snapshot`). :mod:`.stored` lists what was built; ``webapp.reports`` serves it.
"""
