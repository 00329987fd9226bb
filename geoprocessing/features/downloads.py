"""What the web app offers to download: vector layers, raster dates, indicators with values."""

from __future__ import annotations

import psycopg


def available(conn: psycopg.Connection) -> dict:
    """{"layers": [...], "rasters": [...], "indicators": [...]}, each entry a small dict."""
    layers = [dict(name=n, title_it=ti, title_en=te) for n, ti, te in conn.execute(
        "SELECT l.name, l.title_it, l.title_en FROM laguna.layers l WHERE l.kind = 'vector' "
        "AND EXISTS (SELECT 1 FROM laguna.layer_versions v WHERE v.layer_id = l.id) ORDER BY l.name")]
    rasters = [dict(name=n, title_it=ti, title_en=te, dates=[d.isoformat() for d in dates])
               for n, ti, te, dates in conn.execute(
        "SELECT l.name, l.title_it, l.title_en, array_agg(DISTINCT a.acquired ORDER BY a.acquired) "
        "FROM laguna.layers l JOIN laguna.raster_assets a ON a.layer_id = l.id "
        "WHERE l.kind = 'raster' GROUP BY l.id ORDER BY l.name")]
    indicators = [dict(code=c, name_it=ni, name_en=ne, values=n) for c, ni, ne, n in conn.execute(
        "SELECT i.code, i.name_it, i.name_en, count(v.id) FROM laguna.indicators i "
        "JOIN laguna.indicator_values v ON v.indicator_id = i.id GROUP BY i.id ORDER BY i.code")]
    return {"layers": layers, "rasters": rasters, "indicators": indicators}
