"""The same jobs on a Dask LocalCluster with two worker processes give results identical to
the in-process run (same tasks: zone batches x raster windows, reduced in the same order)."""

from __future__ import annotations

import psycopg
import pytest

from geoprocessing.jobs.runner import run_job

from .conftest import values


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        yield cluster


def all_values(settings) -> dict:
    with psycopg.connect(settings.database_url) as conn:
        rows = conn.execute(
            "SELECT i.code, v.zone_id, v.category, v.period, v.value FROM laguna.indicator_values v "
            "JOIN laguna.indicators i ON i.id = v.indicator_id").fetchall()
    return {r[:4]: r[4] for r in rows}


@pytest.mark.slow
@pytest.mark.parametrize("job", ["land_cover_composition", "raster_statistics", "flood_exposure"])
def test_dask_results_are_identical_to_in_process(site, small_tasks, cluster, job):
    run_job(site.settings, job, quiet=True)
    local = all_values(site.settings)
    assert local
    remote_run = run_job(site.settings, job, quiet=True, scheduler=cluster.scheduler_address)
    remote = all_values(site.settings)
    assert remote == local        # exactly equal, not approximately
    with psycopg.connect(site.settings.database_url) as conn:
        runs = {r[0] for r in conn.execute("SELECT DISTINCT job_run_id FROM laguna.indicator_values")}
    assert runs == {remote_run.run_id}


def test_the_scheduler_setting_is_used(site, small_tasks, cluster):
    """LAGUNA_DASK_SCHEDULER (settings.dask_scheduler) sends the run to the cluster."""
    from distributed import Client

    from geoprocessing.config import load_settings

    settings = load_settings(database_url=site.settings.database_url, home=site.settings.home,
                             dask_scheduler=cluster.scheduler_address)
    with Client(cluster.scheduler_address) as client:
        def transitions():
            return client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.transition_counter)

        before = transitions()
        run_job(settings, "land_cover_composition", quiet=True, period="2012")
        assert transitions() > before
    assert values(site.settings, "LAND_COVER_AREA", "2012")
