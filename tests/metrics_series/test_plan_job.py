"""Job plan_implementation on the store, against SQL aggregates written independently."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import psycopg
import pytest

from geoprocessing.errors import InvalidInput, NotFound
from geoprocessing.jobs.runner import run_job

from .conftest import add_zone, indicator_values, lonlat_polygon

CODES = ("PLAN_PROJECTS", "PLAN_BUDGET", "PLAN_BUDGET_SPENT_SHARE", "PLAN_FUNDING")
SNAPSHOT = str(datetime.now(ZoneInfo("Europe/Rome")).year)
SQUARE = lonlat_polygon([(12.32, 45.435), (12.34, 45.435), (12.34, 45.445), (12.32, 45.445)])


def add_plan(conn) -> None:
    conn.execute("INSERT INTO laguna.management_plans (site_id, code, title_it, title_en, period_start, period_end, "
                 "status, illustrative) VALUES ((SELECT id FROM laguna.sites), 'PG-2024-2030', 'Piano', 'Plan', "
                 "2024, 2030, 'in_force', true)")
    conn.execute("INSERT INTO laguna.funding_sources (code, name_it, name_en, kind) VALUES ('fesr', 'FESR', 'ERDF', 'eu')")
    for challenge in ("S1", "S2"):
        conn.execute("INSERT INTO laguna.challenges (plan_id, code, title_it, title_en) "
                     "SELECT id, %s, %s, %s FROM laguna.management_plans", (challenge, challenge, challenge))
    for challenge, action_plan in (("S1", "1"), ("S1", "2"), ("S2", "1")):
        conn.execute("INSERT INTO laguna.action_plans (challenge_id, code, title_it, title_en) "
                     "SELECT id, %s, 'AP', 'AP' FROM laguna.challenges WHERE code = %s", (action_plan, challenge))
    projects = [  # challenge, action plan, code, status, budget, committed, spent, geometry (WKT or None)
        ("S1", "1", "1.1", "ongoing", 100_000, 60_000, 30_000, None),
        ("S1", "1", "1.2", "completed", 50_000, 50_000, 50_000, SQUARE),
        ("S1", "2", "2.1", "ongoing", 20_000, None, None, None),
        ("S2", "1", "1.1", "cancelled", 80_000, 0, 0, None),
        ("S2", "1", "1.2", "planned", None, None, None, None),
    ]
    for challenge, ap, code, status, budget, committed, spent, geom in projects:
        conn.execute(
            "INSERT INTO laguna.projects (action_plan_id, code, title_it, title_en, status, budget_eur, committed_eur, "
            "spent_eur, illustrative, geom) SELECT a.id, %s, 'Progetto', 'Project', %s, %s, %s, %s, true, "
            "ST_GeomFromText(%s, 7792) FROM laguna.action_plans a JOIN laguna.challenges c ON c.id = a.challenge_id "
            "WHERE c.code = %s AND a.code = %s", (code, status, budget, committed, spent, geom, challenge, ap))
    grants = [("law77", "S1", "1", "1.1", 2023, "granted", 40_000), ("law77", "S1", "1", "1.1", 2024, "closed", 10_000),
              ("fesr", "S1", "1", "1.2", 2024, "granted", 25_000), ("law77", "S2", "1", "1.2", 2024, "requested", None)]
    for source, challenge, ap, code, year, status, granted in grants:
        conn.execute(
            "INSERT INTO laguna.grants (funding_source_id, project_id, year, status, requested_eur, granted_eur) "
            "SELECT s.id, p.id, %s, %s, 50000, %s FROM laguna.funding_sources s, laguna.projects p "
            "JOIN laguna.action_plans a ON a.id = p.action_plan_id JOIN laguna.challenges c ON c.id = a.challenge_id "
            "WHERE s.code = %s AND c.code = %s AND a.code = %s AND p.code = %s",
            (year, status, granted, source, challenge, ap, code))


@pytest.fixture
def planned(settings, conn):
    add_plan(conn)
    add_zone(conn, "sestiere", "CANNAREGIO", SQUARE, population=15000)
    zone = add_zone(conn, "island", "MURANO", lonlat_polygon([(12.34, 45.45), (12.36, 45.45), (12.36, 45.46),
                                                              (12.34, 45.46)]))
    conn.execute("INSERT INTO laguna.project_zones (project_id, zone_id) SELECT p.id, %s FROM laguna.projects p "
                 "JOIN laguna.action_plans a ON a.id = p.action_plan_id WHERE a.code = '2'", (zone,))
    return settings


def sql_expected(settings) -> dict:
    """The same figures by plain SQL: status counts, budget of live projects, granted funding."""
    with psycopg.connect(settings.database_url) as c:
        counts = dict(c.execute("SELECT status, count(*) FROM laguna.projects GROUP BY status").fetchall())
        allocated, committed, spent = c.execute(
            "SELECT sum(budget_eur), sum(committed_eur), sum(spent_eur) FROM laguna.projects "
            "WHERE status <> 'cancelled'").fetchone()
        funding = dict(((str(y), s), float(v)) for y, s, v in c.execute(
            "SELECT g.year, s.code, sum(g.granted_eur) FROM laguna.grants g JOIN laguna.funding_sources s "
            "ON s.id = g.funding_source_id WHERE g.status IN ('granted', 'closed') GROUP BY 1, 2").fetchall())
        zone_counts = dict(c.execute(
            "SELECT z.code, count(*) FROM laguna.zones z JOIN laguna.projects p ON "
            "p.id IN (SELECT project_id FROM laguna.project_zones WHERE zone_id = z.id) OR "
            "(p.id NOT IN (SELECT project_id FROM laguna.project_zones) AND ST_Intersects(p.geom, z.geom) "
            " AND NOT ST_Touches(p.geom, z.geom)) GROUP BY z.code").fetchall())
    return {"counts": counts, "budget": (float(allocated), float(committed), float(spent)), "funding": funding,
            "zones": zone_counts}


def test_plan_figures_agree_with_sql(planned):
    result = run_job(planned, "plan_implementation", quiet=True)
    rows = indicator_values(planned, *CODES)
    site = {(code, category, period): value for code, zone, _, category, period, value, _ in rows if zone is None}
    expected = sql_expected(planned)
    for status, count in expected["counts"].items():
        assert site[("PLAN_PROJECTS", status, SNAPSHOT)] == count
    assert site[("PLAN_PROJECTS", "suspended", SNAPSHOT)] == 0
    assert tuple(site[("PLAN_BUDGET", k, SNAPSHOT)] for k in ("allocated", "committed", "spent")) == expected["budget"]
    assert site[("PLAN_BUDGET_SPENT_SHARE", "", SNAPSHOT)] == pytest.approx(
        100 * expected["budget"][2] / expected["budget"][0])
    assert {(p, c): v for (i, c, p), v in site.items() if i == "PLAN_FUNDING" and ":" not in c} == {
        (p, s): v for (p, s), v in expected["funding"].items()}
    assert site[("PLAN_PROJECTS", "S1:ongoing", SNAPSHOT)] == 2 and site[("PLAN_PROJECTS", "S1.2:ongoing", SNAPSHOT)] == 1
    zones = {}
    for code, zone, *_, value, _ in rows:
        if zone and code == "PLAN_PROJECTS":
            zones[zone] = zones.get(zone, 0) + value
    assert zones == expected["zones"]  # Cannaregio by geometry (1.2), Murano by link (2.1)
    assert result.summary["projects"] == 5 and result.summary["projects_in_zones"] == 2
    with psycopg.connect(planned.database_url) as c:
        assert c.execute("SELECT bool_and(illustrative) FROM laguna.indicator_values").fetchone()[0] is True


def test_twice_same_values_and_period_replaces_only_that_year(planned):
    run_job(planned, "plan_implementation", quiet=True)
    first = indicator_values(planned, *CODES)
    run_job(planned, "plan_implementation", quiet=True)
    assert indicator_values(planned, *CODES) == first
    run_job(planned, "plan_implementation", quiet=True, period="2023")
    assert indicator_values(planned, *CODES) == first
    run_job(planned, "plan_implementation", quiet=True, zone_kinds=("island",))
    assert indicator_values(planned, *CODES) == first


def test_bad_inputs_stop_and_leave_values(planned, conn):
    run_job(planned, "plan_implementation", quiet=True)
    before = indicator_values(planned, *CODES)
    with pytest.raises(NotFound, match="There is no Management Plan with code PG-2012-2018"):
        run_job(planned, "plan_implementation", quiet=True, params={"plan": "PG-2012-2018"})
    with pytest.raises(InvalidInput, match="has no funding in 2019"):
        run_job(planned, "plan_implementation", quiet=True, period="2019")
    with pytest.raises(InvalidInput, match="There are no zones of kind custom"):
        run_job(planned, "plan_implementation", quiet=True, zone_kinds=("custom",))
    conn.execute("INSERT INTO laguna.management_plans (site_id, code, title_it, title_en, period_start, period_end, "
                 "status) VALUES ((SELECT id FROM laguna.sites), 'PG-2012-2018', 'Piano', 'Plan', 2012, 2018, 'expired')")
    with pytest.raises(InvalidInput, match="The Management Plan PG-2012-2018 has no projects"):
        run_job(planned, "plan_implementation", quiet=True, params={"plan": "PG-2012-2018"})
    assert indicator_values(planned, *CODES) == before


def test_no_plan_and_no_zones(settings):
    with pytest.raises(InvalidInput, match="There is no Management Plan in the store"):
        run_job(settings, "plan_implementation", quiet=True)


def test_without_zones_the_whole_plan_only(settings, conn):
    add_plan(conn)
    run_job(settings, "plan_implementation", quiet=True)
    rows = indicator_values(settings, *CODES)
    assert rows and all(zone is None for _, zone, *_ in rows)
