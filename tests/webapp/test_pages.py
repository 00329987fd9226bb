"""Every page through Flask's test client: status, content, language, escaping."""

from __future__ import annotations

import re

import pytest

from .conftest import XSS

ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def assert_no_raw_xss(html: str) -> None:
    assert XSS not in html
    assert "<img" not in html  # the viewer shows no images in its HTML at all


def assert_offline(html: str) -> None:
    """Every script and style sheet the page links is served by the app itself."""
    links = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert links
    assert [u for u in links if u.startswith(("http:", "https:", "//"))] == []


def test_home_map_page(client):
    r = client.get("/")
    assert r.status_code == 200
    html = r.text
    assert_offline(html)
    assert_no_raw_xss(html)
    assert "/static/vendor/leaflet@1.9.3/dist/leaflet.js" in html
    for needle in ("laguna.dataLayer", "laguna.legend", "laguna.search", "L.control.layers",
                   "L.Control.MousePosition", "L.control.scale", "L.Control.Measure",
                   "L.control.fullscreen", "laguna.banner", "/tiles/raster/land_cover/"):
        assert needle in html, needle
    # Italian by default: layer titles from the catalogue's *_it columns
    assert "Beni culturali" in html and "Isole" in html and "Legenda" in html
    assert '<html lang="it">' in html
    # the big layer goes to vector tiles, the small ones to GeoJSON
    assert "/tiles/vector/big_points/{z}/{x}/{y}.mvt" in html
    assert "/api/layers/heritage_assets/features" in html


def test_online_basemap_is_optional(app, webapp_store):
    from webapp import create_app, db

    settings, _ = webapp_store
    online = create_app(settings.model_copy(update={"basemap_url": "https://tiles.example/{z}/{x}/{y}.png"}))
    try:
        html = online.test_client().get("/").text
    finally:
        db.close(online)
    assert "https://tiles.example/{z}/{x}/{y}.png" in html  # offered, never required
    assert "OpenStreetMap (in rete)" in html and "Nessuna mappa di base" in html
    offline = app.test_client().get("/").text
    assert "tiles.example" not in offline and "openstreetmap" not in offline


def test_english_via_parameter_and_cookie(client):
    r = client.get("/?lang=en")
    assert '<html lang="en">' in r.text
    assert "Heritage assets" in r.text and "Islands" in r.text and "Legend" in r.text
    assert "lang=en" in r.headers["Set-Cookie"]
    again = client.get("/zones/")
    assert '<html lang="en">' in again.text and "Zones" in again.text
    back = client.get("/zones/?lang=it")
    assert '<html lang="it">' in back.text and "Zone" in back.text


def test_unknown_language_falls_back_to_italian(client):
    r = client.get("/?lang=xx")
    assert r.status_code == 200 and '<html lang="it">' in r.text


def test_indicator_list_shows_traffic_lights(client):
    r = client.get("/indicators/")
    assert r.status_code == 200
    row = re.search(r'<tr>\s*<td><a href="/indicators/SALT_MARSH_AREA">.*?</tr>', r.text, re.S).group(0)
    assert "Estensione delle barene" in row
    assert "laguna-status-green" in row and "laguna-status-red" in row


def test_indicator_page_has_chart_with_baseline_and_target_and_provenance(client, ids):
    r = client.get("/indicators/SALT_MARSH_AREA")
    assert r.status_code == 200
    html = r.text
    assert "<svg" in html
    assert "Valore di base (2012)" in html and "Obiettivo (2030)" in html  # chart legend
    assert "Bacino di Lido" in html and "Bacino di Malamocco" in html
    # every value links to the run that computed it, and the run's input layer version
    assert f'href="/runs/{ids["marsh_run"]}"' in html
    assert "salt_marshes v1" in " ".join(html.split())
    assert html.count(f'/runs/{ids["marsh_run"]}') >= 6


def test_indicator_page_filters_one_zone(client, ids):
    r = client.get(f"/indicators/SALT_MARSH_AREA?zone={ids['lido']}")
    values = r.text.split('id="values"')[1]
    assert "Bacino di Lido" in values and "Bacino di Malamocco" not in values


def test_entered_value_shows_who_and_source(client):
    html = client.get("/indicators/TOURIST_ARRIVALS").text
    assert "maria@ufficio-unesco" in html and "annuario del turismo" in html


def test_indicator_page_unknown_and_bad_input(client):
    r = client.get("/indicators/NOPE")
    assert r.status_code == 404 and "NOPE" in r.text
    r = client.get("/indicators/SALT_MARSH_AREA?category=nonexistent")
    assert r.status_code == 400 and "nonexistent" in r.text


def test_indicator_map_embeds_values_by_period(client):
    r = client.get("/indicators/map?indicator=SALT_MARSH_AREA&kind=basin")
    assert r.status_code == 200
    html = r.text
    assert "laguna[\"indicatorMap\"]" in html
    assert '"periods": ["2012", "2018", "2024"]' in html
    assert '"values": {"2012": 100, "2018": 110, "2024": 118}' in html
    assert_no_raw_xss(html)
    r = client.get("/indicators/map?indicator=SALT_MARSH_AREA&period=1999")
    assert r.status_code == 400 and "1999" in r.text


def test_indicator_map_for_a_station_indicator(client):
    html = client.get("/indicators/map?indicator=HIGH_WATER_EVENTS_110").text
    assert "Punta della Salute" in html and '"station"' not in html.split("<script>")[0]


def options(html: str, select_id: str) -> list[tuple[str, str]]:
    """(value, text) of each option of the select with id ``select_id``."""
    select = html.split(f'id="{select_id}"')[1].split("</select>")[0]
    return [(v, " ".join(t.split())) for v, t in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select, re.S)]


@pytest.mark.parametrize("path", ["/indicators/map?indicator=LAND_COVER_SHARE",
                                  "/indicators/LAND_COVER_SHARE"])
def test_land_cover_categories_read_as_class_names(client, path):
    assert options(client.get(path).text, "f-category") == [
        ("1", "acque lagunari"), ("2", "barene"), ("4", "superfici artificiali")]
    english = options(client.get(path + ("&" if "?" in path else "?") + "lang=en").text, "f-category")
    assert english == [("1", "lagoon water"), ("2", "salt marshes"), ("4", "artificial surfaces")]


def test_land_cover_values_name_their_class(client):
    values = client.get("/indicators/LAND_COVER_SHARE?category=2").text.split('id="values"')[1]
    assert "<td>barene</td>" in values and "<td>2</td>" not in values


def test_the_places_selector_counts_places_not_values(client):
    # two basins with three values each: "(2)", not "(6)"
    found = options(client.get("/indicators/map?indicator=SALT_MARSH_AREA").text, "f-kind")
    assert [(v, t.rsplit(" ", 1)[1]) for v, t in found] == [("basin", "(2)")]


def selected(html: str, select_id: str) -> list[str]:
    select = html.split(f'id="{select_id}"')[1].split("</select>")[0]
    return re.findall(r'<option value="([^"]*)"\s*selected', select)


def test_the_indicator_dropdown_selects_the_indicator_drawn(client):
    # by site in the catalogue, with values by zone too (the plan job writes both)
    html = client.get("/indicators/map?indicator=PLAN_BUDGET_SPENT_SHARE").text
    assert ("PLAN_BUDGET_SPENT_SHARE" in [v for v, _t in options(html, "f-indicator")])
    assert selected(html, "f-indicator") == ["PLAN_BUDGET_SPENT_SHARE"]
    assert '"values": {"2024": 37.5}' in html  # Burano's share, drawn
    # a site-only indicator is still the one selected (with nothing to draw)
    html = client.get("/indicators/map?indicator=TOURIST_ARRIVALS").text
    assert selected(html, "f-indicator") == ["TOURIST_ARRIVALS"]
    assert "Ancora nessun valore per luogo per questo indicatore." in html
    # without a choice, the first indicator with values by place is drawn and selected
    html = client.get("/indicators/map").text
    assert len(selected(html, "f-indicator")) == 1


def test_the_indicator_list_links_the_map_of_indicators_with_values_by_place(client):
    html = client.get("/indicators/").text

    def row(code):
        return re.search(rf'<tr>\s*<td><a href="/indicators/{code}">.*?</tr>', html, re.S).group(0)

    assert 'href="/indicators/map?indicator=PLAN_BUDGET_SPENT_SHARE"' in row("PLAN_BUDGET_SPENT_SHARE")
    assert 'href="/indicators/map?indicator=SALT_MARSH_AREA"' in row("SALT_MARSH_AREA")
    assert "/indicators/map" not in row("TOURIST_ARRIVALS")  # by site only
    page = client.get("/indicators/PLAN_BUDGET_SPENT_SHARE").text
    link = re.search(r'href="(/indicators/map\?indicator=PLAN_BUDGET_SPENT_SHARE[^"]*)"', page).group(1)
    assert client.get(link.replace("&amp;", "&")).status_code == 200


def unit_cells(html: str) -> dict[str, str]:
    """code -> the Unit cell of each row of the indicator list."""
    return dict(re.findall(r'<td><a href="/indicators/(\w+)">.*?</td>\s*<td>.*?</td>\s*<td>.*?</td>'
                           r'<td>(.*?)</td>', html, re.S))


def test_units_read_in_the_interface_language(client):
    units = unit_cells(client.get("/indicators/").text)
    assert units["HIGH_WATER_EVENTS_110"] == "n./anno"
    assert units["TOURIST_ARRIVALS"] == "arrivi/anno"
    assert units["LARGE_SHIP_TRANSITS"] == "transiti/anno"
    assert units["ACCOMMODATION_DENSITY"] == "posti letto/km²"
    assert units["RESIDENTS_HISTORIC_CITY"] == "residenti"
    assert units["FLOOD_ASSETS_EXPOSED"] == "n."
    assert units["PLAN_BUDGET"] == "€"
    assert units["SALT_MARSH_AREA"] == "ha"
    english = unit_cells(client.get("/indicators/?lang=en").text)
    assert english["TOURIST_ARRIVALS"] == "arrivals/yr" and english["FLOOD_ASSETS_EXPOSED"] == "no."
    page = client.get("/indicators/TOURIST_ARRIVALS?lang=it").text
    assert '<dd class="col-sm-9" id="unit">arrivi/anno</dd>' in page
    assert "5.000.000 arrivi/anno" in " ".join(page.split())
    station_map = client.get("/indicators/map?indicator=HIGH_WATER_EVENTS_110&lang=it").text
    assert '"unit": "n./anno"' in station_map and "count/yr" not in station_map


def test_the_viewer_and_the_report_use_the_same_words(client, ids):
    from geoprocessing.report import text

    lights = client.get("/indicators/").text
    for status in ("green", "red"):
        assert f'title="{text.code("status", status, "it")}"' in lights
    assert 'title="critico"' in lights and "fuori obiettivo" not in lights
    assert 'title="off track"' in client.get("/indicators/?lang=en").text
    grants = client.get(f"/projects/{ids['project_burano']}?lang=it").text.split('id="grants"')[1]
    assert "<td>concesso</td>" in grants and "<td>chiuso</td>" in grants
    assert "<td>closed</td>" not in grants
    english = client.get(f"/projects/{ids['project_burano']}?lang=en").text.split('id="grants"')[1]
    assert "<td>closed</td>" in english


def test_offline_basemaps_say_so_in_italian(client):
    assert "(senza rete)" in client.get("/").text


def test_plan_map_filters(client, ids):
    html = client.get("/plan/").text
    assert "Restauro delle barene di Burano" in html and "Piano delle acque" in html
    assert ESCAPED in html
    assert_no_raw_xss(html)
    assert "senza localizzazione" in html  # the water plan has no location
    only = client.get("/plan/?challenge=S2").text.split('id="project-list"')[1]
    assert ESCAPED in only and "Burano" not in only
    by_status = client.get("/plan/?status=ongoing").text.split('id="project-list"')[1]
    assert "Burano" in by_status and "Piano delle acque" not in by_status
    by_body = client.get("/plan/?lead_body=provveditorato").text.split('id="project-list"')[1]
    assert "Piano delle acque" in by_body and "Burano" not in by_body
    by_funding = client.get("/plan/?funding=law77").text.split('id="project-list"')[1]
    assert "Burano" in by_funding and "Piano delle acque" not in by_funding
    assert client.get("/plan/?status=maybe").status_code == 400
    assert "markercluster" in html


def test_plan_codes_read_as_the_plan_writes_them(client, ids):
    html = client.get("/plan/").text
    listing = html.split('id="project-list"')[1]
    for code in ("S1.1.1", "S1.1.2", "S2.2.1"):
        assert f"<td>{code}</td>" in listing, code
    assert [t.split(" · ")[0] for _v, t in options(html, "f-action_plan")[1:]] == ["S1.1", "S2.2"]
    assert '"key": "full_code"' in html and '"key": "action_plan_code"' in html  # the popup
    project = client.get(f"/projects/{ids['project_burano']}").text
    assert "<title>S1.1.1 · laguna</title>" in project and "<h1>S1.1.1 · Restauro" in project
    assert "azione S1.1 Barene" in project  # Piano d'azione
    assert "<td>S1.1.1</td>" in client.get(f"/zones/{ids['burano']}").text
    found = client.get("/api/search?q=S1.1.1").get_json()["results"]
    assert [r["code"] for r in found] == ["S1.1.1"]


def test_project_counts_agree_with_their_number(client):
    assert ">1 progetto</h2>" in client.get("/plan/?challenge=S2").text
    assert ">2 progetti</h2>" in client.get("/plan/?challenge=S1").text
    assert ">1 project</h2>" in client.get("/plan/?challenge=S2&lang=en").text


def test_project_status_colours_are_told_apart():
    from itertools import combinations

    from webapp.pages.plan import STATUS_MARKERS, _marker_hex

    def rgb(name):
        h = _marker_hex(name)
        return [int(h[i:i + 2], 16) for i in (1, 3, 5)]

    for (a, ca), (b, cb) in combinations(STATUS_MARKERS.items(), 2):
        distance = sum((x - y) ** 2 for x, y in zip(rgb(ca), rgb(cb), strict=True)) ** 0.5
        assert distance > 80, (a, b)  # proposed was cadet blue, next to suspended's grey


def test_project_page(client, ids):
    html = client.get(f"/projects/{ids['project_burano']}").text
    assert "Restauro delle barene di Burano" in html
    assert "1.250.000 €" in html  # Italian number format
    assert "Legge 77/2006" in html and "Provveditorato OO.PP." in html
    assert f'href="/zones/{ids["burano"]}"' in html
    assert "laguna.dataLayer" in html  # the location map
    xss = client.get(f"/projects/{ids['project_xss']}").text
    assert ESCAPED in xss
    assert_no_raw_xss(xss)
    nogeom = client.get(f"/projects/{ids['project_nogeom']}").text
    assert "Questo progetto non ha localizzazione." in nogeom
    assert client.get("/projects/999999").status_code == 404


def test_zone_pages(client, ids):
    html = client.get(f"/zones/{ids['lido']}").text
    assert "Bacino di Lido" in html and "Estensione delle barene" in html
    assert "laguna-status-green" in html
    # a statistic's pixel count is not in the indicator's unit (metres)
    assert re.search(r"<td>count</td><td>2024</td><td>12\.345,5 pixel</td>", html)
    assert re.search(r"<td>mean</td><td>2024</td><td>0,35 m</td>", html)
    burano = client.get(f"/zones/{ids['burano']}").text
    assert "Restauro delle barene di Burano" in burano  # linked project
    xss = client.get(f"/zones/{ids['xss_island']}").text
    assert ESCAPED in xss
    assert_no_raw_xss(xss)
    listing = client.get("/zones/").text
    assert ESCAPED in listing and "Cannaregio" in listing
    assert_no_raw_xss(listing)
    old = client.get(f"/zones/{ids['property_old']}").text
    assert "sostituita" in old
    assert client.get("/zones/999999").status_code == 404


def test_flood_map(client, ids):
    html = client.get("/flood/?level=140").text
    assert "+140 cm" in html
    table = html.split('id="flood-table"')[1]
    # zones ordered by share: the odd island (85 %), Burano (40 %), Murano (25 %)
    assert table.index(ESCAPED) < table.index("Burano") < table.index("Murano")
    assert "2 beni culturali esposti a questo livello" in html  # HA1 and HA3 in the run summary
    assert_no_raw_xss(html)
    assert client.get("/flood/?level=100").status_code == 400
    assert "1 bene culturale esposto a questo livello" in client.get("/flood/?level=110").text


def test_flood_page_says_which_elevation_model(client, ids):
    html = " ".join(client.get("/flood/?level=140&lang=it").text.split())
    assert "calcolata dal modello del terreno (DTM) del 1 giugno 2024" in html
    assert "periodo 2024" in html
    english = " ".join(client.get("/flood/?level=140&lang=en").text.split())
    assert "computed from the elevation model (DEM) of June 1, 2024" in english


def test_the_elevation_model_date_comes_from_the_run_summary_first(app, ids):
    import datetime as dt

    from webapp import db
    from webapp.queries import flood

    run = {"id": ids["flood_run"], "summary": {"dates": {"2023": {"dem": "2023-05-02"}}}}
    with app.app_context(), db.read() as conn:
        assert flood.dem_dates(conn, run, ["2023"]) == [dt.date(2023, 5, 2)]
        # no date in the summary: the run's DEM input
        assert flood.dem_dates(conn, {**run, "summary": {}}, ["2024"]) == [dt.date(2024, 6, 1)]


def test_change_map(client):
    html = client.get("/change/").text
    assert "/tiles/change/land_cover/2012-06-01/2024-06-01/{z}/{x}/{y}.png" in html
    assert "Rilievi delle barene a confronto: 2012 e 2024." in html
    # 2012: 100 ha + 25 ha of marsh; 2024: 36 ha of the first kept, nothing new
    assert '"properties": {"change": "lost", "ha": 89.0}' in html
    assert '"properties": {"change": "kept", "ha": 36.0}' in html
    table = html.split('id="transitions"')[1]
    assert "barene" in table and "acque lagunari" in table and "31,2" in table
    assert "2&gt;2" not in table  # a class kept is not a transition
    r = client.get("/change/?from=2024-06-01&to=2012-06-01")
    assert r.status_code == 400
    r = client.get("/change/?from=2013-01-01")
    assert r.status_code == 400 and "2012-06-01" in r.text


def test_job_run_pages(client, ids):
    html = client.get(f"/runs/{ids['marsh_run']}").text
    assert "salt_marsh" in html and "salt_marshes" in html  # its input layer
    assert "SALT_MARSH_AREA" in html or "Estensione delle barene" in html
    flood = client.get(f"/runs/{ids['flood_run']}").text
    assert "exposed_assets" in flood  # the summary, shown as JSON text
    listing = client.get("/runs/").text
    assert "flood_exposure" in listing and "land_cover_change" in listing
    assert client.get("/runs/999999").status_code == 404


def test_job_run_times_read_in_the_interface_language(client, ids):
    # started 2025-01-01 09:59 UTC: 10:59 in Venice (CET), to the minute
    html = client.get(f"/runs/{ids['marsh_run']}?lang=it").text
    assert '<dd class="col-sm-9" id="run-started">1 gen 2025, 10:59 ' in html
    assert '<dd class="col-sm-9" id="run-finished">1 gen 2025, 11:00 (' in html
    assert "+00:00" not in html and "09:59" not in html
    english = client.get(f"/runs/{ids['marsh_run']}?lang=en").text
    assert "Jan 1, 2025, 10:59" in english
    listing = client.get("/runs/?lang=it").text
    assert "<td>1 gen 2025, 10:59</td>" in listing and "2025-01-01" not in listing
    entered = " ".join(client.get("/indicators/TOURIST_ARRIVALS?lang=it").text.split())
    assert "inserito da maria@ufficio-unesco il 1 mar 2024, 11:00" in entered


def test_indicator_list_heads_every_column(client):
    html = client.get("/indicators/?lang=it").text
    head = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    headers = [" ".join(h.split()) for h in re.findall(r"<th>(.*?)</th>", head, re.S)]
    assert "" not in headers
    assert headers[-3:] == ["Intero sito", "Semafori per luogo", "Mappa"]
    # the whole-site light has a column of its own, before the counts by place
    row = re.search(r'<tr>\s*<td><a href="/indicators/PLAN_BUDGET_SPENT_SHARE">.*?</tr>', html, re.S).group(0)
    assert len(re.findall(r"<td", row)) == len(headers)


@pytest.mark.parametrize("path", ["/nowhere", "/zones/abc"])
def test_unknown_pages_are_html_404(client, path):
    r = client.get(path)
    assert r.status_code == 404 and "text/html" in r.content_type and "Errore 404" in r.text


def test_projects_index_leads_to_the_plan_map(client):
    r = client.get("/projects/")
    assert r.status_code == 302 and r.headers["Location"].endswith("/plan/")


def test_the_navigation_reaches_the_ogc_api_and_the_downloads(client):
    html = client.get("/").text
    assert 'href="/ogc/downloads"' in html and 'href="/ogc/"' in html
    assert ">Scaricamenti<" in html and ">API OGC<" in html
    back = client.get("/ogc/?f=html").text
    assert 'href="/"' in back  # and back to the viewer
