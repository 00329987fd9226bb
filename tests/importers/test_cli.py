"""The commands as a user runs them: results on stdout, errors as one sentence on stderr."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ..test_cli import assert_one_sentence, run
from .conftest import write, zone_frame
from .test_raster import land_cover, write_tif


@pytest.fixture
def env(settings):
    return {"LAGUNA_DATABASE_URL": settings.database_url, "LAGUNA_HOME": str(settings.home)}


def test_import_list_show_export(env, tmp_path):
    path = write(zone_frame(), tmp_path / "isole.gpkg")
    done = run("layers", "import", str(path), "--layer", "islands", "--as-zones", "island",
               "--date", "2024-01-01", **env)
    assert done.returncode == 0, done.stderr
    assert "Imported 4 features from isole.gpkg into layer islands as version 1" in done.stdout
    assert "zones of kind island: 4 new" in done.stdout
    again = run("layers", "import", str(path), "--layer", "islands", "--as-zones", "island",
                "--date", "2024-01-01", **env)
    assert again.returncode == 0 and "nothing to do" in again.stdout
    listing = run("layers", "list", **env)
    line = next(x for x in listing.stdout.splitlines() if x.startswith("islands "))
    assert line.split()[:5] == ["islands", "vector", "4", "EPSG:7792", "1"]
    assert "land_cover" in listing.stdout and "never" in listing.stdout
    show = run("layers", "show", "islands", **env)
    assert "title: Isole / Islands" in show.stdout and "version 1: 4 features from isole.gpkg" in show.stdout
    out = tmp_path / "z.geojson"
    done = run("export", "geojson", str(out), "--zones", "island", **env)
    assert done.returncode == 0 and len(json.loads(out.read_text())["features"]) == 4
    done = run("export", "gpkg", str(tmp_path / "all.gpkg"), "--layers", "islands", **env)
    assert "islands 4, zones 4" in done.stdout
    done = run("export", "csv", str(tmp_path / "values.csv"), **env)
    assert done.returncode == 0 and (tmp_path / "values.csv").read_text().startswith("indicator,")


def test_raster_import_and_cog_export(env, tmp_path):
    done = run("layers", "import", str(write_tif(tmp_path / "lc.tif", land_cover())), "--layer", "land_cover",
               "--date", "2024-06-01", **env)
    assert done.returncode == 0, done.stderr
    assert "rasters/land_cover/land_cover_2024-06-01_v1.tif" in done.stdout
    done = run("export", "cog", str(tmp_path / "out.tif"), "--layer", "land_cover", **env)
    assert done.returncode == 0 and (tmp_path / "out.qml").exists()


def test_warnings_go_to_stderr_without_failing(env, tmp_path):
    frame = zone_frame()
    frame["colore"] = ["rosso"] * 4
    done = run("layers", "import", str(write(frame, tmp_path / "x.gpkg")), "--layer", "islands", **env)
    assert done.returncode == 0
    assert "warning: " in done.stderr and "colore" in done.stderr


@pytest.mark.parametrize("case, code, fragment", [
    ("empty", 65, "vuoto.gpkg is empty (0 bytes)."),
    ("missing", 66, "There is no file or folder"),
    ("layer", 66, "There is no layer 'isole'"),
    ("crs", 65, "'EPSG:999999' is not a coordinate reference system laguna knows"),
    ("date", 65, "'2024-13-01' is not a date"),
    ("swapped", 65, "latitude and longitude look swapped"),
    ("zones", 65, "feeds zones of kind island, not sestiere"),
    ("class", 65, "pixel value 42"),
    ("export", 66, "Layer sestieri has no data yet"),
    ("folder", 66, "does not exist: create it first"),
])
def test_error_paths_print_one_sentence(env, tmp_path, case, code, fragment):
    good = write(zone_frame(), tmp_path / "isole.gpkg")
    args = ["layers", "import", str(good), "--layer", "islands"]
    if case == "empty":
        (tmp_path / "vuoto.gpkg").write_bytes(b"")
        args[2] = str(tmp_path / "vuoto.gpkg")
    elif case == "missing":
        args[2] = str(tmp_path / "assente.gpkg")
    elif case == "layer":
        args[4] = "isole"
    elif case == "crs":
        args += ["--crs", "EPSG:999999"]
    elif case == "date":
        args += ["--date", "2024-13-01"]
    elif case == "swapped":
        frame = zone_frame().to_crs(4326)
        import shapely

        frame.geometry = shapely.transform(frame.geometry.values, lambda c: c[:, ::-1])
        args[2] = str(write(frame, tmp_path / "swapped.gpkg"))
    elif case == "zones":
        args += ["--as-zones", "sestiere"]
    elif case == "class":
        data = land_cover()
        data[0, 0] = 42
        args = ["layers", "import", str(write_tif(tmp_path / "lc.tif", data.astype(np.uint8))), "--layer",
                "land_cover", "--date", "2024-06-01"]
    elif case == "folder":
        args = ["export", "gpkg", str(tmp_path / "nowhere" / "x.gpkg")]
    else:
        args = ["export", "gpkg", str(tmp_path / "x.gpkg"), "--layers", "sestieri"]
    assert_one_sentence(run(*args, **env), code, fragment)
