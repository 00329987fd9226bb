"""Interactive maps of the HTML report: Folium maps with no tiles and no asset links (the
page embeds Leaflet once, see :mod:`.assets`); the store's land-cover raster, reprojected
to Web Mercator, is an image overlay inside the page. Every text put into a tooltip or a
popup is HTML-escaped here, because Leaflet writes them as HTML.
"""

from __future__ import annotations

import base64
import html
import io

import folium
import geopandas as gpd
import numpy as np
import shapely
from affine import Affine
from markupsafe import Markup
from matplotlib import colormaps
from matplotlib.colors import Normalize, to_hex
from PIL import Image
from pyproj import Transformer
from rasterio.warp import Resampling, calculate_default_transform, reproject

from . import text
from .staticmaps import KIND_STYLES, MARSH_COLOURS, PROJECT_COLOURS, Basemap

SIMPLIFY_M = 5.0


class InlineMap(folium.Map):
    """folium.Map that links no script or style sheet: the report embeds them once."""

    def __init__(self, **kwargs):
        kwargs.setdefault("tiles", None)
        kwargs.setdefault("control_scale", True)
        kwargs.setdefault("prefer_canvas", False)
        kwargs.setdefault("zoom_snap", 0.25)  # fit the site closely, not to a whole zoom level
        super().__init__(**kwargs)
        self.default_js = []
        self.default_css = []


def _to_web(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gdf.copy()
    out["geometry"] = out.geometry.simplify(SIMPLIFY_M, preserve_topology=True)
    out = out.to_crs(4326)
    out["geometry"] = shapely.transform(out.geometry.values, lambda xy: np.round(xy, 6))
    return out


def _features(gdf: gpd.GeoDataFrame, props) -> dict:
    """A FeatureCollection; ``props(row)`` gives each feature's (escaped) properties.
    Multi-points become points: Folium's circle markers style single points only."""
    web = _to_web(gdf)
    if web.geom_type.isin(("MultiPoint", "GeometryCollection")).any():
        web = web.explode(index_parts=False)
    feats = [{"type": "Feature", "geometry": shapely.geometry.mapping(row.geometry), "properties": props(row)}
             for row in web.itertuples() if row.geometry is not None and not row.geometry.is_empty]
    return {"type": "FeatureCollection", "features": feats}


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _bounds(gdf: gpd.GeoDataFrame) -> list[list[float]]:
    x0, y0, x1, y1 = gdf.to_crs(4326).total_bounds
    return [[float(y0), float(x0)], [float(y1), float(x1)]]


def new_map(bounds: list[list[float]]) -> InlineMap:
    center = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    m = InlineMap(location=center, zoom_start=11, max_zoom=18)
    m.fit_bounds(bounds)
    return m


def _style(colour: str, fill: str | None, weight: float, opacity: float = 0.35, dash: str | None = None):
    base = {"color": colour, "weight": weight, "fillColor": fill or colour, "fillOpacity": opacity if fill else 0.0}
    if dash:
        base["dashArray"] = dash
    return lambda _f: base


def zones_layer(m, zones: gpd.GeoDataFrame, kind: str, lang: str, show: bool = True) -> None:
    mine = zones[zones["kind"] == kind]
    if mine.empty:
        return
    s = KIND_STYLES.get(kind, KIND_STYLES["custom"])
    data = _features(mine, lambda r: {"name": esc(text.pick(r._asdict(), "name", lang)), "code": esc(r.code),
                                      "status": esc(r.status)})
    dash = "6 4" if kind in ("buffer", "municipality") else None
    folium.GeoJson(data, name=esc(text.pick(mine.iloc[0], "kind", lang)), show=show,
                   style_function=_style(s["color"], s.get("fill"), s["linewidth"] + 0.8, 0.35, dash),
                   tooltip=folium.GeoJsonTooltip(["name", "code"], aliases=["", ""], labels=False)).add_to(m)


def raster_overlay(m, basemap: Basemap, rgba: np.ndarray, name: str, src_crs: str, opacity: float = 0.7,
                   show: bool = True) -> None:
    """An RGBA array on the basemap's grid, reprojected to Web Mercator, as an image overlay."""
    h, w = rgba.shape[:2]
    left, right, bottom, top = basemap.extent
    dst_transform, dw, dh = calculate_default_transform(src_crs, "EPSG:3857", w, h, left, bottom, right, top)
    out = np.zeros((4, dh, dw), dtype=np.uint8)
    src = np.moveaxis((rgba * 255).astype(np.uint8), -1, 0)
    for band in range(4):
        reproject(src[band], out[band], src_transform=basemap.transform, src_crs=src_crs,
                  dst_transform=dst_transform, dst_crs="EPSG:3857", resampling=Resampling.nearest)
    buf = io.BytesIO()
    Image.fromarray(np.moveaxis(out, 0, -1), "RGBA").save(buf, format="PNG", optimize=True)
    url = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    t = Affine(*dst_transform[:6])
    x0, y1 = t @ (0, 0)
    x1, y0 = t @ (dw, dh)
    to_ll = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)
    lon0, lat0 = to_ll.transform(x0, y0)
    lon1, lat1 = to_ll.transform(x1, y1)
    folium.raster_layers.ImageOverlay(url, bounds=[[lat0, lon0], [lat1, lon1]], opacity=opacity, name=esc(name),
                                      show=show, interactive=False, zindex=1).add_to(m)


def site_map(zones, basemap: Basemap | None, stations, lang: str, crs: str, focus_ids: list[int] | None,
             basemap_label: str | None) -> folium.Map:
    focus = zones[zones["id"].isin(focus_ids)] if focus_ids else zones[zones["kind"].isin(("buffer", "property"))]
    m = new_map(_bounds(focus if not focus.empty else zones))
    if basemap is not None:
        raster_overlay(m, basemap, basemap.rgba(1.0), basemap_label or "", crs, opacity=0.6)
    for kind in ("municipality", "basin", "lagoon", "sestiere", "island", "buffer", "property"):
        zones_layer(m, zones, kind, lang, show=kind not in ("municipality",))
    if stations is not None and not stations.empty:
        group = folium.FeatureGroup(name=esc(text.t("station", lang)), show=True)
        for row in stations.to_crs(4326).itertuples():
            folium.CircleMarker([row.geometry.y, row.geometry.x], radius=5, color="#004d40", fill=True,
                                fill_opacity=0.9, weight=1,
                                tooltip=esc(f"{row.code} · {text.pick(row._asdict(), 'name', lang)}")).add_to(group)
        group.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def _colour_scale(values: list[float], direction: str):
    lo, hi = min(values), max(values)
    norm = Normalize(lo, hi if hi > lo else lo + 1)
    cmap = colormaps["RdYlGn" if direction == "higher_is_better" else "RdYlGn_r"]
    return lambda v: to_hex(cmap(norm(v)))


def choropleth_layer(m, zones, zone_values: list[dict], name: str, unit: str, direction: str, lang: str,
                     show: bool) -> bool:
    values = {v["zone"]: v["value"] for v in zone_values if v["value"] is not None}
    shown = zones[zones["id"].isin(values)]
    if shown.empty:
        return False
    colour = _colour_scale(list(values.values()), direction)
    data = _features(shown, lambda r: {"name": esc(text.pick(r._asdict(), "name", lang)),
                                       "value": esc(f"{text.number(values[r.id], lang, unit=unit)} "
                                                    f"{text.unit_label(unit, lang)}"),
                                       "fill": colour(values[r.id])})
    folium.GeoJson(data, name=esc(name), show=show,
                   style_function=lambda f: {"color": "#333", "weight": 1, "fillColor": f["properties"]["fill"],
                                             "fillOpacity": 0.75},
                   tooltip=folium.GeoJsonTooltip(["name", "value"], aliases=["", ""], labels=False)).add_to(m)
    return True


def projects_layer(m, projects: gpd.GeoDataFrame, rows: dict[int, dict], lang: str) -> bool:
    located = projects[projects.geometry.notna() & ~projects.geometry.is_empty]
    if located.empty:
        return False
    group = folium.FeatureGroup(name=esc(text.t("projects", lang)), show=True)
    for status, colour in PROJECT_COLOURS.items():
        mine = located[located["status"] == status]
        if mine.empty:
            continue

        def props(r, status=status):
            p = rows[int(r.id)]
            return {"ref": esc(p["ref"]), "title": esc(p["title"]),
                    "status": esc(text.code("project_status", status, lang)),
                    "lead": esc(p["lead"] or "–"), "budget": esc(text.money(p["budget"], lang))}

        data = _features(mine, props)
        fields = ["ref", "title", "status", "lead", "budget"]
        aliases = [esc(text.t(k, lang)) for k in ("project", "project", "status", "lead", "budget")]
        folium.GeoJson(data, name=esc(text.code("project_status", status, lang)),
                       style_function=_style(colour, colour, 2, 0.5),
                       marker=folium.CircleMarker(radius=7, fill=True, fill_color=colour, color="white",
                                                  weight=1.5, fill_opacity=0.95),
                       tooltip=folium.GeoJsonTooltip(fields, aliases=aliases),
                       popup=folium.GeoJsonPopup(fields, aliases=aliases)).add_to(group)
    group.add_to(m)
    return True


def outline(m, zones, kinds=("property", "lagoon"), lang: str = "it") -> None:
    for kind in kinds:
        mine = zones[zones["kind"] == kind]
        if mine.empty:
            continue
        s = KIND_STYLES[kind]
        folium.GeoJson(_features(mine, lambda r: {"name": esc(text.pick(r._asdict(), "name", lang))}),
                       name=esc(text.pick(mine.iloc[0], "kind", lang)),
                       style_function=_style(s["color"], None, s["linewidth"]),
                       tooltip=folium.GeoJsonTooltip(["name"], aliases=[""], labels=False)).add_to(m)


def challenge_map(zones, projects, project_rows: list[dict], blocks: list[dict], lang: str,
                  bounds_ids: list[int] | None) -> folium.Map | None:
    mine = projects[projects["id"].isin([p["id"] for p in project_rows])] if len(projects) else projects
    layers = [b for b in blocks if b["zone_values"]]
    located = mine[mine.geometry.notna() & ~mine.geometry.is_empty] if len(mine) else mine
    if (located is None or located.empty) and not layers:
        return None
    focus = zones[zones["id"].isin(bounds_ids)] if bounds_ids else zones[zones["kind"].isin(("property", "lagoon"))]
    m = new_map(_bounds(focus if not focus.empty else zones))
    outline(m, zones, lang=lang)
    for i, b in enumerate(layers):
        label = f"{b['name']}" + (f" ({b.get('category_label')})" if b.get("category_label") else "")
        choropleth_layer(m, zones, b["zone_values"], label, b["unit"], b["direction"], lang, show=i == 0)
    if located is not None and not located.empty:
        projects_layer(m, located, {p["id"]: p for p in project_rows}, lang)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def flood_map(zones, flood: dict, assets: gpd.GeoDataFrame | None, lang: str, bounds_ids) -> folium.Map | None:
    if not flood.get("zone_values") and (assets is None or assets.empty):
        return None
    shown = zones[zones["id"].isin([v["zone"] for v in flood.get("zone_values", [])])]
    m = new_map(_bounds(shown if not shown.empty else zones[zones["kind"] == "property"]))
    outline(m, zones, lang=lang)
    if flood.get("zone_values"):
        choropleth_layer(m, zones, flood["zone_values"], f"{text.t('land_below', lang)} +110 cm", "%",
                         "lower_is_better", lang, show=True)
    if assets is not None and not assets.empty:
        names = {}
        for _level, items in flood["exposed"].items():
            for i in items:
                names.setdefault(int(i["fid"]), i)
        group = folium.FeatureGroup(name=esc(text.t("assets_exposed", lang)), show=True)
        for row in assets.to_crs(4326).itertuples():
            info = names.get(int(row.fid), {})
            label = (f"{info.get('name', '')} · +{row.level} cm" if row.level is not None else info.get("name", ""))
            folium.CircleMarker([row.geometry.y, row.geometry.x], radius=6, color="white", weight=1.5, fill=True,
                                fill_color="#b71c1c", fill_opacity=0.95, tooltip=esc(label)).add_to(group)
        group.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def change_map(zones, marshes, years, changes: Basemap | None, lang: str, crs: str) -> folium.Map | None:
    if (marshes is None or marshes.empty) and changes is None:
        return None
    base = marshes if marshes is not None and not marshes.empty else zones[zones["kind"] == "lagoon"]
    m = new_map(_bounds(base if not base.empty else zones))
    if changes is not None:
        raster_overlay(m, changes, changes.rgba(1.0), text.t("lc_change_map", lang), crs, opacity=0.9)
    outline(m, zones, lang=lang)
    if marshes is not None and not marshes.empty and len(years) >= 2:
        first_u = marshes[marshes["survey_year"] == years[0]].geometry.union_all()
        last_u = marshes[marshes["survey_year"] == years[-1]].geometry.union_all()
        for name, geom in (("kept", first_u.intersection(last_u)), ("lost", first_u.difference(last_u)),
                           ("gained", last_u.difference(first_u))):
            if geom.is_empty:
                continue
            gdf = gpd.GeoDataFrame({"name": [name]}, geometry=[geom], crs=marshes.crs)
            label = f"{text.t(name, lang)} ({years[0]} → {years[-1]})"
            folium.GeoJson(_features(gdf, lambda _r, label=label: {"name": esc(label)}), name=esc(label),
                           style_function=_style(MARSH_COLOURS[name], MARSH_COLOURS[name], 1, 0.8),
                           tooltip=folium.GeoJsonTooltip(["name"], aliases=[""], labels=False)).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def render(m: folium.Map) -> Markup:
    """The map's div and script, to place in the page (its header is replaced by ours)."""
    root = m.get_root()
    root.render()
    div = root.html.render()
    script = root.script.render().replace("</script", "<\\/script")
    return Markup(f"{div}\n<script>{script}</script>")  # noqa: S704 - Folium's output, texts escaped above
