"""Turn the gathered figures into the report's files: one Jinja template renders both the
self-contained HTML page (interactive maps) and the HTML that WeasyPrint lays out as the
PDF (static maps, paged). Autoescaping is on: every text from the store is escaped."""

from __future__ import annotations

import base64
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import text

TEMPLATES = Path(__file__).with_name("templates")
ARROWS = {"up": "↗", "down": "↘", "flat": "→", "none": "·"}


def _env(lang: str) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(
        t=lambda key: text.t(key, lang),
        code=lambda table, value: text.code(table, value, lang),
        num=lambda v, digits=None, unit=None: text.number(v, lang, digits, unit),
        signed=lambda v, digits=None, unit=None: text.signed(v, lang, digits, unit),
        money=lambda v: text.money(v, lang),
        unit=lambda u: text.unit_label(u, lang),
        day=lambda d: text.day(d, lang),
        arrow=arrow,
        lang=lang)
    return env


def arrow(row: dict) -> str:
    """Trend arrow from the slope's sign (↗ ↘ →), · when there is no trend."""
    slope = row.get("trend_slope_per_year")
    if row.get("trend") in (None, "unknown") or slope is None:
        return ARROWS["none"]
    if row.get("trend") == "stable" or slope == 0:
        return ARROWS["flat"]
    return ARROWS["up"] if slope > 0 else ARROWS["down"]


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render(data: dict, images: dict[str, bytes], maps: dict[str, Markup], *, mode: str, lang: str,
           head: str = "", report_id: int | None = None, built_on: str = "", digest: str = "") -> str:
    env = _env(lang)
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    template = env.get_template("report.html.j2")
    return template.render(d=data, images={k: data_uri(v) for k, v in images.items()}, maps=maps, mode=mode,
                           css=Markup(css), head=Markup(head), report_id=report_id,  # noqa: S704 - our files
                           built_on=built_on, digest=digest)


def pdf(html: str, out: Path) -> None:
    """Lay out the PDF; WeasyPrint may read data: URIs only (every image is inline)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    HTML(string=html, base_url=str(TEMPLATES),
         url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf(out)
