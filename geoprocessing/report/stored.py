"""Built reports as the store records them: listing and finding their files (for the CLI
and the web app; paths in the table are relative to ``var/``)."""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg.rows import dict_row

from ..config import Settings
from ..errors import NotFound
from ..store.connect import connect

COLUMNS = ("r.id, r.kind, r.period, r.language, r.title, r.html_path, r.pdf_path, r.html_checksum, "
           "r.pdf_checksum, r.created_at, r.created_by, r.illustrative, b.code AS partner, "
           "b.name_it AS partner_it, b.name_en AS partner_en, r.inputs->>'digest' AS digest")


def query_reports(conn: psycopg.Connection, limit: int = 50) -> list[dict]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            f"SELECT {COLUMNS} FROM laguna.reports r LEFT JOIN laguna.bodies b ON b.id = r.partner_body_id "  # noqa: S608 - fixed columns
            "ORDER BY r.created_at DESC, r.id DESC LIMIT %s", (limit,)).fetchall()


def query_report(conn: psycopg.Connection, report_id: int) -> dict:
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(
            f"SELECT {COLUMNS} FROM laguna.reports r LEFT JOIN laguna.bodies b ON b.id = r.partner_body_id "  # noqa: S608 - fixed columns
            "WHERE r.id = %s", (report_id,)).fetchone()
    if row is None:
        raise NotFound(f"There is no report number {report_id}.")
    return row


def list_reports(settings: Settings, limit: int = 50) -> list[dict]:
    with connect(settings) as conn:
        return query_reports(conn, limit)


def report_file(settings: Settings, row: dict, kind: str) -> Path:
    """The file of a recorded report (``html``, ``pdf``, or ``figures``: the figures.json
    kept next to them), which must lie under var/reports/ and exist."""
    if kind == "figures":
        base = row.get("html_path") or row.get("pdf_path")
        rel = f"{base.rsplit('/', 1)[0]}/figures.json" if base else None
    else:
        rel = row.get(f"{kind}_path")
    if not rel:
        raise NotFound(f"Report {row['id']} has no {kind} file.")
    root = (Path(settings.var_dir) / "reports").resolve()
    path = (Path(settings.var_dir) / rel).resolve()
    if root not in path.parents or not path.is_file():
        raise NotFound(f"The {kind} file of report {row['id']} is missing from var/reports/.")
    return path
