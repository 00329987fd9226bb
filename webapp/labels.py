"""Words for the store's codes (statuses, kinds, trends), in the interface language.

Traffic lights, trends and grant statuses take the report's words
(:data:`geoprocessing.report.text.CODES`): the viewer and the report say the same thing."""

from __future__ import annotations

from flask_babel import gettext as _

from geoprocessing.report import text

from .i18n import lang


def shared(table: str) -> dict[str, str]:
    """The report's words for one table of codes, in the interface language."""
    return {code: text.code(table, code, lang()) for code in text.CODES[table]}


def zone_status() -> dict[str, str]:
    return {"proposed": _("proposed"), "approved": _("approved"), "superseded": _("superseded")}


def project_status() -> dict[str, str]:
    # Capitalised: in Italian a project is masculine, a zone feminine ("proposto"/"proposta").
    return {"proposed": _("Proposed"), "planned": _("Planned"), "ongoing": _("Ongoing"),
            "completed": _("Completed"), "suspended": _("Suspended"),
            "cancelled": _("Cancelled")}


def traffic_light() -> dict[str, str]:
    """green, amber, red, unknown (in that order)."""
    return shared("status")


def trend() -> dict[str, str]:
    return shared("trend")


def grant_status() -> dict[str, str]:
    return shared("grant_status")


def indicator_kind() -> dict[str, str]:
    return {"state": _("state"), "pressure": _("pressure"), "result": _("result")}


def frequency() -> dict[str, str]:
    return {"monthly": _("monthly"), "quarterly": _("quarterly"), "annual": _("annual"),
            "biennial": _("every two years"), "triennial": _("every three years"),
            "five_yearly": _("every five years"), "irregular": _("irregular")}


def spatial_unit() -> dict[str, str]:
    return {"site": _("the whole site"), "zone": _("zone"), "station": _("station")}


def method() -> dict[str, str]:
    return {"computed": _("computed by a job"), "entered": _("entered by hand"),
            "imported": _("imported")}


def station_kind() -> dict[str, str]:
    return {"tide_gauge": _("tide gauge"), "water_quality": _("water quality"),
            "meteo": _("weather"), "other": _("other")}


def run_status() -> dict[str, str]:
    return {"running": _("running"), "succeeded": _("succeeded"), "failed": _("failed")}


def flood_change() -> dict[str, str]:
    return {"lost": _("lost"), "gained": _("gained"), "kept": _("kept")}


def all_labels() -> dict[str, dict[str, str]]:
    """Every table, for templates."""
    return {"zone_status": zone_status(), "project_status": project_status(),
            "traffic_light": traffic_light(), "trend": trend(), "grant_status": grant_status(),
            "indicator_kind": indicator_kind(), "station_kind": station_kind(),
            "run_status": run_status(), "change": flood_change(), "frequency": frequency(),
            "spatial_unit": spatial_unit(), "method": method()}
