"""``/reports`` in the web app: the list (escaped, both languages) and the downloads."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.types.json import Jsonb

from .conftest import XSS


@pytest.fixture(scope="module")
def client(report_store, built_it):
    from webapp import create_app, db

    settings, _ids = report_store
    app = create_app(settings.model_copy(update={"basemap_url": ""}), {"TESTING": True, "LAGUNA_POOL_SIZE": 2})
    yield app.test_client()
    db.close(app)


@pytest.fixture(scope="module")
def odd_rows(report_store, built_it):
    """A report titled with markup, and one whose recorded path points outside var/reports."""
    settings, _ids = report_store
    with psycopg.connect(settings.database_url) as conn:
        xss = conn.execute("INSERT INTO laguna.reports (period, language, title, html_path, inputs) "
                           "VALUES ('2024', 'it', %s, %s, %s) RETURNING id",
                           (XSS, f"reports/{built_it.id}/report.html", Jsonb({}))).fetchone()[0]
        escape = conn.execute("INSERT INTO laguna.reports (period, language, title, html_path, pdf_path) "
                              "VALUES ('2024', 'it', 'escape', '../../../../etc/passwd', 'reports/nope.pdf') "
                              "RETURNING id").fetchone()[0]
        conn.commit()
    yield {"xss": xss, "escape": escape}
    with psycopg.connect(settings.database_url) as conn:
        conn.execute("DELETE FROM laguna.reports WHERE id = ANY(%s)", ([xss, escape],))
        conn.commit()


def test_the_list_shows_reports_with_their_files(client, built_it):
    page = client.get("/reports/?lang=it").get_data(as_text=True)
    assert "Rapporti al Comitato di Pilotaggio" in page
    assert f'href="/reports/{built_it.id}/report.html"' in page and f'href="/reports/{built_it.id}/report.pdf"' in page
    assert "dati illustrativi" in page
    english = client.get("/reports/?lang=en").get_data(as_text=True)
    assert "Steering Committee reports" in english and "illustrative data" in english


def test_the_list_escapes_what_it_shows(client, odd_rows):
    page = client.get("/reports/").get_data(as_text=True)
    assert XSS not in page and "&lt;img src=x onerror=" in page


def test_the_html_report_is_served_with_a_policy_that_allows_nothing_outside(client, built_it):
    response = client.get(f"/reports/{built_it.id}/report.html")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.data == built_it.files["html"].read_bytes()
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "img-src data:" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_pdf_and_the_figures_download(client, built_it):
    inline = client.get(f"/reports/{built_it.id}/report.pdf")
    assert inline.status_code == 200 and inline.mimetype == "application/pdf"
    assert inline.data == built_it.files["pdf"].read_bytes()
    download = client.get(f"/reports/{built_it.id}/report.pdf?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert f"laguna-report-{built_it.id}-2024-it.pdf" in download.headers["Content-Disposition"]
    figures = client.get(f"/reports/{built_it.id}/figures.json")
    assert figures.status_code == 200 and figures.json["meta"]["period"] == "2024"


def test_missing_reports_and_files_outside_var_are_not_found(client, odd_rows):
    assert client.get("/reports/999999/report.html").status_code == 404
    assert client.get(f"/reports/{odd_rows['escape']}/report.html").status_code == 404
    assert client.get(f"/reports/{odd_rows['escape']}/report.pdf").status_code == 404
    missing = client.get(f"/reports/{odd_rows['xss']}/report.pdf")
    assert missing.status_code == 404 and "has no pdf file" in missing.get_data(as_text=True)
