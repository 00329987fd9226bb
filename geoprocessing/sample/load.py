"""Write the sample data set as files under ``var/sample/<resolution>/`` and load it through
the same importers a user would use (``laguna register import``, ``laguna layers import``,
``laguna plan import``, ``laguna indicators import``, ``laguna observations import``).

Writing is skipped when the folder's manifest matches the generator and its files are
intact; loading a file the store already holds is a no-op of each importer (checksums and
natural keys), so a second ``laguna sample load`` changes nothing and says so.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ..config import Settings
from ..errors import InvalidInput
from ..loaders.tables import sha256
from . import indicators, plan, register, tides, vectors
from .model import DEFAULT_SEED, model
from .rasters import NODATA_FLOAT, Grid, dem, land_cover, ndvi, write_tif

ZONE_LAYERS = {"property": "property", "buffer_zone": "buffer", "lagoon": "lagoon", "basins": "basin",
               "municipalities": "municipality", "sestieri": "sestiere", "islands": "island"}
OTHER_LAYERS = ("salt_marshes", "heritage_assets", "accommodation")
LAND_COVER_YEARS = (2012, 2018, 2024)
DEM_YEARS = (2012, 2024)
NDVI_YEARS = (2024,)
SURVEY_DAY = (6, 1)  # rasters are dated 1 June of their year
FINE_LIMIT = 10.0    # below this resolution only the land cover is made that fine

Echo = Callable[[str], None]


def label(resolution: float) -> str:
    return f"{resolution:g}"


def folder(settings: Settings, resolution: float) -> Path:
    return settings.var_dir / "sample" / label(resolution)


def _code_version() -> str:
    """A digest of the generator's own code: files are rewritten when it changes."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def rasters_plan(resolution: float) -> list[tuple[str, int, float]]:
    """(layer, year, resolution) of every raster file."""
    coarse = max(resolution, FINE_LIMIT)
    return ([("land_cover", y, resolution) for y in LAND_COVER_YEARS]
            + [("dem", y, coarse) for y in DEM_YEARS] + [("ndvi", y, coarse) for y in NDVI_YEARS])


def write(out: Path, resolution: float, *, seed: int = DEFAULT_SEED, echo: Echo = print) -> dict:
    """Write every file of the sample (or reuse them when intact); returns the manifest."""
    if not (0.5 <= resolution <= 1000):
        raise InvalidInput(f"The sample resolution must be between 0.5 and 1000 metres, not {resolution:g}.")
    manifest_path = out / "manifest.json"
    wanted = {"seed": seed, "resolution": resolution, "generator": _code_version()}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if {k: manifest.get(k) for k in wanted} == wanted and all(
                (out / rel).exists() and sha256(out / rel) == digest
                for rel, digest in manifest["files"].items()):
            echo(f"sample files in {out} are up to date ({len(manifest['files'])} files)")
            return manifest
    manifest_path.unlink(missing_ok=True)
    start = time.perf_counter()
    m = model(seed)
    files: list[Path] = []
    echo(f"writing the illustrative sample data set to {out} (resolution {label(resolution)} m)")
    files += vectors.write_all(m, out / "vectors").values()
    files.append(register.write(out))
    files.append(plan.write(m, out))
    files.append(indicators.write(out, seed))
    files += tides.write(out / "tides", seed).values()
    echo(f"  vectors, register, plan, indicator values and tides written ({time.perf_counter() - start:.1f} s)")
    for layer, year, res in rasters_plan(resolution):
        t0 = time.perf_counter()
        files.append(_raster(m, layer, year, res, out / "rasters"))
        grid = Grid(res)
        echo(f"  {layer} {year} at {label(res)} m ({grid.width:,} x {grid.height:,} pixels) written "
             f"({time.perf_counter() - t0:.1f} s)")
    manifest = {**wanted, "files": {str(p.relative_to(out)): sha256(p) for p in files}}
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return manifest


def _raster(m, layer: str, year: int, res: float, out: Path) -> Path:
    grid = Grid(res)
    path = out / f"{layer}_{year}_{label(res)}m.tif"
    if layer == "land_cover":
        return write_tif(path, grid, "uint8", 0, lambda w: land_cover(m, year, grid, w), window=4096,
                         description="land-cover class (illustrative)")
    compute = {"dem": dem, "ndvi": ndvi}[layer]
    what = {"dem": "elevation, m above ZMPS (illustrative)", "ndvi": "NDVI (illustrative)"}[layer]
    return write_tif(path, grid, "float32", NODATA_FLOAT, lambda w: compute(m, year, grid, w),
                     window=1024, description=what)


def load(settings: Settings, resolution: float = 10.0, *, seed: int = DEFAULT_SEED,
         echo: Echo = print) -> dict:
    """Write (if needed) and load the sample; returns {step: changed?} for callers and tests."""
    from ..importers import import_path
    from ..loaders.indicator_values import import_values
    from ..loaders.observations import import_observations
    from ..loaders.plan import import_plan
    from ..loaders.register import import_register

    out = folder(settings, resolution)
    manifest = write(out, resolution, seed=seed, echo=echo)
    changed: dict[str, bool] = {}

    def step(name: str, lines: list[str], did: bool) -> None:
        changed[name] = did
        for line in lines:
            echo(f"  {line}")

    echo("loading the register (bodies, committee, decisions, threats, cooperation, stations)")
    report = import_register(settings, out / "register.gpkg")
    step("register", report.lines(), bool(report.changed))
    echo("loading the layers")
    for layer, kind in ZONE_LAYERS.items():
        r = import_path(settings, out / "vectors" / f"{layer}.gpkg", layer, as_zones=kind)
        step(layer, [r.message], not r.unchanged)
    for layer in OTHER_LAYERS:
        r = import_path(settings, out / "vectors" / f"{layer}.gpkg", layer)
        step(layer, [r.message], not r.unchanged)
    for layer, year, res in rasters_plan(resolution):
        path = out / "rasters" / f"{layer}_{year}_{label(res)}m.tif"
        r = import_path(settings, path, layer, acquired=date(year, *SURVEY_DAY))
        step(f"{layer} {year}", [r.message], not r.unchanged)
    echo("loading the Management Plan")
    report = import_plan(settings, out / "plan.gpkg")
    step("plan", report.lines(), bool(report.changed))
    echo("loading indicator values")
    report = import_values(settings, out / "indicator_values.csv")
    step("indicator values", report.lines(), bool(report.changed))
    echo("loading tide observations")
    for rel in sorted(r for r in manifest["files"] if r.startswith("tides/")):
        station = Path(rel).name.split("_")[0]
        obs = import_observations(settings, out / rel, station, unit="m", datum="ZMPS",
                                  tz="Europe/Rome", illustrative=True)
        step(f"tides {station}", obs.lines(), obs.inserted > 0)
    if not any(changed.values()):
        echo("the store already held the whole sample data set: nothing was loaded twice")
    else:
        echo(f"loaded {sum(changed.values())} of {len(changed)} parts of the illustrative sample data set")
    return changed
