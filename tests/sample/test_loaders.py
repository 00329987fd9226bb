"""The domain loaders (register, plan, indicator values): idempotent, one transaction, and
bad input refused in one sentence naming file, layer, row and field."""

from __future__ import annotations

import psycopg
import pytest

from geoprocessing.errors import InvalidInput
from geoprocessing.loaders.indicator_values import import_values
from geoprocessing.loaders.plan import import_plan
from geoprocessing.loaders.register import import_register
from geoprocessing.sample import indicators, plan, register
from geoprocessing.sample.model import model
from geoprocessing.sample.register import write_tables
from tests.test_cli import assert_one_sentence, run


def snapshot(settings) -> dict[str, int]:
    """Row counts of every table of the store (and of the audit log)."""
    with psycopg.connect(settings.database_url) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname IN ('laguna', 'audit')")]
        return {n: conn.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in names}


def query(settings, sql: str, params=()):
    with psycopg.connect(settings.database_url) as conn:
        return conn.execute(sql, params).fetchall()


def register_file(tmp_path, change=None, name="register.gpkg"):
    tables = register.tables()
    if change:
        change(tables)
    return write_tables(tmp_path / name, tables)


def plan_file(tmp_path, change=None, name="plan.gpkg"):
    tables = plan.tables(model())
    del tables["project_zones"]  # zones come from the layer importer, tested with the whole sample
    if change:
        change(tables)
    return write_tables(tmp_path / name, tables)


@pytest.fixture
def with_register(settings, tmp_path):
    import_register(settings, register_file(tmp_path))
    return settings


def test_register_loads_everything_once(settings, tmp_path):
    path = register_file(tmp_path)
    first = import_register(settings, path)
    assert first.tally.as_dict()["bodies"] == {"inserted": 28}
    counts = snapshot(settings)
    assert counts["laguna.committee_memberships"] == 23 and counts["laguna.stations"] == 8
    assert counts["laguna.whc_decisions"] == 5 and counts["laguna.whc_requests"] == 7
    assert counts["laguna.threat_assessments"] == 22 and counts["laguna.cooperation"] == 7
    assert query(settings, "SELECT count(*) FROM laguna.bodies WHERE istat_code IS NOT NULL")[0][0] == 9
    assert query(settings, "SELECT bool_and(illustrative) FROM laguna.committee_memberships")[0][0] is True
    lon, lat, srid = query(settings, "SELECT ST_X(ST_Transform(geom, 4326)), ST_Y(ST_Transform(geom, 4326)), "
                                     "ST_SRID(geom) FROM laguna.stations WHERE code = 'PSAL'")[0]
    assert (round(lon, 6), round(lat, 6), srid) == (12.3363, 45.4309, settings.storage_srid)
    assert query(settings, "SELECT ST_SRID(geom), country FROM laguna.bodies WHERE code = 'owhc'")[0] == (4326, "CA")
    assert query(settings, "SELECT b.code FROM laguna.sites s JOIN laguna.bodies b ON b.id = s.managing_body_id") == [
        ("comune-venezia",)]
    again = import_register(settings, path)
    assert again.changed == 0 and again.lines() == [
        "nothing to change: the store already holds everything in register.gpkg"]
    assert snapshot(settings) == counts


def test_register_updates_only_what_changed(settings, tmp_path):
    import_register(settings, register_file(tmp_path))
    before = snapshot(settings)

    def rename(t):
        t["bodies"].loc[t["bodies"].code == "iuav", "name_en"] = "IUAV University of Venice"
        t["decisions"].loc[0, "factors"] = "2.3;13.8"   # one factor fewer

    report = import_register(settings, register_file(tmp_path, rename, "changed.gpkg"))
    assert report.tally.as_dict()["bodies"] == {"updated": 1, "unchanged": 27}
    assert report.tally.as_dict()["decision_factors"]["removed"] == 1
    after = snapshot(settings)
    assert after["audit.log"] == before["audit.log"] + 2
    assert query(settings, "SELECT name_en FROM laguna.bodies WHERE code = 'iuav'") == [("IUAV University of Venice",)]


def bad(t, layer, row, field, value):
    t[layer][field] = t[layer][field].astype(object)
    t[layer].loc[row, field] = value


@pytest.mark.parametrize("change, sentence", [
    (lambda t: bad(t, "committee", 2, "body", "nobody"),
     "register.gpkg, layer committee, row 3, field body: no body 'nobody' (add it to layer bodies)."),
    (lambda t: bad(t, "bodies", 4, "kind", "castle"),
     "register.gpkg, layer bodies, row 5, field kind: 'castle' is not one of ministry, soprintendenza"),
    (lambda t: bad(t, "decisions", 1, "factors", "2.3;99.9"),
     "register.gpkg, layer decisions, row 2, field factors: no UNESCO factor '99.9'."),
    (lambda t: bad(t, "requests", 6, "response_status", "closed"),
     "register.gpkg, layer requests, row 7, field responded_on: a closed request needs the date of the response."),
    (lambda t: bad(t, "committee", 0, "until", "2020-01-01"),
     "register.gpkg, layer committee, row 1, field until: 2020-01-01 is before since 2023-03-01."),
    (lambda t: bad(t, "threats", 3, "assessed_on", "yesterday"),
     "register.gpkg, layer threats, row 4, field assessed_on: 'yesterday' is not a date (YYYY-MM-DD)."),
    (lambda t: bad(t, "stations", 7, "operator", "arpa"),
     "register.gpkg, layer stations, row 8, field operator: no body 'arpa'."),
    (lambda t: bad(t, "decisions", 2, "code", "decision 41"),
     "register.gpkg, layer decisions, row 3, field code: 'decision 41' is not a valid code."),
])
def test_bad_register_rows_are_one_sentence_and_change_nothing(settings, tmp_path, change, sentence):
    import_register(settings, register_file(tmp_path, name="good.gpkg"))
    before = snapshot(settings)
    with pytest.raises(InvalidInput) as err:
        import_register(settings, register_file(tmp_path, change))
    assert err.value.message.startswith(sentence.rstrip("."))
    assert snapshot(settings) == before


def test_files_that_are_not_registers_are_refused(settings, tmp_path):
    text = tmp_path / "register.gpkg"
    text.write_text("not a geopackage")
    with pytest.raises(InvalidInput, match="register.gpkg is not a readable GeoPackage"):
        import_register(settings, text)
    other = write_tables(tmp_path / "other.gpkg", {"something": register.tables()["committee"]})
    with pytest.raises(InvalidInput, match="other.gpkg has none of the register's layers"):
        import_register(settings, other)
    env = {"LAGUNA_DATABASE_URL": settings.database_url, "LAGUNA_HOME": str(settings.home)}
    assert_one_sentence(run("register", "import", str(text), **env), 65, "not a readable GeoPackage")


def test_plan_loads_once_with_projects_funding_and_targets(with_register, tmp_path):
    settings = with_register
    path = plan_file(tmp_path)
    report = import_plan(settings, path)
    t = report.tally.as_dict()
    assert t["projects"] == {"inserted": 40} and t["grants"] == {"inserted": 18}
    assert t["challenges"] == {"inserted": 5} and t["indicators"]["updated"] == 25
    rows = query(settings, "SELECT c.code, a.code, p.code, p.status, ST_GeometryType(p.geom), p.illustrative "
                           "FROM laguna.projects p JOIN laguna.action_plans a ON a.id = p.action_plan_id "
                           "JOIN laguna.challenges c ON c.id = a.challenge_id ORDER BY 1, 3")
    assert len(rows) == 40 and all(r[2].startswith(r[1] + ".") for r in rows) and all(r[5] for r in rows)
    assert ("S3", "1", "1.1", "ongoing", "ST_Polygon", True) in rows
    # the salt-marsh project lies in the lagoon, the Basilica's in the historic city (EPSG:7792 metres)
    x, y = query(settings, "SELECT ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom)) FROM laguna.projects "
                           "WHERE title_en LIKE 'Waterproofing%%'")[0]
    assert abs(x - 291_800) < 500 and abs(y - 5_034_600) < 500
    lines = query(settings, "SELECT law77_line, count(*) FROM laguna.grants g JOIN laguna.funding_sources f "
                            "ON f.id = g.funding_source_id WHERE f.code = 'law77' GROUP BY 1 ORDER BY 1")
    assert [r[0] for r in lines] == ["a", "b", "c", "d"]
    # every indicator of the catalogue gets its challenge; those with one value per place and
    # period also get a baseline or target
    assert query(settings, "SELECT count(*) FROM laguna.indicators WHERE challenge_id IS NULL") == [(0,)]
    assert query(settings, "SELECT count(*) FROM laguna.indicators WHERE target_value IS NOT NULL")[0][0] >= 15
    assert query(settings, "SELECT baseline_value, target_value, illustrative FROM laguna.indicators "
                           "WHERE code = 'RESIDENTS_HISTORIC_CITY'") == [(58191.0, 50000.0, True)]
    assert query(settings, "SELECT bool_and(spent_eur <= committed_eur AND committed_eur <= budget_eur) "
                           "FROM laguna.projects")[0][0] is True
    before = snapshot(settings)
    again = import_plan(settings, path)
    assert again.changed == 0 and "nothing to change" in again.lines()[0]
    assert snapshot(settings) == before


def test_plan_changes_are_applied_and_links_replaced(with_register, tmp_path):
    settings = with_register
    import_plan(settings, plan_file(tmp_path))

    def edit(t):
        t["projects"].loc[0, "budget_eur"] = 500_000.0
        t["project_partners"] = t["project_partners"].iloc[1:]

    report = import_plan(settings, plan_file(tmp_path, edit, "edited.gpkg")).tally.as_dict()
    assert report["projects"] == {"updated": 1, "unchanged": 39}
    assert report["project_partners"] == {"removed": 1, "unchanged": 40}


@pytest.mark.parametrize("change, sentence", [
    (lambda t: bad(t, "projects", 3, "lead_body", "nobody"),
     "plan.gpkg, layer projects, row 4, field lead_body: no body 'nobody' (load it with 'laguna register import' first)."),
    (lambda t: bad(t, "projects", 5, "code", "9.1"),
     "plan.gpkg, layer projects, row 6, field code: no action plan '9' in challenge S1 for this project."),
    (lambda t: bad(t, "projects", 0, "budget_eur", "tanti"),
     "plan.gpkg, layer projects, row 1, field budget_eur: 'tanti' is not a number."),
    (lambda t: bad(t, "projects", 1, "end_date", "2000-01-01"),
     "plan.gpkg, layer projects, row 2, field end_date: 2000-01-01 is before start_date"),
    (lambda t: bad(t, "projects", 2, "status", "done"),
     "plan.gpkg, layer projects, row 3, field status: 'done' is not one of proposed, planned"),
    (lambda t: bad(t, "grants", 0, "spent_eur", 1e9),
     "plan.gpkg, layer grants, row 1, field spent_eur: 1000000000.0 spent is more than the"),
    (lambda t: bad(t, "grants", 8, "law77_line", "a"),
     "plan.gpkg, layer grants, row 9, field law77_line: only Law 77/2006 grants"),
    (lambda t: bad(t, "objectives", 1, "parent", None),
     "plan.gpkg, layer objectives, row 2, field parent: an operational objective needs its strategic objective."),
    (lambda t: bad(t, "indicator_targets", 0, "indicator", "NOPE"),
     "plan.gpkg, layer indicator_targets, row 1, field indicator: no indicator 'NOPE' in the catalogue."),
    (lambda t: bad(t, "indicator_targets", 2, "baseline_period", "last year"),
     "plan.gpkg, layer indicator_targets, row 3: the store refused the row"),
    (lambda t: bad(t, "project_factors", 4, "factor", "15"),
     "plan.gpkg, layer project_factors, row 5, field factor: no UNESCO factor '15'."),
])
def test_bad_plan_rows_are_one_sentence_and_change_nothing(with_register, tmp_path, change, sentence):
    settings = with_register
    import_plan(settings, plan_file(tmp_path, name="good.gpkg"))
    before = snapshot(settings)
    with pytest.raises(InvalidInput) as err:
        import_plan(settings, plan_file(tmp_path, change))
    assert err.value.message.startswith(sentence.rstrip("."))
    assert snapshot(settings) == before


def test_a_plan_needs_exactly_one_plan_row(with_register, tmp_path):
    import pandas as pd

    def twice(t):
        t["plan"] = pd.concat([t["plan"], t["plan"]])

    with pytest.raises(InvalidInput, match="plan.gpkg, layer plan must have exactly one row"):
        import_plan(with_register, plan_file(tmp_path, twice))


def values_file(tmp_path, text: str | None = None, name: str = "values.csv"):
    if text is None:
        return indicators.write(tmp_path, 394)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_indicator_values_load_once_with_provenance(settings, tmp_path):
    report = import_values(settings, values_file(tmp_path))
    assert report.tally.as_dict() == {"indicator_values": {"inserted": 52}}
    rows = query(settings, "SELECT i.code, count(*), min(v.period), max(v.period), bool_and(v.illustrative), "
                           "bool_and(v.entered_by IS NOT NULL AND v.entered_at IS NOT NULL AND v.job_run_id IS NULL) "
                           "FROM laguna.indicator_values v JOIN laguna.indicators i ON i.id = v.indicator_id "
                           "GROUP BY 1 ORDER BY 1")
    assert rows == [(code, 13, "2012", "2024", True, True) for code in (
        "LARGE_SHIP_TRANSITS", "RESIDENTS_HISTORIC_CITY", "TOURIST_ARRIVALS", "WATER_QUALITY_GOOD")]
    residents = dict(query(settings, "SELECT period, value FROM laguna.indicator_values v JOIN laguna.indicators i "
                                     "ON i.id = v.indicator_id WHERE i.code = 'RESIDENTS_HISTORIC_CITY'"))
    assert 57_000 < residents["2012"] < 59_000 and 48_000 < residents["2024"] < 50_000
    ships = dict(query(settings, "SELECT period, value FROM laguna.indicator_values v JOIN laguna.indicators i "
                                 "ON i.id = v.indicator_id WHERE i.code = 'LARGE_SHIP_TRANSITS'"))
    assert ships["2019"] > 500 and ships["2022"] == ships["2024"] == 0
    before = snapshot(settings)
    again = import_values(settings, values_file(tmp_path))
    assert again.changed == 0 and snapshot(settings) == before


def test_a_changed_value_is_updated_with_who_and_when(settings, tmp_path):
    import_values(settings, values_file(tmp_path, "indicatore;periodo;valore;fonte\nTOURIST_ARRIVALS;2024;5000000;ISTAT\n"))
    report = import_values(settings, values_file(tmp_path, "indicatore;periodo;valore;fonte\n"
                                                           "TOURIST_ARRIVALS;2024;5100000;ISTAT\n", "b.csv"))
    assert report.tally.as_dict() == {"indicator_values": {"updated": 1}}
    assert query(settings, "SELECT value, source, quality FROM laguna.indicator_values") == [(5_100_000.0, "ISTAT", "valid")]


@pytest.mark.parametrize("text, sentence", [
    ("indicator;period;value\nLAND_TAKE;2024;3\n",
     "values.csv, row 2, field indicator: LAND_TAKE is computed by the job land_cover_change, its values are not imported."),
    ("indicator;period;value\nTOURIST_ARRIVALS;2024;3\nTOURIST_ARRIVALS;24;3\n",
     "values.csv, row 3, field period: '24' is not a period"),
    ("indicator;period;value\nTOURIST_ARRIVALS;2024;molti\n",
     "values.csv, row 2, field value: 'molti' is not a number."),
    ("indicator;period;value;zone\nTOURIST_ARRIVALS;2024;3;SAN_MARCO\n",
     "values.csv, row 2, field zone: TOURIST_ARRIVALS is measured for the whole site, not per place."),
    ("indicator;period;value\nTOURIST_ARRIVALS;2024;3\nTOURIST_ARRIVALS;2024;4\n",
     "values.csv, row 3: it repeats row 2"),
    ("indicator;period;value\nNOPE;2024;3\n", "values.csv, row 2, field indicator: no indicator 'NOPE' in the catalogue."),
    ("indicator;periodo\nNOPE;2024\n", "values.csv has no column 'value'"),
    ("indicator;period;value;quality\nTOURIST_ARRIVALS;2024;3;great\n",
     "values.csv, row 2, field quality: 'great' is not one of valid, provisional, estimated, suspect."),
])
def test_bad_indicator_values_are_one_sentence_and_change_nothing(settings, tmp_path, text, sentence):
    import_values(settings, values_file(tmp_path, "indicator;period;value\nWATER_QUALITY_GOOD;2012;20\n", "ok.csv"))
    before = snapshot(settings)
    with pytest.raises(InvalidInput) as err:
        import_values(settings, values_file(tmp_path, text))
    assert err.value.message.startswith(sentence.rstrip("."))
    assert snapshot(settings) == before


def test_the_commands_print_what_they_did(settings, tmp_path):
    env = {"LAGUNA_DATABASE_URL": settings.database_url, "LAGUNA_HOME": str(settings.home)}
    path = values_file(tmp_path)
    first = run("indicators", "import", str(path), **env)
    assert first.returncode == 0 and "indicator_values: 52 inserted" in first.stdout
    second = run("indicators", "import", str(path), **env)
    assert "nothing to change" in second.stdout
    reg = register_file(tmp_path)
    assert "bodies: 28 inserted" in run("register", "import", str(reg), **env).stdout
    assert "projects: 40 inserted" in run("plan", "import", str(plan_file(tmp_path)), **env).stdout
    assert_one_sentence(run("plan", "import", str(tmp_path / "none.gpkg"), **env), 66, "does not exist")
