"""Settings: environment > laguna.toml > defaults, validated at start-up."""

from __future__ import annotations

import pytest

from geoprocessing.config import load_settings
from geoprocessing.errors import ConfigError


def test_defaults(monkeypatch):
    monkeypatch.delenv("LAGUNA_CONFIG", raising=False)
    s = load_settings()
    assert s.storage_crs == "EPSG:7792" and s.storage_srid == 7792
    assert s.database_url is None and s.language == "it"


def test_toml_then_environment(tmp_path, monkeypatch):
    toml = tmp_path / "laguna.toml"
    toml.write_text('statement_timeout_ms = 2500\nstorage_crs = "3004"\n')
    monkeypatch.setenv("LAGUNA_CONFIG", str(toml))
    s = load_settings()
    assert s.statement_timeout_ms == 2500 and s.storage_crs == "EPSG:3004"
    monkeypatch.setenv("LAGUNA_STATEMENT_TIMEOUT_MS", "4000")
    assert load_settings().statement_timeout_ms == 4000


@pytest.mark.parametrize("text, fragment", [
    ("statement_timeout_ms = [", "is not valid TOML"),
    ("no_such_setting = 1", "LAGUNA_NO_SUCH_SETTING is invalid"),
    ('language = "fr"', "LAGUNA_LANGUAGE is invalid"),
])
def test_bad_toml_is_one_sentence(tmp_path, monkeypatch, text, fragment):
    toml = tmp_path / "laguna.toml"
    toml.write_text(text)
    monkeypatch.setenv("LAGUNA_CONFIG", str(toml))
    with pytest.raises(ConfigError, match=fragment):
        load_settings()
