"""State-of-conservation metrics: pure computations and the thin jobs around them.

The computation modules take pandas/geopandas objects and return tidy frames (no store,
no I/O), so they are tested against independent computations; the ``*_job`` modules
read the store through a :class:`~geoprocessing.jobs.context.JobContext`, call them and
emit indicator values.
"""
