"""The plan map (projects by challenge, action plan, status, lead body, funding) and the
project page."""

from __future__ import annotations

import folium
import orjson
import psycopg
from flask import url_for
from flask_babel import gettext as _

from geoprocessing.config import Settings

from .. import labels
from ..i18n import lang
from ..maps import common, elements
from ..queries import plan
from .home import href

# Awesome-markers colours by project status.
# Proposed is purple, not cadet blue: that read as the grey of suspended.
STATUS_MARKERS = {"proposed": "purple", "planned": "blue", "ongoing": "orange",
                  "completed": "green", "suspended": "gray", "cancelled": "red"}


def project_popup() -> dict:
    return {"title": f"title_{lang()}", "titleFallback": "title_it", "lang": lang(),
            "fields": [{"key": "challenge", "label": _("Challenge")},
                       {"key": "action_plan_code", "label": _("Action plan")},
                       {"key": "full_code", "label": _("Project")},
                       {"key": "status", "label": _("Status"), "labels": labels.project_status()},
                       {"key": f"lead_body_{lang()}", "label": _("Lead body"), "hideEmpty": True},
                       {"key": "budget_eur", "label": _("Budget"), "unit": "€", "hideEmpty": True}],
            "links": [{"href": href("/projects/{id}"), "label": _("Project page")}]}


def page(conn: psycopg.Connection, settings: Settings, flt: plan.ProjectFilter) -> dict:
    m, sections = common.base_map(conn, settings,
                                  bounds=common.site_bounds(conn, settings.storage_srid))
    args = {k: v for k, v in flt.__dict__.items() if v is not None}
    style = {"marker": True, "markerField": "status", "markerColours": STATUS_MARKERS,
             "icon": "diagram-project"}
    layer = elements.DataLayer(_("Projects"), {
        "url": url_for("api.projects", point="true", limit=settings.max_page_size, **args),
        "cluster": True, "style": style, "popup": project_popup(),
        "errorText": _("Layer could not be loaded")})
    layer.add_to(m)
    sections.append({"layer": layer, "title": _("Projects by status"), "items": [
        {"label": text, "colour": _marker_hex(STATUS_MARKERS[code]), "shape": "circle"}
        for code, text in labels.project_status().items()]})
    folium.LayerControl(collapsed=True).add_to(m)
    elements.Legend(_("Legend"), sections).add_to(m)
    found = plan.projects(conn, flt)
    illustrative = any(p["illustrative"] for p in found)
    if illustrative:
        common.illustrative_banner(m)
    return {"map": common.render(m), "options": plan.filter_options(conn), "filter": flt,
            "projects": found, "illustrative": illustrative}


def _marker_hex(name: str) -> str:
    return {"purple": "#d252b9", "blue": "#38aadd", "orange": "#f69730", "green": "#72b026",
            "gray": "#575757", "red": "#d63e2a"}[name]


def project(conn: psycopg.Connection, settings: Settings, project_id: int) -> dict:
    found = plan.project(conn, project_id)
    rendered = None
    if found["geojson"]:
        m, sections = common.base_map(conn, settings, zoom=14, measure=False)
        feature = {"type": "Feature", "geometry": orjson.loads(found["geojson"]),
                   "properties": {"id": found["id"], f"title_{lang()}": found[f"title_{lang()}"],
                                  "title_it": found["title_it"], "status": found["status"]}}
        elements.DataLayer(_("Project location"), {
            "data": {"type": "FeatureCollection", "features": [feature]}, "fit": True,
            "maxFitZoom": 16, "style": {"color": "#d63e2a", "fillColor": "#f69730",
                                         "fillOpacity": 0.4, "weight": 2, "radius": 8},
            "popup": {"title": f"title_{lang()}", "titleFallback": "title_it", "lang": lang(),
                      "fields": [{"key": "status", "label": _("Status"),
                                  "labels": labels.project_status()}]}}).add_to(m)
        folium.LayerControl(collapsed=True).add_to(m)
        if found["illustrative"]:
            common.illustrative_banner(m)
        rendered = common.render(m)
    return {"project": found, "map": rendered, "illustrative": found["illustrative"]}
