"""``--partner BODY``: the body's projects (lead or partner), its grants and its territory."""

from __future__ import annotations

import json

import psycopg
import shapely

from geoprocessing.report.build import build_report


def figures(built) -> dict:
    return json.loads(built.files["figures"].read_text(encoding="utf-8"))


def test_a_municipality_sees_its_projects_zones_and_assets(report_store):
    settings, _ids = report_store
    built = build_report(settings, period="2024", lang="en", partner="comune-chioggia", formats=("html",))
    d = figures(built)
    assert d["meta"]["partner"]["name"] == "Municipality of Chioggia"
    projects = [p["ref"] for c in d["challenges"] for p in c["projects"]]
    assert projects == ["S1.1.2"]  # its only project, as lead
    # territory: zones overlapping the municipality by more than 1 % (shapely, independently)
    with psycopg.connect(settings.database_url) as conn:
        rows = conn.execute("SELECT code, ST_AsText(geom) FROM laguna.zones WHERE status <> 'superseded'").fetchall()
    geoms = {code: shapely.from_wkt(wkt) for code, wkt in rows}
    mine = geoms["027008"]
    expected = {code for code, g in geoms.items()
                if g.intersection(mine).area > 0.01 * min(g.area, mine.area)}
    assert {z["code"] for z in d["meta"]["partner"]["territory"]} == expected
    assert "LIDO" not in expected and "MALAMOCCO" in expected
    places = {r["place"] for r in d["summary"]["rows"]}
    assert "Lido basin" not in places and "Chioggia basin" in places
    assert [a["name"] for items in d["flood"]["exposed"].values() for a in items] == ["Forte di Sottomarina"]
    assert d["funding"]["total"]["granted"] == 35_000 + 80_000  # the clam project's two grants
    assert [line["granted"] for line in d["funding"]["law77"]] == [0, 0, 35_000, 0]


def test_another_body_sees_the_projects_it_leads_or_joins(report_store):
    settings, _ids = report_store
    built = build_report(settings, period="2024", lang="it", partner="provveditorato", formats=("html",))
    d = figures(built)
    projects = sorted(p["ref"] for c in d["challenges"] for p in c["projects"])
    assert projects == ["S1.1.1", "S2.1.1", "S3.1.2"]  # leads S1.1.1 and S3.1.2, partner of S2.1.1
    assert d["funding"]["total"]["granted"] == 90_000 + 900_000  # law 77 line a and LIFE, up to 2024
    assert d["funding"]["total"]["requested"] == 100_000 + 70_000 + 1_000_000
