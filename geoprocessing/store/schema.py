"""SQLAlchemy Core mirror of the schema that ``sql/`` creates.

``sql/`` is the source of truth; this mirror gives Python code typed tables (and
GeoAlchemy2 geometry columns) to build queries with. ``tests/test_schema_mirror.py``
fails when the two disagree on a table, a column, a type, nullability or an SRID.
Geometry columns in the storage CRS take the configured SRID, hence :func:`metadata`.
"""

from __future__ import annotations

from functools import lru_cache

from geoalchemy2 import Geometry
from sqlalchemy import (
    ARRAY,
    CHAR,
    BigInteger,
    Boolean,
    Column,
    Date,
    Double,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB, TIMESTAMP

TZ = TIMESTAMP(timezone=True)


def _pk(big: bool = False) -> Column:
    return Column("id", BigInteger if big else Integer, primary_key=True)


def _fk(name: str, target: str, nullable: bool = True, big: bool = False) -> Column:
    return Column(name, BigInteger if big else Integer, ForeignKey(target), nullable=nullable)


def _text(name: str, nullable: bool = True) -> Column:
    return Column(name, Text, nullable=nullable)


def _bilingual(stem: str, nullable: bool = True) -> list[Column]:
    return [_text(f"{stem}_it", nullable), _text(f"{stem}_en", nullable)]


def _geom(name: str, gtype: str, srid: int, nullable: bool = True) -> Column:
    return Column(name, Geometry(gtype, srid=srid, spatial_index=False), nullable=nullable)


def _flag(name: str = "illustrative") -> Column:
    return Column(name, Boolean, nullable=False)


@lru_cache(maxsize=4)
def metadata(srid: int) -> MetaData:
    """All tables of the ``laguna`` and ``audit`` schemas, geometry in EPSG:``srid``."""
    md = MetaData()
    L = "laguna"

    Table("store_info", md, Column("singleton", Boolean, primary_key=True),
          Column("storage_srid", Integer, nullable=False), Column("created_at", TZ, nullable=False),
          schema=L)
    Table("log", md, _pk(True), _text("table_name", False), _text("operation", False),
          _text("row_id"), _text("changed_by", False), Column("changed_at", TZ, nullable=False),
          Column("old_row", JSONB), Column("new_row", JSONB), schema="audit")
    Table("roles", md, Column("code", Text, primary_key=True), *_bilingual("name", False),
          Column("can_edit", Boolean, nullable=False), schema=L)
    Table("bodies", md, _pk(), _text("code", False), *_bilingual("name", False),
          _text("kind", False), _text("istat_code"), Column("country", CHAR(2), nullable=False),
          _text("website"), _text("email"), _geom("geom", "POINT", 4326), _flag(), schema=L)
    Table("users", md, _pk(), _text("username", False), _text("display_name", False),
          _text("email"), Column("role", Text, ForeignKey("laguna.roles.code"), nullable=False),
          _fk("body_id", "laguna.bodies.id"), Column("active", Boolean, nullable=False),
          Column("created_at", TZ, nullable=False), schema=L)
    Table("committee_memberships", md, _pk(), _fk("body_id", "laguna.bodies.id", False),
          _text("role", False), _text("representative"), Column("since", Date, nullable=False),
          Column("until", Date), _text("act_reference"), _flag(), schema=L)

    # -- vocabularies
    Table("zone_kinds", md, Column("code", Text, primary_key=True), *_bilingual("name", False),
          Column("sort_order", Integer, nullable=False), schema=L)
    Table("unesco_factors", md, Column("code", Text, primary_key=True),
          Column("parent_code", Text, ForeignKey("laguna.unesco_factors.code")),
          *_bilingual("name", False), schema=L)

    # -- site, catalogue, zones
    Table("sites", md, _pk(), Column("whc_id", Integer, nullable=False), *_bilingual("name", False),
          Column("inscribed_year", Integer, nullable=False),
          Column("criteria", ARRAY(Text), nullable=False), Column("area_ha", Numeric(12, 2)),
          *_bilingual("description"), _fk("managing_body_id", "laguna.bodies.id"), schema=L)
    Table("layers", md, _pk(), _text("name", False), _text("kind", False),
          *_bilingual("title", False), *_bilingual("description"), _text("geometry_type"),
          _text("table_name"), Column("zone_kind", Text, ForeignKey("laguna.zone_kinds.code")),
          Column("attributes", JSONB, nullable=False), Column("style", JSONB, nullable=False),
          Column("popup_fields", ARRAY(Text), nullable=False),
          Column("legend", JSONB, nullable=False), Column("bands", JSONB, nullable=False),
          _text("licence", False), _text("attribution"), _flag(), _flag("wide_extent"),
          Column("definition", JSONB, nullable=False), Column("created_at", TZ, nullable=False),
          schema=L)
    Table("layer_versions", md, _pk(), _fk("layer_id", "laguna.layers.id", False),
          Column("version", Integer, nullable=False), _text("source_name", False),
          _text("source_format", False), _text("source_checksum", False), _text("source_crs"),
          Column("feature_count", BigInteger, nullable=False),
          Column("repaired_count", Integer, nullable=False), Column("report", JSONB, nullable=False),
          _geom("extent", "POLYGON", srid), Column("imported_at", TZ, nullable=False),
          _text("imported_by", False), _text("licence"), _text("attribution"), _flag(), schema=L)
    Table("raster_assets", md, _pk(), _fk("layer_id", "laguna.layers.id", False),
          _fk("layer_version_id", "laguna.layer_versions.id", False),
          Column("acquired", Date, nullable=False), _text("path", False), _text("checksum", False),
          Column("crs_epsg", Integer, nullable=False), Column("width", Integer, nullable=False),
          Column("height", Integer, nullable=False), Column("band_count", Integer, nullable=False),
          Column("resolution", Double, nullable=False), _text("dtype", False),
          Column("nodata", Double), _geom("footprint", "POLYGON", srid, False), schema=L)
    Table("zones", md, _pk(), _fk("site_id", "laguna.sites.id", False),
          Column("kind", Text, ForeignKey("laguna.zone_kinds.code"), nullable=False),
          _text("code", False), *_bilingual("name", False), _text("status", False),
          _text("legal_reference"), Column("valid_from", Date), Column("valid_to", Date),
          Column("version", Integer, nullable=False), _fk("supersedes_id", "laguna.zones.id"),
          _text("source"), _text("licence"), _flag(),
          _fk("layer_version_id", "laguna.layer_versions.id"),
          Column("attributes", JSONB, nullable=False), _geom("geom", "MULTIPOLYGON", srid, False),
          Column("area_ha", Double, nullable=True), schema=L)

    # -- management plan and funding
    Table("management_plans", md, _pk(), _fk("site_id", "laguna.sites.id", False),
          _text("code", False), *_bilingual("title", False),
          Column("period_start", Integer, nullable=False), Column("period_end", Integer, nullable=False),
          _text("status", False), Column("approved_on", Date), _text("approval_act"), _text("url"),
          _flag(), Column("status_as_of", Date), schema=L)
    Table("challenges", md, _pk(), _fk("plan_id", "laguna.management_plans.id", False),
          _text("code", False), *_bilingual("title", False), *_bilingual("description"), schema=L)
    Table("objectives", md, _pk(), _fk("challenge_id", "laguna.challenges.id", False),
          _fk("parent_id", "laguna.objectives.id"), _text("level", False), _text("code", False),
          *_bilingual("title", False), schema=L)
    Table("action_plans", md, _pk(), _fk("challenge_id", "laguna.challenges.id", False),
          _fk("objective_id", "laguna.objectives.id"), _text("code", False),
          *_bilingual("title", False), *_bilingual("description"), schema=L)
    Table("projects", md, _pk(), _fk("action_plan_id", "laguna.action_plans.id", False),
          _text("code", False), *_bilingual("title", False), *_bilingual("description"),
          _text("status", False), Column("start_date", Date), Column("end_date", Date),
          _fk("lead_body_id", "laguna.bodies.id"), Column("budget_eur", Numeric(14, 2)),
          Column("committed_eur", Numeric(14, 2)), Column("spent_eur", Numeric(14, 2)), _flag(),
          _geom("geom", "GEOMETRY", srid), schema=L)
    Table("project_partners", md,
          Column("project_id", Integer, ForeignKey("laguna.projects.id"), primary_key=True),
          Column("body_id", Integer, ForeignKey("laguna.bodies.id"), primary_key=True),
          _text("role", False), schema=L)
    Table("project_zones", md,
          Column("project_id", Integer, ForeignKey("laguna.projects.id"), primary_key=True),
          Column("zone_id", Integer, ForeignKey("laguna.zones.id"), primary_key=True), schema=L)
    Table("project_factors", md,
          Column("project_id", Integer, ForeignKey("laguna.projects.id"), primary_key=True),
          Column("factor_code", Text, ForeignKey("laguna.unesco_factors.code"), primary_key=True),
          schema=L)
    Table("funding_sources", md, _pk(), _text("code", False), *_bilingual("name", False),
          _text("kind", False), _text("law_reference"), schema=L)
    Table("grants", md, _pk(), _fk("funding_source_id", "laguna.funding_sources.id", False),
          _fk("project_id", "laguna.projects.id"), _fk("beneficiary_body_id", "laguna.bodies.id"),
          *_bilingual("title"), Column("year", Integer, nullable=False),
          Column("law77_line", CHAR(1)), _text("status", False),
          Column("requested_eur", Numeric(14, 2), nullable=False),
          Column("granted_eur", Numeric(14, 2)), Column("spent_eur", Numeric(14, 2)),
          _text("act_reference"), _flag(), _text("code"), schema=L)

    # -- monitoring
    Table("stations", md, _pk(), _text("code", False), *_bilingual("name", False),
          _text("kind", False), _text("side"), _fk("operator_body_id", "laguna.bodies.id"),
          Column("active", Boolean, nullable=False), _flag(), _geom("geom", "POINT", srid, False),
          schema=L)
    Table("station_series", md, _pk(), _fk("station_id", "laguna.stations.id", False),
          _text("parameter", False), _text("unit", False), _text("datum"), schema=L)
    Table("observation_imports", md, _pk(), _fk("series_id", "laguna.station_series.id", False),
          _text("source_name", False), _text("source_checksum", False), _text("timezone", False),
          Column("rows_read", Integer, nullable=False), Column("rows_inserted", Integer, nullable=False),
          Column("rows_duplicate", Integer, nullable=False), Column("report", JSONB, nullable=False),
          Column("imported_at", TZ, nullable=False), _text("imported_by", False), _flag(),
          schema=L)
    Table("observations", md,
          Column("series_id", Integer, ForeignKey("laguna.station_series.id"), primary_key=True),
          Column("observed_at", TZ, primary_key=True), Column("value", Double, nullable=False),
          _fk("import_id", "laguna.observation_imports.id"), schema=L)
    Table("job_runs", md, _pk(True), _text("job_name", False), _text("status", False),
          Column("parameters", JSONB, nullable=False), _text("code_version", False),
          Column("started_at", TZ, nullable=False), Column("finished_at", TZ),
          _text("started_by", False), _text("host"), Column("rows_written", Integer, nullable=False),
          Column("summary", JSONB, nullable=False), _text("error_message"), schema=L)
    Table("job_run_inputs", md, _pk(True), _fk("job_run_id", "laguna.job_runs.id", False, big=True),
          _fk("layer_version_id", "laguna.layer_versions.id"),
          _fk("raster_asset_id", "laguna.raster_assets.id"),
          _fk("series_id", "laguna.station_series.id"), _text("description"), _text("checksum"),
          schema=L)
    Table("indicators", md, _pk(), _text("code", False), *_bilingual("name", False),
          *_bilingual("description"), _text("kind", False), _text("unit", False),
          _text("direction", False), Column("baseline_value", Double), _text("baseline_period"),
          Column("target_value", Double), _text("target_period"),
          Column("warning_threshold", Double), Column("alert_threshold", Double),
          _text("frequency", False), _text("spatial_unit", False),
          Column("zone_kind", Text, ForeignKey("laguna.zone_kinds.code")), _text("method", False),
          _text("job_name"), _fk("challenge_id", "laguna.challenges.id"), *_bilingual("source"),
          _flag(), schema=L)
    Table("indicator_factors", md,
          Column("indicator_id", Integer, ForeignKey("laguna.indicators.id"), primary_key=True),
          Column("factor_code", Text, ForeignKey("laguna.unesco_factors.code"), primary_key=True),
          schema=L)
    Table("project_indicators", md,
          Column("project_id", Integer, ForeignKey("laguna.projects.id"), primary_key=True),
          Column("indicator_id", Integer, ForeignKey("laguna.indicators.id"), primary_key=True),
          schema=L)
    Table("indicator_values", md, _pk(True), _fk("indicator_id", "laguna.indicators.id", False),
          _fk("zone_id", "laguna.zones.id"), _fk("station_id", "laguna.stations.id"),
          _text("category", False), _text("period", False), Column("period_start", Date),
          Column("period_end", Date), Column("value", Double, nullable=False),
          _text("quality", False), _flag(), _fk("job_run_id", "laguna.job_runs.id", big=True),
          _text("entered_by"), Column("entered_at", TZ), _text("source"), schema=L)
    Table("indicator_evaluations", md, _pk(True),
          _fk("indicator_id", "laguna.indicators.id", False), _fk("zone_id", "laguna.zones.id"),
          _fk("station_id", "laguna.stations.id"), _text("category", False),
          Column("evaluated_on", Date, nullable=False),
          _fk("job_run_id", "laguna.job_runs.id", False, big=True), _text("status", False),
          Column("n_values", Integer, nullable=False), _text("last_period"),
          Column("last_value", Double), Column("baseline_value", Double),
          Column("target_value", Double), Column("change_since_baseline", Double),
          Column("trend_slope_per_year", Double), Column("trend_p_value", Double),
          _text("trend", False), _text("reason"), _flag(), schema=L)  # reason, flag: 0010_series

    # -- UNESCO, reports, cooperation
    Table("threat_assessments", md, _pk(), _fk("site_id", "laguna.sites.id", False),
          Column("factor_code", Text, ForeignKey("laguna.unesco_factors.code"), nullable=False),
          Column("assessed_on", Date, nullable=False), *_bilingual("cause"),
          *_bilingual("attributes_affected"), _text("origin"), _text("spatial_extent"),
          _text("frequency"), _text("impact"), _text("trend"), _text("management_response"),
          *_bilingual("response"), _text("assessed_by"), _flag(), schema=L)
    Table("whc_decisions", md, _pk(), _fk("site_id", "laguna.sites.id", False),
          _text("code", False), Column("year", Integer, nullable=False), _text("title_it"),
          _text("title_en", False), *_bilingual("summary"), _text("url"), _flag(), schema=L)
    Table("decision_factors", md,
          Column("decision_id", Integer, ForeignKey("laguna.whc_decisions.id"), primary_key=True),
          Column("factor_code", Text, ForeignKey("laguna.unesco_factors.code"), primary_key=True),
          schema=L)
    Table("whc_requests", md, _pk(), _fk("decision_id", "laguna.whc_decisions.id", False),
          _text("paragraph"), _text("request_it"), _text("request_en", False),
          Column("deadline", Date), _text("response_status", False), Column("responded_on", Date),
          *_bilingual("response_note"), _flag(), schema=L)
    Table("missions", md, _pk(), _fk("site_id", "laguna.sites.id", False), _text("kind", False),
          Column("start_date", Date, nullable=False), Column("end_date", Date),
          _text("participants"), _fk("decision_id", "laguna.whc_decisions.id"),
          *_bilingual("summary"), _text("report_url"), _flag(), schema=L)
    Table("reports", md, _pk(), _text("kind", False), _text("period", False),
          _text("language", False), _fk("partner_body_id", "laguna.bodies.id"),
          _text("title", False), _text("html_path"), _text("pdf_path"), _text("html_checksum"),
          _text("pdf_checksum"), Column("inputs", JSONB, nullable=False),
          Column("created_at", TZ, nullable=False), _text("created_by", False), _flag(), schema=L)
    Table("report_job_runs", md,
          Column("report_id", Integer, ForeignKey("laguna.reports.id"), primary_key=True),
          Column("job_run_id", BigInteger, ForeignKey("laguna.job_runs.id"), primary_key=True),
          schema=L)
    Table("cooperation", md, _pk(), _text("kind", False), *_bilingual("title", False),
          _text("partner"), _fk("body_id", "laguna.bodies.id"), _text("city"),
          Column("country", CHAR(2)), Column("start_date", Date), Column("end_date", Date),
          *_bilingual("description"), _text("url"), _flag(), _geom("geom", "POINT", 4326),
          _text("code"), schema=L)
    # 0009_webapp.sql: density overviews of large layers for vector tiles
    Table("tile_overviews", md,
          Column("layer_id", Integer, ForeignKey("laguna.layers.id"), primary_key=True),
          *(Column(c, Integer, primary_key=True) for c in ("layer_version", "z", "cx", "cy")),
          Column("n", Integer, nullable=False), schema=L)
    return md


def table(name: str, srid: int | None = None) -> Table:
    """A mirrored table by name (``"zones"`` or ``"audit.log"``)."""
    if srid is None:
        from ..config import get_settings

        srid = get_settings().storage_srid
    key = name if "." in name else f"laguna.{name}"
    return metadata(srid).tables[key]
