"""Metric jobs: a registry of declared jobs, and the runner that records every run.

Jobs live in modules of :mod:`geoprocessing.metrics` that call :func:`register`; the
registry imports them on first use (``MODULES``), so the CLI stays fast to start.
"""

from __future__ import annotations

import importlib

from ..errors import NotFound
from .base import Inputs, Job

__all__ = ["Inputs", "Job", "register", "get", "all_jobs", "ordered"]

# Modules that register jobs when imported (each job module adds itself here).
MODULES: list[str] = [
    "geoprocessing.metrics.water_jobs",
    "geoprocessing.metrics.pressure_job",
    "geoprocessing.metrics.plan_job",
    "geoprocessing.metrics.evaluation_job",
    "geoprocessing.metrics.land_cover",
    "geoprocessing.metrics.raster_stats",
    "geoprocessing.metrics.salt_marsh",
    "geoprocessing.metrics.flood",
]

_REGISTRY: dict[str, Job] = {}
_loaded = False


def register(job: Job) -> Job:
    if job.name in _REGISTRY and _REGISTRY[job.name] is not job:
        raise ValueError(f"two jobs named {job.name}")
    _REGISTRY[job.name] = job
    return job


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in MODULES:
            importlib.import_module(module)
        _loaded = True


def all_jobs() -> list[Job]:
    _load()
    return list(_REGISTRY.values())


def get(name: str) -> Job:
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise NotFound(f"There is no job named '{name}' (known jobs: {known}).") from None


def _after(job: Job, pending: dict[str, Job]) -> set[str]:
    """The jobs ``job`` runs after ("*" stands for every other job)."""
    return set(pending) - {job.name} if "*" in job.after else set(job.after)


def ordered(jobs: list[Job] | None = None) -> list[Job]:
    """Jobs in an order that runs each after the jobs it reads (``after``)."""
    pending = {j.name: j for j in (jobs if jobs is not None else all_jobs())}
    done: list[Job] = []
    while pending:
        ready = [j for j in pending.values() if not (_after(j, pending) & set(pending))]
        if not ready:
            raise ValueError(f"jobs depend on each other in a cycle: {sorted(pending)}")
        for job in ready:
            done.append(job)
            del pending[job.name]
    return done
