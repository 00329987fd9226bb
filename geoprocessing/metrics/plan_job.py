"""Job ``plan_implementation``: the Management Plan's projects by status, budget and funding
for the whole plan, each challenge, each action plan and each zone (rules in :mod:`.plan`).

Project statuses and budgets are a snapshot: their values carry the current year (in the
site's time zone). Funding carries the year of each grant. ``--period YYYY`` recomputes
that year only (the snapshot too when YYYY is the current year); ``--zones KIND``
recomputes the zones of that kind only.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd
from psycopg.rows import dict_row

from .. import jobs
from ..errors import InvalidInput, NotFound
from ..jobs.context import JobContext
from . import plan
from .queries import frame

ZONE_KINDS = ("property", "buffer", "lagoon", "basin", "municipality", "sestiere", "island")


def _plan(ctx: JobContext) -> dict:
    code = ctx.params.get("plan")
    with ctx.conn.cursor(row_factory=dict_row) as cur:
        if code:
            row = cur.execute("SELECT id, code, illustrative, status_as_of FROM laguna.management_plans "
                              "WHERE code = %s", (code,)).fetchone()
            if row is None:
                raise NotFound(f"There is no Management Plan with code {code}.")
            return row
        row = cur.execute("SELECT id, code, illustrative, status_as_of FROM laguna.management_plans "
                          "ORDER BY status = 'in_force' DESC, period_start DESC LIMIT 1").fetchone()
    if row is None:
        raise InvalidInput("There is no Management Plan in the store: enter or load one first.")
    return row


def _zones(ctx: JobContext) -> gpd.GeoDataFrame | None:
    """The zones to compute for: those of --zones (which must exist), else of every kind present."""
    if ctx.params.get("zones"):
        return ctx.zones()
    try:
        return ctx.zones(ZONE_KINDS)
    except InvalidInput:  # no zones at all: the whole plan, its challenges and action plans only
        return None


def _stamp(*frames: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    for table in frames:
        digest.update(table.to_csv(index=False).encode())
    return digest.hexdigest()


def compute_plan_implementation(ctx: JobContext) -> None:
    the_plan = _plan(ctx)
    projects = frame(ctx.conn, (
        "SELECT p.id, p.code, c.code AS challenge, c.code || '.' || a.code AS action_plan, p.status, "
        "p.budget_eur, p.committed_eur, p.spent_eur, p.illustrative, ST_AsBinary(p.geom) AS geom "
        "FROM laguna.projects p JOIN laguna.action_plans a ON a.id = p.action_plan_id "
        "JOIN laguna.challenges c ON c.id = a.challenge_id WHERE c.plan_id = %s ORDER BY p.id"),
        (the_plan["id"],))
    if projects.empty:
        raise InvalidInput(f"The Management Plan {the_plan['code']} has no projects: enter them first.")
    projects = gpd.GeoDataFrame(
        projects.drop(columns="geom"),
        geometry=gpd.GeoSeries.from_wkb([None if g is None else bytes(g) for g in projects["geom"]]),
        crs=ctx.settings.storage_crs)
    for col in plan.AMOUNTS.values():
        projects[col] = pd.to_numeric(projects[col], errors="coerce")
    grants = frame(ctx.conn, (
        "SELECT g.id, g.project_id, s.code AS source, g.year, g.status, g.granted_eur::float8 AS granted_eur, "
        "g.illustrative FROM laguna.grants g JOIN laguna.funding_sources s ON s.id = g.funding_source_id "
        "WHERE g.project_id = ANY(%s) ORDER BY g.id"), (list(map(int, projects["id"])),))
    links = frame(ctx.conn, "SELECT project_id, zone_id FROM laguna.project_zones WHERE project_id = ANY(%s) "
                        "ORDER BY project_id, zone_id", (list(map(int, projects["id"])),))
    zones = _zones(ctx)
    pairs = plan.project_zone_links(projects, links, zones) if zones is not None else None
    # The statuses and budgets are those of the plan's monitoring date (status_as_of); a
    # plan without one is dated today, and the summary says so.
    if the_plan["status_as_of"] is not None:
        snapshot = str(the_plan["status_as_of"].year)
    else:
        snapshot = str(datetime.now(ZoneInfo("Europe/Rome")).year)
        ctx.summary["snapshot_dated_today"] = (f"the plan {the_plan['code']} has no status_as_of date: "
                                               f"its statuses and budgets are dated {snapshot}")
    period = ctx.params.get("period")
    rows = plan.plan_implementation(projects, grants, pairs, [] if zones is None else list(zones["id"]),
                                    snapshot, site=not ctx.params.get("zones"))
    if period:
        rows = rows[rows["period"] == period]
        if rows.empty:
            raise InvalidInput(f"The plan {the_plan['code']} has no funding in {period}, and its projects' "
                               f"statuses and budgets are a snapshot of {snapshot}.")
    ctx.record_input(description=f"Management Plan {the_plan['code']}: {len(projects)} projects, "
                                 f"{len(grants)} grants, {len(links)} zone links",
                     checksum=_stamp(projects.drop(columns="geometry").assign(wkt=projects.geometry.to_wkt()),
                                     grants, links),
                     illustrative=bool(the_plan["illustrative"] or projects["illustrative"].any()
                                       or grants["illustrative"].any()))
    for row in rows.itertuples():
        ctx.emit(row.indicator, row.value, row.period, category=row.category,
                 zone_id=None if pd.isna(row.zone_id) else int(row.zone_id))
    whole = rows[rows["scope"] == "plan"]
    ctx.summary.update(
        plan=the_plan["code"], snapshot=snapshot, projects=int(len(projects)), grants=int(len(grants)),
        zones=0 if zones is None else int(len(zones)),
        projects_in_zones=0 if pairs is None else int(pairs["project_id"].nunique()),
        whole_plan=[{"indicator": r.indicator, "category": r.category, "period": r.period, "value": r.value}
                    for r in whole.itertuples()])

PLAN_IMPLEMENTATION = jobs.register(jobs.Job(
    name="plan_implementation",
    title_it="Attuazione del Piano di gestione", title_en="Management Plan implementation",
    indicators=("PLAN_PROJECTS", "PLAN_BUDGET", "PLAN_BUDGET_SPENT_SHARE", "PLAN_FUNDING"),
    compute=compute_plan_implementation,
    inputs=jobs.Inputs(zone_kinds=ZONE_KINDS, tables=("projects", "project_zones", "grants")),
    parameters={"plan": None},
))
