"""Everything the report reads from the store, as DataFrames (one query each).

All queries are parameterised and ordered, so the same store gives the same frames; the
period's last day (``end``) bounds what is read. Geometries come as WKB in the storage CRS.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd
import psycopg
from psycopg.rows import dict_row


def frame(conn: psycopg.Connection, query: str, params=None, columns: list[str] | None = None) -> pd.DataFrame:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, params)
        rows = cur.fetchall()
        names = [d.name for d in cur.description] if cur.description else (columns or [])
    return pd.DataFrame(rows, columns=names)


def geoframe(df: pd.DataFrame, srid: int, column: str = "geom") -> gpd.GeoDataFrame:
    geoms = gpd.GeoSeries.from_wkb([None if g is None else bytes(g) for g in df[column]],
                                   crs=f"EPSG:{srid}")
    return gpd.GeoDataFrame(df.drop(columns=column), geometry=geoms, crs=f"EPSG:{srid}")


def site(conn) -> dict:
    return frame(conn, "SELECT id, whc_id, name_it, name_en, inscribed_year, criteria, area_ha::float8 AS area_ha "
                       "FROM laguna.sites ORDER BY id LIMIT 1").iloc[0].to_dict()


def plan(conn, year: int) -> dict | None:
    """The plan in force in the year (else the latest one)."""
    df = frame(conn, """
        SELECT id, code, title_it, title_en, period_start, period_end, status, approved_on, illustrative
          FROM laguna.management_plans
         ORDER BY (status <> 'draft' AND %(y)s BETWEEN period_start AND period_end) DESC,
                  period_start DESC, id DESC LIMIT 1""", {"y": year})
    return None if df.empty else df.iloc[0].to_dict()


def body(conn, code: str) -> dict | None:
    df = frame(conn, "SELECT id, code, name_it, name_en, kind, istat_code FROM laguna.bodies WHERE code = %s",
               (code,))
    return None if df.empty else df.iloc[0].to_dict()


def zones(conn, srid: int) -> gpd.GeoDataFrame:
    """Current zones: one per kind and code, the approved boundary before a proposed one."""
    df = frame(conn, """
        SELECT DISTINCT ON (z.kind, z.code) z.id, z.kind, z.code, z.name_it, z.name_en, z.status,
               z.area_ha, z.illustrative, z.layer_version_id, z.source, z.licence, z.legal_reference,
               k.sort_order, k.name_it AS kind_it, k.name_en AS kind_en, ST_AsBinary(z.geom) AS geom
          FROM laguna.zones z JOIN laguna.zone_kinds k ON k.code = z.kind
         WHERE z.status <> 'superseded'
         ORDER BY z.kind, z.code, (z.status = 'approved') DESC, z.version DESC""")
    out = geoframe(df, srid)
    return out.sort_values(["sort_order", "code"]).reset_index(drop=True)


def territory(conn, core: list[int], project_ids: list[int]) -> list[int]:
    """Zones of a partner's territory: with a core (a municipality's zone), the zones
    intersecting it by more than touching (the overlap exceeds 1 % of the smaller area);
    without, the zones the partner's projects are linked to or overlap."""
    if core:
        return [r[0] for r in conn.execute("""
            WITH m AS (SELECT ST_Union(geom) AS geom FROM laguna.zones WHERE id = ANY(%(core)s))
            SELECT z.id FROM laguna.zones z, m
             WHERE z.status <> 'superseded' AND ST_Intersects(z.geom, m.geom)
               AND ST_Area(ST_Intersection(z.geom, m.geom)) > 0.01 * least(ST_Area(z.geom), ST_Area(m.geom))
             ORDER BY z.id""", {"core": core}).fetchall()]
    return [r[0] for r in conn.execute("""
        SELECT zone_id FROM laguna.project_zones WHERE project_id = ANY(%(p)s)
        UNION
        SELECT z.id FROM laguna.zones z JOIN laguna.projects p ON p.geom IS NOT NULL
               AND ST_Intersects(z.geom, p.geom) AND NOT ST_Touches(z.geom, p.geom)
         WHERE p.id = ANY(%(p)s) AND z.status <> 'superseded'
        ORDER BY 1""", {"p": project_ids}).fetchall()]


def indicators(conn) -> pd.DataFrame:
    return frame(conn, """
        SELECT i.id, i.code, i.name_it, i.name_en, i.description_it, i.description_en, i.kind, i.unit,
               i.direction, i.baseline_value, i.baseline_period, i.target_value, i.target_period,
               i.warning_threshold, i.alert_threshold, i.frequency, i.spatial_unit, i.zone_kind,
               i.method, i.job_name, i.challenge_id, i.source_it, i.source_en, i.illustrative,
               coalesce((SELECT array_agg(f.factor_code ORDER BY f.factor_code)
                           FROM laguna.indicator_factors f WHERE f.indicator_id = i.id), '{}') AS factors
          FROM laguna.indicators i ORDER BY i.code""")


def values(conn, end: date) -> pd.DataFrame:
    """Every indicator value whose period starts by the end of the report's period."""
    return frame(conn, """
        SELECT v.id, i.code AS indicator, v.zone_id, v.station_id, v.category, v.period,
               v.period_start, v.period_end, v.value, v.quality, v.illustrative, v.job_run_id,
               v.entered_by, v.entered_at, v.source
          FROM laguna.indicator_values v JOIN laguna.indicators i ON i.id = v.indicator_id
         WHERE v.period_start <= %(end)s
         ORDER BY i.code, v.zone_id NULLS FIRST, v.station_id NULLS FIRST, v.category, v.period_start, v.id""",
                 {"end": end})


def evaluations(conn, end: date) -> pd.DataFrame:
    """For each series, the evaluation that speaks for the period: the latest made by its
    end; else the earliest made after it, provided the series gained no value in between
    (an evaluation made later on the same values says the same)."""
    return frame(conn, """
        SELECT DISTINCT ON (e.indicator_id, e.zone_id, e.station_id, e.category)
               e.id, i.code AS indicator, e.zone_id, e.station_id, e.category, e.evaluated_on,
               e.job_run_id, e.status, e.n_values, e.last_period, e.last_value, e.baseline_value,
               e.target_value, e.change_since_baseline, e.trend_slope_per_year, e.trend_p_value, e.trend
          FROM laguna.indicator_evaluations e JOIN laguna.indicators i ON i.id = e.indicator_id
         WHERE e.evaluated_on <= %(end)s
            OR NOT EXISTS (SELECT 1 FROM laguna.indicator_values v
                            WHERE v.indicator_id = e.indicator_id AND v.zone_id IS NOT DISTINCT FROM e.zone_id
                              AND v.station_id IS NOT DISTINCT FROM e.station_id AND v.category = e.category
                              AND v.period_start > %(end)s AND v.period_start <= e.evaluated_on)
         ORDER BY e.indicator_id, e.zone_id, e.station_id, e.category, (e.evaluated_on > %(end)s),
                  abs(e.evaluated_on - %(end)s), e.id DESC""", {"end": end})


def stations(conn, srid: int) -> gpd.GeoDataFrame:
    df = frame(conn, "SELECT id, code, name_it, name_en, kind, side, illustrative, ST_AsBinary(geom) AS geom "
                     "FROM laguna.stations ORDER BY code")
    return geoframe(df, srid)


def challenges(conn, plan_id: int) -> pd.DataFrame:
    return frame(conn, "SELECT id, code, title_it, title_en, description_it, description_en "
                       "FROM laguna.challenges WHERE plan_id = %s ORDER BY code", (plan_id,))


def projects(conn, plan_id: int, srid: int) -> gpd.GeoDataFrame:
    df = frame(conn, """
        SELECT p.id, c.code AS challenge, c.id AS challenge_id, a.code AS action_plan, p.code,
               a.title_it AS action_it, a.title_en AS action_en, p.title_it, p.title_en, p.status,
               p.start_date, p.end_date, p.budget_eur::float8 AS budget, p.committed_eur::float8 AS committed,
               p.spent_eur::float8 AS spent, p.illustrative, p.lead_body_id,
               b.code AS lead_code, b.name_it AS lead_it, b.name_en AS lead_en,
               coalesce((SELECT array_agg(pb.code ORDER BY pb.code) FROM laguna.project_partners pp
                          JOIN laguna.bodies pb ON pb.id = pp.body_id WHERE pp.project_id = p.id), '{}') AS partner_codes,
               coalesce((SELECT array_agg(pp.body_id ORDER BY pp.body_id) FROM laguna.project_partners pp
                          WHERE pp.project_id = p.id), '{}') AS partner_ids,
               coalesce((SELECT array_agg(pz.zone_id ORDER BY pz.zone_id) FROM laguna.project_zones pz
                          WHERE pz.project_id = p.id), '{}') AS zone_ids,
               coalesce((SELECT array_agg(f.factor_code ORDER BY f.factor_code) FROM laguna.project_factors f
                          WHERE f.project_id = p.id), '{}') AS factors,
               ST_AsBinary(p.geom) AS geom
          FROM laguna.projects p JOIN laguna.action_plans a ON a.id = p.action_plan_id
          JOIN laguna.challenges c ON c.id = a.challenge_id
          LEFT JOIN laguna.bodies b ON b.id = p.lead_body_id
         WHERE c.plan_id = %s
         ORDER BY c.code, a.code::int, p.code, p.id""", (plan_id,))
    return geoframe(df, srid)


def bodies(conn) -> pd.DataFrame:
    return frame(conn, "SELECT id, code, name_it, name_en, kind FROM laguna.bodies ORDER BY code")


def grants(conn, year: int) -> pd.DataFrame:
    return frame(conn, """
        SELECT g.id, s.code AS source, s.name_it AS source_it, s.name_en AS source_en, s.kind AS source_kind,
               g.project_id, g.beneficiary_body_id, g.title_it, g.title_en, g.year, g.law77_line, g.status,
               g.requested_eur::float8 AS requested, g.granted_eur::float8 AS granted,
               g.spent_eur::float8 AS spent, g.illustrative
          FROM laguna.grants g JOIN laguna.funding_sources s ON s.id = g.funding_source_id
         WHERE g.year <= %s ORDER BY g.year, s.code, g.id""", (year,))


def factors(conn) -> pd.DataFrame:
    return frame(conn, "SELECT code, parent_code, name_it, name_en FROM laguna.unesco_factors "
                       "ORDER BY string_to_array(code, '.')::int[]")


def threat_assessments(conn, site_id: int, end: date) -> pd.DataFrame:
    return frame(conn, """
        SELECT t.id, t.factor_code, t.assessed_on, t.cause_it, t.cause_en, t.attributes_affected_it,
               t.attributes_affected_en, t.origin, t.spatial_extent, t.frequency, t.impact, t.trend,
               t.management_response, t.response_it, t.response_en, t.assessed_by, t.illustrative
          FROM laguna.threat_assessments t
         WHERE t.site_id = %s AND t.assessed_on <= %s
         ORDER BY t.factor_code, t.assessed_on DESC, t.id DESC""", (site_id, end))


def decisions(conn, site_id: int, year: int) -> pd.DataFrame:
    return frame(conn, """
        SELECT d.id, d.code, d.year, d.title_it, d.title_en, d.summary_it, d.summary_en,
               coalesce((SELECT array_agg(f.factor_code ORDER BY f.factor_code) FROM laguna.decision_factors f
                          WHERE f.decision_id = d.id), '{}') AS factors
          FROM laguna.whc_decisions d WHERE d.site_id = %s AND d.year <= %s ORDER BY d.year, d.code""",
                 (site_id, year))


def requests(conn, site_id: int, end: date) -> pd.DataFrame:
    return frame(conn, """
        SELECT r.id, d.code AS decision, r.paragraph, r.request_it, r.request_en, r.deadline,
               r.response_status, r.responded_on
          FROM laguna.whc_requests r JOIN laguna.whc_decisions d ON d.id = r.decision_id
         WHERE d.site_id = %s AND make_date(d.year, 1, 1) <= %s
         ORDER BY r.deadline NULLS LAST, d.code, r.paragraph""", (site_id, end))


def job_runs(conn, ids: list[int]) -> pd.DataFrame:
    return frame(conn, """
        SELECT r.id, r.job_name, r.status, r.parameters, r.code_version, r.started_at, r.finished_at,
               r.rows_written, r.summary
          FROM laguna.job_runs r WHERE r.id = ANY(%s) ORDER BY r.id""", (ids,))


def run_inputs(conn, ids: list[int]) -> pd.DataFrame:
    from ..jobs.runner import RUN_INPUTS_SQL

    return frame(conn, RUN_INPUTS_SQL, (ids,))


def layer_versions(conn, ids: list[int]) -> pd.DataFrame:
    return frame(conn, """
        SELECT v.id, l.name, l.kind, l.title_it, l.title_en, v.licence, v.attribution, v.illustrative,
               v.version, v.source_name, v.source_checksum, v.imported_at, v.feature_count
          FROM laguna.layer_versions v JOIN laguna.layers l ON l.id = v.layer_id
         WHERE v.id = ANY(%s) ORDER BY l.name, v.version""", (ids,))


def raster_assets(conn, ids: list[int]) -> pd.DataFrame:
    return frame(conn, """
        SELECT a.id, l.name AS layer, l.title_it, l.title_en, v.licence, v.attribution, v.illustrative,
               a.acquired, a.path, a.checksum, a.resolution, a.layer_version_id, v.version
          FROM laguna.raster_assets a JOIN laguna.layers l ON l.id = a.layer_id
          JOIN laguna.layer_versions v ON v.id = a.layer_version_id
         WHERE a.id = ANY(%s) ORDER BY l.name, a.acquired""", (ids,))


def current_rasters(conn, layer: str, end: date) -> pd.DataFrame:
    """The current asset of each date of a raster layer up to ``end`` (highest layer version)."""
    return frame(conn, """
        SELECT DISTINCT ON (a.acquired) a.id, a.acquired, a.path, a.checksum, a.nodata, a.layer_version_id,
               l.legend, l.title_it, l.title_en, l.illustrative
          FROM laguna.raster_assets a JOIN laguna.layers l ON l.id = a.layer_id
          JOIN laguna.layer_versions v ON v.id = a.layer_version_id
         WHERE l.name = %s AND a.acquired <= %s
         ORDER BY a.acquired, v.version DESC""", (layer, end))


def observation_imports(conn, series_ids: list[int]) -> pd.DataFrame:
    return frame(conn, """
        SELECT oi.id, oi.series_id, st.code AS station, s.parameter, s.unit, oi.source_name, oi.source_checksum,
               oi.rows_inserted, oi.imported_at
          FROM laguna.observation_imports oi JOIN laguna.station_series s ON s.id = oi.series_id
          JOIN laguna.stations st ON st.id = s.station_id
         WHERE oi.series_id = ANY(%s) ORDER BY st.code, s.parameter, oi.id""", (series_ids,))


def vector_layer(conn, name: str) -> dict | None:
    """The catalogue entry of a vector layer and its current version."""
    df = frame(conn, """
        SELECT l.id, l.name, l.table_name, l.title_it, l.title_en, l.style, l.legend, l.licence,
               l.illustrative, v.id AS version_id, v.version, v.source_checksum
          FROM laguna.layers l JOIN laguna.layer_versions v ON v.layer_id = l.id
         WHERE l.name = %s AND l.kind = 'vector' AND l.table_name IS NOT NULL
         ORDER BY v.version DESC LIMIT 1""", (name,))
    return None if df.empty else df.iloc[0].to_dict()


def zone_layer_styles(conn) -> dict[str, dict]:
    df = frame(conn, "SELECT zone_kind, style FROM laguna.layers WHERE zone_kind IS NOT NULL ORDER BY id")
    return {r["zone_kind"]: r["style"] or {} for r in df.to_dict("records")}
