"""Management Plan implementation: projects by status, budget and funding, for the whole
plan, each challenge, each action plan and each zone.

Rules: projects are counted by status in every scope (zero included). Budget figures
(allocated = ``budget_eur``, committed, spent) leave out cancelled projects (their money
is released) and are given only when at least one project of the scope has the figure;
the spent share is spent / allocated x 100. A project counts in the zones it is linked to
(``laguna.project_zones``); a project without links counts in the zones its geometry
overlaps (touching a border is not enough); a project in several zones counts whole in
each (no apportioning). Funding is what grants linked to the plan's projects were granted
(status granted or closed), by funding source and grant year.

Categories: the whole plan and zones use the bare key (``ongoing``, ``allocated``,
``law77``, ``''`` for the share); a challenge or action plan prefixes its code
(``S1:ongoing``, ``S1.2:allocated``, ``S1`` for its share). Action plans are named
challenge code + '.' + action plan number (``S1.2``).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

STATUSES = ("proposed", "planned", "ongoing", "completed", "suspended", "cancelled")
AMOUNTS = {"allocated": "budget_eur", "committed": "committed_eur", "spent": "spent_eur"}
FUNDED = ("granted", "closed")


def project_zone_links(projects: gpd.GeoDataFrame, links: pd.DataFrame,
                       zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """``project_id``, ``zone_id`` pairs: explicit links first, else the geometry's zones."""
    explicit = links[links["zone_id"].isin(zones["id"])][["project_id", "zone_id"]]
    unlinked = projects[~projects["id"].isin(links["project_id"]) & projects.geometry.notna()]
    if unlinked.empty or zones.empty:
        return explicit.drop_duplicates().reset_index(drop=True)
    pairs = gpd.sjoin(unlinked[["id", "geometry"]], zones[["id", "geometry"]].rename(columns={"id": "zone_id"}),
                      how="inner", predicate="intersects")
    zone_geoms = zones.set_index("id").geometry.reindex(pairs["zone_id"]).to_numpy()
    inside = ~shapely.touches(pairs.geometry.to_numpy(), zone_geoms)
    derived = pairs.loc[inside, ["id", "zone_id"]].rename(columns={"id": "project_id"})
    return pd.concat([explicit, derived]).drop_duplicates().reset_index(drop=True)


def _scope_rows(subset: pd.DataFrame, grants: pd.DataFrame, scope: str, zone_id, prefix: str, code: str,
                period: str) -> list[dict]:
    def row(indicator, category, value, row_period=period):
        return {"scope": scope, "indicator": indicator, "zone_id": zone_id, "category": category,
                "period": row_period, "value": float(value)}

    rows = []
    counts = subset["status"].value_counts()
    rows += [row("PLAN_PROJECTS", prefix + status, counts.get(status, 0)) for status in STATUSES]
    live = subset[subset["status"] != "cancelled"]
    sums = {name: pd.to_numeric(live[col], errors="coerce").sum(min_count=1) for name, col in AMOUNTS.items()}
    rows += [row("PLAN_BUDGET", prefix + name, total) for name, total in sums.items() if pd.notna(total)]
    if pd.notna(sums["allocated"]) and sums["allocated"] > 0:
        rows.append(row("PLAN_BUDGET_SPENT_SHARE", code,
                        100.0 * (0.0 if pd.isna(sums["spent"]) else sums["spent"]) / sums["allocated"]))
    funded = grants[grants["project_id"].isin(subset["id"]) & grants["status"].isin(FUNDED)]
    for (year, source), total in funded.groupby(["year", "source"])["granted_eur"].sum().items():
        rows.append(row("PLAN_FUNDING", prefix + source, total, str(int(year))))
    return rows


def plan_implementation(projects: pd.DataFrame, grants: pd.DataFrame, links: pd.DataFrame | None,
                        zone_ids: list[int], period: str, *, site: bool = True) -> pd.DataFrame:
    """Tidy rows ``scope, indicator, zone_id, category, period, value`` (scope: plan,
    challenge, action_plan or zone; zone_id set for zones only).

    ``projects``: id, challenge, action_plan, status, budget_eur, committed_eur, spent_eur;
    ``grants``: project_id, source, year, status, granted_eur; ``links``: project_id,
    zone_id. Counts and budget carry ``period`` (a snapshot); funding its grant year.
    """
    rows: list[dict] = []
    if site:
        rows += _scope_rows(projects, grants, "plan", None, "", "", period)
        for challenge, subset in projects.groupby("challenge", sort=True):
            rows += _scope_rows(subset, grants, "challenge", None, f"{challenge}:", str(challenge), period)
        for action_plan, subset in projects.groupby("action_plan", sort=True):
            rows += _scope_rows(subset, grants, "action_plan", None, f"{action_plan}:", str(action_plan), period)
    links = links if links is not None else pd.DataFrame({"project_id": [], "zone_id": []})
    for zone_id in zone_ids:
        subset = projects[projects["id"].isin(links.loc[links["zone_id"] == zone_id, "project_id"])]
        rows += _scope_rows(subset, grants, "zone", int(zone_id), "", "", period)
    return pd.DataFrame(rows, columns=["scope", "indicator", "zone_id", "category", "period", "value"])
