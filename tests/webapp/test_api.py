"""The JSON API: shapes, paging, filters, bbox, the one error shape, escaping."""

from __future__ import annotations

import json

import pytest
from pyproj import Transformer

from .conftest import SRID, XSS

TO_WGS84 = Transformer.from_crs(SRID, 4326, always_xy=True)


def get_json(client, url, status=200):
    r = client.get(url)
    assert r.status_code == status, r.text
    return r.get_json() if r.is_json else json.loads(r.data)


def assert_error(client, url, status, code, words=()):
    r = client.get(url)
    assert r.status_code == status
    assert r.mimetype == "application/json"
    body = r.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    message = body["error"]["message"]
    assert message.endswith(".") and "Traceback" not in message
    for w in words:
        assert w in message
    return message


def test_index_lists_endpoints(client):
    body = get_json(client, "/api/")
    assert "/api/zones" in body["endpoints"] and "/api/values" in body["endpoints"]


def test_zones_geojson_current_by_default(client, ids):
    body = get_json(client, "/api/zones")
    assert body["type"] == "FeatureCollection"
    codes = [f["properties"]["code"] for f in body["features"]]
    assert codes.count("WHS394") == 1  # the superseded version is left out
    assert set(codes) == {"WHS394", "WHS394-BZ", "LAGOON", "LIDO", "MALAMOCCO", "BURANO",
                          "MURANO", "XSS", "CANNAREGIO"}
    burano = next(f for f in body["features"] if f["properties"]["code"] == "BURANO")
    assert burano["properties"]["attributes"] == {"population": 2300}
    assert burano["properties"]["area_ha"] == 100.0
    # coordinates in EPSG:4326, lon/lat order: the square's corner 292000, 5036000
    lon, lat = TO_WGS84.transform(292000, 5036000)
    ring = burano["geometry"]["coordinates"][0][0]
    assert min(abs(x - lon) + abs(y - lat) for x, y in ring) < 1e-5


def test_zone_names_stay_text_in_json(client):
    body = get_json(client, "/api/zones?code=XSS")
    assert body["features"][0]["properties"]["name_it"] == XSS


def test_zones_filters_and_status(client):
    assert {f["properties"]["code"] for f in get_json(client, "/api/zones?kind=basin")["features"]} == {"LIDO", "MALAMOCCO"}
    sup = get_json(client, "/api/zones?status=superseded")["features"]
    assert [f["properties"]["version"] for f in sup] == [1]
    assert len(get_json(client, "/api/zones?status=all&kind=property")["features"]) == 2
    q = get_json(client, "/api/zones?q=buran")["features"]
    assert [f["properties"]["code"] for f in q] == ["BURANO"]
    # LIKE wildcards typed by a user are literal characters
    assert get_json(client, "/api/zones?q=%25")["features"] == []


def test_zones_bbox(client):
    w, s = TO_WGS84.transform(291900, 5035900)
    e, n = TO_WGS84.transform(293100, 5037100)
    body = get_json(client, f"/api/zones?kind=island&bbox={w},{s},{e},{n}")
    assert [f["properties"]["code"] for f in body["features"]] == ["BURANO"]


def test_paging_links_walk_every_feature_once(client):
    seen, url = [], "/api/zones?limit=4"
    while url:
        body = get_json(client, url)
        assert body["numberReturned"] == len(body["features"]) <= 4
        seen += [f["properties"]["id"] for f in body["features"]]
        url = next((link["href"] for link in body.get("links", []) if link["rel"] == "next"), None)
    assert len(seen) == len(set(seen)) == 9
    last = get_json(client, "/api/zones?limit=4&offset=8")
    assert [link["rel"] for link in last["links"]] == ["prev"]


def test_zoom_simplifies_geometry(client):
    full = get_json(client, "/api/zones?code=WHS394")["features"][0]["geometry"]
    coarse = get_json(client, "/api/zones?code=WHS394&zoom=5")["features"][0]["geometry"]
    assert full["type"] == coarse["type"] == "MultiPolygon"
    assert len(json.dumps(coarse)) <= len(json.dumps(full))


def test_zone_by_id(client, ids):
    body = get_json(client, f"/api/zones/{ids['burano']}")
    assert body["type"] == "Feature" and body["properties"]["code"] == "BURANO"
    assert body["geometry"]["type"] == "MultiPolygon"
    assert_error(client, "/api/zones/424242", 404, "not_found", ["424242"])
    assert_error(client, "/api/zones/abc", 404, "not_found")


def test_layers_catalogue_in_both_languages(client):
    body = get_json(client, "/api/layers")
    by_name = {x["name"]: x for x in body["layers"]}
    assert by_name["heritage_assets"]["title_it"] == "Beni culturali"
    assert by_name["heritage_assets"]["title_en"] == "Heritage assets"
    assert by_name["heritage_assets"]["features"] == "/api/layers/heritage_assets/features"
    assert by_name["land_cover"]["dates"] == ["2012-06-01", "2024-06-01"]
    assert len(by_name["land_cover"]["tiles"]) == 2
    assert {x["name"] for x in get_json(client, "/api/layers?kind=raster")["layers"]} == {"land_cover", "dem"}
    assert get_json(client, "/api/layers/dem")["kind"] == "raster"
    assert_error(client, "/api/layers/nope", 404, "not_found", ["nope"])
    assert_error(client, "/api/layers?kind=mesh", 400, "invalid_input", ["kind"])


def test_layer_features_and_attribute_filters(client):
    body = get_json(client, "/api/layers/heritage_assets/features")
    assert body["layer"] == "heritage_assets" and body["numberReturned"] == 3
    assert {f["properties"]["name"] for f in body["features"]} == {"San Martino", "Palazzo da Mula", XSS}
    church = get_json(client, "/api/layers/heritage_assets/features?category=church")
    assert [f["properties"]["asset_id"] for f in church["features"]] == ["HA1"]
    assert get_json(client, "/api/layers/heritage_assets/features?century=15")["features"][0]["properties"]["asset_id"] == "HA2"
    assert_error(client, "/api/layers/heritage_assets/features?colour=red", 400, "invalid_input",
                 ["colour", "category"])
    assert_error(client, "/api/layers/dem/features", 404, "not_found", ["raster"])
    marsh = get_json(client, "/api/layers/salt_marshes/features?point=true")
    assert {f["geometry"]["type"] for f in marsh["features"]} == {"Point"}


def test_projects_with_filters(client, ids):
    body = get_json(client, "/api/projects")
    assert {f["properties"]["id"] for f in body["features"]} == {ids["project_burano"], ids["project_xss"]}
    assert [f["properties"]["code"] for f in get_json(client, "/api/projects?challenge=S2")["features"]] == ["2.1"]
    assert get_json(client, "/api/projects?funding=law77")["features"][0]["properties"]["id"] == ids["project_burano"]
    points = get_json(client, "/api/projects?point=true")["features"]
    assert {f["geometry"]["type"] for f in points} == {"Point"}
    detail = get_json(client, f"/api/projects/{ids['project_burano']}")
    assert detail["properties"]["budget_eur"] == 1250000.0
    assert detail["properties"]["grants"][0]["granted_eur"] == 400000.0
    assert_error(client, "/api/projects/999999", 404, "not_found")
    assert_error(client, "/api/projects?status=maybe", 400, "invalid_input", ["status"])
    assert_error(client, "/api/projects?action_plan=x", 400, "invalid_input", ["action_plan"])


def test_indicators(client):
    body = get_json(client, "/api/indicators")
    marsh = next(i for i in body["indicators"] if i["code"] == "SALT_MARSH_AREA")
    assert marsh["name_it"] == "Estensione delle barene" and marsh["name_en"] == "Salt-marsh extent"
    assert marsh["n_values"] == 6 and marsh["green"] == 1 and marsh["red"] == 1
    one = get_json(client, "/api/indicators/FLOOD_LAND_SHARE")
    assert set(one["categories"]) == {"80", "110", "140", "187"}
    assert_error(client, "/api/indicators/NOPE", 404, "not_found", ["NOPE"])


def test_values_geojson_and_plain(client, ids):
    body = get_json(client, "/api/values?indicator=SALT_MARSH_AREA&period=2024")
    got = {f["properties"]["zone_code"]: f["properties"]["value"] for f in body["features"]}
    assert got == {"LIDO": 118.0, "MALAMOCCO": 70.0}
    assert all(f["properties"]["job_run_id"] == ids["marsh_run"] for f in body["features"])
    assert all(f["geometry"]["type"] == "MultiPolygon" for f in body["features"])
    station = get_json(client, "/api/values?station=PSAL")
    assert {f["geometry"]["type"] for f in station["features"]} == {"Point"}
    plain = get_json(client, "/api/values?indicator=TOURIST_ARRIVALS&geometry=false")
    assert plain["values"][0]["entered_by"] == "maria@ufficio-unesco"
    assert plain["values"][0]["zone_id"] is None
    flood = get_json(client, "/api/values?indicator=FLOOD_LAND_SHARE&category=140&zone_kind=island&geometry=false")
    assert sorted(v["value"] for v in flood["values"]) == [25.0, 40.0, 85.0]
    assert_error(client, "/api/values?period=2024-13", 400, "invalid_input", ["period"])
    assert_error(client, "/api/values?station=NOPE", 404, "not_found", ["NOPE"])
    assert_error(client, "/api/values?indicator=NOPE", 404, "not_found")
    assert_error(client, "/api/values?geometry=false&bbox=12,45,13,46", 400, "invalid_input")


def test_stations(client):
    body = get_json(client, "/api/stations")
    assert [f["properties"]["code"] for f in body["features"]] == ["PSAL", "WQ01"]
    assert [f["properties"]["code"] for f in get_json(client, "/api/stations?kind=water_quality")["features"]] == ["WQ01"]


def test_search(client, ids):
    body = get_json(client, "/api/search?q=bur")
    kinds = [(r["type"], r["id"]) for r in body["results"]]
    assert ("zone", ids["burano"]) in kinds and ("project", ids["project_burano"]) in kinds
    first = body["results"][0]
    assert first["name"] == "Burano" and first["url"] == f"/zones/{ids['burano']}"
    w, s, e, n = first["bbox"]
    assert w < e and s < n
    xss = get_json(client, "/api/search?q=onerror")["results"]
    assert {r["name"] for r in xss} == {XSS}
    assert_error(client, "/api/search?q=a", 400, "invalid_input", ["2 characters"])


def test_runs(client, ids):
    body = get_json(client, f"/api/runs/{ids['marsh_run']}")
    assert body["job_name"] == "salt_marsh"
    assert body["inputs"][0]["layer"] == "salt_marshes"
    assert body["outputs"][0]["n"] == 6
    assert_error(client, "/api/runs/0", 404, "not_found")


@pytest.mark.parametrize("url, words", [
    ("/api/zones?limit=0", ["limit", "between 1"]),
    ("/api/zones?limit=100000", ["limit"]),
    ("/api/zones?limit=ten", ["whole number"]),
    ("/api/zones?offset=-1", ["offset"]),
    ("/api/zones?bbox=1,2,3", ["four numbers"]),
    ("/api/zones?bbox=13,45,12,46", ["minlon < maxlon"]),
    ("/api/zones?bbox=a,b,c,d", ["bbox"]),
    ("/api/zones?bbox=nan,45,13,46", ["bbox"]),
    ("/api/zones?zoom=30", ["zoom"]),
    ("/api/zones?status=maybe", ["status"]),
    ("/api/zones?kind=' OR 1=1 --", ["kind"]),
    ("/api/stations?kind=satellite", ["kind"]),
    ("/api/values?indicator=SALT_MARSH_AREA&run=x", ["run"]),
    ("/api/projects?point=perhaps", ["point"]),
])
def test_malformed_parameters_are_400_with_a_sentence(client, url, words):
    assert_error(client, url, 400, "invalid_input", words)


def test_unknown_api_path_and_method(client):
    assert_error(client, "/api/nothing", 404, "not_found")
    r = client.post("/api/zones")
    assert r.status_code == 405 and r.get_json()["error"]["code"] == "method_not_allowed"


def test_statement_timeout_becomes_503(webapp_store):
    """A query that outlives LAGUNA_STATEMENT_TIMEOUT_MS is cut off and explained."""
    from webapp import create_app, db

    settings, _ = webapp_store
    slow = create_app(settings.model_copy(update={"statement_timeout_ms": 100}))
    try:
        with slow.test_request_context("/api/zones"):
            with pytest.raises(Exception) as caught, db.read() as conn:
                conn.execute("SELECT pg_sleep(1)")
        from geoprocessing.errors import StoreUnavailable

        assert isinstance(caught.value, StoreUnavailable)
        assert "100 ms" in caught.value.message
    finally:
        db.close(slow)


def test_store_down_is_503_with_a_sentence(webapp_store):
    from webapp import create_app, db

    settings, _ = webapp_store
    down = create_app(settings.model_copy(update={"database_url": "postgresql://laguna@127.0.0.1:9/nothing"}))
    try:
        r = down.test_client().get("/api/zones")
        assert r.status_code == 503
        assert r.get_json()["error"]["code"] == "store_unavailable"
        page = down.test_client().get("/")
        assert page.status_code == 503 and "PostgreSQL" in page.text
    finally:
        db.close(down)


def test_a_value_shows_only_the_light_that_judged_it(client, ids):
    """The 2024 values were evaluated (their series' last); 2012 and 2018 show no light."""
    rows = get_json(client, "/api/values?indicator=SALT_MARSH_AREA&geometry=false&limit=100")["values"]
    lights = {(v["zone_id"], v["period"]): v["status"] for v in rows}
    assert lights[(ids["lido"], "2024")] == "green" and lights[(ids["malamocco"], "2024")] == "red"
    assert lights[(ids["lido"], "2012")] is None and lights[(ids["malamocco"], "2018")] is None
