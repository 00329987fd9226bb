"""The home map: the site's boundaries and layers, with every tool of the viewer."""

from __future__ import annotations

import folium
import psycopg
from flask import request, url_for
from flask_babel import gettext as _

from geoprocessing.config import Settings

from .. import labels
from ..i18n import lang, loc
from ..maps import common, elements
from ..queries import catalogue, site
from ..vector_tiles import GEOJSON_MAX_FEATURES

# Zone kinds drawn when the page opens; the others wait in the layer control.
SHOWN_KINDS = {"property", "buffer", "lagoon", "basin", "sestiere", "island"}
SHOWN_LAYERS = {"heritage_assets"}


def href(path: str) -> str:
    """A link template for popups: ``{id}`` and friends are filled in the browser."""
    return request.script_root + path


def zone_popup() -> dict:
    return {"title": f"name_{lang()}", "titleFallback": "name_it", "lang": lang(),
            "fields": [{"key": "code", "label": _("Code")},
                       {"key": "status", "label": _("Status"), "labels": labels.zone_status()},
                       {"key": "area_ha", "label": _("Area"), "unit": "ha"},
                       {"key": "attributes.population", "label": _("Residents"), "hideEmpty": True},
                       {"key": "legal_reference", "label": _("Legal reference"), "hideEmpty": True}],
            "links": [{"href": href("/zones/{id}"), "label": _("Zone page")}],
            "zoomLabel": _("Zoom to")}


def feature_popup(lay: dict) -> dict:
    """Popup of a catalogue layer: its popup fields, titled by their declared titles."""
    titles = {}
    for attr in lay["attributes"] or []:
        title = attr.get("title") or {}
        titles[attr["name"]] = title.get(lang()) or title.get("it") or attr["name"]
    fields = list(lay["popup_fields"] or [])
    names = [a["name"] for a in lay["attributes"] or []]
    title = "name" if "name" in names else (fields[0] if fields else None)
    return {"title": title, "lang": lang(), "subtitle": loc(lay, "title"), "zoomLabel": _("Zoom to"),
            "fields": [{"key": f, "label": titles.get(f, f)} for f in fields if f != title]}


def station_popup() -> dict:
    return {"title": f"name_{lang()}", "titleFallback": "name_it", "lang": lang(),
            "fields": [{"key": "code", "label": _("Code")},
                       {"key": "kind", "label": _("Kind"), "labels": labels.station_kind()},
                       {"key": "side", "label": _("Side"), "hideEmpty": True}]}


def page(conn: psycopg.Connection, settings: Settings) -> dict:
    bounds = common.site_bounds(conn, settings.storage_srid)
    m, sections = common.base_map(conn, settings, bounds=bounds)
    layers = catalogue.layers(conn)
    by_kind = {lay["zone_kind"]: lay for lay in layers if lay["zone_kind"]}
    error_text = _("Layer could not be loaded")
    illustrative = site.illustrative(conn)

    for kind in catalogue.zone_kinds(conn):
        lay = by_kind.get(kind["code"])
        title = loc(lay, "title") if lay else loc(kind, "name")
        style = common.leaflet_style(lay, kind["code"])
        layer = elements.DataLayer(title, {
            "url": url_for("api.zones", kind=kind["code"], limit=GEOJSON_MAX_FEATURES),
            "reload": True, "style": style, "popup": zone_popup(), "errorText": error_text,
            "order": len(sections),
        }, show=kind["code"] in SHOWN_KINDS)
        layer.add_to(m)
        sections.append(common.vector_legend(lay, title, style, layer))

    for lay in layers:
        if lay["kind"] != "vector" or lay["zone_kind"] or lay["version"] is None:
            continue
        title = loc(lay, "title")
        style = common.leaflet_style(lay)
        point = (lay["geometry_type"] or "").endswith("Point")
        if (lay["feature_count"] or 0) > GEOJSON_MAX_FEATURES:
            layer = elements.VectorTiles(title, {
                "url": f"{request.script_root}/tiles/vector/{lay['name']}/{{z}}/{{x}}/{{y}}.mvt",
                "style": style, "popup": feature_popup(lay),
                "densityPopup": {"title": None, "lang": lang(),
                                 "subtitle": _("Zoom in to see the features"),
                                 "fields": [{"key": "n", "label": _("Features here")}]}},
                show=lay["name"] in SHOWN_LAYERS)
            note = _("Drawn as a density grid when zoomed out.")
        else:
            layer = elements.DataLayer(title, {
                "url": url_for("api.layer_features", layer=lay["name"], limit=GEOJSON_MAX_FEATURES),
                "reload": not point, "style": style, "popup": feature_popup(lay),
                "errorText": error_text, "order": len(sections)}, show=lay["name"] in SHOWN_LAYERS)
            note = None
        layer.add_to(m)
        sections.append(common.vector_legend(lay, title, style, layer,
                                             shape="circle" if point else "fill", note=note))

    station_style = {"color": "#08306b", "fillColor": "#4292c6", "weight": 1.5, "radius": 6,
                     "fillOpacity": 0.9}
    stations = elements.DataLayer(_("Monitoring stations"), {
        "url": url_for("api.stations", limit=GEOJSON_MAX_FEATURES), "style": station_style,
        "popup": station_popup(), "errorText": error_text, "order": len(sections)})
    stations.add_to(m)
    sections.append(common.vector_legend(None, _("Monitoring stations"), station_style, stations,
                                         shape="circle"))

    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    elements.Legend(_("Legend"), sections).add_to(m)
    elements.Search({"url": url_for("api.search"), "lang": lang(),
                     "placeholder": _("Search zones, islands, projects..."),
                     "notFound": _("Nothing found"), "cancel": _("Cancel")}).add_to(m)
    if illustrative:
        common.illustrative_banner(m)
    return {"map": common.render(m), "illustrative": illustrative, "site": site.site(conn)}
