"""The Management Plan's projects, their filters and their details."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from ..params import Page
from . import geojson, one, rows

STATUSES = ("proposed", "planned", "ongoing", "completed", "suspended", "cancelled")

# The Plan's codes as people write them (and the plan_implementation job names action
# plans): challenge S1, its action plan 1 is S1.1, that plan's project 1.2 is S1.1.2 (the
# project code carries its action plan's number). Over c (challenges), ap, p.
ACTION_PLAN_CODE = sql.SQL("c.code || '.' || ap.code")
PROJECT_CODE = sql.SQL("c.code || '.' || p.code")


@dataclass(frozen=True)
class ProjectFilter:
    """Projects to show; None means any. Codes, not ids, so that URLs read well."""

    challenge: str | None = None      # challenge code, e.g. S1
    action_plan: int | None = None    # action plan id
    status: str | None = None
    lead_body: str | None = None      # body code
    funding: str | None = None        # funding source code

    def params(self) -> dict:
        return {"f_challenge": self.challenge, "f_action_plan": self.action_plan,
                "f_status": self.status, "f_lead_body": self.lead_body, "f_funding": self.funding}


WHERE = sql.SQL("""
       (%(f_challenge)s::text IS NULL OR c.code = %(f_challenge)s)
   AND (%(f_action_plan)s::int IS NULL OR ap.id = %(f_action_plan)s)
   AND (%(f_status)s::text IS NULL OR p.status = %(f_status)s)
   AND (%(f_lead_body)s::text IS NULL OR b.code = %(f_lead_body)s)
   AND (%(f_funding)s::text IS NULL OR EXISTS (
           SELECT 1 FROM laguna.grants g JOIN laguna.funding_sources fs ON fs.id = g.funding_source_id
            WHERE g.project_id = p.id AND fs.code = %(f_funding)s))""")
FROM = sql.SQL("""
  FROM laguna.projects p
  JOIN laguna.action_plans ap ON ap.id = p.action_plan_id
  JOIN laguna.challenges c ON c.id = ap.challenge_id
  JOIN laguna.management_plans mp ON mp.id = c.plan_id
  LEFT JOIN laguna.bodies b ON b.id = p.lead_body_id""")
COLUMNS = sql.SQL("""
       p.id, p.code, {project_code} AS full_code, p.title_it, p.title_en, p.status,
       p.start_date, p.end_date, p.budget_eur, p.committed_eur, p.spent_eur, p.illustrative,
       c.code AS challenge, c.title_it AS challenge_it, c.title_en AS challenge_en,
       ap.id AS action_plan_id, ap.code AS action_plan,
       {action_plan_code} AS action_plan_code, ap.title_it AS action_plan_it,
       ap.title_en AS action_plan_en, mp.code AS plan, b.code AS lead_body,
       b.name_it AS lead_body_it, b.name_en AS lead_body_en""").format(
    project_code=PROJECT_CODE, action_plan_code=ACTION_PLAN_CODE)
ORDER = sql.SQL(" ORDER BY mp.code, c.code, ap.code::int, p.code, p.id")


def projects_geojson(conn: psycopg.Connection, flt: ProjectFilter, page: Page, *, bbox=None,
                     zoom: int | None = None, point: bool = False, srid: int) -> geojson.Collection:
    """Projects with a location, as GeoJSON (``point``: one point on each geometry)."""
    in_box, params = geojson.bbox_filter(sql.SQL("p.geom"), bbox, srid)
    params.update(flt.params())
    inner = sql.SQL("SELECT {cols}, {geom} AS geom {frm} WHERE p.geom IS NOT NULL AND {where} "
                    "AND {box}").format(
        cols=COLUMNS, geom=geojson.web_geometry(sql.SQL("p.geom"), zoom, point=point),
        frm=FROM, where=WHERE, box=in_box) + ORDER
    return geojson.collection(conn, inner, params, page)


def projects(conn: psycopg.Connection, flt: ProjectFilter, limit: int = 500) -> list[dict]:
    """Every matching project (with or without location), for tables."""
    query = sql.SQL("SELECT {cols}, p.geom IS NOT NULL AS located {frm} WHERE {where}").format(
        cols=COLUMNS, frm=FROM, where=WHERE) + ORDER + sql.SQL(" LIMIT %(limit)s")
    return rows(conn, query, {**flt.params(), "limit": limit})


def filter_options(conn: psycopg.Connection) -> dict[str, list[dict]]:
    """What the plan map's filters offer: only values that some project uses."""
    return {
        "challenges": rows(conn, """
            SELECT DISTINCT c.code, c.title_it, c.title_en FROM laguna.challenges c
              JOIN laguna.action_plans ap ON ap.challenge_id = c.id
              JOIN laguna.projects p ON p.action_plan_id = ap.id ORDER BY c.code LIMIT 500"""),
        "action_plans": rows(conn, sql.SQL("""
            SELECT DISTINCT ap.id, ap.code, c.code AS challenge, {code} AS full_code,
                   ap.title_it, ap.title_en
              FROM laguna.action_plans ap JOIN laguna.challenges c ON c.id = ap.challenge_id
              JOIN laguna.projects p ON p.action_plan_id = ap.id ORDER BY c.code, ap.code LIMIT 1000""")
                             .format(code=ACTION_PLAN_CODE)),
        "statuses": [{"code": s} for s in STATUSES],
        "bodies": rows(conn, """
            SELECT DISTINCT b.code, b.name_it, b.name_en FROM laguna.bodies b
              JOIN laguna.projects p ON p.lead_body_id = b.id ORDER BY b.name_it LIMIT 1000"""),
        "funding": rows(conn, """
            SELECT DISTINCT fs.code, fs.name_it, fs.name_en FROM laguna.funding_sources fs
              JOIN laguna.grants g ON g.funding_source_id = fs.id
             WHERE g.project_id IS NOT NULL ORDER BY fs.name_it LIMIT 1000"""),
    }


def project(conn: psycopg.Connection, project_id: int) -> dict:
    found = one(conn, sql.SQL("""
        SELECT {cols}, p.description_it, p.description_en, mp.title_it AS plan_it,
               mp.title_en AS plan_en, mp.illustrative AS plan_illustrative,
               ST_AsGeoJSON(ST_Transform(p.geom, 4326), 6) AS geojson {frm}
         WHERE p.id = %(id)s""").format(cols=COLUMNS, frm=FROM), {"id": project_id},
                missing=f"There is no project with id {project_id}.")
    found["partners"] = rows(conn, """
        SELECT b.code, b.name_it, b.name_en, pp.role FROM laguna.project_partners pp
          JOIN laguna.bodies b ON b.id = pp.body_id WHERE pp.project_id = %s
         ORDER BY pp.role, b.name_it LIMIT 500""", (project_id,))
    found["grants"] = rows(conn, """
        SELECT g.id, g.year, g.status, g.law77_line, g.requested_eur, g.granted_eur, g.spent_eur,
               g.act_reference, g.title_it, g.title_en, fs.code AS source, fs.name_it AS source_it,
               fs.name_en AS source_en, b.name_it AS beneficiary_it, b.name_en AS beneficiary_en
          FROM laguna.grants g JOIN laguna.funding_sources fs ON fs.id = g.funding_source_id
          LEFT JOIN laguna.bodies b ON b.id = g.beneficiary_body_id
         WHERE g.project_id = %s ORDER BY g.year, g.id LIMIT 500""", (project_id,))
    found["zones"] = rows(conn, """
        SELECT z.id, z.kind, z.code, z.name_it, z.name_en FROM laguna.project_zones pz
          JOIN laguna.zones z ON z.id = pz.zone_id WHERE pz.project_id = %s
         ORDER BY z.kind, z.code LIMIT 500""", (project_id,))
    found["indicators"] = rows(conn, """
        SELECT i.code, i.name_it, i.name_en FROM laguna.project_indicators pi
          JOIN laguna.indicators i ON i.id = pi.indicator_id WHERE pi.project_id = %s
         ORDER BY i.code LIMIT 500""", (project_id,))
    found["factors"] = rows(conn, """
        SELECT f.code, f.name_it, f.name_en FROM laguna.project_factors pf
          JOIN laguna.unesco_factors f ON f.code = pf.factor_code WHERE pf.project_id = %s
         ORDER BY f.code LIMIT 500""", (project_id,))
    return found
