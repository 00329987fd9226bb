"""Build a report: gather its figures in one consistent read of the store, draw, render
the HTML and the PDF into a temporary folder under ``var/reports/``, then, in ONE
transaction, record it (``laguna.reports`` with its inputs, ``laguna.report_job_runs``)
and move the folder into place as ``var/reports/<id>/``. A build that fails for any
reason leaves neither files nor rows behind.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import tempfile
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from psycopg.types.json import Jsonb

from ..config import Settings
from ..errors import InvalidInput
from ..loaders.tables import sha256
from ..store.connect import connect
from . import assets, draw, render, snapshot, text
from .gather import gather
from .period import resolve

FILES = {"html": "report.html", "pdf": "report.pdf", "figures": "figures.json", "inputs": "inputs.json"}
TMP_PREFIX = ".building-"


@dataclass
class Built:
    id: int
    period: str
    language: str
    partner: str | None
    folder: Path
    files: dict[str, Path]
    illustrative: bool
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    reused: bool = False  # an identical snapshot (same data, period, language, partner) existed


def reports_dir(settings: Settings) -> Path:
    return Path(settings.var_dir) / "reports"


def _clean_stale(root: Path) -> None:
    """Remove temporary folders of builds whose process is gone."""
    for path in root.glob(f"{TMP_PREFIX}*"):
        try:
            pid = int(path.name[len(TMP_PREFIX):].split("-", 1)[0])
            os.kill(pid, 0)
        except (ValueError, ProcessLookupError):
            shutil.rmtree(path, ignore_errors=True)
        except PermissionError:
            pass


def build_report(settings: Settings, period: str | None = None, lang: str | None = None,
                 partner: str | None = None, *, formats: tuple[str, ...] = ("html", "pdf"),
                 force: bool = False) -> Built:
    lang = (lang or settings.language).lower()
    if lang not in text.LANGUAGES:
        raise InvalidInput(f"The report language must be 'it' or 'en', not '{lang}'.")
    started = time.perf_counter()
    timings: dict[str, float] = {}
    root = reports_dir(settings)
    root.mkdir(parents=True, exist_ok=True)
    _clean_stale(root)
    tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=root))
    final: Path | None = None
    try:
        with connect(settings) as conn:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            with conn.transaction():  # one snapshot of the store for every figure
                conn.execute("SET TRANSACTION READ ONLY")
                p = resolve(conn, period)
                g = gather(conn, settings, p, lang, partner)
            report_id = conn.execute("SELECT nextval(pg_get_serial_sequence('laguna.reports', 'id'))").fetchone()[0]
            conn.commit()
        timings["gather"] = time.perf_counter() - started
        inputs = snapshot.inputs(g, period=p.code, lang=lang, partner=partner)
        same = None if force else _same_snapshot(settings, p.code, lang, partner, inputs["digest"], formats)
        if same is not None:  # nothing changed since: a rebuild would repeat it
            shutil.rmtree(tmp, ignore_errors=True)
            return same
        built_on = text.day(datetime.now(ZoneInfo("Europe/Rome")), lang)
        common = {"lang": lang, "report_id": report_id, "built_on": built_on, "digest": inputs["digest"]}
        (tmp / FILES["figures"]).write_text(json.dumps(g.data, ensure_ascii=False, indent=1, sort_keys=True),
                                            encoding="utf-8")
        (tmp / FILES["inputs"]).write_text(json.dumps(inputs, ensure_ascii=False, indent=1, sort_keys=True),
                                           encoding="utf-8")
        _draw_and_render(g, settings, lang, formats, tmp, common, timings)
        files = {k: v for k, v in FILES.items() if (tmp / v).exists()}
        title = " · ".join(x for x in (text.t("report_title", lang), g.data["meta"]["site"]["name"], p.code,
                                       (g.data["meta"]["partner"] or {}).get("name")) if x)
        final = root / str(report_id)
        rel = f"reports/{report_id}"
        with connect(settings) as conn, conn.transaction():
            partner_id = None
            if partner:
                partner_id = conn.execute("SELECT id FROM laguna.bodies WHERE code = %s", (partner,)).fetchone()[0]
            conn.execute(
                "INSERT INTO laguna.reports (id, kind, period, language, partner_body_id, title, html_path, pdf_path, "
                "html_checksum, pdf_checksum, inputs, illustrative) "
                "VALUES (%s, 'steering_committee', %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (report_id, p.code, lang, partner_id, title,
                 f"{rel}/{FILES['html']}" if "html" in files else None,
                 f"{rel}/{FILES['pdf']}" if "pdf" in files else None,
                 sha256(tmp / FILES["html"]) if "html" in files else None,
                 sha256(tmp / FILES["pdf"]) if "pdf" in files else None,
                 Jsonb(inputs), g.data["meta"]["illustrative"]))
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO laguna.report_job_runs (report_id, job_run_id) VALUES (%s, %s)",
                                [(report_id, r) for r in g.run_ids])
            os.replace(tmp, final)  # inside the transaction: a failed commit removes the folder below
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if final is not None and final.exists() and not _recorded(settings, final):
            shutil.rmtree(final, ignore_errors=True)
        raise
    return Built(report_id, p.code, lang, partner, final, {k: final / v for k, v in files.items()},
                 g.data["meta"]["illustrative"], time.perf_counter() - started, timings)


def _same_snapshot(settings: Settings, period: str, lang: str, partner: str | None, digest: str,
                   formats: tuple[str, ...]) -> Built | None:
    """The stored report built from exactly these data, when its files are all there."""
    with connect(settings) as conn:
        row = conn.execute(
            "SELECT r.id, r.html_path, r.pdf_path, r.illustrative FROM laguna.reports r "
            "LEFT JOIN laguna.bodies b ON b.id = r.partner_body_id "
            "WHERE r.period = %s AND r.language = %s AND b.code IS NOT DISTINCT FROM %s "
            "AND r.inputs->>'digest' = %s ORDER BY r.id DESC LIMIT 1",
            (period, lang, partner, digest)).fetchone()
    if row is None:
        return None
    stored = {kind: settings.var_dir / path for kind, path in (("html", row[1]), ("pdf", row[2])) if path}
    if set(formats) - set(stored) or not all(path.exists() for path in stored.values()):
        return None
    folder = next(iter(stored.values())).parent
    files = {k: folder / name for k, name in FILES.items() if (folder / name).exists()}
    return Built(row[0], period, lang, partner, folder, files, row[3], 0.0, reused=True)


def _draw_and_render(g, settings: Settings, lang: str, formats: tuple[str, ...], tmp: Path, common: dict,
                     timings: dict[str, float]) -> None:
    """Charts, web maps and the HTML here while a forked process draws the PDF's static
    maps (the two cores of a small server both work); then the PDF is laid out."""
    t0 = time.perf_counter()
    draw.rasters(g, settings)  # read once, before the fork: both sides use them
    with _Background() as background:
        maps = background.submit(draw.map_images, g, settings, lang) if "pdf" in formats else None
        charts = draw.chart_images(g, lang)
        timings["charts"] = time.perf_counter() - t0
        if "html" in formats:
            t1 = time.perf_counter()
            web = draw.web_maps(g, settings, lang)
            html = render.render(g.data, charts, web, mode="html", head=assets.head(), **common)
            (tmp / FILES["html"]).write_text(html, encoding="utf-8")
            timings["html"] = time.perf_counter() - t1
        if maps is not None:
            images = {**charts, **maps.result()}
            timings["maps"] = time.perf_counter() - t0
            t1 = time.perf_counter()
            render.pdf(render.render(g.data, images, {}, mode="pdf", **common), tmp / FILES["pdf"])
            timings["pdf_layout"] = time.perf_counter() - t1


class _Background:
    """One forked worker process (inline where fork is unavailable)."""

    def __enter__(self):
        try:
            context = multiprocessing.get_context("fork")
        except ValueError:
            self.pool = None
        else:
            self.pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        return self

    def submit(self, fn, *args):
        if self.pool is not None:
            return self.pool.submit(fn, *args)
        done: Future = Future()
        done.set_result(fn(*args))
        return done

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        return False


def _recorded(settings: Settings, folder: Path) -> bool:
    try:
        with connect(settings) as conn:
            return conn.execute("SELECT 1 FROM laguna.reports WHERE id = %s",
                                (int(folder.name),)).fetchone() is not None
    except Exception:  # noqa: BLE001 - when in doubt the folder stays: never delete a recorded report
        return True
