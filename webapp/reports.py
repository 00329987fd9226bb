"""``/reports``: the Steering Committee reports built by ``laguna report build``, listed
and downloadable. Handlers only read the table (bounded) and send recorded files that lie
under ``var/reports/``; the report's own HTML is served with a Content-Security-Policy
that allows nothing but what it embeds."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template_string, request, send_file

from geoprocessing.report import stored
from geoprocessing.report.text import day

from . import db
from .i18n import lang

bp = Blueprint("reports", __name__, url_prefix="/reports")
LIMIT = 500
# The HTML report embeds every script, style and image: it may load nothing else.
REPORT_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
              "img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'")

PAGE = """{% extends "base.html" %}
{% block title %}{{ T('reports') }}{% endblock %}
{% block main %}
<div class="laguna-page">
<h1>{{ T('reports') }}</h1>
<p>{{ T('intro') }} <code>laguna report build --period YYYY [--lang it|en] [--partner BODY]</code></p>
<table class="table table-sm laguna-table" id="report-list">
  <thead><tr><th>#</th><th>{{ T('title') }}</th><th>{{ T('period') }}</th><th>{{ T('language') }}</th>
    <th>{{ T('partner') }}</th><th>{{ T('built') }}</th><th>{{ T('files') }}</th></tr></thead>
  <tbody>
  {% for r in reports %}
  <tr data-report="{{ r.id }}">
    <td>{{ r.id }}</td>
    <td>{{ r.title }}{% if r.illustrative %} <span class="laguna-badge-illustrative">{{ T('illustrative') }}</span>{% endif %}</td>
    <td>{{ r.period }}</td><td>{{ r.language }}</td>
    <td>{{ (r.partner_it if lang() == 'it' else r.partner_en) or '–' }}</td>
    <td>{{ when(r.created_at) }}</td>
    <td>{% if r.html_path %}<a href="{{ url_for('reports.html_file', report_id=r.id) }}">HTML</a>{% endif %}
        {% if r.pdf_path %}<a href="{{ url_for('reports.pdf_file', report_id=r.id) }}">PDF</a>{% endif %}
        <a href="{{ url_for('reports.figures_file', report_id=r.id) }}" class="text-muted">JSON</a></td>
  </tr>
  {% else %}
  <tr><td colspan="7" class="text-muted">{{ T('none') }}</td></tr>
  {% endfor %}
  </tbody>
</table>
</div>
{% endblock %}"""

WORDS = {
    "reports": ("Rapporti al Comitato di Pilotaggio", "Steering Committee reports"),
    "intro": ("Istantanee per periodo, in HTML (mappe interattive) e PDF. Per costruirne uno:",
              "Snapshots by period, as HTML (interactive maps) and PDF. To build one:"),
    "title": ("Titolo", "Title"), "period": ("Periodo", "Period"), "language": ("Lingua", "Language"),
    "partner": ("Partner", "Partner"), "built": ("Costruito il", "Built on"), "files": ("File", "Files"),
    "illustrative": ("dati illustrativi", "illustrative data"),
    "none": ("Nessun rapporto ancora.", "No report yet."),
}


def _t(key: str) -> str:
    return WORDS[key][0 if lang() == "it" else 1]


@bp.get("/")
def index():
    with db.read() as conn:
        reports = stored.query_reports(conn, LIMIT)
    return render_template_string(PAGE, reports=reports, T=_t, when=lambda d: day(d, lang()))


def _file(report_id: int, kind: str):
    with db.read() as conn:
        row = stored.query_report(conn, report_id)
    return row, stored.report_file(current_app.config["LAGUNA"], row, kind)


@bp.get("/<int:report_id>/report.html")
def html_file(report_id: int):
    _row, path = _file(report_id, "html")
    response = send_file(path, mimetype="text/html", max_age=0)
    response.headers["Content-Security-Policy"] = REPORT_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/<int:report_id>/report.pdf")
def pdf_file(report_id: int):
    row, path = _file(report_id, "pdf")
    download = request.args.get("download") == "1"
    name = f"laguna-report-{row['id']}-{row['period']}-{row['language']}.pdf"
    return send_file(path, mimetype="application/pdf", as_attachment=download, download_name=name, max_age=0)


@bp.get("/<int:report_id>/figures.json")
def figures_file(report_id: int):
    _row, path = _file(report_id, "figures")
    return send_file(path, mimetype="application/json", max_age=0)
