"""Building blocks of every map: the base map with its basemaps and controls, the styles
and legends of catalogue layers, and the HTML pieces a page template embeds."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import folium
import psycopg
from flask import request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from geoprocessing.config import Settings

from .. import raster_tiles
from ..i18n import lang, loc, number
from ..queries import catalogue, one
from . import elements, vendor

VENICE = (45.43, 12.33)
# Colours of zone kinds that no catalogue layer styles.
KIND_STYLES = {
    "property": {"color": "#8b0000", "weight": 3, "fillOpacity": 0.0},
    "buffer": {"color": "#d2691e", "weight": 2.5, "fillOpacity": 0.0, "dashArray": "6 4"},
    "lagoon": {"color": "#1f78b4", "weight": 2, "fillColor": "#a6cee3", "fillOpacity": 0.15},
    "basin": {"color": "#33a02c", "weight": 1.5, "fillColor": "#b2df8a", "fillOpacity": 0.15},
    "municipality": {"color": "#6a3d9a", "weight": 1.5, "fillOpacity": 0.0},
    "municipalita": {"color": "#cab2d6", "weight": 1.5, "fillOpacity": 0.0},
    "sestiere": {"color": "#e31a1c", "weight": 1.5, "fillColor": "#fb9a99", "fillOpacity": 0.3},
    "island": {"color": "#ff7f00", "weight": 1.5, "fillColor": "#fdbf6f", "fillOpacity": 0.35},
    "salt_marsh": {"color": "#b15928", "weight": 1, "fillColor": "#e3c16f", "fillOpacity": 0.5},
    "custom": {"color": "#555555", "weight": 1.5, "fillOpacity": 0.1},
}


@dataclass
class Rendered:
    """The three pieces of a Folium map a page template places: head, map div, script."""

    header: Markup
    html: Markup
    script: Markup


def render(m: folium.Map) -> Rendered:
    root = m.get_root()
    root.render()
    # Folium's own output (its templates use tojson for every value it embeds).
    return Rendered(Markup(root.header.render()), Markup(root.html.render()),  # noqa: S704
                    Markup(root.script.render()))  # noqa: S704


def base_map(conn: psycopg.Connection, settings: Settings, *, bounds=None, zoom: int = 11,
             measure: bool = True, raster_base: bool = True) -> tuple[folium.Map, list[dict]]:
    """A map with the online basemap (if configured), the store's rasters as offline
    basemaps, scale bar, full screen, coordinates and measure tools. Returns the map and
    the legend sections of its basemaps. ``raster_base``: with no online basemap, open on
    the first raster (else on no basemap, for maps whose overlays are rasters)."""
    m = vendor.Map(location=VENICE, zoom_start=zoom, max_zoom=20)
    sections = add_basemaps(m, conn, settings, raster_base)
    vendor.Fullscreen(title=_("Full screen"), title_cancel=_("Exit full screen")).add_to(m)
    vendor.MousePosition(position="bottomleft", separator=" ", prefix="WGS84", num_digits=5,
                         empty_string="").add_to(m)
    if measure:
        vendor.MeasureControl(position="topleft", primary_length_unit="meters",
                              secondary_length_unit="kilometers", primary_area_unit="hectares",
                              secondary_area_unit="sqmeters").add_to(m)
    if bounds:
        folium.FitBounds(bounds).add_to(m)
    return m, sections


def add_basemaps(m: folium.Map, conn: psycopg.Connection, settings: Settings,
                 raster_base: bool = True) -> list[dict]:
    """Base layers: online tiles (optional), each raster layer's latest image, none."""
    sections = []
    online = bool(settings.basemap_url.strip())
    online_layer = offline_first = None
    if online:
        online_layer = elements.TileLayer(_("OpenStreetMap (online)"), settings.basemap_url, overlay=False,
                                          show=True, attribution=settings.basemap_attribution,
                                          max_native_zoom=19)
        online_layer.add_to(m)
    rasters = [r for r in catalogue.layers(conn, "raster") if r["dates"]]
    rasters.sort(key=lambda r: (r["name"] != "land_cover", r["name"]))
    offline = _("offline")  # not inside the f-string: pybabel would not find it there
    for i, lay in enumerate(rasters):
        asset = catalogue.raster_asset(conn, lay["name"], None)
        title = f"{loc(lay, 'title')} {asset['acquired'].isoformat()} ({offline})"
        layer = elements.TileLayer(title, raster_tile_url(lay["name"], asset), overlay=False,
                                   show=not online and raster_base and i == 0,
                                   attribution=lay["attribution"] or "",
                                   max_native_zoom=18, key="laguna-offline")
        layer.add_to(m)
        offline_first = offline_first or layer
        sections.append(raster_legend(lay, asset, settings, layer, title))
    blank = elements.BlankBase(_("No basemap"), show=not online and not (rasters and raster_base))
    blank.add_to(m)
    if online_layer is not None:
        elements.OfflineFallback(online_layer, offline_first if raster_base and offline_first else blank,
                                 _("The online basemap cannot be reached: showing the offline one")).add_to(m)
    return sections


def raster_tile_url(name: str, asset: dict) -> str:
    return (f"{request.script_root}/tiles/raster/{quote(name)}/{asset['acquired'].isoformat()}"
            f"/{{z}}/{{x}}/{{y}}.png?v={asset['checksum'][:12]}")


def raster_legend(lay: dict, asset: dict, settings: Settings, layer, title: str) -> dict:
    look = raster_tiles.look_of(asset)
    if look.classified:
        labels = {int(e["value"]): e.get("label") or {} for e in lay["legend"]}
        items = [{"label": _label(labels.get(v)) or str(v), "colour": _hex(rgba), "stroke": _hex(rgba)}
                 for v, rgba in look.classes]
        return {"layer": layer, "title": title, "items": items}
    path = raster_tiles.asset_path(settings.var_dir, asset["path"])
    ramp = raster_tiles.legend_ramp(look, path, asset["checksum"])
    unit = ((lay["bands"] or [{}])[0] or {}).get("unit") or ""
    return {"layer": layer, "title": title,
            "ramp": {"colours": ramp["colours"], "lowLabel": f"{number(ramp['low'])} {unit}".strip(),
                     "highLabel": f"{number(ramp['high'])} {unit}".strip()}}


def _hex(rgba) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgba[:3])


def _label(bilingual) -> str:
    """A {it, en} label of the catalogue in the interface language."""
    if isinstance(bilingual, dict):
        return bilingual.get(lang()) or bilingual.get("it") or bilingual.get("en") or ""
    return str(bilingual or "")


def leaflet_style(lay: dict | None, zone_kind: str | None = None) -> dict:
    """Leaflet path options from a catalogue style (layers/*.toml ``[style]``)."""
    if lay is None or not lay.get("style"):
        return dict(KIND_STYLES.get(zone_kind or "", KIND_STYLES["custom"]))
    st = lay["style"]
    point = (lay.get("geometry_type") or "").endswith("Point")
    out = {"color": st.get("stroke", "#333333"), "weight": st.get("stroke_width", 1.0),
           "fillColor": st.get("fill") or st.get("stroke", "#3388ff"),
           "fillOpacity": st.get("fill_opacity", 0.35) if (st.get("fill") or point) else 0.0,
           "radius": st.get("radius", 5)}
    if zone_kind == "buffer":
        out["dashArray"] = "6 4"
    if st.get("field") and st.get("classes") and st.get("type") != "single":
        out.update(type=st.get("type"), field=st["field"],
                   classes=[{"value": c["value"], "colour": c["colour"]} for c in st["classes"]])
        if point:
            out["fillOpacity"] = 0.85
    return out


def vector_legend(lay: dict | None, title: str, style: dict, layer, *, shape: str = "fill",
                  note: str | None = None) -> dict:
    """A legend section: the layer's classes, or one swatch of its style."""
    if lay and lay.get("style", {}).get("classes") and style.get("classes"):
        items = [{"label": _label(c.get("label")) or str(c["value"]), "colour": c["colour"],
                  "stroke": style["color"], "shape": shape} for c in lay["style"]["classes"]]
        heading = _label(lay["style"].get("legend_title")) or title
        return {"layer": layer, "title": heading, "items": items, "note": note}
    filled = style.get("fillOpacity", 0) > 0
    item = {"label": title, "colour": style.get("fillColor") if filled else None,
            "stroke": style.get("color"), "dash": bool(style.get("dashArray")),
            "shape": shape if filled or shape != "fill" else "outline"}
    return {"layer": layer, "title": title, "items": [item], "note": note}


def illustrative_banner(m: folium.Map) -> None:
    elements.Banner(_("Illustrative data: sample data set, not real measurements")).add_to(m)


def site_bounds(conn: psycopg.Connection, srid: int) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the current zones (the site), in EPSG:4326."""
    for kinds in (["property", "lagoon", "buffer"], None):
        box = one(conn, """
            SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
              FROM (SELECT ST_Transform(ST_SetSRID(ST_Extent(geom)::geometry, %(srid)s), 4326)::box2d AS b
                      FROM laguna.zones WHERE status <> 'superseded'
                       AND (%(kinds)s::text[] IS NULL OR kind = ANY(%(kinds)s))) x""",
                  {"srid": srid, "kinds": kinds})
        if box and box["w"] is not None:
            return [[box["s"], box["w"]], [box["n"], box["e"]]]
    return None


def api_url(endpoint: str, **args) -> str:
    return url_for(endpoint, **{k: v for k, v in args.items() if v is not None})
