"""The OGC API through Flask's test client, against the fixture store's known contents.

Expected numbers come from the fixture's own Python lists (shapely for geometry) or from
plain SQL on the store, never from the API itself.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point, box, shape

from geoprocessing import features
from geoprocessing.features import query

from . import fixture_store as fx

EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
ITEMS = "/ogc/collections/{}/items"


def get(client, url, status=200, **kw):
    response = client.get(url, **kw)
    assert response.status_code == status, (url, response.data[:500])
    return response


def all_features(client, url):
    """Every feature of a query, following the next links (as a client does)."""
    found, pages = [], 0
    while url:
        doc = get(client, url).get_json()
        found += doc["features"]
        pages += 1
        nxt = [link["href"] for link in doc["links"] if link["rel"] == "next"]
        url = nxt[0].removeprefix("http://localhost") if nxt else None
    return found, pages


def v2():
    return fx.heritage_points(2)


# -- landing, conformance, collections ---------------------------------------------------
def test_landing_page_links_what_qgis_needs(client):
    doc = get(client, "/ogc/").get_json()
    rels = {link["rel"]: link for link in doc["links"]}
    for rel in ("self", "alternate", "service-desc", "service-doc", "conformance", "data"):
        assert rel in rels
    assert rels["service-desc"]["type"].startswith("application/vnd.oai.openapi+json")
    assert get(client, "/ogc").get_json() == doc  # with or without the slash


def test_conformance_lists_the_classes_implemented(client):
    classes = get(client, "/ogc/conformance").get_json()["conformsTo"]
    for needed in ("ogcapi-features-1/1.0/conf/core", "ogcapi-features-1/1.0/conf/geojson",
                   "ogcapi-features-1/1.0/conf/html", "ogcapi-features-1/1.0/conf/oas30",
                   "ogcapi-features-2/1.0/conf/crs", "ogcapi-features-3/1.0/conf/queryables",
                   "ogcapi-features-3/1.0/conf/filter", "cql2/1.0/conf/cql2-text"):
        assert any(c.endswith(needed) for c in classes), needed


def test_collections_are_every_zone_kind_layer_and_domain_collection(client, store):
    kinds = [r[0] for r in store.execute(
        "SELECT DISTINCT kind FROM laguna.zones").fetchall()]
    layers = [r[0] for r in store.execute(
        "SELECT name FROM laguna.layers WHERE kind = 'vector'").fetchall()]
    expected = {f"zones-{k}" for k in kinds} | set(layers) | {
        "plan-projects", "monitoring-stations", "indicator-values"}
    doc = get(client, "/ogc/collections").get_json()
    assert {c["id"] for c in doc["collections"]} == expected
    one = next(c for c in doc["collections"] if c["id"] == "zones-basin")
    assert one["crs"][0] == CRS84 and EPSG + "7792" in one["crs"] and EPSG + "3003" in one["crs"]
    assert one["storageCrs"] == EPSG + "7792"
    west, south, east, north = one["extent"]["spatial"]["bbox"][0]
    assert west == pytest.approx(12.15, abs=1e-3) and north == pytest.approx(45.50, abs=1e-3)
    wide = next(c for c in doc["collections"] if c["id"] == "twin_cities")
    assert wide["storageCrs"] == EPSG + "4326"


def test_unknown_collection_is_a_404_exception(client):
    doc = get(client, "/ogc/collections/nowhere", 404).get_json()
    assert doc["code"] == "NotFound" and "nowhere" in doc["description"]


# -- items, paging, counts ---------------------------------------------------------------
def test_paging_returns_every_current_feature_once(client):
    feats, pages = all_features(client, ITEMS.format("heritage_assets") + "?limit=1000")
    assert pages == 3
    assert len(feats) == fx.HERITAGE_V2 == len({f["id"] for f in feats})
    assert {f["properties"]["layer_version"] for f in feats} == {2}
    assert sorted(f["properties"]["asset_id"] for f in feats) == sorted(p[0] for p in v2())


def test_page_links_and_number_matched(client):
    doc = get(client, ITEMS.format("heritage_assets") + "?limit=100&offset=200").get_json()
    assert doc["numberReturned"] == 100 and doc["numberMatched"] == fx.HERITAGE_V2
    links = {link["rel"]: parse_qs(urlsplit(link["href"]).query) for link in doc["links"]}
    assert links["next"]["offset"] == ["300"] and links["prev"]["offset"] == ["100"]
    last = get(client, ITEMS.format("heritage_assets") + f"?limit=100&offset={fx.HERITAGE_V2 - 5}").get_json()
    assert last["numberReturned"] == 5 and "next" not in {link["rel"] for link in last["links"]}
    beyond = get(client, ITEMS.format("heritage_assets") + "?offset=100000").get_json()
    assert beyond["features"] == [] and beyond["numberMatched"] == fx.HERITAGE_V2


def test_number_matched_is_left_out_when_counting_would_be_costly(client, monkeypatch):
    monkeypatch.setattr(query, "EXACT_COUNT_LIMIT", 1000)
    doc = get(client, ITEMS.format("heritage_assets") + "?limit=10").get_json()
    assert "numberMatched" not in doc and any(link["rel"] == "next" for link in doc["links"])
    small = get(client, ITEMS.format("heritage_assets") + "?limit=10&category=fort").get_json()
    assert small["numberMatched"] == sum(1 for p in v2() if p[2] == "fort")


def test_limit_above_the_maximum_is_capped(client, ogc_settings):
    doc = get(client, ITEMS.format("heritage_assets") + "?limit=999999").get_json()
    assert doc["numberReturned"] == min(ogc_settings.max_page_size, fx.HERITAGE_V2)


# -- CRS ---------------------------------------------------------------------------------
def _coords(client, crs=None, fid=None):
    url = ITEMS.format("monitoring-stations") + "?" + (f"crs={crs}" if crs else "")
    response = get(client, url)
    feats = {f["properties"]["code"]: f["geometry"]["coordinates"] for f in response.get_json()["features"]}
    return feats, response.headers["Content-Crs"]


def test_output_crs_axis_order_and_content_crs_header(client):
    lonlat, header = _coords(client)
    assert header == f"<{CRS84}>"
    assert lonlat["PSAL"] == pytest.approx([12.3363, 45.4306], abs=1e-7)
    latlon, header = _coords(client, EPSG + "4326")
    assert header == f"<{EPSG}4326>" and latlon["PSAL"] == pytest.approx([45.4306, 12.3363], abs=1e-7)
    for code, flip in ((3857, False), (7792, False), (6708, True), (6707, True), (3004, False),
                       (3003, False)):
        got, header = _coords(client, EPSG + str(code))
        assert header == f"<{EPSG}{code}>"
        x, y = Transformer.from_crs(4326, code, always_xy=True).transform(12.3363, 45.4306)
        expected = [y, x] if flip else [x, y]
        # PostGIS's PROJ and pyproj may pick different Monte Mario datum shifts: metres apart
        tolerance = 5 if code in (3003, 3004) else 0.01
        assert got["PSAL"] == pytest.approx(expected, abs=tolerance), code


def test_single_feature_in_another_crs(client):
    doc = get(client, ITEMS.format("monitoring-stations") + "?crs=" + EPSG + "7792").get_json()
    fid = doc["features"][0]["id"]
    one = get(client, ITEMS.format("monitoring-stations") + f"/{fid}?crs={EPSG}7792")
    assert one.headers["Content-Crs"] == f"<{EPSG}7792>"
    assert one.get_json()["geometry"] == doc["features"][0]["geometry"]
    assert {link["rel"] for link in one.get_json()["links"]} >= {"self", "collection"}
    get(client, ITEMS.format("monitoring-stations") + "/999999", 404)
    get(client, ITEMS.format("monitoring-stations") + "/not-a-number", 404)


def test_wide_layer_in_wgs84_is_served_in_every_crs(client):
    lonlat = get(client, ITEMS.format("twin_cities")).get_json()["features"]
    got = {f["properties"]["city"]: f["geometry"]["coordinates"] for f in lonlat}
    assert got == {n: pytest.approx([x, y]) for n, x, y in fx.CITIES}
    response = client.get(ITEMS.format("twin_cities") + f"?crs={EPSG}3003")
    assert response.status_code in (200, 400)  # never a server error, whatever PROJ says


# -- filters -----------------------------------------------------------------------------
def count(client, collection, query_string):
    feats, _ = all_features(client, ITEMS.format(collection) + "?limit=1000&" + query_string)
    return len(feats)


def test_bbox_in_crs84_and_in_lat_lon_epsg_4326(client):
    area = box(12.32, 45.43, 12.35, 45.44)
    expected = sum(1 for p in v2() if area.contains(p[-1]))
    assert expected > 50
    assert count(client, "heritage_assets", "bbox=12.32,45.43,12.35,45.44") == expected
    assert count(client, "heritage_assets",
                 f"bbox=45.43,12.32,45.44,12.35&bbox-crs={EPSG}4326") == expected
    x1, y1 = fx.TO_STORE.transform(12.32, 45.43)
    x2, y2 = fx.TO_STORE.transform(12.35, 45.44)
    in_utm = box(x1, y1, x2, y2)
    expected_utm = sum(1 for p in v2() if in_utm.contains(fx.to_store(p[-1])))
    assert count(client, "heritage_assets",
                 f"bbox={x1},{y1},{x2},{y2}&bbox-crs={EPSG}7792") == expected_utm


def test_datetime_selects_versions_validity_and_periods(client, store):
    assert count(client, "zones-basin", "") == 3
    old = get(client, ITEMS.format("zones-basin") + "?datetime=2000-06-01").get_json()["features"]
    assert [(f["properties"]["code"], f["properties"]["version"]) for f in old] == [("LIDO", 1)]
    assert count(client, "zones-basin", "datetime=../..") == len(fx.BASINS)
    assert count(client, "heritage_assets", "datetime=2022-01-01T00:00:00Z") == fx.HERITAGE_V1
    assert count(client, "heritage_assets", "datetime=2025-01-01T00:00:00Z") == fx.HERITAGE_V2
    assert count(client, "heritage_assets", "datetime=2019-01-01T00:00:00Z") == 0
    assert count(client, "heritage_assets", "datetime=2021-01-01/2025-01-01") == fx.HERITAGE_V1 + fx.HERITAGE_V2
    expected = store.execute("SELECT count(*) FROM laguna.indicator_values WHERE "
                             "period_start <= '2018-12-31' AND period_end >= '2018-01-01'").fetchone()[0]
    assert count(client, "indicator-values", "datetime=2018-01-01/2018-12-31") == expected == 4


def test_property_equality(client):
    assert count(client, "heritage_assets", "category=church") == sum(1 for p in v2() if p[2] == "church")
    assert count(client, "heritage_assets", "century=15") == sum(1 for p in v2() if p[3] == 15)
    assert count(client, "zones-sestiere", "population=13000") == 1
    assert count(client, "indicator-values", "indicator=TOURIST_ARRIVALS") == 5
    assert count(client, "zones-basin", "code=LIDO' OR '1'='1") == 0
    doc = get(client, ITEMS.format("heritage_assets") + "?century=abc", 400).get_json()
    assert doc["code"] == "InvalidParameterValue" and "century" in doc["description"]


CQL = [
    ("century >= 18 AND category = 'palace'", lambda p: p[3] >= 18 and p[2] == "palace"),
    ("name LIKE 'Bene 1%'", lambda p: p[1].startswith("Bene 1")),
    ("category IN ('fort', 'museum')", lambda p: p[2] in ("fort", "museum")),
    ("century BETWEEN 14 AND 16", lambda p: 14 <= p[3] <= 16),
    ("NOT (century < 20)", lambda p: not p[3] < 20),
    ("surveyed > DATE('2020-01-01')", lambda p: p[4] > "2020-01-01"),
    ("surveyed >= '2024-01-01'", lambda p: p[4] >= "2024-01-01"),
    ("century + 1 > 20", lambda p: p[3] + 1 > 20),
    ("CASEI(category) = casei('CHURCH')", lambda p: p[2] == "church"),
    ("S_INTERSECTS(geometry, POLYGON((12.32 45.43, 12.35 45.43, 12.35 45.44, 12.32 45.44, 12.32 45.43)))",
     lambda p: box(12.32, 45.43, 12.35, 45.44).contains(p[-1])),
    ("BBOX(geometry, 12.30, 45.42, 12.33, 45.435)", lambda p: box(12.30, 45.42, 12.33, 45.435).contains(p[-1])),
    ("S_WITHIN(geometry, BBOX(12.30, 45.42, 12.33, 45.435)) AND century = 12",
     lambda p: box(12.30, 45.42, 12.33, 45.435).contains(p[-1]) and p[3] == 12),
    ("name = 'x;DROP TABLE laguna.zones'", lambda p: False),
]


@pytest.mark.parametrize("text, keep", CQL, ids=[c[0][:40] for c in CQL])
def test_cql2_text_filters_match_an_independent_count(client, text, keep):
    expected = sum(1 for p in v2() if keep(p))
    assert count(client, "heritage_assets", "filter=" + _q(text)) == expected


def _q(text):
    from urllib.parse import quote

    return quote(text, safe="")


def test_cql2_json_and_filter_crs(client):
    cql_json = json.dumps({"op": "and", "args": [
        {"op": "=", "args": [{"property": "category"}, "bridge"]},
        {"op": ">", "args": [{"property": "century"}, 15]}]})
    expected = sum(1 for p in v2() if p[2] == "bridge" and p[3] > 15)
    assert count(client, "heritage_assets", f"filter-lang=cql2-json&filter={_q(cql_json)}") == expected
    polygon = "POLYGON((45.43 12.32, 45.43 12.35, 45.44 12.35, 45.44 12.32, 45.43 12.32))"  # lat lon
    expected = sum(1 for p in v2() if box(12.32, 45.43, 12.35, 45.44).contains(p[-1]))
    assert count(client, "heritage_assets",
                 f"filter-crs={EPSG}4326&filter={_q(f'S_INTERSECTS(geometry, {polygon})')}") == expected


def test_filters_on_domain_collections(client):
    assert count(client, "indicator-values", "filter=" + _q("value > 12 AND station = 'PSAL'")) == \
        sum(1 for y in range(2015, 2025) if y - 2005 > 12)
    assert count(client, "zones-sestiere", "filter=" + _q("population > 10000")) == 2
    assert count(client, "plan-projects", "filter=" + _q("budget_eur > 100000")) == 1


@pytest.mark.parametrize("url, status", [
    ("/ogc/collections/nowhere/items", 404),
    (ITEMS.format("heritage_assets") + "?bbox=1,2,3", 400),
    (ITEMS.format("heritage_assets") + "?crs=http://www.opengis.net/def/crs/EPSG/0/99999", 400),
    (ITEMS.format("heritage_assets") + "?crs=not%20a%20uri", 400),
    (ITEMS.format("heritage_assets") + "?bbox=1,2,3,4&bbox-crs=EPSG:4326", 400),
    (ITEMS.format("heritage_assets") + "?filter=" + "century%20%3E%3D", 400),
    (ITEMS.format("heritage_assets") + "?filter=" + "nosuch%20%3D%201", 400),
    (ITEMS.format("heritage_assets") + "?filter=" + "century%20%3D%20'x'", 400),
    (ITEMS.format("heritage_assets") + "?filter=" + "century", 400),
    (ITEMS.format("heritage_assets") + "?filter-lang=cql2-json&filter=%7Bbroken", 400),
    (ITEMS.format("heritage_assets") + "?limit=-1", 400),
    (ITEMS.format("heritage_assets") + "?offset=99999999999999999999", 400),
    (ITEMS.format("heritage_assets") + "?colour=red", 400),
    (ITEMS.format("heritage_assets") + "?f=xml", 400),
    (ITEMS.format("heritage_assets") + "?datetime=tomorrow", 400),
    ("/ogc/collections?limit=3", 400),
    ("/ogc/no/such/path", 404),
])
def test_bad_requests_get_the_ogc_exception(client, url, status):
    response = get(client, url, status)
    doc = response.get_json()
    assert response.content_type == "application/json"
    assert set(doc) == {"code", "description"} and doc["description"].endswith((".", ")"))
    assert "Traceback" not in doc["description"]


def test_writes_are_refused_with_405(client):
    for method in (client.post, client.put, client.delete, client.patch):
        response = method(ITEMS.format("heritage_assets"))
        assert response.status_code == 405 and response.get_json()["code"] == "MethodNotAllowed"


def test_queryables_are_typed(client):
    doc = get(client, "/ogc/collections/heritage_assets/queryables").get_json()
    props = doc["properties"]
    assert props["century"]["type"] == "integer" and props["surveyed"]["format"] == "date"
    assert props["century"]["title"] == "century (it) / century"  # from the layer's declaration
    assert props["geometry"]["format"] == "geometry-point"
    sestieri = get(client, "/ogc/collections/zones-sestiere/queryables").get_json()["properties"]
    assert sestieri["population"]["type"] == "integer"


def test_geometries_are_the_stored_ones(client, store):
    feats, _ = all_features(client, ITEMS.format("zones-basin") + "?datetime=../..")
    back = {(f["properties"]["code"], f["properties"]["version"]): shape(f["geometry"]) for f in feats}
    for code, (x1, y1, x2, y2), _status, _from, _to, version, _population in fx.BASINS:
        assert back[(code, version)].symmetric_difference(box(x1, y1, x2, y2)).area < 1e-10
    plan = get(client, ITEMS.format("plan-projects")).get_json()["features"]
    assert sorted(f["geometry"] is None for f in plan) == [False, True]
    site = get(client, ITEMS.format("indicator-values") + "?indicator=TOURIST_ARRIVALS").get_json()
    assert all(f["geometry"] is None for f in site["features"])
    station = get(client, ITEMS.format("indicator-values") + "?station=PSAL&limit=1").get_json()
    assert shapely.equals_exact(shape(station["features"][0]["geometry"]), Point(12.3363, 45.4306), 1e-7)


# -- HTML --------------------------------------------------------------------------------
PAGES = ["/ogc/", "/ogc/conformance", "/ogc/api", "/ogc/collections",
         "/ogc/collections/zones-sestiere", "/ogc/collections/zones-sestiere/queryables",
         ITEMS.format("zones-sestiere"), ITEMS.format("plan-projects"),
         ITEMS.format("heritage_assets") + "?limit=20"]


@pytest.mark.parametrize("url", PAGES)
def test_html_pages_escape_everything_and_load_nothing_remote(client, url):
    sep = "&" if "?" in url else "?"
    html = get(client, url + sep + "f=html").get_data(as_text=True)
    assert html.startswith("<!doctype html>")
    _only_local_assets(html)
    if "sestiere" in url and "items" in url:
        assert "&lt;script&gt;alert(" in html and "<script>alert(" not in html


def _only_local_assets(html):
    assert not re.search(r"""(src|href)=["']?(https?:)?//(?!localhost)""",
                         re.sub(r'<a [^>]*href="http://localhost[^"]*"', "", html))
    for tag in re.findall(r"<script[^>]*>", html):
        assert tag == "<script>" or re.fullmatch(r'<script src="/static/vendor/[^"]+">', tag)


def test_feature_pages_draw_a_map_with_the_vendored_leaflet(ogc_app, client, tmp_path, monkeypatch):
    plain = get(client, ITEMS.format("zones-sestiere") + "?f=html").get_data(as_text=True)
    assert ("leaflet.js" in plain) == (Path(ogc_app.static_folder) / "vendor/leaflet@1.9.3/dist/leaflet.js").exists()
    dist = tmp_path / "vendor/leaflet@1.9.3/dist"
    dist.mkdir(parents=True)
    (dist / "leaflet.js").write_text("/* stand-in */")
    monkeypatch.setattr(ogc_app, "static_folder", str(tmp_path))
    html = get(client, ITEMS.format("zones-sestiere") + f"?f=html&crs={EPSG}3857").get_data(as_text=True)
    _only_local_assets(html)
    assert '<script src="/static/vendor/leaflet@1.9.3/dist/leaflet.js">' in html and 'id="map"' in html
    fetched = re.search(r"fetch\(\"([^\"]+)\"", html).group(1)
    assert "f=json" in fetched and "crs" not in fetched  # the map asks for CRS84 GeoJSON
    assert "<script>alert(" not in html


def test_browsers_get_html_by_accept_header(client):
    response = get(client, "/ogc/collections", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.content_type.startswith("text/html")
    response = get(client, ITEMS.format("zones-basin"), headers={"Accept": "application/geo+json"})
    assert response.content_type == "application/geo+json"


# -- bounded queries ---------------------------------------------------------------------
def test_requests_read_in_a_bounded_read_only_transaction(ogc_settings):
    import psycopg

    with features.reading(ogc_settings.model_copy(update={"statement_timeout_ms": 1234})) as conn:
        assert conn.execute("SHOW statement_timeout").fetchone()[0] == "1234ms"
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("DELETE FROM laguna.zones")


def test_a_slow_query_is_cut_off_as_service_unavailable(ogc_settings):
    from psycopg import sql

    from geoprocessing.errors import StoreUnavailable

    with pytest.raises(StoreUnavailable, match="time limit"):
        with features.reading(ogc_settings.model_copy(update={"statement_timeout_ms": 100})) as conn:
            query._execute(conn, sql.SQL("SELECT pg_sleep(2)"), {})


def test_user_values_never_enter_the_sql_text(ogc_settings):
    from geoprocessing.features import collections as colls
    from geoprocessing.features.params import parse_items

    marker = "zz'; DROP TABLE laguna.zones; --"
    args = {"filter": f"name = '{marker[:2]}' OR category LIKE 'x%' OR century IN (1717, 1818)",
            "category": marker, "bbox": "12.3141,45.4141,12.3242,45.4242",
            "datetime": "2021-03-04T05:06:07Z/.."}
    with features.reading(ogc_settings) as conn:
        coll = colls.get_collection(conn, ogc_settings.storage_srid, "heritage_assets")
        req = parse_items(args, queryables=tuple(coll.queryables), default_limit=10, max_limit=100)
        params = query.cql.Params()
        text = query.where(coll, req, params).as_string(conn)
    for value in ("zz", "DROP", "x%", "1717", "1818", "12.3141", "2021"):
        assert value not in text
    assert marker in params.values.values() and 1717 in params.values.values()
