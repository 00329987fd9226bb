"""The HTML report: self-contained, opens in headless Chromium with no console error and
no request leaving the file, its maps drawn, every text escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import XSS

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1']


def test_the_html_names_no_outside_resource(built_it):
    html = built_it.files["html"].read_text(encoding="utf-8")
    markup = re.sub(r"<script>.*?</script>", "", html, flags=re.S)  # scripts: see the browser test
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", markup)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert "<link " not in html
    assert html.count("<script>") >= 2 and "L.map(" in html  # Leaflet inline, maps inline


def test_texts_from_the_store_are_escaped(built_it):
    html = built_it.files["html"].read_text(encoding="utf-8")
    assert XSS not in html
    assert "&lt;img src=x onerror=" in html


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)  # Playwright gives it a fresh profile
        yield b
        b.close()


def open_report(browser, path: Path, output_dir: Path | None = None, shot: str | None = None) -> dict:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    requests, outside, messages, dialogs = [], [], [], []

    def route(r):
        url = r.request.url
        requests.append(url)
        if url.startswith(("file://", "data:", "about:")):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: messages.append((m.type, m.text)))
    page.on("pageerror", lambda e: messages.append(("pageerror", str(e))))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("requestfailed", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_function("document.querySelectorAll('.leaflet-container').length > 0")
    page.wait_for_timeout(300)
    facts = page.evaluate("""() => ({
        title: document.title,
        maps: document.querySelectorAll('.leaflet-container').length,
        drawn: Array.from(document.querySelectorAll('.leaflet-container')).map(
            m => m.querySelectorAll('path.leaflet-interactive, .leaflet-image-layer').length),
        injected: document.querySelectorAll('img[src="x"]').length,
        mapBoxes: Array.from(document.querySelectorAll('.map-box')).map(b => b.getBoundingClientRect().height),
        lang: document.documentElement.lang,
    })""")
    if output_dir is not None and shot:
        page.locator("#site").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        page.screenshot(path=str(output_dir / shot), full_page=False)
    context.close()
    return {**facts, "requests": requests, "outside": outside, "messages": messages, "dialogs": dialogs}


def test_the_report_opens_offline_with_its_maps(browser, built_it, output_dir):
    facts = open_report(browser, built_it.files["html"], output_dir, "report-html-it.png")
    assert facts["outside"] == []
    assert set(facts["requests"]) == {built_it.files["html"].as_uri()}
    errors = [m for m in facts["messages"] if m[0] in ("error", "pageerror")]
    assert errors == []
    assert facts["dialogs"] == [] and facts["injected"] == 0
    assert facts["title"].startswith("Rapporto al Comitato di Pilotaggio")
    figures = json.loads(built_it.files["figures"].read_text(encoding="utf-8"))
    # site, one per challenge with projects or zone values, flood, change
    expected = 1 + sum(1 for c in figures["challenges"]
                       if any(p["located"] for p in c["projects"]) or any(b["zone_values"] for b in c["indicators"])) + 2
    assert facts["maps"] == expected
    assert all(n > 0 for n in facts["drawn"]), facts["drawn"]
    assert all(h >= 300 for h in facts["mapBoxes"])


def test_the_partner_report_opens_too(browser, report_store, tmp_path):
    from geoprocessing.report.build import build_report

    settings, _ids = report_store
    built = build_report(settings, period="2024", lang="en", partner="comune-chioggia", formats=("html",))
    facts = open_report(browser, built.files["html"])
    assert facts["outside"] == [] and [m for m in facts["messages"] if m[0] in ("error", "pageerror")] == []
    assert facts["lang"] == "en" and "Municipality of Chioggia" in facts["title"]
    assert facts["maps"] >= 2



def test_served_by_the_web_app_under_its_policy_the_maps_still_work(browser, report_store, built_it):
    """/reports/<id>/report.html carries a Content-Security-Policy that allows only what
    the page embeds: a violation would show as a console error and stop the maps."""
    import threading

    from waitress.server import create_server

    from webapp import create_app, db

    settings, _ids = report_store
    app = create_app(settings.model_copy(update={"basemap_url": ""}), {"TESTING": True, "LAGUNA_POOL_SIZE": 2})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    try:
        context = browser.new_context()
        page = context.new_page()
        messages = []
        page.on("console", lambda m: messages.append((m.type, m.text)))
        page.on("pageerror", lambda e: messages.append(("pageerror", str(e))))
        response = page.goto(f"http://127.0.0.1:{server.effective_port}/reports/{built_it.id}/report.html")
        assert "default-src 'none'" in response.headers["content-security-policy"]
        page.wait_for_function("document.querySelectorAll('.leaflet-container').length > 0")
        drawn = page.evaluate("document.querySelectorAll('path.leaflet-interactive, .leaflet-image-layer').length")
        context.close()
    finally:
        server.close()
        db.close(app)
    assert [m for m in messages if m[0] in ("error", "pageerror")] == []
    assert drawn > 0
