"""Job ``indicator_evaluation``: a traffic light, trend and change since baseline for every
indicator series, stored in ``laguna.indicator_evaluations`` with the evaluation date
(rules in :mod:`.evaluation`). It runs after every other job and writes no values.

The evaluation date is today (Europe/Rome), or with ``--period YYYY`` the end of that year
(today if the year is not over), using only the values whose period starts by then. A
run replaces the evaluations of the same date (and, with ``--zones``, of those zones
only); evaluations of other dates are kept, so the traffic lights have a history.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
from psycopg import sql

from .. import jobs
from ..errors import InvalidInput
from ..jobs.context import JobContext
from . import evaluation
from .queries import frame

INSERT_COLUMNS = ("indicator_id", "zone_id", "station_id", "category", "evaluated_on", "job_run_id",
                  "status", "reason", "n_values", "last_period", "last_value", "baseline_value",
                  "target_value", "change_since_baseline", "trend_slope_per_year", "trend_p_value",
                  "trend", "illustrative")


def _evaluated_on(ctx: JobContext) -> date:
    today = datetime.now(ZoneInfo("Europe/Rome")).date()
    if ctx.params.get("evaluated_on"):
        return date.fromisoformat(str(ctx.params["evaluated_on"]))
    if ctx.params.get("period"):
        return min(today, date(int(ctx.params["period"]), 12, 31))
    return today


def compute_indicator_evaluation(ctx: JobContext) -> None:
    try:
        on = _evaluated_on(ctx)
    except ValueError:
        raise InvalidInput(f"evaluated_on must be a date such as 2024-12-31, not {ctx.params['evaluated_on']!r}.") \
            from None
    scope = {"on": on, "kinds": ctx.params.get("zones")}
    values = frame(ctx.conn, (
        "SELECT i.code AS indicator, v.zone_id, v.station_id, v.category, v.period, v.period_start, "
        "v.value, v.illustrative FROM laguna.indicator_values v JOIN laguna.indicators i ON i.id = v.indicator_id "
        "WHERE v.period_start <= %(on)s AND (%(kinds)s::text[] IS NULL OR v.zone_id IN "
        "(SELECT id FROM laguna.zones WHERE kind = ANY(%(kinds)s))) "
        "ORDER BY i.code, v.zone_id, v.station_id, v.category, v.period_start"), scope)
    if values.empty:
        where = f" for zones of kind {', '.join(scope['kinds'])}" if scope["kinds"] else ""
        raise InvalidInput(f"There are no indicator values{where} up to {on} to evaluate: run the jobs "
                           "or enter values first.")
    indicators = frame(ctx.conn, (
        "SELECT code, direction, baseline_value, laguna.period_start(baseline_period) AS baseline_start, "
        "target_value, laguna.period_start(target_period) AS target_start, warning_threshold, alert_threshold "
        "FROM laguna.indicators WHERE code = ANY(%(codes)s)"), {"codes": sorted(values["indicator"].unique())})
    out = evaluation.evaluate(values, indicators,
                              min_trend_values=int(ctx.params["min_trend_values"]), alpha=float(ctx.params["alpha"]))
    digest = hashlib.sha256(values.drop(columns="period_start").to_csv(index=False).encode()).hexdigest()
    ctx.record_input(description=f"indicator values up to {on}: {len(values)} values in {len(out)} series",
                     checksum=digest, illustrative=bool(values["illustrative"].any()))
    ctx.output = (on, out)
    ctx.summary.update(evaluated_on=on.isoformat(), series=int(len(out)),
                       status=out["status"].value_counts().sort_index().to_dict(),
                       trend=out["trend"].value_counts().sort_index().to_dict())


def _none(value, kind=float):
    return None if value is None or pd.isna(value) else kind(value)


def write_evaluations(conn, ctx: JobContext) -> int:
    """Replace the evaluations of the same date (and zone kinds) by this run's, in the run's transaction."""
    on, out = ctx.output
    conn.execute("DELETE FROM laguna.indicator_evaluations WHERE evaluated_on = %(on)s "
                 "AND (%(kinds)s::text[] IS NULL OR zone_id IN (SELECT id FROM laguna.zones WHERE kind = ANY(%(kinds)s)))",
                 {"on": on, "kinds": ctx.params.get("zones")})
    ids = dict(conn.execute("SELECT code, id FROM laguna.indicators").fetchall())
    rows = [(ids[r.indicator], _none(r.zone_id, int), _none(r.station_id, int), r.category, on, ctx.run_id, r.status,
             r.reason, int(r.n_values), r.last_period, _none(r.last_value), _none(r.baseline_value),
             _none(r.target_value), _none(r.change_since_baseline), _none(r.trend_slope_per_year),
             _none(r.trend_p_value), r.trend, bool(r.illustrative)) for r in out.itertuples()]
    copy_sql = sql.SQL("COPY laguna.indicator_evaluations ({}) FROM STDIN").format(
        sql.SQL(", ").join(map(sql.Identifier, INSERT_COLUMNS)))
    with conn.cursor() as cur, cur.copy(copy_sql) as copy:
        for row in rows:
            copy.write_row(row)
    return len(rows)


INDICATOR_EVALUATION = jobs.register(jobs.Job(
    name="indicator_evaluation",
    title_it="Valutazione degli indicatori", title_en="Indicator evaluation",
    indicators=(),
    compute=compute_indicator_evaluation,
    inputs=jobs.Inputs(tables=("indicator_values", "indicators")),
    parameters={"min_trend_values": evaluation.MIN_TREND_VALUES, "alpha": evaluation.ALPHA,
                "evaluated_on": None},
    after=("*",),
    writes_values=False,
    write=write_evaluations,
))
