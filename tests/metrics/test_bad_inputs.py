"""Bad inputs stop a job with one sentence and leave the stored values as they were."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from geoprocessing.errors import InvalidInput
from geoprocessing.jobs.runner import history, run_job

from .conftest import build
from .test_dask import all_values


def check_refused(settings, job: str, fragment: str, **kwargs) -> None:
    before = all_values(settings)
    with pytest.raises(InvalidInput) as info:
        run_job(settings, job, quiet=True, **kwargs)
    message = info.value.message
    assert fragment in message and "\n" not in message and message.endswith(".")
    assert all_values(settings) == before
    last = history(settings, job)[0]
    assert last["status"] == "failed" and last["error_message"] == message


def test_missing_raster_layer(settings):
    build(settings, rasters=("dem", "ndvi"))
    run_job(settings, "raster_statistics", quiet=True)           # values to keep
    assert all_values(settings)
    check_refused(settings, "land_cover_composition",
                  "The raster layer 'land_cover' has no imported rasters")


def test_missing_vector_layer(settings):
    build(settings, vectors=("salt_marshes",))
    run_job(settings, "land_cover_composition", quiet=True, period="2024")
    check_refused(settings, "flood_exposure", "The layer 'heritage_assets' has not been imported")


def test_raster_not_overlapping_the_zones(settings):
    build(settings, x0=400_000.0)
    check_refused(settings, "land_cover_composition", "does not overlap any zone of kind")
    check_refused(settings, "raster_statistics", "does not overlap any zone of kind")


def test_zone_kind_with_no_zones(site):
    run_job(site.settings, "land_cover_composition", quiet=True, period="2012")
    check_refused(site.settings, "land_cover_composition", "There are no zones of kind sestiere",
                  zone_kinds=("sestiere",))
    check_refused(site.settings, "flood_exposure", "There are no zones of kind municipality",
                  zone_kinds=("municipality",))


def test_no_basins_for_the_salt_marsh_job(settings):
    build(settings, zones=("P", "L"))
    check_refused(settings, "salt_marsh", "There are no zones of kind basin")


def test_period_without_rasters(site):
    check_refused(site.settings, "land_cover_composition", "has no raster for 2030", period="2030")
    check_refused(site.settings, "land_cover_change", "no raster for 2012 after the baseline",
                  period="2012")


def test_the_cli_says_one_sentence(site):
    laguna = str(Path(sys.executable).with_name("laguna"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAGUNA_")}
    env |= {"LAGUNA_DATABASE_URL": site.settings.database_url, "LAGUNA_HOME": str(site.settings.home)}
    result = subprocess.run([laguna, "jobs", "run", "land_cover_composition", "--zones", "sestiere"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 65
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "There are no zones of kind sestiere" in lines[0]
    ok = subprocess.run([laguna, "jobs", "run", "salt_marsh", "--quiet"], capture_output=True,
                        text=True, env=env, timeout=120)
    assert ok.returncode == 0 and "salt_marsh: run" in ok.stdout


def test_a_class_raster_that_is_not_uint8(site):
    from datetime import date

    import numpy as np
    import psycopg

    from .conftest import add_raster

    with psycopg.connect(site.settings.database_url, autocommit=True) as conn:
        add_raster(site, conn, "land_cover", date(2030, 6, 1), np.full((50, 60), 300, np.int16), 0)
    check_refused(site.settings, "land_cover_composition", "has data type int16; a class raster must be uint8",
                  period="2030")
