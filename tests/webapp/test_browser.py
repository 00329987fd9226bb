"""The viewer in real headless Chromium (Debian's, driven by Playwright; never downloaded).

The app runs on waitress on a free local port. Every request the page makes goes through
``context.route``: requests for 127.0.0.1 go on, anything else is recorded and refused, so
a test proves that nothing leaves the machine. Screenshots go to test-output/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from .conftest import XSS

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


class Watched:
    """A page whose console errors, page errors, dialogs and requests are recorded."""

    def __init__(self, browser, base: str, allow_remote: bool = False):
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 860})
        self.local, self.remote, self.errors, self.dialogs = [], [], [], []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def _route(self, route):
        url = route.request.url
        host = urlparse(url).hostname
        if host in ("127.0.0.1", "localhost") or url.startswith(("data:", "blob:")):
            self.local.append(url)
            route.continue_()
        else:
            self.remote.append(url)
            route.abort()

    def open(self, path: str):
        self.page.goto(self.base + path, wait_until="networkidle")
        return self.page

    def map_js(self, script: str):
        """Evaluate ``script`` with ``map`` bound to the page's Leaflet map."""
        return self.page.evaluate(
            "(script) => { const map = window[document.querySelector('.folium-map').id];"
            " return (new Function('map', script))(map); }", script)

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser, live_server) -> Iterator[Watched]:
    w = Watched(browser, live_server)
    yield w
    w.close()


def wait_for_features(w: Watched, n: int) -> None:
    w.page.wait_for_function(f"document.querySelectorAll('path.leaflet-interactive').length >= {n}")


def test_home_map_loads_offline_with_no_console_errors(watched, output_dir):
    page = watched.open("/")
    wait_for_features(watched, 9)  # property, buffer, lagoon, 2 basins, 3 islands, a sestiere
    page.screenshot(path=str(output_dir / "webapp-home.png"))
    assert watched.errors == []
    assert watched.remote == [], f"requests left the machine: {watched.remote[:5]}"
    assert any("/api/zones" in u for u in watched.local)
    assert any("/static/vendor/leaflet@1.9.3/dist/leaflet.js" in u for u in watched.local)
    # the offline basemap (land cover drawn by the app) is the base layer
    assert any("/tiles/raster/land_cover/" in u for u in watched.local)
    # controls: layers, scale bar, coordinates, full screen, measure, search, legend, label
    for selector in (".leaflet-control-layers", ".leaflet-control-scale",
                     ".leaflet-control-mouseposition", ".leaflet-control-zoom-fullscreen",
                     ".leaflet-control-measure", ".leaflet-control-search", ".laguna-legend",
                     ".laguna-illustrative"):
        assert page.locator(selector).count() == 1, selector
    assert "illustrativ" in page.locator(".laguna-illustrative").inner_text().lower()


def test_a_layer_toggles_from_the_layer_control(watched, output_dir):
    page = watched.open("/")
    wait_for_features(watched, 9)
    count = "document.querySelectorAll('path.leaflet-interactive').length"
    before = page.evaluate(count)
    islands = page.locator(".leaflet-control-layers-overlays label", has_text="Isole")
    islands.locator("input").uncheck()
    assert page.evaluate(count) == before - 3  # Burano, Murano and the oddly named one
    assert page.locator(".laguna-legend-heading", has_text="Isole").is_hidden()
    islands.locator("input").check()
    page.wait_for_function(f"{count} == {before}")
    assert page.locator(".laguna-legend-heading", has_text="Isole").is_visible()
    assert watched.errors == []


def test_a_popup_shows_the_name_as_text_not_html(watched, output_dir):
    page = watched.open("/")
    wait_for_features(watched, 9)
    found = watched.map_js("""
        let hit = null;
        map.eachLayer(l => { if (l.feature && l.feature.properties.code === 'XSS' && l.getElement)
                                 { l.getElement().setAttribute('data-test', 'xss'); hit = true; } });
        return hit;""")
    assert found
    page.locator("[data-test=xss]").click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert XSS in popup.inner_text()
    assert popup.locator("img").count() == 0
    assert watched.dialogs == []
    page.screenshot(path=str(output_dir / "webapp-popup.png"))
    # zoom to the feature from its popup
    before = watched.map_js("return map.getZoom();")
    popup.locator(".laguna-zoom").click()
    page.wait_for_function(f"window[document.querySelector('.folium-map').id].getZoom() > {before}")
    # search finds it by name too, and shows it as text
    page.locator(".leaflet-control-search .search-button").click()
    page.locator(".leaflet-control-search input").press_sequentially("onerror", delay=30)
    tip = page.locator(".leaflet-control-search .search-tip").first
    tip.wait_for()
    assert XSS in tip.inner_text()
    assert page.locator(".leaflet-control-search img").count() == 0
    assert watched.dialogs == [] and watched.errors == []


def test_the_language_switch_works_and_is_remembered(watched, output_dir):
    page = watched.open("/")
    assert page.locator("html").get_attribute("lang") == "it"
    assert page.locator(".leaflet-control-layers-overlays", has_text="Isole").count() == 1
    page.locator("#language-switch a[hreflang=en]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".leaflet-control-layers-overlays", has_text="Islands").count() == 1
    assert page.locator("nav", has_text="Indicators").count() == 1
    page = watched.open("/plan/")  # no ?lang=: the cookie remembers English
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1", has_text="Management Plan projects").count() == 1
    page.screenshot(path=str(output_dir / "webapp-plan-en.png"))
    assert watched.errors == [] and watched.remote == []


def test_the_indicator_time_slider_changes_the_map(watched, output_dir):
    page = watched.open("/indicators/map?indicator=SALT_MARSH_AREA&kind=basin")
    wait_for_features(watched, 2)
    fills = "Array.from(document.querySelectorAll('path.leaflet-interactive')).map(p => p.getAttribute('fill'))"
    assert page.locator(".folium-map").get_attribute("data-period") == "2024"
    latest = page.evaluate(fills)
    page.screenshot(path=str(output_dir / "webapp-indicator-2024.png"))
    slider = page.locator("#laguna-time-slider")
    slider.fill("0")  # the first period
    assert page.locator(".folium-map").get_attribute("data-period") == "2012"
    assert page.locator(".laguna-timeslider-period").inner_text() == "2012"
    first = page.evaluate(fills)
    assert first != latest
    page.screenshot(path=str(output_dir / "webapp-indicator-2012.png"))
    assert watched.errors == [] and watched.remote == []


def test_the_period_dropdown_and_the_time_slider_follow_each_other(watched):
    page = watched.open("/indicators/map?indicator=SALT_MARSH_AREA&kind=basin")
    wait_for_features(watched, 2)
    period = page.locator(".folium-map")
    dropdown = page.locator("#f-period")
    assert dropdown.input_value() == "2024" and period.get_attribute("data-period") == "2024"
    page.locator("#laguna-time-slider").fill("0")  # slider -> dropdown
    assert period.get_attribute("data-period") == "2012"
    assert dropdown.input_value() == "2012"
    dropdown.select_option("2018")  # dropdown -> slider, without leaving the page
    assert period.get_attribute("data-period") == "2018"
    assert page.locator("#laguna-time-slider").input_value() == "1"
    assert page.locator(".laguna-timeslider-period").inner_text() == "2018"
    assert "period=2018" in page.url  # the address keeps the period shown
    page.reload(wait_until="networkidle")
    assert dropdown.input_value() == "2018" and period.get_attribute("data-period") == "2018"
    assert watched.errors == [] and watched.remote == []


def test_plan_clusters_are_neutral_not_status_colours(watched):
    page = watched.open("/plan/")
    page.wait_for_function("document.querySelectorAll('.awesome-marker').length >= 2")
    watched.map_js("map.setZoom(8, {animate: false}); return true;")  # the two projects cluster
    page.wait_for_selector(".marker-cluster div")
    colours = page.evaluate("""() => { const c = document.querySelector('.marker-cluster');
        return [getComputedStyle(c).backgroundColor,
                getComputedStyle(c.querySelector('div')).backgroundColor]; }""")
    # neither the plugin's green/yellow/orange nor any status colour of the legend
    assert colours == ["rgba(44, 62, 80, 0.35)", "rgba(44, 62, 80, 0.9)"]
    assert watched.errors == [] and watched.remote == []


@pytest.mark.parametrize("path", ["/plan/", "/flood/?level=140", "/change/", "/zones/{burano}",
                                  "/projects/{project_burano}", "/indicators/SALT_MARSH_AREA"])
def test_other_pages_load_offline_without_errors(watched, ids, output_dir, path):
    page = watched.open(path.format(**ids))
    page.wait_for_timeout(300)
    assert watched.errors == [] and watched.remote == [] and watched.dialogs == []
    name = path.split("?")[0].strip("/").replace("/", "-").replace("{", "").replace("}", "") or "home"
    page.screenshot(path=str(output_dir / f"webapp-{name}.png"))
    if path.startswith(("/plan", "/flood", "/change", "/zones", "/projects")):
        assert page.locator(".laguna-illustrative").count() == 1


def test_pages_work_with_the_online_basemap_unreachable(browser, online_server, output_dir):
    w = Watched(browser, online_server)
    try:
        page = w.open("/")
        wait_for_features(w, 9)
        page.screenshot(path=str(output_dir / "webapp-home-basemap-unreachable.png"))
        assert w.remote and all(urlparse(u).hostname == "tile.openstreetmap.org" for u in w.remote)
        assert [e for e in w.errors if "net::ERR_FAILED" not in e] == []
        # after a few failed tiles the map switched to the offline basemap by itself, and said so
        page.wait_for_selector(".folium-map[data-basemap=offline]", timeout=10_000)
        assert page.locator(".laguna-notice").inner_text().startswith("La mappa di base online")
        assert w.map_js("let n = 0; map.eachLayer(l => { if (l.options && l.options.className && "
                        "l.options.className.includes('laguna-offline')) n++; }); return n;") == 1
        page.screenshot(path=str(output_dir / "webapp-home-offline-fallback.png"))
        # the next page of the session opens on the offline basemap without trying again
        asked = len(w.remote)
        w.open("/plan/")
        assert page.locator(".folium-map[data-basemap=offline]").count() == 1
        assert len(w.remote) - asked <= 3, w.remote[asked:]
    finally:
        w.close()
