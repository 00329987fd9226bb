"""The indicator catalogue reaches the store and never overwrites management decisions."""

from __future__ import annotations

from geoprocessing import indicators


def test_catalogue_is_bilingual_and_complete():
    codes = [e["code"] for e in indicators.catalogue()]
    assert len(codes) == len(set(codes)) >= 15
    for e in indicators.catalogue():
        assert e["name_it"] and e["name_en"] and e["name_it"] != e["name_en"], e["code"]
        assert (e["method"] == "computed") == bool(e["job_name"]), e["code"]


def test_sync_is_idempotent_and_keeps_targets(store_conn):
    assert indicators.sync(store_conn) == 0  # the template already has them
    store_conn.execute("UPDATE laguna.indicators SET baseline_value = 100, baseline_period = '2012', "
                       "target_value = 120, name_en = 'renamed' WHERE code = 'SALT_MARSH_AREA'")
    store_conn.execute("DELETE FROM laguna.indicators WHERE code = 'TOURIST_ARRIVALS'")
    assert indicators.sync(store_conn) == 1
    row = store_conn.execute("SELECT baseline_value, target_value, name_en FROM laguna.indicators "
                             "WHERE code = 'SALT_MARSH_AREA'").fetchone()
    assert row == (100, 120, "Salt-marsh extent")
    factors = store_conn.execute(
        "SELECT array_agg(factor_code ORDER BY factor_code) FROM laguna.indicator_factors f "
        "JOIN laguna.indicators i ON i.id = f.indicator_id WHERE i.code = 'TOURIST_ARRIVALS'").fetchone()
    assert factors == (["8.6"],)
