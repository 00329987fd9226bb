"""Draw every map and chart of a report from the gathered figures and geometries: static
PNGs (the PDF, and the HTML's charts) and interactive Folium maps (the HTML)."""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from ..config import Settings
from . import charts, staticmaps, text, webmaps
from .gather import Gathered
from .staticmaps import Basemap


def rasters(g: Gathered, settings: Settings) -> tuple[Basemap | None, Basemap | None]:
    """The latest land-cover raster up to the period's end at low resolution, and its
    changes since the first date (None when a file is missing or there is one date)."""
    if g.geo.rasters is not None:
        return g.geo.rasters
    lc = g.geo.land_cover
    if lc is None or lc.empty:
        return None, None
    first, last = (Path(settings.var_dir) / lc.iloc[i]["path"] for i in (0, -1))
    legend = g.geo.land_cover_legend
    basemap = Basemap(last, legend) if last.is_file() else None
    changes = None
    if len(lc) > 1 and first.is_file() and last.is_file() and g.data["change"].get("land_cover_dates"):
        changes = Basemap.changes(first, last, legend)
    g.geo.rasters = (basemap, changes)  # read once for both outputs
    return basemap, changes


def _blocks(data: dict) -> list[dict]:
    return [b for c in data["challenges"] for b in c["indicators"]] + data["other_indicators"]


def chart_images(g: Gathered, lang: str) -> dict[str, bytes]:
    """name -> PNG of every chart (both outputs show them)."""
    d = g.data
    illustrative = d["meta"]["illustrative"]
    year = int(d["meta"]["period"])
    images: dict[str, bytes] = {}
    for b in _blocks(d):
        png = charts.indicator_chart(b, lang, year, illustrative)
        if png:
            images[f"chart_{b['code']}"] = png
    png = charts.funding_chart(d["funding"], lang, illustrative)
    if png:
        images["funding"] = png
    return images


def map_images(g: Gathered, settings: Settings, lang: str) -> dict[str, bytes]:
    """name -> PNG of every static map (the PDF's)."""
    d, geo = g.data, g.geo
    illustrative = d["meta"]["illustrative"]
    images: dict[str, bytes] = {}
    last, changes = rasters(g, settings)
    zones, styles = geo.zones, geo.zone_styles
    focus = geo.core or geo.territory or None
    images["site"] = staticmaps.site_map(zones, last, lang, illustrative, styles, focus, geo.core)
    for b in _blocks(d):
        if b["zone_values"]:
            png = staticmaps.choropleth(zones, b["zone_values"], b["unit"], b["direction"], lang, illustrative, styles)
            if png:
                images[f"zones_{b['code']}"] = png
    bounds = staticmaps.bounds_of(zones, focus, ("property", "lagoon"))
    for c in d["challenges"]:
        mine = geo.projects[geo.projects["id"].isin([p["id"] for p in c["projects"]])] if len(geo.projects) else geo.projects
        png = staticmaps.projects_map(zones, mine, last, lang, illustrative, styles, bounds)
        if png:
            images[f"projects_{c['code']}"] = png
    flood = d["flood"]
    if flood.get("available") and flood.get("zone_values"):
        label = f"{text.t('assets_exposed', lang)} (+110 cm)"
        pts = geo.exposed_assets
        if pts is not None and "level" in pts:
            pts = pts[pts["level"].notna() & (pts["level"] <= 110)]
        png = staticmaps.choropleth(zones, flood["zone_values"], "%", "lower_is_better", lang, illustrative,
                                    styles, points=pts, point_label=label)
        if png:
            images["flood"] = png
    change = d["change"]
    if geo.marshes is not None and change.get("marsh_years"):
        png = staticmaps.marsh_map(zones, geo.marshes, change["marsh_years"], lang, illustrative, styles)
        if png:
            images["marshes"] = png
    if changes is not None:
        images["land_cover_change"] = staticmaps.land_cover_change_map(
            zones, changes, [text.day(x, lang) for x in change["land_cover_dates"]], lang, illustrative,
            styles, geo.land_cover_legend, bounds)
    return images


def web_maps(g: Gathered, settings: Settings, lang: str) -> dict[str, Markup]:
    d, geo = g.data, g.geo
    crs = settings.storage_crs
    last, changes = rasters(g, settings)
    focus = geo.core or geo.territory or None
    out: dict[str, Markup] = {}
    label = f"{text.t('basemap_note', lang)} {text.day(d['site']['basemap']['date'], lang)}" if d["site"]["basemap"] else None
    out["site"] = webmaps.render(webmaps.site_map(geo.zones, last, geo.stations, lang, crs, focus, label))
    for c in d["challenges"]:
        m = webmaps.challenge_map(geo.zones, geo.projects, c["projects"], c["indicators"], lang, focus)
        if m is not None:
            out[f"challenge_{c['code']}"] = webmaps.render(m)
    if d["flood"].get("available"):
        m = webmaps.flood_map(geo.zones, d["flood"], geo.exposed_assets, lang, focus)
        if m is not None:
            out["flood"] = webmaps.render(m)
    m = webmaps.change_map(geo.zones, geo.marshes, d["change"].get("marsh_years", []), changes, lang, crs)
    if m is not None:
        out["change"] = webmaps.render(m)
    return out
