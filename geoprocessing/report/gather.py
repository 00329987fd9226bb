"""Gather a report's content from the store: the figures (plain JSON, kept next to the
files as ``figures.json``), the geometries its maps draw, and the runs it used.

Every number comes from the store as it is (indicator values, their evaluations, the
register); nothing is recomputed here, so the same data gives the same figures. Names are
in the report's language; codes and ids are kept next to them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
from psycopg import sql

from ..config import Settings
from ..errors import NotFound
from . import queries as q
from . import series as S
from . import text
from .labels import Labels
from .period import Period

LAW77_LINES = ("a", "b", "c", "d")
FUNDED = ("granted", "closed")
MAX_EXPOSED_LISTED = 25
LISTED_LEVEL = "110"  # the exposed assets listed by name: those below +110 cm


@dataclass
class Geo:
    """What the maps draw (storage CRS), beside the figures."""

    zones: gpd.GeoDataFrame
    projects: gpd.GeoDataFrame
    stations: gpd.GeoDataFrame
    territory: list[int]
    core: list[int] = field(default_factory=list)
    exposed_assets: gpd.GeoDataFrame | None = None
    marshes: gpd.GeoDataFrame | None = None
    land_cover: pd.DataFrame | None = None  # current assets up to the period's end
    land_cover_legend: list[dict] = field(default_factory=list)
    zone_styles: dict[str, dict] = field(default_factory=dict)
    rasters: tuple | None = None  # (basemap, changes), read once by draw.rasters


@dataclass
class Gathered:
    data: dict[str, Any]
    geo: Geo
    run_ids: list[int]
    layer_version_ids: list[int]
    raster_asset_ids: list[int]
    series_ids: list[int]
    registers_digest: str = ""


def clean(obj):
    """JSON-ready: numpy and pandas scalars to Python, NaN to None, dates to ISO text."""
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [clean(v) for v in obj.tolist()]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return None if math.isnan(obj) else float(obj)
    if isinstance(obj, datetime | pd.Timestamp):
        return obj.isoformat()
    if isinstance(obj, date):
        return obj.isoformat()
    if obj is pd.NA or obj is pd.NaT:
        return None
    return obj


def _num(x) -> float | None:
    if x is None or x is pd.NA:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _int_list(x) -> list[int]:
    return [int(v) for v in (x or [])]


class Gatherer:
    def __init__(self, conn: psycopg.Connection, settings: Settings, period: Period, lang: str,
                 partner: dict | None):
        self.conn, self.settings, self.period, self.lang, self.partner = conn, settings, period, lang, partner
        self.srid = settings.storage_srid
        self.runs: set[int] = set()
        self.layer_versions: set[int] = set()
        self.rasters: set[int] = set()

    def t(self, key: str) -> str:
        return text.t(key, self.lang)

    # -- the whole --------------------------------------------------------------------
    def gather(self) -> Gathered:
        conn, period = self.conn, self.period
        self.site = q.site(conn)
        self.plan = q.plan(conn, period.year)
        self.zones = q.zones(conn, self.srid)
        self.stations = q.stations(conn, self.srid)
        self.indicators = q.indicators(conn)
        self.bodies = q.bodies(conn)
        lc = q.current_rasters(conn, "land_cover", period.end)
        legend = list(lc.iloc[-1]["legend"] or []) if not lc.empty else []
        grants = q.grants(conn, period.year)
        sources = {r["source"]: {"name_it": r["source_it"], "name_en": r["source_en"]}
                   for r in grants.to_dict("records")}
        self.labels = Labels(self.lang, self.zones, self.stations, legend, sources)

        projects = q.projects(conn, self.plan["id"], self.srid) if self.plan else \
            gpd.GeoDataFrame({"id": []}, geometry=gpd.GeoSeries([], crs=f"EPSG:{self.srid}"))
        self.partner_zone = None
        territory: list[int] = []
        self.core: list[int] = []
        if self.partner:
            pid = self.partner["id"]
            mine = projects["lead_body_id"].eq(pid) | projects["partner_ids"].map(lambda ids: pid in (ids or []))
            projects = projects[mine].reset_index(drop=True)
            if self.partner["kind"] == "municipality" and self.partner.get("istat_code"):
                hit = self.zones[(self.zones["kind"] == "municipality") & (self.zones["code"] == self.partner["istat_code"])]
                self.partner_zone = int(hit.iloc[0]["id"]) if not hit.empty else None
                self.core = [self.partner_zone] if self.partner_zone else []
            territory = q.territory(conn, self.core, [int(i) for i in projects["id"]])
            grants = grants[grants["project_id"].isin(projects["id"])
                            | grants["beneficiary_body_id"].eq(pid)].reset_index(drop=True)
        self.territory = territory
        self.projects, self.grants = projects, grants

        values = S.keyed(q.values(conn, period.end))
        if self.partner and territory:
            values = values[(values["zone"] == 0) | values["zone"].isin(territory)]
        self.values = values
        evals = q.evaluations(conn, period.end)
        evals = S.keyed(evals) if not evals.empty else evals
        self.series_now = S.with_evaluations(S.last_values(values, period.end), evals)
        self.series_prev = S.with_evaluations(S.last_values(values, period.previous.end),
                                              S.keyed(q.evaluations(conn, period.previous.end))
                                              if not evals.empty else evals)
        used_runs = set(int(r) for r in values["job_run_id"].dropna().unique())
        used_runs |= set(int(r) for r in self.series_now["eval_run"].dropna().unique())
        self.runs |= used_runs

        self.indicator_rows = {r["code"]: r for r in self.indicators.to_dict("records")}
        self.challenges = q.challenges(conn, self.plan["id"]) if self.plan else pd.DataFrame(
            columns=["id", "code"])
        self._challenges = {int(r["id"]): r["code"] for r in self.challenges.to_dict("records")}
        data: dict[str, Any] = {}
        data["meta"] = self.meta()
        data["summary"] = self.summary()
        data["site"] = self.site_section(lc)
        data["challenges"] = self.challenge_sections()
        data["other_indicators"] = self.other_indicators()
        data["flood"], exposed = self.flood()
        data["change"], marshes = self.change(lc)
        data["funding"] = self.funding()
        data["factors"] = self.factors()
        data["comparison"] = self.comparison(data["summary"]["rows"], data["factors"]["groups"])
        appendix, series_ids = self.appendix()
        data["appendix"] = appendix
        data["meta"]["illustrative"] = self.illustrative(values, lc)

        geo = Geo(zones=self.zones, projects=self.projects, stations=self.stations, territory=territory, core=self.core,
                  exposed_assets=exposed, marshes=marshes, land_cover=lc, land_cover_legend=legend,
                  zone_styles=q.zone_layer_styles(conn))
        return Gathered(clean(data), geo, sorted(self.runs), sorted(self.layer_versions),
                        sorted(self.rasters), series_ids, self.registers_digest())

    def registers_digest(self) -> str:
        """SHA-256 of the register rows read (plan, projects, grants, indicator references,
        threats, decisions), in both languages: the same rows give the same digest."""
        import hashlib
        import json

        projects = self.projects.drop(columns="geometry").assign(wkt=self.projects.geometry.to_wkt()) \
            if len(self.projects) else self.projects
        refs = self.indicators[["code", "baseline_value", "baseline_period", "target_value", "target_period",
                                "warning_threshold", "alert_threshold", "challenge_id", "illustrative"]]
        rows = {"plan": self.plan, "projects": projects.to_dict("records"), "grants": self.grants.to_dict("records"),
                "indicators": refs.to_dict("records"),
                "threats": q.threat_assessments(self.conn, self.site["id"], self.period.end).to_dict("records"),
                "decisions": q.decisions(self.conn, self.site["id"], self.period.year).to_dict("records")}
        blob = json.dumps(clean(rows), sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()

    def illustrative(self, values: pd.DataFrame, lc: pd.DataFrame) -> bool:
        flags = [bool(values["illustrative"].any()) if not values.empty else False,
                 bool(self.zones["illustrative"].any()) if not self.zones.empty else False,
                 bool(self.plan and self.plan["illustrative"]),
                 bool(self.projects["illustrative"].any()) if "illustrative" in self.projects else False,
                 bool(self.grants["illustrative"].any()) if not self.grants.empty else False,
                 bool(lc["illustrative"].any()) if not lc.empty else False,
                 bool(self.indicators["illustrative"].any())]
        return any(flags)

    # -- sections -----------------------------------------------------------------------
    def meta(self) -> dict:
        s = self.site
        partner = None
        if self.partner:
            partner = {"code": self.partner["code"], "name": text.pick(self.partner, "name", self.lang),
                       "kind": self.partner["kind"],
                       "territory": [{"code": self.labels.zone_code(z), "name": self.labels.zone_name(z)}
                                     for z in self.territory]}
        plan = None
        if self.plan:
            plan = {"code": self.plan["code"], "title": text.pick(self.plan, "title", self.lang),
                    "period_start": self.plan["period_start"], "period_end": self.plan["period_end"]}
        last = self.values["period_end"].max() if not self.values.empty else None
        return {"period": self.period.code, "previous_period": self.period.previous.code,
                "period_end": self.period.end, "language": self.lang, "partner": partner,
                "site": {"name": text.pick(s, "name", self.lang), "whc_id": s["whc_id"],
                         "inscribed_year": s["inscribed_year"], "criteria": list(s["criteria"] or []),
                         "area_ha": _num(s["area_ha"])},
                "plan": plan, "data_as_of": min(last, self.period.end) if last is not None else None}

    def _row(self, r: pd.Series | dict, ind: dict) -> dict:
        """One table row of a series (summary, challenge sections, comparison)."""
        place, place_kind = self.labels.place(r["zone"], r["station"])
        status = r.get("status") if isinstance(r.get("status"), str) else "unknown"
        trend = r.get("trend") if isinstance(r.get("trend"), str) else "unknown"
        has_eval = isinstance(r.get("status"), str)
        baseline = _num(r.get("eval_baseline")) if has_eval else _num(ind["baseline_value"])
        target = _num(r.get("eval_target")) if has_eval else _num(ind["target_value"])
        value = _num(r["value"])
        change = _num(r.get("change_since_baseline")) if has_eval else (
            value - baseline if value is not None and baseline is not None else None)
        return {
            "indicator": ind["code"], "name": text.pick(ind, "name", self.lang), "kind": ind["kind"],
            "unit": ind["unit"], "direction": ind["direction"],
            "zone": int(r["zone"]), "station": int(r["station"]),
            "zone_code": self.labels.zone_code(r["zone"]) if r["zone"] else None,
            "place": place, "place_kind": place_kind, "category": r["category"],
            "category_label": self.labels.category(ind["code"], r["category"]),
            "period": r["period"], "value": value, "n_values": int(r["n"]),
            "baseline": baseline, "baseline_period": ind["baseline_period"],
            "target": target, "target_period": ind["target_period"], "change_since_baseline": change,
            "status": status, "trend": trend, "evaluated": has_eval,
            "trend_slope_per_year": _num(r.get("trend_slope_per_year")) if has_eval else None,
            "trend_p_value": _num(r.get("trend_p_value")) if has_eval else None,
            "evaluated_on": r.get("evaluated_on") if has_eval else None,
            "evaluation_run": int(r["eval_run"]) if has_eval else None,
            "run": int(r["job_run_id"]) if _num(r.get("job_run_id")) is not None else None,
            "source": r.get("source") if isinstance(r.get("source"), str) else None,
            "entered_by": r.get("entered_by") if isinstance(r.get("entered_by"), str) else None,
            "quality": r.get("quality"), "illustrative": bool(r.get("illustrative")),
        }

    def headline_rows(self, code: str) -> list[dict]:
        rows = S.headline(code, self.series_now, self.zones, self.partner_zone)
        return [self._row(r, self.indicator_rows[code]) for _, r in rows.iterrows()]

    def _lights(self, code: str) -> dict[str, int]:
        mine = self.series_now[self.series_now["indicator"] == code]
        statuses = [s if isinstance(s, str) else "unknown" for s in mine["status"]]
        return {k: statuses.count(k) for k in ("green", "amber", "red", "unknown")}

    def summary(self) -> dict:
        present = set(self.series_now["indicator"])
        rows = []
        for code in self.indicators["code"]:
            if code in present:
                for row in self.headline_rows(code):
                    row["lights"] = self._lights(code)
                    row["challenge"] = self._challenge_code(code)
                    rows.append(row)
        rows.sort(key=lambda r: (r["challenge"] or "~", r["indicator"]))
        self._summary_rows = rows
        statuses = [s if isinstance(s, str) else "unknown" for s in self.series_now["status"]]
        missing = [text.pick(r, "name", self.lang) for r in self.indicators.to_dict("records")
                   if r["code"] not in present and (r["challenge_id"] is not None and not pd.isna(r["challenge_id"]))]
        return {"rows": rows, "series": len(statuses),
                "counts": {k: statuses.count(k) for k in ("green", "amber", "red", "unknown")},
                "without_values": missing}

    def _challenge_code(self, code: str) -> str | None:
        cid = self.indicator_rows[code]["challenge_id"]
        if cid is None or pd.isna(cid):
            return None
        return self._challenges.get(int(cid))

    def site_section(self, lc: pd.DataFrame) -> dict:
        z = self.zones
        if self.partner and self.territory:
            z = z[z["id"].isin(self.territory)]
        kinds = []
        for kind, group in z.groupby("kind", sort=False):
            first = group.iloc[0]
            kinds.append({"kind": kind, "name": text.pick(first, "kind", self.lang), "count": len(group),
                          "status": sorted(set(group["status"])),
                          "zones": [{"code": r["code"], "name": text.pick(r, "name", self.lang),
                                     "status": r["status"], "area_ha": _num(r["area_ha"])}
                                    for r in group.to_dict("records")]})
        basemap = None
        if not lc.empty:
            asset = lc.iloc[-1]
            basemap = {"date": asset["acquired"], "asset": int(asset["id"])}
            self.rasters.add(int(asset["id"]))
        for v in z["layer_version_id"].dropna():
            self.layer_versions.add(int(v))
        return {"kinds": kinds, "basemap": basemap}

    # -- challenges -----------------------------------------------------------------------
    def indicator_block(self, ind: dict) -> dict:
        code = ind["code"]
        rows = self.headline_rows(code)
        block = {"code": code, "name": text.pick(ind, "name", self.lang),
                 "description": text.pick(ind, "description", self.lang), "unit": ind["unit"],
                 "kind": ind["kind"], "direction": ind["direction"],
                 "baseline": _num(ind["baseline_value"]), "baseline_period": ind["baseline_period"],
                 "target": _num(ind["target_value"]), "target_period": ind["target_period"],
                 "warning": _num(ind["warning_threshold"]), "alert": _num(ind["alert_threshold"]),
                 "factors": list(ind["factors"] or []), "rows": rows, "history": [], "zone_values": [],
                 "map_kinds": [], "lights": self._lights(code)}
        if not rows:
            return block
        category = rows[0]["category"]
        block["category_label"] = rows[0]["category_label"]
        hist = self.values[(self.values["indicator"] == code) & (self.values["category"] == category)]
        for row in rows:
            mine = hist[(hist["zone"] == row["zone"]) & (hist["station"] == row["station"])]
            block["history"].append({"place": row["place"], "points": [
                {"period": p, "start": s, "value": _num(v)}
                for p, s, v in zip(mine["period"], mine["period_start"], mine["value"], strict=True)]})
        kinds = S.map_kinds(code, ind["zone_kind"], self.series_now, self.zones, category)
        if kinds:
            kind_ids = set(self.zones.loc[self.zones["kind"].isin(kinds), "id"])
            now = self.series_now[(self.series_now["indicator"] == code) & (self.series_now["category"] == category)
                                  & self.series_now["zone"].isin(kind_ids)].sort_values("zone")
            block["map_kinds"] = list(kinds)
            block["zone_values"] = [{"zone": int(r["zone"]), "code": self.labels.zone_code(r["zone"]),
                                     "name": self.labels.zone_name(r["zone"]), "period": r["period"],
                                     "value": _num(r["value"]),
                                     "status": r["status"] if isinstance(r["status"], str) else "unknown"}
                                    for _, r in now.iterrows()]
        return block

    def challenge_sections(self) -> list[dict]:
        out = []
        for c in self.challenges.to_dict("records"):
            inds = [r for r in self.indicators.to_dict("records")
                    if r["challenge_id"] is not None and not pd.isna(r["challenge_id"]) and int(r["challenge_id"]) == c["id"]]
            projects = self.projects[self.projects["challenge_id"] == c["id"]]
            plist = [self.project_row(p) for p in projects.to_dict("records")]
            live = [p for p in plist if p["status"] != "cancelled"]
            totals = {"count": len(plist),
                      "budget": sum(p["budget"] or 0 for p in live),
                      "committed": sum(p["committed"] or 0 for p in live),
                      "spent": sum(p["spent"] or 0 for p in live),
                      "granted": sum(p["granted"] or 0 for p in plist),
                      "by_status": {s: sum(1 for p in plist if p["status"] == s)
                                    for s in text.CODES["project_status"]}}
            out.append({"code": c["code"], "title": text.pick(c, "title", self.lang),
                        "description": text.pick(c, "description", self.lang),
                        "indicators": [self.indicator_block(i) for i in inds],
                        "projects": plist, "totals": totals})
        return out

    def other_indicators(self) -> list[dict]:
        present = set(self.series_now["indicator"])
        return [self.indicator_block(r) for r in self.indicators.to_dict("records")
                if (r["challenge_id"] is None or pd.isna(r["challenge_id"])) and r["code"] in present]

    def project_row(self, p: dict) -> dict:
        lang = self.lang
        names = dict(zip(self.bodies["id"], self.bodies[f"name_{lang}"], strict=True))
        grants = self.grants[self.grants["project_id"] == p["id"]]
        glist = [{"source": g["source"], "source_name": text.pick(g, "source", lang), "year": int(g["year"]),
                  "line": g["law77_line"], "status": g["status"], "requested": _num(g["requested"]),
                  "granted": _num(g["granted"]) if g["status"] in FUNDED else None}
                 for g in grants.to_dict("records")]
        zones = [self.labels.zone_name(z) for z in _int_list(p["zone_ids"])]
        geom = p.get("geometry")
        return {"id": int(p["id"]), "ref": f"{p['challenge']}.{p['code']}", "challenge": p["challenge"],
                "action_plan": p["action_plan"], "action_title": text.pick(p, "action", lang), "code": p["code"],
                "title": text.pick(p, "title", lang), "status": p["status"],
                "lead": text.pick(p, "lead", lang) or None,
                "partners": [names.get(b, "") for b in _int_list(p["partner_ids"])],
                "start": p["start_date"], "end": p["end_date"], "budget": _num(p["budget"]),
                "committed": _num(p["committed"]), "spent": _num(p["spent"]), "grants": glist,
                "granted": sum(g["granted"] or 0 for g in glist), "zones": zones,
                "located": geom is not None and not geom.is_empty, "factors": list(p["factors"] or []),
                "illustrative": bool(p["illustrative"])}

    # -- flood exposure -------------------------------------------------------------------
    def flood(self) -> tuple[dict, gpd.GeoDataFrame | None]:
        shares = self.series_now[self.series_now["indicator"] == "FLOOD_LAND_SHARE"]
        counts = self.series_now[self.series_now["indicator"] == "FLOOD_ASSETS_EXPOSED"]
        if shares.empty and counts.empty:
            return {"available": False}, None
        head = S.headline("FLOOD_LAND_SHARE", self.series_now, self.zones, self.partner_zone)
        if head.empty:
            head = S.headline("FLOOD_ASSETS_EXPOSED", self.series_now, self.zones, self.partner_zone)
        zone, station = int(head.iloc[0]["zone"]), int(head.iloc[0]["station"])
        place, _ = self.labels.place(zone, station)
        levels = sorted({c for c in pd.concat([shares["category"], counts["category"]]) if c.lstrip("-").isdigit()},
                        key=int)
        table = []
        for level in levels:
            s = shares[(shares["zone"] == zone) & (shares["category"] == level)]
            n = counts[(counts["zone"] == zone) & (counts["category"] == level)]
            table.append({"level": int(level),
                          "share": _num(s.iloc[0]["value"]) if not s.empty else None,
                          "share_period": s.iloc[0]["period"] if not s.empty else None,
                          "assets": _num(n.iloc[0]["value"]) if not n.empty else None,
                          "run": int(s.iloc[0]["job_run_id"]) if not s.empty and _num(s.iloc[0]["job_run_id"]) else None})
        run_ids = sorted({int(r) for r in pd.concat([shares["job_run_id"], counts["job_run_id"]]).dropna()})
        exposed: dict[str, list] = {}
        assets_gdf = None
        self.asset_categories: dict[str, str] = {}
        run_id = run_ids[-1] if run_ids else None
        if run_id is not None:
            run = q.job_runs(self.conn, [run_id]).iloc[0]
            summary = run["summary"] or {}
            lists = summary.get("exposed_assets") or {}
            for level, items in lists.items():
                rows = [i for i in items if isinstance(i, dict) and i.get("fid") is not None]
                rows.sort(key=lambda i: (i.get("ground_cm") if i.get("ground_cm") is not None else 0, str(i.get("name"))))
                exposed[str(level)] = rows
            assets_gdf = self._exposed_geometries(run_id, exposed)
            kept = set(assets_gdf["fid"]) if assets_gdf is not None else set()
            exposed = {k: [i for i in v if int(i["fid"]) in kept] for k, v in
                       sorted(exposed.items(), key=lambda kv: _level_key(kv[0]))}
            for items in exposed.values():
                for i in items:
                    i["category_label"] = self.asset_categories.get(i.get("category"), i.get("category"))
                    i["zone_name"] = self.labels.zone_name_by_code(i.get("zone"))
        map_values = []
        map_kinds = S.map_kinds("FLOOD_LAND_SHARE", None, self.series_now, self.zones, "110")
        if map_kinds:
            ids = set(self.zones.loc[self.zones["kind"].isin(map_kinds), "id"])
            for _, r in shares[(shares["category"] == "110") & shares["zone"].isin(ids)].sort_values("zone").iterrows():
                map_values.append({"zone": int(r["zone"]), "code": self.labels.zone_code(r["zone"]),
                                   "name": self.labels.zone_name(r["zone"]), "value": _num(r["value"])})
        listed = LISTED_LEVEL if exposed.get(LISTED_LEVEL) else next((k for k, v in exposed.items() if v), None)
        return ({"available": True, "place": place, "levels": table, "runs": run_ids, "listed_level": listed,
                 "exposed": {k: v[:MAX_EXPOSED_LISTED] for k, v in exposed.items()},
                 "exposed_counts": {k: len(v) for k, v in exposed.items()},
                 "map_kinds": list(map_kinds), "zone_values": map_values}, assets_gdf)

    def _exposed_geometries(self, run_id: int, exposed: dict) -> gpd.GeoDataFrame | None:
        """The exposed assets' points (from the layer version the run read), with the lowest
        level that floods each; with a partner, only those inside its municipality."""
        fids = sorted({int(i["fid"]) for items in exposed.values() for i in items})
        layer = q.vector_layer(self.conn, "heritage_assets")
        self.asset_categories = _style_labels(layer, self.lang) if layer else {}
        if layer is None or not fids:
            return None
        inputs = q.run_inputs(self.conn, [run_id])
        hit = inputs[inputs["layer"] == "heritage_assets"]
        if not hit.empty:
            self.layer_versions.add(int(hit.iloc[0]["layer_version_id"]))
        query = sql.SQL("SELECT a.fid, ST_AsBinary(a.geom) AS geom FROM {} a WHERE a.fid = ANY(%(f)s) "
                        "AND (cardinality(%(core)s::int[]) = 0 OR EXISTS (SELECT 1 FROM laguna.zones z "
                        "WHERE z.id = ANY(%(core)s) AND ST_Intersects(z.geom, a.geom))) ORDER BY a.fid").format(
            sql.Identifier("layers", layer["table_name"]))
        gdf = q.geoframe(q.frame(self.conn, query, {"f": fids, "core": self.core}), self.srid)
        lowest: dict[int, int | None] = {}
        for level, items in sorted(exposed.items(), key=lambda kv: -_level_key(kv[0])):
            for i in items:
                lowest[int(i["fid"])] = _level_key(level)
        gdf["level"] = gdf["fid"].map(lowest)
        return gdf

    # -- salt marshes and land-cover change ----------------------------------------------
    def change(self, lc: pd.DataFrame) -> tuple[dict, gpd.GeoDataFrame | None]:
        out: dict[str, Any] = {}
        rows = []
        for code in ("SALT_MARSH_AREA", "SALT_MARSH_NET_CHANGE"):
            if code in set(self.series_now["indicator"]):
                rows += self.headline_rows(code)
        out["marsh_rows"] = rows
        marshes = None
        layer = q.vector_layer(self.conn, "salt_marshes")
        if layer is not None:
            df = q.frame(self.conn, sql.SQL(
                "SELECT survey_year, ST_AsBinary(geom) AS geom FROM {} WHERE layer_version = %s "
                "AND survey_year <= %s ORDER BY survey_year, fid").format(
                sql.Identifier("layers", layer["table_name"])), (int(layer["version"]), self.period.year))
            if not df.empty:
                marshes = q.geoframe(df, self.srid)
                years = sorted(set(int(y) for y in marshes["survey_year"]))
                out["marsh_years"] = [years[0], years[-1]] if len(years) > 1 else years
                self.layer_versions.add(int(layer["version_id"]))
        tr = self.series_now[(self.series_now["indicator"] == "LAND_COVER_CHANGE")
                             & self.series_now["category"].str.contains(">", regex=False)]
        transitions = []
        if not tr.empty:
            head = S.headline("LAND_COVER_CHANGE", self.series_now, self.zones, self.partner_zone)
            zone = int(head.iloc[0]["zone"]) if not head.empty else int(tr.iloc[0]["zone"])
            mine = tr[tr["zone"] == zone]
            latest = mine["period_start"].max()
            mine = mine[mine["period_start"] == latest]
            changed = mine[[a != b for a, b in (c.split(">", 1) for c in mine["category"])]]
            changed = changed.sort_values(["value", "category"], ascending=[False, True]).head(10)
            place, _ = self.labels.place(zone, 0)
            out["transitions_place"] = place
            out["transitions_period"] = mine.iloc[0]["period"] if not mine.empty else None
            for _, r in changed.iterrows():
                a, b = r["category"].split(">", 1)
                transitions.append({"from": a, "to": b, "from_name": self.labels.land_class(a),
                                    "to_name": self.labels.land_class(b), "ha": _num(r["value"]),
                                    "run": int(r["job_run_id"]) if _num(r["job_run_id"]) else None})
        out["transitions"] = transitions
        if len(lc) >= 2:
            first, last = lc.iloc[0], lc.iloc[-1]
            out["land_cover_dates"] = [first["acquired"], last["acquired"]]
            self.rasters |= {int(first["id"]), int(last["id"])}
        out["available"] = bool(rows or transitions or marshes is not None or len(lc) >= 2)
        return out, marshes

    # -- funding ----------------------------------------------------------------------
    def funding(self) -> dict:
        g = self.grants
        year = self.period.year

        def sums(df: pd.DataFrame) -> dict:
            funded = df[df["status"].isin(FUNDED)]
            return {"count": int(len(df)), "requested": float(df["requested"].fillna(0).sum()),
                    "granted": float(funded["granted"].fillna(0).sum()),
                    "spent": float(funded["spent"].fillna(0).sum()),
                    "granted_in_period": float(funded[funded["year"] == year]["granted"].fillna(0).sum()),
                    "count_in_period": int((df["year"] == year).sum())}

        law = g[g["source"] == "law77"]
        lines = [{"line": line, "label": self.t(f"law77_{line}"), **sums(law[law["law77_line"] == line])}
                 for line in LAW77_LINES]
        others = []
        for source, df in g[g["source"] != "law77"].groupby("source", sort=True):
            others.append({"source": source, "name": text.pick(df.iloc[0], "source", self.lang), **sums(df)})
        by_year = []
        funded = g[g["status"].isin(FUNDED)]
        for (y, source), df in funded.groupby(["year", "source"], sort=True):
            by_year.append({"year": int(y), "source": source, "granted": float(df["granted"].fillna(0).sum())})
        names = {r["source"]: text.pick(r, "source", self.lang) for r in g.to_dict("records")}
        return {"law77": lines, "law77_total": sums(law), "others": others,
                "others_total": sums(g[g["source"] != "law77"]), "total": sums(g),
                "by_year": by_year, "source_names": names}

    # -- factors ----------------------------------------------------------------------
    def factors(self) -> dict:
        factors = q.factors(self.conn)
        threats = q.threat_assessments(self.conn, self.site["id"], self.period.end)
        decisions = q.decisions(self.conn, self.site["id"], self.period.year)
        requests = q.requests(self.conn, self.site["id"], self.period.end)
        lang = self.lang
        names = {r["code"]: text.pick(r, "name", lang) for r in factors.to_dict("records")}

        def assessment(row: dict | None) -> dict | None:
            if row is None:
                return None
            return {"assessed_on": row["assessed_on"], "cause": text.pick(row, "cause", lang),
                    "attributes": text.pick(row, "attributes_affected", lang), "origin": row["origin"],
                    "extent": row["spatial_extent"], "frequency": row["frequency"], "impact": row["impact"],
                    "trend": row["trend"], "response_level": row["management_response"],
                    "response": text.pick(row, "response", lang), "illustrative": bool(row["illustrative"])}

        status_of = {}
        for r in self._summary_rows:
            status_of.setdefault(r["indicator"], r["status"])
        by_factor: dict[str, dict] = {}

        def entry(code_: str) -> dict:
            return by_factor.setdefault(code_, {"code": code_, "name": names.get(code_, code_), "assessment": None,
                                                "previous": None, "indicators": [], "projects": [], "decisions": []})

        for code_, df in threats.groupby("factor_code", sort=False):
            recs = df.to_dict("records")
            e = entry(code_)
            e["assessment"] = assessment(recs[0])
            e["previous"] = assessment(recs[1]) if len(recs) > 1 else None
        present = set(self.series_now["indicator"])
        for ind in self.indicators.to_dict("records"):
            for f in ind["factors"] or []:
                entry(f)["indicators"].append({"code": ind["code"], "name": text.pick(ind, "name", lang),
                                               "status": status_of.get(ind["code"], "unknown"),
                                               "has_values": ind["code"] in present})
        for p in self.projects.to_dict("records"):
            for f in p["factors"] or []:
                entry(f)["projects"].append({"ref": f"{p['challenge']}.{p['code']}", "title": text.pick(p, "title", lang),
                                             "status": p["status"]})
        for d in decisions.to_dict("records"):
            for f in d["factors"] or []:
                entry(f)["decisions"].append({"code": d["code"], "year": int(d["year"]),
                                              "title": text.pick(d, "title", lang)})
        groups = []
        for prim in factors[factors["parent_code"].isna()].to_dict("records"):
            pc = prim["code"]
            children = [by_factor[c] for c in sorted(by_factor, key=_factor_key)
                        if c == pc or c.split(".")[0] == pc]
            groups.append({"code": pc, "name": names[pc], "factors": children, "empty": not children})
        open_requests = [{"decision": r["decision"], "paragraph": r["paragraph"],
                          "request": text.pick(r, "request", lang), "deadline": r["deadline"],
                          "status": r["response_status"]}
                         for r in requests.to_dict("records") if r["response_status"] in ("pending", "in_progress")]
        return {"groups": groups, "open_requests": open_requests}

    # -- comparison ------------------------------------------------------------------
    def comparison(self, rows: list[dict], factor_groups: list[dict]) -> dict:
        prev = self.series_prev.set_index(S.KEY) if not self.series_prev.empty else None
        out, unchanged = [], 0
        for r in rows:
            key = (r["indicator"], r["zone"], r["station"], r["category"])
            before = prev.loc[key] if prev is not None and key in prev.index else None
            prev_value = _num(before["value"]) if before is not None else None
            prev_period = before["period"] if before is not None else None
            if prev_period == r["period"] and prev_value == r["value"]:
                unchanged += 1
                continue
            prev_status = before["status"] if before is not None and isinstance(before["status"], str) else "unknown"
            out.append({"indicator": r["indicator"], "name": r["name"], "unit": r["unit"], "place": r["place"],
                        "category_label": r["category_label"], "previous": prev_value, "previous_period": prev_period,
                        "current": r["value"], "current_period": r["period"],
                        "difference": (r["value"] - prev_value) if prev_value is not None and r["value"] is not None else None,
                        "judgement": S.judgement(prev_value, r["value"], r["direction"]),
                        "previous_status": prev_status, "status": r["status"]})
        year = self.period.year
        g = self.grants
        grants_now = g[(g["year"] == year) & g["status"].isin(FUNDED)]["granted"].fillna(0).sum()
        grants_prev = g[(g["year"] == year - 1) & g["status"].isin(FUNDED)]["granted"].fillna(0).sum()
        threats = []
        for group in factor_groups:
            for f in group["factors"]:
                a, p = f["assessment"], f["previous"]
                if a and p and (a["impact"], a["trend"]) != (p["impact"], p["trend"]) \
                        and str(a["assessed_on"])[:4] == self.period.code:
                    threats.append({"code": f["code"], "name": f["name"], "impact_before": p["impact"],
                                    "impact": a["impact"], "trend_before": p["trend"], "trend": a["trend"]})
        return {"rows": out, "unchanged": unchanged, "grants_granted": float(grants_now),
                "grants_granted_previous": float(grants_prev), "threat_changes": threats}

    # -- appendix -------------------------------------------------------------------
    def appendix(self) -> tuple[dict, list[int]]:
        lang = self.lang
        runs = q.job_runs(self.conn, sorted(self.runs))
        inputs = q.run_inputs(self.conn, sorted(self.runs))
        for v in inputs["layer_version_id"].dropna():
            self.layer_versions.add(int(v))
        for a in inputs["raster_asset_id"].dropna():
            self.rasters.add(int(a))
        series_ids = sorted({int(s) for s in inputs["series_id"].dropna()})
        counts = self.values.groupby("job_run_id").size() if not self.values.empty else pd.Series(dtype=int)
        run_rows = []
        for r in runs.to_dict("records"):
            mine = inputs[inputs["job_run_id"] == r["id"]]
            described = []
            for i in mine.to_dict("records"):
                if isinstance(i["layer"], str):
                    described.append(f"{i['layer']} v{int(i['layer_version'])}")
                elif isinstance(i["raster_layer"], str):
                    described.append(f"{i['raster_layer']} {i['raster_date']}")
                elif isinstance(i["station"], str):
                    described.append(f"{i['station']} {i['parameter']}")
                elif isinstance(i["description"], str):
                    described.append(i["description"])
            run_rows.append({"id": int(r["id"]), "job": r["job_name"], "status": r["status"],
                             "finished_at": r["finished_at"], "code_version": r["code_version"],
                             "parameters": r["parameters"] or {}, "inputs": described,
                             "values_used": int(counts.get(r["id"], 0))})
        layers = q.layer_versions(self.conn, sorted(self.layer_versions))
        rasters = q.raster_assets(self.conn, sorted(self.rasters))
        obs = q.observation_imports(self.conn, series_ids)
        entered = self.values[self.values["entered_by"].notna()]
        entered_rows = []
        for (code, source), df in entered.groupby(["indicator", entered["source"].fillna("")], sort=True):
            ind = self.indicator_rows[code]
            entered_rows.append({"indicator": code, "name": text.pick(ind, "name", lang), "source": source or None,
                                 "values": int(len(df)), "periods": f"{df['period'].min()}-{df['period'].max()}",
                                 "entered_by": sorted(set(df["entered_by"])),
                                 "last_entered": df["entered_at"].max()})
        return ({"runs": run_rows,
                 "layers": [{"id": int(r["id"]), "name": r["name"], "title": text.pick(r, "title", lang),
                             "version": int(r["version"]), "source_name": r["source_name"],
                             "checksum": r["source_checksum"], "imported_at": r["imported_at"],
                             "licence": r["licence"], "attribution": r["attribution"],
                             "illustrative": bool(r["illustrative"])} for r in layers.to_dict("records")],
                 "rasters": [{"id": int(r["id"]), "layer": r["layer"], "title": text.pick(r, "title", lang),
                              "acquired": r["acquired"], "path": r["path"], "checksum": r["checksum"],
                              "version": int(r["version"]), "licence": r["licence"],
                              "illustrative": bool(r["illustrative"])} for r in rasters.to_dict("records")],
                 "observation_imports": [{"id": int(r["id"]), "station": r["station"], "parameter": r["parameter"],
                                          "unit": r["unit"], "source_name": r["source_name"],
                                          "checksum": r["source_checksum"], "rows": int(r["rows_inserted"]),
                                          "imported_at": r["imported_at"]} for r in obs.to_dict("records")],
                 "entered": entered_rows}, series_ids)


def _level_key(level: str) -> int:
    return int(level) if str(level).lstrip("-").isdigit() else 0


def _style_labels(layer: dict, lang: str) -> dict[str, str]:
    """Value -> label of a categorized layer style (e.g. heritage asset categories)."""
    style = layer.get("style") or {}
    out = {}
    for c in style.get("classes") or []:
        label = c.get("label")
        out[str(c.get("value"))] = (label.get(lang) or str(c.get("value"))) if isinstance(label, dict) else str(label or c.get("value"))
    return out


def _factor_key(code: str) -> tuple[int, ...]:
    return tuple(int(p) for p in code.split("."))


def gather(conn: psycopg.Connection, settings: Settings, period: Period, lang: str,
           partner_code: str | None) -> Gathered:
    partner = None
    if partner_code:
        partner = q.body(conn, partner_code)
        if partner is None:
            known = ", ".join(q.bodies(conn)["code"].head(12)) or "none yet"
            raise NotFound(f"There is no body with code '{partner_code}' in laguna.bodies "
                           f"(known codes include: {known}).")
    return Gatherer(conn, settings, period, lang, partner).gather()
