"""``laguna report``: bad input gets one sentence and an exit code, nothing is left behind;
a failure midway leaves no files and no rows; ``list`` prints what was built."""

from __future__ import annotations

import psycopg
import pytest

from geoprocessing.report import build as build_module
from geoprocessing.report import render
from geoprocessing.report.build import build_report
from tests.test_cli import assert_one_sentence, run


def state(settings) -> tuple:
    with psycopg.connect(settings.database_url) as conn:
        rows = conn.execute("SELECT count(*) FROM laguna.reports").fetchone()[0]
        runs = conn.execute("SELECT count(*) FROM laguna.report_job_runs").fetchone()[0]
    folder = settings.var_dir / "reports"
    return rows, runs, sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def env(settings) -> dict:
    return {"LAGUNA_DATABASE_URL": settings.database_url, "LAGUNA_HOME": str(settings.home)}


@pytest.mark.parametrize(("args", "code", "fragments"), [
    (["--period", "2031"], 66, ("no data for 2031", "2012-2024")),
    (["--period", "24x"], 65, ("must be a year", "24x")),
    (["--period", "2024", "--partner", "comune-atlantide"], 66, ("no body with code 'comune-atlantide'",)),
])
def test_bad_input_gets_one_sentence_and_leaves_nothing(own_store, args, code, fragments):
    settings, _ids = own_store
    before = state(settings)
    result = run("report", "build", *args, **env(settings))
    assert_one_sentence(result, code, *fragments)
    assert state(settings) == before


def test_an_unknown_language_is_refused_by_the_command(own_store):
    settings, _ids = own_store
    result = run("report", "build", "--lang", "fr", **env(settings))
    assert result.returncode == 2 and "'fr' is not one of 'it', 'en'" in result.stderr


def test_an_empty_store_has_no_period(settings):
    result = run("report", "build", **env(settings))
    assert_one_sentence(result, 66, "no indicator values yet")


def test_a_failure_midway_leaves_no_files_and_no_rows(own_store, monkeypatch):
    settings, _ids = own_store
    before = state(settings)

    def broken(html, out):
        out.write_bytes(b"%PDF-1.7 half written")
        raise OSError("disk full")

    monkeypatch.setattr(render, "pdf", broken)
    with pytest.raises(OSError, match="disk full"):
        build_report(settings, period="2024", lang="it")
    assert state(settings) == before


def test_a_failed_commit_removes_the_moved_folder(own_store, monkeypatch):
    """The folder is moved into place inside the transaction; if the row cannot be
    written, the folder goes too."""
    settings, _ids = own_store
    before = state(settings)
    real_replace = build_module.os.replace

    def replace_then_break(src, dst):
        real_replace(src, dst)
        raise psycopg.errors.DiskFull("could not extend file")

    monkeypatch.setattr(build_module.os, "replace", replace_then_break)
    with pytest.raises(psycopg.errors.DiskFull):
        build_report(settings, period="2024", lang="it", formats=("html",))
    assert state(settings) == before


def test_build_then_list(own_store):
    settings, _ids = own_store
    result = run("report", "build", "--period", "latest", "--lang", "en", "--partner", "provveditorato",
                 **env(settings))
    assert result.returncode == 0, result.stderr
    assert "report " in result.stdout and "2024, en, partner provveditorato" in result.stdout
    assert "(illustrative data)" in result.stdout
    listed = run("report", "list", **env(settings))
    assert listed.returncode == 0, listed.stderr
    rid = state(settings)[2][0]
    assert f"{settings.var_dir}/reports/{rid}/report.html" in listed.stdout
    assert f"{settings.var_dir}/reports/{rid}/report.pdf" in listed.stdout
    assert "partner provveditorato" in listed.stdout and "[illustrative]" in listed.stdout
