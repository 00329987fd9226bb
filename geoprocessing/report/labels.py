"""Names for what the values are about: places (zone, station, whole site) and breakdown
categories (land-cover classes, tide levels, transitions, statistics, project statuses,
funding sources), in the report's language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from . import text

if TYPE_CHECKING:
    import pandas as pd


class Labels:
    def __init__(self, lang: str, zones: pd.DataFrame, stations: pd.DataFrame,
                 land_cover_legend: list[dict], sources: dict[str, dict]):
        self.lang = lang
        self.zones = {int(r["id"]): r for r in zones.to_dict("records")}
        self.stations = {int(r["id"]): r for r in stations.to_dict("records")}
        self.classes = {str(item.get("value")): legend_label(item, lang) for item in land_cover_legend}
        self.class_colours = {str(item.get("value")): item.get("colour") for item in land_cover_legend}
        self.sources = sources

    def zone_name(self, zone_id: int) -> str:
        z = self.zones.get(int(zone_id))
        return text.pick(z, "name", self.lang) if z else f"#{zone_id}"

    def zone_name_by_code(self, code: str | None) -> str:
        for z in self.zones.values():
            if z["code"] == code:
                return text.pick(z, "name", self.lang)
        return code or ""

    def zone_code(self, zone_id: int) -> str:
        z = self.zones.get(int(zone_id))
        return z["code"] if z else str(zone_id)

    def place(self, zone: int, station: int) -> tuple[str, str]:
        """(name, kind) of a series' place."""
        if zone:
            z = self.zones.get(int(zone))
            if z:
                return text.pick(z, "name", self.lang), text.pick(z, "kind", self.lang)
            return f"#{zone}", ""
        if station:
            s = self.stations.get(int(station))
            name = text.pick(s, "name", self.lang) if s else f"#{station}"
            return name, text.t("station", self.lang).lower()
        return text.t("whole_site", self.lang), ""

    def land_class(self, value: str) -> str:
        return self.classes.get(str(value), str(value))

    def category(self, indicator: str, category: str) -> str:
        """A breakdown category in words ('' for none)."""
        return category_words(indicator, category, self.lang, self.classes, self.sources)


def category_words(indicator: str, category: str, lang: str, classes: Mapping[str, str],
                   sources: Mapping[str, Mapping]) -> str:
    """A breakdown category of ``indicator`` in words ('' for none): land-cover classes by
    name (``classes``: class code -> name), tide levels in cm, statistics, project statuses
    and funding sources (``sources``: code -> row with ``name_it``/``name_en``). Shared by
    the report and the web viewer."""
    if not category:
        return ""

    def land_class(value: str) -> str:
        return classes.get(str(value), str(value))

    if indicator.startswith("LAND_COVER"):
        if category.startswith("net:"):
            net = "variazione netta" if lang == "it" else "net change"
            return f"{net}: {land_class(category[4:])}"
        if ">" in category:
            a, b = category.split(">", 1)
            return f"{land_class(a)} → {land_class(b)}"
        return land_class(category)
    if indicator.startswith("FLOOD_") and re.fullmatch(r"-?[0-9]+", category):
        return f"+{category} cm"
    if indicator in ("PLAN_PROJECTS", "PLAN_BUDGET", "PLAN_FUNDING", "PLAN_BUDGET_SPENT_SHARE"):
        prefix, _, key = category.rpartition(":")
        words = (sources[key][f"name_{lang}"] if key in sources
                 else text.code("project_status", key, lang) if key in text.CODES["project_status"]
                 else text.code("stat", key, lang))
        return f"{prefix}: {words}" if prefix else words
    if category in text.CODES["stat"]:
        return text.code("stat", category, lang)
    return category


def legend_label(item: dict, lang: str) -> str:
    label = item.get("label")
    if isinstance(label, dict):
        return label.get(lang) or next(iter(label.values()), "")
    return str(label or item.get("value"))
