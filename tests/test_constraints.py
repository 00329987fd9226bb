"""The database itself refuses what the data may not be."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

SQUARE = "ST_Multi(ST_GeomFromText('POLYGON((300000 5030000, 301000 5030000, 301000 5031000, 300000 5031000, 300000 5030000))', 7792))"
BOWTIE = "ST_Multi(ST_GeomFromText('POLYGON((300000 5030000, 301000 5031000, 301000 5030000, 300000 5031000, 300000 5030000))', 7792))"


def zone_sql(geom: str = SQUARE, kind: str = "custom", status: str = "approved", code: str = "z1",
             version: int = 1) -> str:
    return (f"INSERT INTO laguna.zones (site_id, kind, code, name_it, name_en, status, version, geom) "
            f"VALUES ((SELECT id FROM laguna.sites), '{kind}', '{code}', 'Zona', 'Zone', '{status}', "
            f"{version}, {geom})")


def refused(conn: psycopg.Connection, sql: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        with conn.transaction():
            conn.execute(sql)


def test_valid_zone_is_accepted_with_its_area(store_conn):
    with store_conn.transaction(force_rollback=True):
        store_conn.execute(zone_sql())
        assert store_conn.execute("SELECT area_ha FROM laguna.zones WHERE code='z1'").fetchone() == (100.0,)


@pytest.mark.parametrize("sql, error", [
    (zone_sql(BOWTIE), errors.CheckViolation),                                  # invalid geometry
    (zone_sql("ST_Multi(ST_GeomFromText('POLYGON((12 45, 12.1 45, 12.1 45.1, 12 45))', 4326))"),
     errors.InvalidParameterValue),                                             # wrong SRID
    (zone_sql("ST_GeomFromText('POINT(300000 5030000)', 7792)"), errors.InvalidParameterValue),  # wrong type
    (zone_sql(status="aproved"), errors.CheckViolation),                        # bad enum
    (zone_sql(kind="nowhere"), errors.ForeignKeyViolation),                     # unknown zone kind
    ("INSERT INTO laguna.projects (action_plan_id, code, title_it, title_en, status) "
     "VALUES (999999, '1.1', 'P', 'P', 'planned')", errors.ForeignKeyViolation),  # orphan
    ("INSERT INTO laguna.bodies (code, name_it, name_en, kind) VALUES ('b', 'B', 'B', 'spaceship')",
     errors.CheckViolation),
    ("INSERT INTO laguna.grants (funding_source_id, year, status, requested_eur, law77_line) "
     "VALUES ((SELECT id FROM laguna.funding_sources WHERE code='law77'), 2024, 'requested', 1, 'e')",
     errors.CheckViolation),                                                    # Law 77 has lines a-d
    ("INSERT INTO laguna.grants (funding_source_id, year, status, requested_eur) "
     "VALUES ((SELECT id FROM laguna.funding_sources WHERE code='law77'), 2024, 'granted', 1)",
     errors.CheckViolation),                                                    # granted needs an amount
    ("INSERT INTO laguna.indicators (code, name_it, name_en, kind, unit, direction, frequency, "
     "spatial_unit, method) VALUES ('X1', 'x', 'x', 'state', '%', 'lower_is_better', 'annual', 'site', "
     "'computed')", errors.CheckViolation),                                     # computed needs a job
    ("INSERT INTO laguna.job_runs (job_name, status, code_version) VALUES ('j', 'failed', 'v')",
     errors.CheckViolation),                                                    # failure needs a message
    ("INSERT INTO laguna.unesco_factors (code, parent_code, name_it, name_en) VALUES ('2.9', '1', 'x', 'x')",
     errors.CheckViolation),                                                    # child under wrong parent
])
def test_database_refuses(store_conn, sql, error):
    refused(store_conn, sql, error)


@pytest.fixture
def indicator(store_conn):
    store_conn.execute(
        "INSERT INTO laguna.indicators (code, name_it, name_en, kind, unit, direction, frequency, "
        "spatial_unit, method) VALUES ('T1', 't', 't', 'state', 'ha', 'higher_is_better', 'annual', "
        "'site', 'entered')")
    return store_conn.execute("SELECT id FROM laguna.indicators WHERE code='T1'").fetchone()[0]


def value_sql(indicator: int, period: str = "2024", value: str = "1.5", who: str = "'ana'") -> str:
    when = "now()" if who != "NULL" else "NULL"
    return (f"INSERT INTO laguna.indicator_values (indicator_id, period, value, entered_by, entered_at) "
            f"VALUES ({indicator}, '{period}', {value}, {who}, {when})")


def test_indicator_periods_derive_their_dates(store_conn, indicator):
    for period, start, end in [("2024", "2024-01-01", "2024-12-31"), ("2024-Q2", "2024-04-01", "2024-06-30"),
                               ("2024-02", "2024-02-01", "2024-02-29"), ("2023-11-05", "2023-11-05", "2023-11-05")]:
        store_conn.execute(value_sql(indicator, period))
        row = store_conn.execute("SELECT period_start::text, period_end::text FROM laguna.indicator_values "
                                 "WHERE period = %s", (period,)).fetchone()
        assert row == (start, end)


@pytest.mark.parametrize("period, value, who", [
    ("2024-13", "1", "'ana'"),        # no such month
    ("24", "1", "'ana'"),             # not a period
    ("2024", "'NaN'", "'ana'"),       # NaN
    ("2024", "1", "NULL"),            # no provenance
])
def test_indicator_value_refused(store_conn, indicator, period, value, who):
    refused(store_conn, value_sql(indicator, period, value, who), errors.CheckViolation)


def test_one_value_per_place_and_period_even_without_a_zone(store_conn, indicator):
    store_conn.execute(value_sql(indicator))
    refused(store_conn, value_sql(indicator), errors.UniqueViolation)


def test_one_live_version_of_a_zone_per_status(store_conn):
    store_conn.execute(zone_sql(code="lag"))
    refused(store_conn, zone_sql(code="lag", version=2), errors.UniqueViolation)
    # a proposed redrawing may stand beside the approved boundary
    store_conn.execute(zone_sql(code="lag", status="proposed", version=2))
