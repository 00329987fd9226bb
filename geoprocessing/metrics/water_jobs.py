"""Jobs ``high_water`` and ``barrier_effectiveness``: tide-gauge series in, yearly values
per station out (rules in :mod:`.tides` and :mod:`.barrier`), with the event lists in
the run summary."""

from __future__ import annotations

import pandas as pd

from .. import jobs
from ..errors import InvalidInput
from ..jobs.context import JobContext
from . import barrier, tides

# A year's values are 'provisional' when the series covers less of it than this.
COMPLETE_YEAR = 0.9


def _gauges_with_levels(ctx: JobContext) -> list[str]:
    rows = ctx.conn.execute(
        "SELECT st.code FROM laguna.stations st JOIN laguna.station_series s ON s.station_id = st.id "
        "WHERE st.kind = 'tide_gauge' AND s.parameter = 'water_level' ORDER BY st.code").fetchall()
    return [r[0] for r in rows]


def _station_id(ctx: JobContext, code: str) -> int:
    return ctx.conn.execute("SELECT id FROM laguna.stations WHERE code = %s", (code,)).fetchone()[0]


def _levels_cm(ctx: JobContext, code: str) -> pd.Series:
    levels, unit = ctx.series(code, "water_level")
    return tides.to_cm(levels, unit)


def _positive(ctx: JobContext, name: str) -> float:
    try:
        number = float(ctx.params[name])
    except (TypeError, ValueError):
        raise InvalidInput(f"The parameter {name} must be a number, not {ctx.params[name]!r}.") from None
    if not number > 0:
        raise InvalidInput(f"The parameter {name} must be positive, not {number:g}.")
    return number


def _hours(ctx: JobContext, name: str) -> pd.Timedelta:
    return pd.Timedelta(hours=_positive(ctx, name))


def _local(time) -> str | None:
    return None if pd.isna(time) else pd.Timestamp(time).tz_convert(tides.TIMEZONE).isoformat()


def _quality(year_coverage: float) -> str:
    return "valid" if year_coverage >= COMPLETE_YEAR else "provisional"


def _station_high_water(task: tuple[pd.Series, pd.Timedelta]) -> tuple[pd.DataFrame, pd.DataFrame]:
    levels, separation = task
    peaks = tides.tide_peaks(levels, min_separation=separation)
    return peaks, tides.annual_high_water(levels, peaks)


def compute_high_water(ctx: JobContext) -> None:
    chosen = ctx.params.get("stations")
    if isinstance(chosen, str):
        chosen = [c.strip() for c in chosen.split(",") if c.strip()]
    codes = chosen or _gauges_with_levels(ctx)
    if not codes:
        raise InvalidInput("No tide gauge has a water_level series: import one first "
                           "(laguna observations import FILE --station CODE).")
    period = ctx.params.get("period")
    separation = _hours(ctx, "min_separation_hours")
    stations: dict[str, dict] = {}
    series = {code: _levels_cm(ctx, code) for code in codes}
    # one task per station: in-process, or on the Dask cluster with --scheduler
    results = ctx.map(_station_high_water, [(series[code], separation) for code in codes], desc="high_water")
    for code, (peaks, annual) in zip(codes, results, strict=True):
        levels = series[code]
        high = tides.events(peaks, tides.THRESHOLDS_CM[0])
        high = high.assign(year=tides.local_years(high["time"]) if len(high) else [])
        if period:
            annual = annual[annual["year"] == int(period)]
            high = high[high["year"] == int(period)]
        station_id = _station_id(ctx, code)
        for row in annual.itertuples():
            quality, year = _quality(row.coverage), str(row.year)
            ctx.emit("HIGH_WATER_EVENTS_110", row.events_110, year, station_id=station_id, quality=quality)
            ctx.emit("HIGH_WATER_EVENTS_140", row.events_140, year, station_id=station_id, quality=quality)
            ctx.emit("HIGH_WATER_ANNUAL_MAX", row.max_cm, year, station_id=station_id, quality=quality)
        stations[code] = {
            "samples": int(levels.size), "first": _local(levels.index.min()), "last": _local(levels.index.max()),
            "high_tides": int(len(peaks)),
            "years": [{"year": int(r.year), "events_110": int(r.events_110), "events_140": int(r.events_140),
                       "max_cm": float(r.max_cm), "max_at": _local(r.max_at),
                       "coverage": round(float(r.coverage), 4)} for r in annual.itertuples()],
            "events": [{"time": _local(e.time), "peak_cm": float(e.peak_cm), "at_gap": bool(e.at_gap)}
                       for e in high.itertuples()],
        }
    if period and not ctx.values:
        raise InvalidInput(f"None of the series of {', '.join(codes)} has water levels in {period}.")
    if chosen:
        ctx.replace_stations = [_station_id(ctx, c) for c in codes]
    ctx.summary.update(rule=f"one event per high tide (peaks at least {separation.total_seconds() / 3600:g} h "
                            "apart) at or above +110 / +140 cm above ZMPS",
                       stations=stations)


def compute_barrier(ctx: JobContext) -> None:
    sea, lagoon = ctx.params["sea"], ctx.params["lagoon"]
    if sea == lagoon:
        raise InvalidInput(f"The sea-side and lagoon-side gauges must differ (both are {sea}).")
    sea_cm, lagoon_cm = _levels_cm(ctx, sea), _levels_cm(ctx, lagoon)
    sides = dict(ctx.conn.execute("SELECT code, side FROM laguna.stations WHERE code = ANY(%s)",
                                  ([sea, lagoon],)).fetchall())
    if sides.get(sea) == "lagoon" or sides.get(lagoon) == "sea":
        raise InvalidInput(f"The sea-side gauge {sea} is on the {sides.get(sea)} side and the lagoon-side "
                           f"gauge {lagoon} on the {sides.get(lagoon)} side: swap them.")
    threshold = _positive(ctx, "threshold_cm")
    table = barrier.barrier_events(sea_cm, lagoon_cm, threshold_cm=threshold, window=_hours(ctx, "window_hours"),
                                   min_separation=_hours(ctx, "min_separation_hours"))
    years = barrier.common_years(sea_cm, lagoon_cm)
    period = ctx.params.get("period")
    if period:
        years = years[years.index == int(period)]
        table = table[table["year"] == int(period)]
    if years.empty:
        raise InvalidInput(f"The series of {sea} and {lagoon} share no year"
                           + (f" in {period}." if period else "; import overlapping records."))
    annual = barrier.barrier_annual(table, years)
    station_id = _station_id(ctx, lagoon)
    for row in annual.itertuples():
        quality, year = _quality(row.coverage), str(row.year)
        ctx.emit("BARRIER_PROTECTED_EVENTS", row.protected_events, year, station_id=station_id, quality=quality)
        if row.compared:
            ctx.emit("BARRIER_MEAN_REDUCTION", row.mean_reduction_cm, year, station_id=station_id, quality=quality)
    ctx.replace_stations = [station_id]
    ctx.summary.update(
        rule=(f"each high tide at {sea} at or above +{threshold:g} cm against the highest level at {lagoon} "
              f"within {_positive(ctx, 'window_hours'):g} h; protected when {lagoon} stayed below +{threshold:g} cm"),
        years=[{"year": int(r.year), "sea_events": int(r.sea_events), "compared": int(r.compared),
                "protected_events": int(r.protected_events),
                "mean_reduction_cm": None if pd.isna(r.mean_reduction_cm) else round(float(r.mean_reduction_cm), 2),
                "coverage": round(float(r.coverage), 4)} for r in annual.itertuples()],
        events=[{"sea_time": _local(e.sea_time), "sea_peak_cm": float(e.sea_peak_cm),
                 "lagoon_time": _local(e.lagoon_time),
                 "lagoon_peak_cm": None if pd.isna(e.lagoon_peak_cm) else float(e.lagoon_peak_cm),
                 "reduction_cm": None if pd.isna(e.reduction_cm) else float(e.reduction_cm),
                 "protected": None if pd.isna(e.protected) else bool(e.protected)} for e in table.itertuples()])


HIGH_WATER = jobs.register(jobs.Job(
    name="high_water",
    title_it="Frequenza dell'acqua alta", title_en="High-water frequency",
    indicators=("HIGH_WATER_EVENTS_110", "HIGH_WATER_EVENTS_140", "HIGH_WATER_ANNUAL_MAX"),
    compute=compute_high_water,
    inputs=jobs.Inputs(series=("*:water_level",)),
    parameters={"stations": None, "min_separation_hours": tides.MIN_SEPARATION.total_seconds() / 3600},
))

BARRIER = jobs.register(jobs.Job(
    name="barrier_effectiveness",
    title_it="Efficacia delle barriere mobili (MOSE)", title_en="Barrier effectiveness (MOSE)",
    indicators=("BARRIER_PROTECTED_EVENTS", "BARRIER_MEAN_REDUCTION"),
    compute=compute_barrier,
    inputs=jobs.Inputs(series=("DSL:water_level", "PSAL:water_level")),
    parameters={"sea": "DSL", "lagoon": "PSAL", "threshold_cm": barrier.THRESHOLD_CM,
                "window_hours": barrier.WINDOW.total_seconds() / 3600,
                "min_separation_hours": tides.MIN_SEPARATION.total_seconds() / 3600},
))
