"""What a metric job is: a declared unit with inputs, parameters and the indicators it writes.

A job's ``compute(ctx)`` reads through its :class:`~geoprocessing.jobs.context.JobContext`,
records the inputs it used and emits indicator values; the runner does the rest
(recording the run, atomic replacement of the job's previous values, progress, Dask).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

    from .context import JobContext


@dataclass(frozen=True)
class Inputs:
    """What a job reads, for ``laguna jobs list`` and for checks before it runs."""

    layers: tuple[str, ...] = ()        # vector layers of the catalogue
    rasters: tuple[str, ...] = ()       # raster layers of the catalogue
    zone_kinds: tuple[str, ...] = ()    # zone kinds it computes for (overridable by --zones)
    series: tuple[str, ...] = ()        # station series, as "STATION:parameter" ("*:water_level")
    tables: tuple[str, ...] = ()        # domain tables (e.g. "projects", "grants")


@dataclass(frozen=True)
class Job:
    name: str
    title_it: str
    title_en: str
    indicators: tuple[str, ...]          # codes of geoprocessing/indicators.toml it writes
    compute: Callable[[JobContext], None]
    inputs: Inputs = field(default_factory=Inputs)
    parameters: dict[str, Any] = field(default_factory=dict)  # defaults; --period/--zones override
    # Jobs that read other jobs' values run after them in `laguna jobs run --all`
    # ("*": after every other job).
    after: tuple[str, ...] = ()
    # Whether the job writes indicator values (False: writes only its own table, e.g. evaluations).
    writes_values: bool = True
    # Optional: writes the job's own rows (e.g. from ``ctx.output``) inside the transaction
    # that closes the run, after the values; returns how many rows it wrote.
    write: Callable[[psycopg.Connection, JobContext], int] | None = None
