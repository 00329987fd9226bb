"""The benchmarks' own store: the database ``laguna_bench`` of the embedded cluster, holding
just the zones and the one land-cover raster being measured (so that the job reads exactly
what its peers read, and the project's data stay untouched). Recreated on each run."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


def bench_store(server_url: str, home: Path, raster: Path, zones: list[dict],
                acquired: str = "2024-06-01"):
    """Settings of ``laguna_bench`` (on the server of ``server_url``) holding ``zones``
    (kind, code, status, geom) and ``raster`` (a file under ``home``/var) as the only
    land-cover asset. LAGUNA_* variables must be out of the environment (they would win)."""
    import psycopg
    import rasterio

    from geoprocessing.config import load_settings
    from geoprocessing.store import admin

    with psycopg.connect(server_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'laguna_bench'").fetchone():
            conn.execute("CREATE DATABASE laguna_bench")
    settings = load_settings(database_url=server_url.rsplit("/", 1)[0] + "/laguna_bench", home=home)
    admin.migrate(settings)
    digest = hashlib.sha256()
    with open(raster, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            digest.update(chunk)
    with rasterio.open(raster) as ds:
        width, height, res, epsg = ds.width, ds.height, ds.transform.a, ds.crs.to_epsg()
        x0, y0, x1, y1 = ds.bounds
    with psycopg.connect(settings.database_url, autocommit=True) as conn, conn.transaction():
        for table in ("indicator_values", "job_run_inputs", "job_runs", "zones", "layers"):
            conn.execute(f"DELETE FROM laguna.{table}")
        layer_id = conn.execute(
            "INSERT INTO laguna.layers (name, kind, title_it, title_en, licence, illustrative, legend) "
            "VALUES ('land_cover', 'raster', 'Copertura del suolo (benchmark)', 'Land cover (benchmark)', "
            "'CC BY 4.0', true, %s) RETURNING id",
            (json.dumps([{"value": v} for v in range(1, 10)]),)).fetchone()[0]
        version_id = conn.execute(
            "INSERT INTO laguna.layer_versions (layer_id, version, source_name, source_format, "
            "source_checksum) VALUES (%s, 1, %s, 'GTiff', %s) RETURNING id",
            (layer_id, raster.name, digest.hexdigest())).fetchone()[0]
        conn.execute(
            "INSERT INTO laguna.raster_assets (layer_id, layer_version_id, acquired, path, checksum, "
            "crs_epsg, width, height, band_count, resolution, dtype, nodata, footprint) VALUES "
            "(%s, %s, %s, %s, %s, %s, %s, %s, 1, %s, 'uint8', 0, ST_MakeEnvelope(%s, %s, %s, %s, %s))",
            (layer_id, version_id, acquired, str(Path(raster).relative_to(settings.var_dir)),
             digest.hexdigest(), epsg, width, height, res, x0, y0, x1, y1, settings.storage_srid))
        for z in zones:
            conn.execute(
                "INSERT INTO laguna.zones (site_id, kind, code, name_it, name_en, status, illustrative, "
                "valid_to, geom) VALUES ((SELECT id FROM laguna.sites), %s, %s, %s, %s, %s, true, "
                "CASE WHEN %s = 'superseded' THEN now() END, ST_Multi(ST_GeomFromWKB(%s, %s)))",
                (z["kind"], z["code"], z["code"], z["code"], z.get("status", "approved"),
                 z.get("status", "approved"), z["geom"].wkb, settings.storage_srid))
    return settings
