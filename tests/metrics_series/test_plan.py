"""Plan implementation on a hand-built plan: counts, budget, funding and zones by hand."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, box

from geoprocessing.metrics import plan

ZONES = gpd.GeoDataFrame({"id": [10, 20, 30]},
                         geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100), box(300, 0, 400, 100)],
                         crs="EPSG:7792")


def hand_plan():
    projects = gpd.GeoDataFrame({
        "id": [1, 2, 3, 4, 5],
        "challenge": ["S1", "S1", "S1", "S2", "S2"],
        "action_plan": ["S1.1", "S1.1", "S1.2", "S2.1", "S2.1"],
        "status": ["ongoing", "completed", "ongoing", "cancelled", "planned"],
        "budget_eur": [100_000.0, 50_000.0, 20_000.0, 80_000.0, None],
        "committed_eur": [60_000.0, 50_000.0, None, 0.0, None],
        "spent_eur": [30_000.0, 50_000.0, None, 0.0, None],
    }, geometry=[box(10, 10, 20, 20),                 # inside zone 10, but linked explicitly to 30
                 LineString([(50, 50), (150, 50)]),   # crosses zones 10 and 20
                 box(200, 0, 250, 100),               # touches zone 20's border only
                 None, box(310, 10, 320, 20)], crs="EPSG:7792")
    links = pd.DataFrame({"project_id": [1], "zone_id": [30]})
    grants = pd.DataFrame({"project_id": [1, 1, 2, 5, 4], "source": ["law77", "law77", "fesr", "law77", "law77"],
                           "year": [2023, 2024, 2024, 2024, 2024],
                           "status": ["granted", "closed", "granted", "requested", "granted"],
                           "granted_eur": [40_000.0, 10_000.0, 25_000.0, None, 5_000.0]})
    return projects, links, grants


def values(rows, zone=None, period="2026"):
    sel = rows[(rows["period"] == period) & (rows["zone_id"].isna() if zone is None else rows["zone_id"] == zone)]
    return {(r.indicator, r.category): r.value for r in sel.itertuples()}


def test_links_first_then_geometry_overlap():
    projects, links, _ = hand_plan()
    pairs = plan.project_zone_links(projects, links, ZONES)
    assert sorted(map(tuple, pairs.values.tolist())) == [(1, 30), (2, 10), (2, 20), (5, 30)]


def test_whole_plan_challenges_and_action_plans():
    projects, links, grants = hand_plan()
    rows = plan.plan_implementation(projects, grants, None, [], "2026")
    site = values(rows)
    assert site[("PLAN_PROJECTS", "ongoing")] == 2 and site[("PLAN_PROJECTS", "suspended")] == 0
    assert sum(v for (i, c), v in site.items() if i == "PLAN_PROJECTS" and ":" not in c) == 5
    # cancelled project 4 is left out of the budget
    assert site[("PLAN_BUDGET", "allocated")] == 170_000
    assert site[("PLAN_BUDGET", "committed")] == 110_000
    assert site[("PLAN_BUDGET", "spent")] == 80_000
    assert site[("PLAN_BUDGET_SPENT_SHARE", "")] == pytest.approx(100 * 80_000 / 170_000)
    assert site[("PLAN_PROJECTS", "S1:ongoing")] == 2 and site[("PLAN_PROJECTS", "S1.1:completed")] == 1
    assert site[("PLAN_BUDGET_SPENT_SHARE", "S1.1")] == pytest.approx(100 * 80_000 / 150_000)
    assert site[("PLAN_BUDGET_SPENT_SHARE", "S1.2")] == 0.0  # allocated, nothing spent yet
    assert ("PLAN_BUDGET_SPENT_SHARE", "S2") not in site  # project 5 has no budget, 4 is cancelled
    assert ("PLAN_BUDGET", "S2:allocated") not in site
    # funding by grant year and source: granted or closed grants only (the cancelled project's counts)
    assert values(rows, period="2023") == {("PLAN_FUNDING", "law77"): 40_000, ("PLAN_FUNDING", "S1:law77"): 40_000,
                                           ("PLAN_FUNDING", "S1.1:law77"): 40_000}
    funding_2024 = values(rows, period="2024")
    assert funding_2024[("PLAN_FUNDING", "law77")] == 15_000 and funding_2024[("PLAN_FUNDING", "fesr")] == 25_000
    assert set(rows["scope"]) == {"plan", "challenge", "action_plan"}


def test_per_zone():
    projects, links, grants = hand_plan()
    pairs = plan.project_zone_links(projects, links, ZONES)
    rows = plan.plan_implementation(projects, grants, pairs, [10, 20, 30], "2026", site=False)
    assert set(rows["scope"]) == {"zone"}
    z30 = values(rows, 30)
    assert z30[("PLAN_PROJECTS", "ongoing")] == 1 and z30[("PLAN_PROJECTS", "planned")] == 1
    assert z30[("PLAN_BUDGET", "allocated")] == 100_000
    assert z30[("PLAN_BUDGET_SPENT_SHARE", "")] == pytest.approx(30.0)
    z10, z20 = values(rows, 10), values(rows, 20)
    assert z10[("PLAN_PROJECTS", "completed")] == z20[("PLAN_PROJECTS", "completed")] == 1  # whole in each
    assert z10[("PLAN_BUDGET", "spent")] == 50_000
    assert values(rows, 20, "2024") == {("PLAN_FUNDING", "fesr"): 25_000}
