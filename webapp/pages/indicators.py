"""Indicator pages: the list with traffic lights, one indicator's page, the indicator map."""

from __future__ import annotations

import io
from collections import OrderedDict
from urllib.parse import quote

import folium
import orjson
import psycopg
from branca.utilities import color_brewer
from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup

from geoprocessing.config import Settings
from geoprocessing.errors import InvalidInput, NotFound
from geoprocessing.report.labels import category_words, legend_label

from .. import labels
from ..i18n import lang, loc, number, unit
from ..maps import common, elements
from ..params import Page
from ..queries import catalogue, indicators
from .home import href

NO_VALUE = "#d9d9d9"


def index(conn: psycopg.Connection) -> dict:
    found = indicators.indicators(conn)
    return {"indicators": found, "illustrative": any(r["illustrative"] for r in found)}


def kind_names(conn: psycopg.Connection) -> dict[str, str]:
    """Display names of the places values lie in: zone kinds, stations, the site."""
    names = {k["code"]: loc(k, "name") for k in catalogue.zone_kinds(conn)}
    return names | {"station": _("Stations"), "site": _("Whole site")}


def category_names(conn: psycopg.Connection, code: str, cats: list[str]) -> dict[str, str]:
    """An indicator's breakdown categories in words, in the interface language: land-cover
    class codes by their name in the land_cover layer's legend, tide levels in cm,
    statistics, plan statuses and funding sources (the report's words)."""
    classes: dict[str, str] = {}
    sources: dict[str, dict] = {}
    if code.startswith("LAND_COVER"):
        try:
            legend = catalogue.layer(conn, "land_cover")["legend"] or []
        except NotFound:
            legend = []
        classes = {str(item.get("value")): legend_label(item, lang()) for item in legend}
    if code.startswith("PLAN_"):
        sources = {r["code"]: r for r in catalogue.funding_sources(conn)}
    return {c: category_words(code, c, lang(), classes, sources) or _("(none)") for c in cats}


def _category(conn, indicator: dict, category: str | None) -> tuple[str, list[str]]:
    cats = indicators.categories(conn, indicator["id"])
    if category is None:
        return (cats[0] if cats else ""), cats
    if cats and category not in cats:
        raise InvalidInput(f"Indicator {indicator['code']} has no values in category "
                           f"'{category[:40]}'.")
    return category, cats


def _place_kind(kinds: list[dict], wanted: str | None, indicator: dict) -> str | None:
    codes = [k["kind"] for k in kinds]
    if wanted:
        if codes and wanted not in codes:
            raise InvalidInput(f"Indicator {indicator['code']} has no values for places of kind "
                               f"'{wanted[:40]}'.")
        return wanted
    if indicator.get("zone_kind") in codes:
        return indicator["zone_kind"]
    return codes[0] if codes else None


def detail(conn: psycopg.Connection, settings: Settings, code: str, category: str | None,
           place_kind: str | None, zone_id: int | None, page: Page) -> dict:
    ind = indicators.indicator(conn, code)
    category, cats = _category(conn, ind, category)
    kinds = indicators.place_kinds(conn, ind["id"], category)
    place_kind = _place_kind(kinds, place_kind, ind)
    series = indicators.series(conn, ind["id"], category, place_kind)
    flt = indicators.ValueFilter(indicator_id=ind["id"], category=category, zone_id=zone_id)
    values, more = indicators.values(conn, flt, page)
    inputs = indicators.run_inputs(conn, sorted({v["job_run_id"] for v in values if v["job_run_id"]}))
    return {"indicator": ind, "category": category, "categories": cats, "kinds": kinds,
            "kind_names": kind_names(conn), "category_names": category_names(conn, code, cats),
            "place_kind": place_kind, "chart": chart(ind, series), "values": values,
            "inputs": inputs, "more": more, "page": page, "zone_id": zone_id,
            "illustrative": ind["illustrative"] or any(v["illustrative"] for v in values)}


def chart(ind: dict, series: list[dict]) -> Markup | None:
    """An SVG chart of the series, one line per place, with baseline and target lines."""
    if not series:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    lines: OrderedDict[str, list] = OrderedDict()
    for r in series:
        name = (r["place_en"] if lang() == "en" else r["place_it"]) or r["place_it"] or _("Whole site")
        lines.setdefault(name, []).append((r["period_start"], r["value"]))
    fig = Figure(figsize=(8, 3.6), dpi=96)
    ax = fig.add_subplot()
    for name, points in lines.items():
        xs, ys = zip(*points, strict=True)
        ax.plot(xs, ys, marker="o", markersize=3, linewidth=1.5, label=name)
    if ind["baseline_value"] is not None:
        ax.axhline(ind["baseline_value"], color="#555555", linestyle="--", linewidth=1,
                   label=_("Baseline (%(period)s)", period=ind["baseline_period"]))
    if ind["target_value"] is not None:
        ax.axhline(ind["target_value"], color="#1a9850", linestyle=":", linewidth=1.5,
                   label=_("Target (%(period)s)", period=ind["target_period"] or "–"))
    ax.set_ylabel(unit(ind["unit"]))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    out = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(out, format="svg")
    svg = out.getvalue()
    # matplotlib escapes the text it writes into the SVG (names are XML character data).
    return Markup(svg[svg.index("<svg"):])  # noqa: S704


def map_page(conn: psycopg.Connection, settings: Settings, code: str | None,
             category: str | None, place_kind: str | None, period: str | None) -> dict:
    """The choropleth of one indicator by zone (or station), with its time slider.

    The indicator dropdown lists every indicator measured by zone or station, and every
    other one that has values by zone or station (the plan's indicators are by site, and
    by zone too); the indicator drawn is always the one selected."""
    everything = indicators.indicators(conn)
    choices = [i for i in everything
               if i["spatial_unit"] in ("zone", "station") or i["n_place_values"]]
    if code is not None and code not in {i["code"] for i in choices}:
        choices += [i for i in everything if i["code"] == code]
    if not choices:
        m, sections = common.base_map(conn, settings, bounds=common.site_bounds(conn, settings.storage_srid))
        return {"map": common.render(m), "choices": [], "indicator": None, "illustrative": False}
    if code is None:
        with_values = [i for i in choices if i["n_place_values"]]
        code = (with_values or choices)[0]["code"]
    ind = indicators.indicator(conn, code)
    category, cats = _category(conn, ind, category)
    kinds = [k for k in indicators.place_kinds(conn, ind["id"], category) if k["kind"] != "site"]
    place_kind = _place_kind(kinds, place_kind, ind)
    m, sections = common.base_map(conn, settings, raster_base=False,
                                  bounds=common.site_bounds(conn, settings.storage_srid))
    data = indicators.choropleth(conn, ind["id"], category, place_kind, zoom=13) if place_kind else None
    periods = data.periods if data else []
    if period is not None and period not in periods:
        raise InvalidInput(f"Indicator {code} has no values for period '{period}'.")
    breaks = data.breaks if data else []
    colours = color_brewer("YlGnBu", max(3, len(breaks) - 1))[:max(1, len(breaks) - 1)]
    shown_unit = unit(ind["unit"])
    if data:
        elements.Script("indicatorMap", {
            "data": orjson.loads(data.geojson), "periods": periods,
            "period": period or (periods[-1] if periods else None),
            "breaks": breaks, "colours": colours, "noValueColour": NO_VALUE,
            "sliderTitle": _("Period"), "periodSelect": "f-period",
            "statusLabels": labels.traffic_light(), "trendLabels": labels.trend(),
            "popup": {"title": f"name_{lang()}", "titleFallback": "name_it", "lang": lang(),
                      "subtitle": loc(ind, "name"),
                      "fields": [{"key": "code", "label": _("Code")},
                                 {"key": "period", "label": _("Period")},
                                 {"key": "value", "label": _("Value"), "unit": shown_unit},
                                 {"key": "statusLabel", "label": _("Status")},
                                 {"key": "trendLabel", "label": _("Trend")}],
                      "links": [{"href": href(f"/indicators/{code}?category={_q(category)}"
                                              f"&kind={_q(place_kind)}&zone={{id}}"
                                              if place_kind != "station" else
                                              f"/indicators/{code}?category={_q(category)}&kind=station"),
                                 "label": _("Indicator page")}]
                      + ([{"href": href("/zones/{id}"), "label": _("Zone page")}]
                         if place_kind != "station" else [])},
        }).add_to(m)
        items = [{"label": f"{number(lo)} – {number(hi)} {shown_unit}", "colour": c, "stroke": "#333"}
                 for lo, hi, c in zip(breaks[:-1], breaks[1:], colours, strict=False)]
        items.append({"label": _("no value in this period"), "colour": NO_VALUE, "stroke": "#333"})
        sections.append({"layer": None, "title": loc(ind, "name"), "items": items})
        sections.append({"layer": None, "title": _("Traffic light (outline)"), "items": [
            {"label": text, "stroke": laguna_colour, "shape": "outline"}
            for (status, text), laguna_colour in zip(labels.traffic_light().items(),
                                                      ("#1a9850", "#f39c12", "#d73027", "#777777"),
                                                      strict=True)]})
    folium.LayerControl(collapsed=True).add_to(m)
    elements.Legend(_("Legend"), sections).add_to(m)
    illustrative = bool(ind["illustrative"] or (data and data.illustrative))
    if illustrative:
        common.illustrative_banner(m)
    return {"map": common.render(m), "choices": choices, "indicator": ind, "category": category,
            "categories": cats, "category_names": category_names(conn, code, cats),
            "kinds": kinds, "place_kind": place_kind, "periods": periods,
            "kind_names": kind_names(conn),
            "period": period or (periods[-1] if periods else None), "illustrative": illustrative,
            "page_url": url_for("indicators.detail", code=code)}


def _q(text: str | None) -> str:
    return quote(text or "", safe="")
