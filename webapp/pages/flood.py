"""The flood map: zones and heritage assets exposed at a chosen tide level."""

from __future__ import annotations

import folium
import orjson
import psycopg
from flask_babel import format_date
from flask_babel import gettext as _

from geoprocessing.config import Settings
from geoprocessing.errors import InvalidInput, NotFound

from ..i18n import lang, loc
from ..maps import common, elements
from ..queries import catalogue, flood
from .home import href

# Share of land below the level (%): class lower bounds and colours (light to dark blue).
SHARE_CLASSES = [(0, "#f7fbff"), (5, "#c6dbef"), (20, "#6baed6"), (50, "#2171b5"), (80, "#08306b")]


def page(conn: psycopg.Connection, settings: Settings, level: str, kind: str | None) -> dict:
    kinds = flood.zone_kinds(conn)
    codes = [k["kind"] for k in kinds]
    if kind is not None and kind not in codes:
        raise InvalidInput(f"There are no flood exposure values for zones of kind '{kind[:40]}'"
                           + (f"; there are for {', '.join(codes)}." if codes else "."))
    kind = kind or ("island" if "island" in codes else (codes[0] if codes else None))
    m, sections = common.base_map(conn, settings, raster_base=False,
                                  bounds=common.site_bounds(conn, settings.storage_srid))
    result = flood.zones(conn, level, kind) if kind else None
    illustrative = bool(result and result["illustrative"])
    run = flood.latest_run(conn, result["runs"]) if result else None
    level_text = f"+{level} cm"
    if result and result["count"]:
        style = {"type": "classes", "field": "share", "color": "#08306b", "weight": 1.2,
                 "fillOpacity": 0.7, "classes": [{"value": v, "colour": c} for v, c in SHARE_CLASSES]}
        zones = elements.DataLayer(_("Land below %(level)s", level=level_text), {
            "data": orjson.loads(result["geojson"]), "style": style,
            "popup": {"title": f"name_{lang()}", "titleFallback": "name_it", "lang": lang(),
                      "subtitle": _("Tide level %(level)s", level=level_text),
                      "fields": [{"key": "share", "label": _("Land below the level"), "unit": "%"},
                                 {"key": "assets", "label": _("Heritage assets exposed"),
                                  "hideEmpty": True},
                                 {"key": "period", "label": _("Period")}],
                      "links": [{"href": href("/zones/{id}"), "label": _("Zone page")},
                                {"href": href("/runs/{job_run_id}"), "label": _("Job run")}]}})
        zones.add_to(m)
        bounds = [b for b, _c in SHARE_CLASSES[1:]] + [100]
        sections.append({"layer": zones, "title": _("Share of land below %(level)s", level=level_text),
                         "items": [{"label": f"{lo}–{hi} %", "colour": c, "stroke": "#08306b"}
                                   for (lo, c), hi in zip(SHARE_CLASSES, bounds, strict=True)]})
    exposed = None
    assets_layer = None
    try:
        lay = catalogue.vector_layer(conn, flood.ASSET_LAYER)
    except NotFound:
        lay = None
    if lay is not None:
        exposed = flood.exposed_ids(run["summary"], level) if run else None
        data = orjson.loads(flood.assets(conn, exposed, lay["table_name"], lay["version"]))
        illustrative = illustrative or lay["illustrative"]
        style = {"type": "categorized", "field": "exposed", "color": "#333333", "weight": 1,
                 "radius": 5, "fillOpacity": 0.9, "strokeByClass": False,
                 "classes": [{"value": "true", "colour": "#d7301f"}, {"value": "false", "colour": "#bdbdbd"}]}
        assets_layer = elements.DataLayer(_("Heritage assets"), {
            "data": data, "style": style,
            "popup": {"title": "name", "lang": lang(),
                      "fields": [{"key": "category", "label": _("Category")},
                                 {"key": "exposed", "label": _("Exposed at %(level)s", level=level_text),
                                  "labels": {"true": _("yes"), "false": _("no")}}]}})
        assets_layer.add_to(m)
        items = [{"label": _("exposed at %(level)s", level=level_text), "colour": "#d7301f", "shape": "circle"},
                 {"label": _("not exposed"), "colour": "#bdbdbd", "shape": "circle"}]
        note = None if exposed is not None else _("The flood exposure run lists no assets for this level.")
        sections.append({"layer": assets_layer, "title": _("Heritage assets"), "items": items,
                         "note": note})
    folium.LayerControl(collapsed=True).add_to(m)
    elements.Legend(_("Legend"), sections).add_to(m)
    if illustrative:
        common.illustrative_banner(m)
    features = orjson.loads(result["geojson"])["features"] if result else []
    rows = sorted((f["properties"] for f in features), key=lambda p: -(p.get("share") or 0))
    names = {k["code"]: loc(k, "name") for k in catalogue.zone_kinds(conn)}
    periods = sorted({r["period"] for r in rows if r.get("period")})
    dems = flood.dem_dates(conn, run, periods) if run else []
    return {"map": common.render(m), "level": level, "levels": flood.LEVELS, "kind": kind,
            "kind_names": names, "periods": periods,
            "dem_dates": ", ".join(format_date(d, "long") for d in dems),
            "kinds": kinds, "rows": rows, "run": run, "illustrative": illustrative,
            "exposed_count": None if exposed is None else len(exposed)}
