"""Fixtures of the sample data set tests: the files written once per session at 100 m."""

from __future__ import annotations

import pytest

from geoprocessing.sample.load import write

RESOLUTION = 100.0  # coarse, so that the tests stay fast


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory):
    """The sample files at 100 m, written once for the session."""
    out = tmp_path_factory.mktemp("sample") / "100"
    write(out, RESOLUTION, echo=lambda _line: None)
    return out
