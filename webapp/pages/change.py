"""The change map: land cover at two dates, the pixels that changed, salt marsh lost and
gained, and the land-cover transitions the land_cover_change job computed per zone."""

from __future__ import annotations

import datetime as dt

import folium
import orjson
import psycopg
from flask import request
from flask_babel import gettext as _

from geoprocessing.config import Settings
from geoprocessing.errors import InvalidInput, NotFound

from .. import labels, raster_tiles
from ..i18n import lang, loc
from ..maps import common, elements
from ..queries import catalogue, change

LAND_COVER = "land_cover"
CHANGE_COLOURS = {"lost": "#d7301f", "gained": "#1a9850", "kept": "#9ecae1"}


def page(conn: psycopg.Connection, settings: Settings, date_from: dt.date | None,
         date_to: dt.date | None, kind: str | None) -> dict:
    m, sections = common.base_map(conn, settings, raster_base=False,
                                  bounds=common.site_bounds(conn, settings.storage_srid))
    illustrative = False
    dates, class_names = [], {}
    try:
        lc = catalogue.layer(conn, LAND_COVER)
    except NotFound:
        lc = None
    if lc is not None and lc["kind"] == "raster":
        dates = list(lc["dates"])
        class_names = {int(e["value"]): e.get("label") or {} for e in lc["legend"] or []}
    if dates:
        date_from = date_from or dates[0]
        date_to = date_to or dates[-1]
        for d in (date_from, date_to):
            if d not in dates:
                raise InvalidInput(f"Land cover has no image for {d.isoformat()}; it has "
                                   f"{', '.join(x.isoformat() for x in dates)}.")
        if date_from >= date_to:
            raise InvalidInput("The first date must come before the second.")
        a = catalogue.raster_asset(conn, LAND_COVER, date_from)
        b = catalogue.raster_asset(conn, LAND_COVER, date_to)
        illustrative = bool(a["illustrative"])
        title = loc(lc, "title")
        for asset, show in ((a, False), (b, False)):
            layer = elements.TileLayer(f"{title} {asset['acquired'].isoformat()}",
                                       common.raster_tile_url(LAND_COVER, asset), overlay=True,
                                       show=show, max_native_zoom=18, opacity=0.85,
                                       key="laguna-offline")
            layer.add_to(m)
        look = raster_tiles.look_of(a)
        if look.classified:
            url = (f"{request.script_root}/tiles/change/{LAND_COVER}/{date_from.isoformat()}/"
                   f"{date_to.isoformat()}/{{z}}/{{x}}/{{y}}.png?v={a['checksum'][:6]}{b['checksum'][:6]}")
            changed = elements.TileLayer(_("Changed pixels (colour of the new class)"), url,
                                         overlay=True, show=True, max_native_zoom=18,
                                         key="laguna-offline")
            changed.add_to(m)
            sections.append(common.raster_legend(lc, a, settings, changed,
                                                 _("Changed pixels, by new class")))
    years, marsh_layer = [], None
    try:
        marsh = catalogue.vector_layer(conn, change.SALT_MARSHES)
    except NotFound:
        marsh = None
    if marsh is not None:
        years = change.survey_years(conn, marsh["version"])
    if len(years) >= 2:
        y_from = date_from.year if date_from and date_from.year in years else years[0]
        y_to = date_to.year if date_to and date_to.year in years else years[-1]
        if y_from == y_to:
            y_from, y_to = years[0], years[-1]
        data = orjson.loads(change.salt_marsh_change(conn, marsh["version"], y_from, y_to))
        illustrative = illustrative or marsh["illustrative"]
        style = {"type": "categorized", "field": "change", "color": "#333333", "weight": 0.8,
                 "fillOpacity": 0.75,
                 "classes": [{"value": k, "colour": c} for k, c in CHANGE_COLOURS.items()]}
        marsh_layer = elements.DataLayer(
            _("Salt marsh %(a)s → %(b)s", a=y_from, b=y_to),
            {"data": data, "style": style,
             "popup": {"title": None, "lang": lang(), "subtitle": loc(marsh, "title"),
                       "fields": [{"key": "change", "label": _("Change"), "labels": labels.flood_change()},
                                  {"key": "ha", "label": _("Area"), "unit": "ha"}]}})
        marsh_layer.add_to(m)
        sections.append({"layer": marsh_layer,
                         "title": _("Salt marsh %(a)s → %(b)s", a=y_from, b=y_to),
                         "items": [{"label": labels.flood_change()[k], "colour": c, "stroke": "#333"}
                                   for k, c in CHANGE_COLOURS.items()]})
        years = [y_from, y_to]
    folium.LayerControl(collapsed=False).add_to(m)
    elements.Legend(_("Legend"), sections).add_to(m)
    transitions = change.transitions(conn, kind)
    illustrative = illustrative or any(t["illustrative"] for t in transitions)
    if illustrative:
        common.illustrative_banner(m)
    names = {code: _class_name(label) for code, label in class_names.items()}
    return {"map": common.render(m), "dates": dates, "date_from": date_from, "date_to": date_to,
            "years": years, "transitions": transitions, "class_names": names, "kind": kind,
            "illustrative": illustrative}


def _class_name(label) -> str:
    if isinstance(label, dict):
        return label.get(lang()) or label.get("it") or ""
    return str(label or "")
