"""``laguna plan import FILE.gpkg``: a Management Plan with its challenges, objectives,
action plans and projects (with geometry, partners, UNESCO factors, indicators and
zones), funding sources and grants, and the indicators' baselines, targets and thresholds.

The GeoPackage holds one plan (layer ``plan``, one row) and its parts, each referring to
its challenge by code; projects are numbered "A.P" inside action plan A of their
challenge. Rows are matched on their codes, so a second import of the same file changes
nothing. For each project in the file, its partners, factors, indicators and zones
become exactly those the file lists. One transaction: a bad row leaves the store as it was.
"""

from __future__ import annotations

from pathlib import Path

from ..config import Settings
from ..errors import InvalidInput
from ..store.connect import connect
from .common import LoadReport, codes, lock, lookup, refusal, site_id, srid_of
from .tables import Field, Row, Spec, read_gpkg, where
from .upsert import Geom, Tally, replace_links, upsert

FLAG = Field("illustrative", "bool", default=False)
CODE = r"[A-Za-z0-9_.-]+"
PROJECT_STATUSES = ("proposed", "planned", "ongoing", "completed", "suspended", "cancelled")
ZONE_KINDS_HINT = " (import the zone layer first, e.g. 'laguna layers import ... --as-zones KIND')"

SPECS = [
    Spec("plan", (Field("code", "code", True, pattern=CODE), Field("title_it", required=True),
                  Field("title_en", required=True), Field("period_start", "int", True),
                  Field("period_end", "int", True),
                  Field("status", required=True, choices=("draft", "in_force", "expired")),
                  Field("approved_on", "date"), Field("approval_act"), Field("url"),
                  Field("status_as_of", "date"), FLAG)),
    Spec("challenges", (Field("code", "code", True, pattern=CODE), Field("title_it", required=True),
                        Field("title_en", required=True), Field("description_it"),
                        Field("description_en"))),
    Spec("objectives", (Field("challenge", "code", True), Field("code", "code", True, pattern=CODE),
                        Field("level", required=True, choices=("strategic", "operational")),
                        Field("parent", "code"), Field("title_it", required=True),
                        Field("title_en", required=True)), required=False),
    Spec("action_plans", (Field("challenge", "code", True), Field("code", "code", True, pattern=r"[0-9]+"),
                          Field("objective", "code"), Field("title_it", required=True),
                          Field("title_en", required=True), Field("description_it"),
                          Field("description_en")), required=False),
    Spec("projects", (Field("challenge", "code", True),
                      Field("code", "code", True, pattern=r"[0-9]+(\.[0-9]+)+"),
                      Field("title_it", required=True), Field("title_en", required=True),
                      Field("description_it"), Field("description_en"),
                      Field("status", required=True, choices=PROJECT_STATUSES),
                      Field("start_date", "date"), Field("end_date", "date"), Field("lead_body", "code"),
                      Field("budget_eur", "decimal"), Field("committed_eur", "decimal"),
                      Field("spent_eur", "decimal"), FLAG), required=False, geometry=True),
    Spec("project_partners", (Field("challenge", "code", True), Field("project", "code", True),
                              Field("body", "code", True),
                              Field("role", choices=("partner", "funder", "implementer"), default="partner")),
         required=False),
    Spec("project_factors", (Field("challenge", "code", True), Field("project", "code", True),
                             Field("factor", "code", True)), required=False),
    Spec("project_indicators", (Field("challenge", "code", True), Field("project", "code", True),
                                Field("indicator", "code", True)), required=False),
    Spec("project_zones", (Field("challenge", "code", True), Field("project", "code", True),
                           Field("zone_kind", "code", True), Field("zone", "code", True)), required=False),
    Spec("funding_sources", (Field("code", "code", True, pattern=r"[a-z0-9_-]+"),
                             Field("name_it", required=True), Field("name_en", required=True),
                             Field("kind", required=True, choices=("national", "regional", "eu", "municipal",
                                                                   "private", "international", "other")),
                             Field("law_reference")), required=False),
    Spec("grants", (Field("code", "code", True, pattern=r"[A-Za-z0-9][A-Za-z0-9_./-]*"),
                    Field("funding_source", "code", True), Field("challenge", "code"),
                    Field("project", "code"), Field("beneficiary", "code"), Field("title_it"),
                    Field("title_en"), Field("year", "int", True),
                    Field("law77_line", choices=("a", "b", "c", "d")),
                    Field("status", required=True, choices=("requested", "granted", "rejected", "closed")),
                    Field("requested_eur", "decimal", True), Field("granted_eur", "decimal"),
                    Field("spent_eur", "decimal"), Field("act_reference"), FLAG), required=False),
    Spec("indicator_targets", (Field("indicator", "code", True), Field("baseline_value", "decimal"),
                               Field("baseline_period"), Field("target_value", "decimal"),
                               Field("target_period"), Field("warning_threshold", "decimal"),
                               Field("alert_threshold", "decimal"), Field("challenge", "code"),
                               Field("source_it"), Field("source_en"), FLAG), required=False),
]


def import_plan(settings: Settings, path: str | Path) -> LoadReport:
    """Load a Management Plan GeoPackage in one transaction; see the module documentation."""
    path = Path(path)
    t = read_gpkg(path, SPECS)
    if len(t["plan"].rows) != 1:
        raise InvalidInput(f"{where(path, 'plan')} must have exactly one row (it has {len(t['plan'].rows)}).")
    plan_row = t["plan"].rows[0]
    if plan_row["period_end"] < plan_row["period_start"]:
        raise InvalidInput(f"{where(path, 'plan', 1, 'period_end')}: {plan_row['period_end']} is before "
                           f"period_start {plan_row['period_start']}.")
    report = LoadReport(path.name)
    tally = report.tally
    with connect(settings) as conn, conn.transaction():
        lock(conn, "plan")
        with refusal(path, "plan", plan_row):
            plan = upsert(conn, "management_plans", {"code": plan_row["code"]},
                          {"site_id": site_id(conn), **{k: plan_row[k] for k in (
                              "title_it", "title_en", "period_start", "period_end", "status",
                              "approved_on", "approval_act", "url", "status_as_of",
                              "illustrative")}}, tally)
        challenges = {}
        for row in t["challenges"].rows:
            with refusal(path, "challenges", row):
                challenges[row["code"]] = upsert(
                    conn, "challenges", {"plan_id": plan, "code": row["code"]},
                    {k: row[k] for k in ("title_it", "title_en", "description_it", "description_en")}, tally)
        objectives = _objectives(conn, path, t["objectives"], challenges, tally)
        actions = {}
        for row in t["action_plans"].rows:
            challenge = _challenge(challenges, path, "action_plans", row)
            objective = lookup(objectives, (row["challenge"], row["objective"]) if row["objective"] else None,
                               path, "action_plans", row, "objective", "objective")
            with refusal(path, "action_plans", row):
                actions[(row["challenge"], row["code"])] = upsert(
                    conn, "action_plans", {"challenge_id": challenge, "code": row["code"]},
                    {"objective_id": objective, **{k: row[k] for k in (
                        "title_it", "title_en", "description_it", "description_en")}}, tally)
        bodies = codes(conn, "SELECT code, id FROM laguna.bodies")
        projects = _projects(conn, path, t["projects"], challenges, actions, bodies,
                             settings.storage_srid, tally)
        _project_links(conn, path, t, projects, bodies, tally)
        _funding(conn, path, t, challenges, projects, bodies, tally)
        _targets(conn, path, t["indicator_targets"], challenges, tally)
    return report


def _challenge(challenges: dict, path: Path, table: str, row: Row) -> int:
    return lookup(challenges, row["challenge"], path, table, row, "challenge", "challenge",
                  " in layer challenges")


def _objectives(conn, path: Path, table, challenges: dict, tally: Tally) -> dict:
    out: dict = {}
    # strategic ones first: operational objectives point to them
    for row in sorted(table.rows, key=lambda r: r["level"] != "strategic"):
        challenge = _challenge(challenges, path, "objectives", row)
        parent = None
        if row["level"] == "operational":
            if not row["parent"]:
                raise InvalidInput(f"{where(path, 'objectives', row.number, 'parent')}: an operational "
                                   "objective needs its strategic objective.")
            parent = lookup(out, (row["challenge"], row["parent"]), path, "objectives", row, "parent",
                            "strategic objective", f" in challenge {row['challenge']}")
        elif row["parent"]:
            raise InvalidInput(f"{where(path, 'objectives', row.number, 'parent')}: a strategic "
                               "objective has no parent.")
        with refusal(path, "objectives", row):
            out[(row["challenge"], row["code"])] = upsert(
                conn, "objectives", {"challenge_id": challenge, "code": row["code"]},
                {"parent_id": parent, "level": row["level"], "title_it": row["title_it"],
                 "title_en": row["title_en"]}, tally)
    return out


def _projects(conn, path: Path, table, challenges, actions, bodies, storage_srid: int,
              tally: Tally) -> dict:
    srid = srid_of(path, table) if any(r.geometry is not None for r in table.rows) else storage_srid
    out = {}
    for row in table.rows:
        _challenge(challenges, path, "projects", row)
        action_code = row["code"].split(".")[0]
        action = lookup(actions, (row["challenge"], action_code), path, "projects", row, "code",
                        "action plan", f" in challenge {row['challenge']} for this project")
        if row["start_date"] and row["end_date"] and row["end_date"] < row["start_date"]:
            raise InvalidInput(f"{where(path, 'projects', row.number, 'end_date')}: {row['end_date']} "
                               f"is before start_date {row['start_date']}.")
        for money in ("budget_eur", "committed_eur", "spent_eur"):
            if row[money] is not None and row[money] < 0:
                raise InvalidInput(f"{where(path, 'projects', row.number, money)}: amounts cannot be negative.")
        values = {k: row[k] for k in ("title_it", "title_en", "description_it", "description_en",
                                      "status", "start_date", "end_date", "budget_eur",
                                      "committed_eur", "spent_eur", "illustrative")}
        values["lead_body_id"] = lookup(bodies, row["lead_body"], path, "projects", row, "lead_body",
                                        "body", " (load it with 'laguna register import' first)")
        values["geom"] = Geom(row.geometry, srid, storage_srid)
        with refusal(path, "projects", row):
            out[(row["challenge"], row["code"])] = upsert(
                conn, "projects", {"action_plan_id": action, "code": row["code"]}, values, tally)
    return out


def _project_links(conn, path: Path, t, projects: dict, bodies: dict, tally: Tally) -> None:
    factors = codes(conn, "SELECT code, code FROM laguna.unesco_factors")
    indicators = codes(conn, "SELECT code, id FROM laguna.indicators")
    zones = {(k, c): i for k, c, i in conn.execute(
        "SELECT DISTINCT ON (kind, code) kind, code, id FROM laguna.zones WHERE status <> 'superseded' "
        "ORDER BY kind, code, status = 'approved' DESC, version DESC").fetchall()}
    links = {
        "project_partners": ("body_id", lambda r: (lookup(bodies, r["body"], path, "project_partners", r,
                                                          "body", "body"), {"role": r["role"]})),
        "project_factors": ("factor_code", lambda r: (lookup(factors, r["factor"], path, "project_factors",
                                                             r, "factor", "UNESCO factor"), {})),
        "project_indicators": ("indicator_id", lambda r: (lookup(indicators, r["indicator"], path,
                                                                 "project_indicators", r, "indicator",
                                                                 "indicator"), {})),
        "project_zones": ("zone_id", lambda r: (lookup(zones, (r["zone_kind"], r["zone"]), path,
                                                       "project_zones", r, "zone",
                                                       f"current {r['zone_kind']} zone", ZONE_KINDS_HINT), {})),
    }
    for table, (other, resolve) in links.items():
        wanted: dict[int, dict] = {pid: {} for pid in projects.values()}
        for row in t[table].rows:
            pid = lookup(projects, (row["challenge"], row["project"]), path, table, row, "project",
                         "project", " in layer projects")
            other_id, extra = resolve(row)
            wanted[pid][other_id] = extra
        for pid, want in wanted.items():
            replace_links(conn, table, ("project_id", pid), other, want, tally)


def _funding(conn, path: Path, t, challenges, projects, bodies, tally: Tally) -> None:
    for row in t["funding_sources"].rows:
        with refusal(path, "funding_sources", row):
            upsert(conn, "funding_sources", {"code": row["code"]},
                   {k: row[k] for k in ("name_it", "name_en", "kind", "law_reference")}, tally)
    sources = codes(conn, "SELECT code, id FROM laguna.funding_sources")
    for row in t["grants"].rows:
        source = lookup(sources, row["funding_source"], path, "grants", row, "funding_source",
                        "funding source", " (add it to layer funding_sources)")
        project = None
        if row["project"]:
            project = lookup(projects, (row["challenge"], row["project"]), path, "grants", row,
                             "project", "project", " in layer projects")
        if row["status"] in ("granted", "closed") and row["granted_eur"] is None:
            raise InvalidInput(f"{where(path, 'grants', row.number, 'granted_eur')}: a {row['status']} "
                               "grant needs the amount granted.")
        if row["spent_eur"] is not None and row["granted_eur"] is not None and row["spent_eur"] > row["granted_eur"]:
            raise InvalidInput(f"{where(path, 'grants', row.number, 'spent_eur')}: {row['spent_eur']} spent "
                               f"is more than the {row['granted_eur']} granted.")
        if row["law77_line"] and row["funding_source"] != "law77":
            raise InvalidInput(f"{where(path, 'grants', row.number, 'law77_line')}: only Law 77/2006 "
                               "grants (funding_source law77) have a line of action.")
        values = {k: row[k] for k in ("title_it", "title_en", "year", "law77_line", "status",
                                      "requested_eur", "granted_eur", "spent_eur", "act_reference",
                                      "illustrative")}
        values.update(funding_source_id=source, project_id=project,
                      beneficiary_body_id=lookup(bodies, row["beneficiary"], path, "grants", row,
                                                 "beneficiary", "body"))
        with refusal(path, "grants", row):
            upsert(conn, "grants", {"code": row["code"]}, values, tally)


TARGET_COLUMNS = ("baseline_value", "baseline_period", "target_value", "target_period",
                  "warning_threshold", "alert_threshold", "challenge_id", "source_it", "source_en",
                  "illustrative")


def _targets(conn, path: Path, table, challenges: dict, tally: Tally) -> None:
    for row in table.rows:
        known = conn.execute("SELECT 1 FROM laguna.indicators WHERE code = %s", (row["indicator"],)).fetchone()
        if not known:
            raise InvalidInput(f"{where(path, 'indicator_targets', row.number, 'indicator')}: no indicator "
                               f"'{row['indicator']}' in the catalogue.")
        values = {k: row.get(k) for k in TARGET_COLUMNS}
        values["challenge_id"] = (_challenge(challenges, path, "indicator_targets", row)
                                  if row["challenge"] else None)
        for k in ("baseline_value", "target_value", "warning_threshold", "alert_threshold"):
            values[k] = float(values[k]) if values[k] is not None else None
        if (values["baseline_value"] is None) != (values["baseline_period"] is None):
            raise InvalidInput(f"{where(path, 'indicator_targets', row.number, 'baseline_period')}: a "
                               "baseline needs both its value and its period.")
        cols = ", ".join(TARGET_COLUMNS)
        marks = ", ".join(["%s"] * len(TARGET_COLUMNS))
        with refusal(path, "indicator_targets", row):
            got = conn.execute(
                f"UPDATE laguna.indicators SET ({cols}) = ROW({marks}) WHERE code = %s "  # noqa: S608 - fixed columns
                f"AND ({cols}) IS DISTINCT FROM ({marks}) RETURNING id",
                [*values.values(), row["indicator"], *values.values()]).fetchone()
        tally.add("indicators", "updated" if got else "unchanged")
