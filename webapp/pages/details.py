"""Detail pages of a zone and of a job run."""

from __future__ import annotations

import folium
import orjson
import psycopg
from flask_babel import gettext as _

from geoprocessing.config import Settings

from .. import labels
from ..i18n import lang
from ..maps import common, elements
from ..queries import runs, zones


def zones_index(conn: psycopg.Connection, kind: str | None) -> dict:
    found = zones.zones_list(conn, kind)
    return {"zones": found, "kind": kind, "illustrative": any(z["illustrative"] for z in found)}


def zone(conn: psycopg.Connection, settings: Settings, zone_id: int) -> dict:
    found = zones.zone(conn, zone_id)
    m, _sections = common.base_map(conn, settings, zoom=12, measure=True)
    props = {k: found[k] for k in ("id", "code", "name_it", "name_en", "status")}
    props["area_ha"] = round(found["area_ha"], 2)
    style = common.KIND_STYLES.get(found["kind"], common.KIND_STYLES["custom"]) | {"fillOpacity": 0.25}
    elements.DataLayer(f"{found['name_it']}", {
        "data": {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": orjson.loads(found["geojson"]), "properties": props}]},
        "fit": True, "style": style,
        "popup": {"title": f"name_{lang()}", "titleFallback": "name_it", "lang": lang(),
                  "fields": [{"key": "code", "label": _("Code")},
                             {"key": "status", "label": _("Status"), "labels": labels.zone_status()},
                             {"key": "area_ha", "label": _("Area"), "unit": "ha"}]}}).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    values = zones.zone_values(conn, zone_id)
    projects = zones.zone_projects(conn, zone_id)
    illustrative = found["illustrative"] or any(v["illustrative"] for v in values)
    if illustrative:
        common.illustrative_banner(m)
    return {"zone": found, "map": common.render(m), "values": values, "projects": projects,
            "illustrative": illustrative}


def runs_index(conn: psycopg.Connection, job: str | None) -> dict:
    return {"runs": runs.runs(conn, job), "job": job}


def run(conn: psycopg.Connection, run_id: int) -> dict:
    found = runs.run(conn, run_id)
    return {"run": found,
            "parameters": orjson.dumps(found["parameters"], option=orjson.OPT_INDENT_2).decode(),
            "summary": orjson.dumps(found["summary"], option=orjson.OPT_INDENT_2,
                                    default=str).decode()}
