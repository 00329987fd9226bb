"""Every notebook runs top to bottom with nbclient, against the sample data and against the
fixture store, and is committed without outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from geoprocessing.config import get_settings

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
pytestmark = pytest.mark.slow


def test_there_are_the_three_analyst_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name
    headings = [c.source.splitlines()[0] for c in notebook.cells if c.cell_type == "markdown"]
    assert headings[0].startswith("# ") and all(h.startswith("#") for h in headings)


@pytest.mark.parametrize("store", ["sample", "fixture"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path, store, request, monkeypatch, tmp_path):
    # the illustrative sample data (loaded and computed by the CLI), and the small fixture
    # store whose land-cover change values come from exactextract
    settings = request.getfixturevalue("sample_settings" if store == "sample" else "ogc_settings")
    monkeypatch.setenv("LAGUNA_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LAGUNA_HOME", str(settings.home))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.delenv("OGC_API_URL", raising=False)
    get_settings.cache_clear()
    notebook = nbformat.read(path, as_version=4)
    # raises CellExecutionError, naming the cell, on any error
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []
    get_settings.cache_clear()
