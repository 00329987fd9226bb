"""``laguna register import FILE.gpkg``: bodies, Steering Committee memberships, World
Heritage Committee decisions and their requests, missions, threat assessments by UNESCO
factor, international cooperation, and monitoring stations.

The file is a GeoPackage with any of the layers below (attribute tables, or points for
bodies, cooperation and stations); rows are matched on their natural keys (codes, or
body + role + start date for memberships, decision + paragraph for requests, ...), so a
second import of the same file changes nothing. One transaction: a bad row leaves the
store as it was.
"""

from __future__ import annotations

from pathlib import Path

from ..config import Settings
from ..errors import InvalidInput
from ..store.connect import connect
from .common import LoadReport, codes, lock, lookup, refusal, site_id, srid_of
from .tables import Field, Spec, read_gpkg, where
from .upsert import Geom, Tally, replace_links, upsert

BODY_KINDS = ("ministry", "soprintendenza", "region", "metropolitan_city", "municipality",
              "port_authority", "state_agency", "religious", "archive", "university",
              "association", "foreign_city", "international_organisation", "other")
FLAG = Field("illustrative", "bool", default=False)

SPECS = [
    Spec("bodies", (Field("code", "code", True, pattern=r"[a-z0-9_-]+"),
                    Field("name_it", required=True), Field("name_en", required=True),
                    Field("kind", required=True, choices=BODY_KINDS),
                    Field("istat_code", pattern=r"[0-9]{6}"),
                    Field("country", pattern=r"[A-Z]{2}", default="IT"),
                    Field("website"), Field("email"), FLAG), required=False, geometry=True),
    Spec("site", (Field("whc_id", "int", True), Field("managing_body", "code"),
                  Field("description_it"), Field("description_en")), required=False),
    Spec("committee", (Field("body", "code", True),
                       Field("role", required=True, choices=("chair", "member", "observer", "secretariat")),
                       Field("representative"), Field("since", "date", True), Field("until", "date"),
                       Field("act_reference"), FLAG), required=False),
    Spec("decisions", (Field("code", "code", True, pattern=r"[0-9]+ ?(COM|EXT\.COM) [0-9A-Z.]+"),
                       Field("year", "int", True), Field("title_it"), Field("title_en", required=True),
                       Field("summary_it"), Field("summary_en"), Field("url"),
                       Field("factors", "list", default=[]), FLAG), required=False),
    Spec("requests", (Field("decision", "code", True), Field("paragraph", required=True),
                      Field("request_it"), Field("request_en", required=True),
                      Field("deadline", "date"),
                      Field("response_status", choices=("pending", "in_progress", "submitted", "closed"),
                            default="pending"),
                      Field("responded_on", "date"), Field("response_note_it"),
                      Field("response_note_en"), FLAG), required=False),
    Spec("missions", (Field("kind", required=True, choices=("reactive_monitoring", "advisory", "other")),
                      Field("start_date", "date", True), Field("end_date", "date"),
                      Field("participants"), Field("decision", "code"), Field("summary_it"),
                      Field("summary_en"), Field("report_url"), FLAG), required=False),
    Spec("threats", (Field("factor", "code", True), Field("assessed_on", "date", True),
                     Field("cause_it"), Field("cause_en"), Field("attributes_affected_it"),
                     Field("attributes_affected_en"),
                     Field("origin", choices=("inside", "outside", "both")),
                     Field("spatial_extent", choices=("restricted", "localised", "extensive", "widespread")),
                     Field("frequency", choices=("one_off", "intermittent", "frequent", "ongoing")),
                     Field("impact", choices=("insignificant", "minor", "significant", "catastrophic")),
                     Field("trend", choices=("decreasing", "static", "increasing")),
                     Field("management_response", choices=("high", "medium", "low", "none")),
                     Field("response_it"), Field("response_en"), Field("assessed_by"), FLAG),
         required=False),
    Spec("cooperation", (Field("code", "code", True, pattern=r"[A-Za-z0-9][A-Za-z0-9_./-]*"),
                         Field("kind", required=True, choices=("agreement", "twinning", "network", "event")),
                         Field("title_it", required=True), Field("title_en", required=True),
                         Field("partner"), Field("body", "code"), Field("city"),
                         Field("country", pattern=r"[A-Z]{2}"), Field("start_date", "date"),
                         Field("end_date", "date"), Field("description_it"),
                         Field("description_en"), Field("url"), FLAG), required=False, geometry=True),
    Spec("stations", (Field("code", "code", True, pattern=r"[A-Za-z0-9_.-]+"),
                      Field("name_it", required=True), Field("name_en", required=True),
                      Field("kind", required=True, choices=("tide_gauge", "water_quality", "meteo", "other")),
                      Field("side", choices=("sea", "lagoon", "river")), Field("operator", "code"),
                      Field("active", "bool", default=True), FLAG), required=False, geometry=True),
]
SPEC = {s.name: s for s in SPECS}
LAYERS = list(SPEC)


def import_register(settings: Settings, path: str | Path) -> LoadReport:
    """Load a register GeoPackage in one transaction; see the module documentation."""
    path = Path(path)
    tables = read_gpkg(path, SPECS)
    if not any(t.rows for t in tables.values()):
        raise InvalidInput(f"{path.name} has none of the register's layers with rows "
                           f"({', '.join(LAYERS)}).")
    report = LoadReport(path.name)
    tally = report.tally
    with connect(settings) as conn, conn.transaction():
        lock(conn, "register")
        site = site_id(conn)
        _bodies(conn, path, tables["bodies"], tally)
        bodies = codes(conn, "SELECT code, id FROM laguna.bodies")
        factors = codes(conn, "SELECT code, code FROM laguna.unesco_factors")
        hint = " (add it to layer bodies)"
        for row in tables["site"].rows:
            body = lookup(bodies, row["managing_body"], path, "site", row, "managing_body", "body", hint)
            with refusal(path, "site", row):
                got = conn.execute(
                    "UPDATE laguna.sites SET managing_body_id = %s, "
                    "description_it = coalesce(%s, description_it), description_en = coalesce(%s, description_en) "
                    "WHERE whc_id = %s AND (managing_body_id, description_it, description_en) IS DISTINCT FROM "
                    "(%s, coalesce(%s, description_it), coalesce(%s, description_en)) RETURNING id",
                    (body, row["description_it"], row["description_en"], row["whc_id"], body,
                     row["description_it"], row["description_en"])).fetchone()
            known = conn.execute("SELECT 1 FROM laguna.sites WHERE whc_id = %s", (row["whc_id"],)).fetchone()
            if not known:
                raise InvalidInput(f"{where(path, 'site', row.number, 'whc_id')}: this store has no site {row['whc_id']}.")
            tally.add("sites", "updated" if got else "unchanged")
        for row in tables["committee"].rows:
            body = lookup(bodies, row["body"], path, "committee", row, "body", "body", hint)
            _dates(path, "committee", row, "since", "until")
            with refusal(path, "committee", row):
                upsert(conn, "committee_memberships",
                       {"body_id": body, "role": row["role"], "since": row["since"]},
                       {k: row[k] for k in ("representative", "until", "act_reference", "illustrative")},
                       tally)
        decisions = _decisions(conn, path, tables, site, factors, tally)
        for row in tables["requests"].rows:
            decision = lookup(decisions, row["decision"], path, "requests", row, "decision",
                              "decision", " (add it to layer decisions)")
            if row["response_status"] in ("submitted", "closed") and row["responded_on"] is None:
                raise InvalidInput(f"{where(path, 'requests', row.number, 'responded_on')}: a "
                                   f"{row['response_status']} request needs the date of the response.")
            with refusal(path, "requests", row):
                upsert(conn, "whc_requests", {"decision_id": decision, "paragraph": row["paragraph"]},
                       {k: row[k] for k in ("request_it", "request_en", "deadline", "response_status",
                                            "responded_on", "response_note_it", "response_note_en",
                                            "illustrative")}, tally)
        for row in tables["missions"].rows:
            decision = lookup(decisions, row["decision"], path, "missions", row, "decision", "decision")
            _dates(path, "missions", row, "start_date", "end_date")
            with refusal(path, "missions", row):
                upsert(conn, "missions", {"site_id": site, "kind": row["kind"], "start_date": row["start_date"]},
                       {"end_date": row["end_date"], "participants": row["participants"],
                        "decision_id": decision, "summary_it": row["summary_it"],
                        "summary_en": row["summary_en"], "report_url": row["report_url"],
                        "illustrative": row["illustrative"]}, tally)
        for row in tables["threats"].rows:
            factor = lookup(factors, row["factor"], path, "threats", row, "factor", "UNESCO factor")
            values = {k: row[k] for k in SPEC["threats"].names if k not in ("factor", "assessed_on")}
            with refusal(path, "threats", row):
                upsert(conn, "threat_assessments",
                       {"site_id": site, "factor_code": factor, "assessed_on": row["assessed_on"]},
                       values, tally)
        _cooperation(conn, path, tables["cooperation"], bodies, tally)
        _stations(conn, path, tables["stations"], bodies, settings.storage_srid, tally)
    return report


def _dates(path: Path, table: str, row, start: str, end: str) -> None:
    if row[start] and row[end] and row[end] < row[start]:
        raise InvalidInput(f"{where(path, table, row.number, end)}: {row[end]} is before {start} {row[start]}.")


def _points(path: Path, table, row, srid: int | None) -> Geom | None:
    if row.geometry is None:
        return None
    if row.geometry.geom_type != "Point":
        raise InvalidInput(f"{where(path, table.name, row.number)}: the geometry is a "
                           f"{row.geometry.geom_type}, not a Point.")
    return Geom(row.geometry, srid, 4326)


def _bodies(conn, path: Path, table, tally: Tally) -> None:
    srid = srid_of(path, table) if any(r.geometry is not None for r in table.rows) else 4326
    for row in table.rows:
        values = {k: row[k] for k in ("name_it", "name_en", "kind", "istat_code", "country",
                                      "website", "email", "illustrative")}
        values["geom"] = _points(path, table, row, srid) or Geom(None, 4326, 4326)
        with refusal(path, "bodies", row):
            upsert(conn, "bodies", {"code": row["code"]}, values, tally)


def _decisions(conn, path: Path, tables, site: int, factors: dict, tally: Tally) -> dict:
    for row in tables["decisions"].rows:
        wanted = {lookup(factors, f, path, "decisions", row, "factors", "UNESCO factor"): {}
                  for f in row["factors"]}
        with refusal(path, "decisions", row):
            decision = upsert(conn, "whc_decisions", {"code": row["code"]},
                              {"site_id": site, "year": row["year"], "title_it": row["title_it"],
                               "title_en": row["title_en"], "summary_it": row["summary_it"],
                               "summary_en": row["summary_en"], "url": row["url"],
                               "illustrative": row["illustrative"]}, tally)
            replace_links(conn, "decision_factors", ("decision_id", decision), "factor_code", wanted, tally)
    return codes(conn, "SELECT code, id FROM laguna.whc_decisions")


def _cooperation(conn, path: Path, table, bodies: dict, tally: Tally) -> None:
    srid = srid_of(path, table) if any(r.geometry is not None for r in table.rows) else 4326
    for row in table.rows:
        _dates(path, "cooperation", row, "start_date", "end_date")
        values = {k: row[k] for k in ("kind", "title_it", "title_en", "partner", "city", "country",
                                      "start_date", "end_date", "description_it", "description_en",
                                      "url", "illustrative")}
        values["body_id"] = lookup(bodies, row["body"], path, "cooperation", row, "body", "body")
        values["geom"] = _points(path, table, row, srid) or Geom(None, 4326, 4326)
        with refusal(path, "cooperation", row):
            upsert(conn, "cooperation", {"code": row["code"]}, values, tally)


def _stations(conn, path: Path, table, bodies: dict, storage_srid: int, tally: Tally) -> None:
    if not table.rows:
        return
    srid = srid_of(path, table)
    for row in table.rows:
        geom = _points(path, table, row, srid)
        if geom is None:
            raise InvalidInput(f"{where(path, 'stations', row.number)}: a station needs a point.")
        values = {k: row[k] for k in ("name_it", "name_en", "kind", "side", "active", "illustrative")}
        values["operator_body_id"] = lookup(bodies, row["operator"], path, "stations", row,
                                            "operator", "body")
        values["geom"] = Geom(geom.shape, srid, storage_srid)
        with refusal(path, "stations", row):
            upsert(conn, "stations", {"code": row["code"]}, values, tally)
