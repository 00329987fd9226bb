"""The PDF: its sections, numbers that match the store, maps that are not blank, both
languages, and the record of the snapshot."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import numpy as np
import psycopg
import pytest
from babel.numbers import format_decimal
from PIL import Image
from pypdf import PdfReader

from geoprocessing.report import text
from geoprocessing.report.build import build_report

SECTIONS = ("sec_summary", "sec_site", "sec_flood", "sec_change", "sec_funding", "sec_factors",
            "sec_comparison", "sec_appendix")


def pdf_text(path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def it_number(value: float, digits: int) -> str:
    """The Italian notation, written here with Babel directly (not through the report)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(round(value, digits), format=pattern, locale="it")


@pytest.fixture(scope="module")
def it_text(built_it) -> str:
    return pdf_text(built_it.files["pdf"])


def test_the_pdf_has_every_section_in_italian(built_it, it_text):
    assert built_it.files["pdf"].stat().st_size > 50_000
    for key in SECTIONS:
        assert text.t(key, "it") in it_text, key
    for code_, title in (("S1", "Ambiente lagunare"), ("S2", "Acqua alta"), ("S3", "Turismo")):
        assert f"Sfida {code_}: {title}" in it_text
    assert "Dati di esempio illustrativi" in it_text


def test_summary_values_are_the_stored_evaluations(report_store, built_it, it_text):
    settings, ids = report_store
    with psycopg.connect(settings.database_url) as conn:
        arrivals = conn.execute("SELECT last_value FROM laguna.indicator_evaluations WHERE id = %s",
                                (ids["eval_arrivals"],)).fetchone()[0]
        lido = conn.execute(
            "SELECT e.last_value, e.status FROM laguna.indicator_evaluations e JOIN laguna.zones z ON z.id = e.zone_id "
            "WHERE z.code = 'LIDO' AND e.indicator_id = %s", (ids["indicator"]["SALT_MARSH_AREA"],)).fetchone()
    figures = json.loads(built_it.files["figures"].read_text(encoding="utf-8"))
    rows = {(r["indicator"], r["place"]): r for r in figures["summary"]["rows"]}
    assert rows[("TOURIST_ARRIVALS", "Intero sito")]["value"] == arrivals
    assert rows[("SALT_MARSH_AREA", "Bacino di Lido")]["value"] == lido[0]
    assert rows[("SALT_MARSH_AREA", "Bacino di Lido")]["status"] == lido[1] == "red"
    assert it_number(arrivals, 0) in it_text          # 5.580.000
    assert it_number(lido[0], 1) in it_text           # 385,5


def test_a_stale_evaluation_is_not_shown(report_store, built_it):
    """The Chioggia basin's evaluation judged 999 ha; the store holds 240.75: no status."""
    settings, ids = report_store
    with psycopg.connect(settings.database_url) as conn:
        stored = conn.execute(
            "SELECT v.value FROM laguna.indicator_values v JOIN laguna.zones z ON z.id = v.zone_id "
            "WHERE z.code = 'CHIOGGIA' AND v.indicator_id = %s AND v.period = '2024'",
            (ids["indicator"]["SALT_MARSH_AREA"],)).fetchone()[0]
    figures = json.loads(built_it.files["figures"].read_text(encoding="utf-8"))
    row = next(r for r in figures["summary"]["rows"]
               if r["indicator"] == "SALT_MARSH_AREA" and r["zone_code"] == "CHIOGGIA")
    assert row["value"] == stored and row["status"] == "unknown" and not row["evaluated"]


def test_funding_and_flood_numbers_match_the_store(report_store, built_it, it_text):
    settings, _ids = report_store
    with psycopg.connect(settings.database_url) as conn:
        law77_granted = conn.execute(
            "SELECT sum(granted_eur)::float8 FROM laguna.grants g JOIN laguna.funding_sources s "
            "ON s.id = g.funding_source_id WHERE s.code = 'law77' AND g.status IN ('granted', 'closed') "
            "AND g.year <= 2024").fetchone()[0]
        share = conn.execute(
            "SELECT v.value FROM laguna.indicator_values v JOIN laguna.indicators i ON i.id = v.indicator_id "
            "JOIN laguna.zones z ON z.id = v.zone_id WHERE i.code = 'FLOOD_LAND_SHARE' AND z.kind = 'property' "
            "AND v.category = '110'").fetchone()[0]
    figures = json.loads(built_it.files["figures"].read_text(encoding="utf-8"))
    assert figures["funding"]["law77_total"]["granted"] == law77_granted == 175_000
    assert f"{it_number(law77_granted, 0)} €" in it_text
    level = next(x for x in figures["flood"]["levels"] if x["level"] == 110)
    assert level["share"] == share
    assert [a["name"] for a in figures["flood"]["exposed"]["140"]] == ["Basilica di San Marco", "Forte di Sottomarina"]
    assert figures["flood"]["listed_level"] == "110"  # the list printed by name: +110 cm
    assert "Beni esposti a +110 cm (1)" in it_text and "Basilica di San Marco" in it_text


def test_every_number_names_its_run(report_store, built_it):
    """The runs recorded with the report are exactly those behind its values and lights."""
    settings, ids = report_store
    with psycopg.connect(settings.database_url) as conn:
        recorded = {r[0] for r in conn.execute("SELECT job_run_id FROM laguna.report_job_runs WHERE report_id = %s",
                                               (built_it.id,))}
        behind = {r[0] for r in conn.execute(
            "SELECT DISTINCT job_run_id FROM laguna.indicator_values WHERE job_run_id IS NOT NULL "
            "AND period_start <= '2024-12-31'")}
        row = conn.execute("SELECT period, language, partner_body_id, inputs, html_path, pdf_path, illustrative "
                           "FROM laguna.reports WHERE id = %s", (built_it.id,)).fetchone()
    assert recorded == behind | {ids["eval_run"]}
    period, language, partner, inputs, html_path, pdf_path, illustrative = row
    assert (period, language, partner, illustrative) == ("2024", "it", None, True)
    assert html_path == f"reports/{built_it.id}/report.html" and pdf_path == f"reports/{built_it.id}/report.pdf"
    assert {r["id"] for r in inputs["job_runs"]} == recorded
    assert {r["id"] for r in inputs["raster_assets"]} == set(ids["rasters"].values())
    assert {r["id"] for r in inputs["observation_imports"]} == {ids["obs_import"]}
    assert {r["layer"] for r in inputs["layer_versions"]} == {"salt_marshes", "heritage_assets"}


def _variance_ok(image: Image.Image) -> bool:
    pixels = np.asarray(image.convert("RGB"), dtype=float)
    colours = len(np.unique(pixels.reshape(-1, 3)[::7], axis=0))
    return pixels.std() > 10 and colours > 8


def test_maps_and_charts_are_images_that_are_not_blank(built_it):
    figures = json.loads(built_it.files["figures"].read_text(encoding="utf-8"))
    expected_maps = 1 + len(figures["challenges"]) + 1 + 2  # site, projects per challenge, flood, marshes + change
    reader = PdfReader(built_it.files["pdf"])
    # WeasyPrint may share one resource dictionary between pages: count each image once
    unique = {img.data: img for page in reader.pages for img in page.images}
    images = [Image.open(io.BytesIO(data)) for data in unique]
    big = [im for im in images if im.width > 400 and im.height > 200]
    assert len(big) >= expected_maps
    blank = [im.size for im in big if not _variance_ok(im)]
    assert blank == []


def test_the_site_map_region_of_its_page_is_drawn(built_it):
    """Render the site page with pdftoppm: the map's region has pixel variance."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    reader = PdfReader(built_it.files["pdf"])
    page_no = next(i for i, p in enumerate(reader.pages, 1)  # the map's caption: not the contents page
                   if "Il sito, la zona tampone e le zone" in (p.extract_text() or ""))
    png = subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", str(page_no), "-l", str(page_no),
                          str(built_it.files["pdf"])], capture_output=True, check=True).stdout
    page = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
    h, w = page.shape
    region = page[int(h * 0.12):int(h * 0.6), int(w * 0.1):int(w * 0.9)]
    assert region.std() > 20
    assert (region < 245).mean() > 0.4  # a map fills the region: most of it is not paper
    assert (page[int(h * 0.9):, :] < 245).mean() < 0.1  # the footer strip is mostly paper


def test_the_english_report_has_the_same_numbers(report_store, built_it):
    settings, _ids = report_store
    built = build_report(settings, period="2024", lang="en")
    en_text = pdf_text(built.files["pdf"])
    for key in SECTIONS:
        assert text.t(key, "en") in en_text, key
    assert "Challenge S2: High water" in en_text and "Illustrative sample data" in en_text
    assert "5,580,000" in en_text
    it_fig = json.loads(built_it.files["figures"].read_text(encoding="utf-8"))
    en_fig = json.loads(built.files["figures"].read_text(encoding="utf-8"))
    assert [r["value"] for r in en_fig["summary"]["rows"]] == [r["value"] for r in it_fig["summary"]["rows"]]
    assert en_fig["funding"]["total"] == it_fig["funding"]["total"]
    inputs_it = json.loads(built_it.files["inputs"].read_text(encoding="utf-8"))
    inputs_en = json.loads(built.files["inputs"].read_text(encoding="utf-8"))
    assert inputs_it["digest"] == inputs_en["digest"]  # same data, another language
