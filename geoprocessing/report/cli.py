"""``laguna report``: build the Steering Committee report of a period, list built reports."""

from __future__ import annotations

import click

from ..config import get_settings


@click.group()
def report() -> None:
    """Map-based reports for the Steering Committee (HTML and PDF snapshots)."""


@report.command("build")
@click.option("--period", metavar="YYYY|latest", default="latest", show_default=True,
              help="Year to report on; 'latest' takes the latest year with data.")
@click.option("--lang", type=click.Choice(["it", "en"]), default=None,
              help="Language of the report (default: LAGUNA_LANGUAGE).")
@click.option("--partner", metavar="BODY", default=None,
              help="Focus on a body's projects and territory (a laguna.bodies code).")
@click.option("--force", is_flag=True, help="Build again even when a report of the same data exists.")
def build_cmd(period: str, lang: str | None, partner: str | None, force: bool) -> None:
    """Build a report (HTML and PDF under var/reports/<id>/) and record it."""
    from .build import build_report

    settings = get_settings()
    built = build_report(settings, period=period, lang=lang, partner=partner, force=force)
    what = f"report {built.id}: {built.period}, {built.language}" + (f", partner {built.partner}" if built.partner else "")
    if built.reused:
        click.echo(f"{what}: already built from the same data, nothing to do")
    else:
        click.echo(f"{what}{' (illustrative data)' if built.illustrative else ''}, built in {built.seconds:.1f} s")
    for kind in ("html", "pdf"):
        if kind in built.files:
            click.echo(f"  {kind}: {built.files[kind]}")


@report.command("list")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000))
def list_cmd(limit: int) -> None:
    """List the built reports, newest first, with their files."""
    from .stored import list_reports

    settings = get_settings()
    rows = list_reports(settings, limit=limit)
    if not rows:
        click.echo("no reports yet: build one with 'laguna report build'")
        return
    for r in rows:
        partner = f" partner {r['partner']}" if r["partner"] else ""
        flag = " [illustrative]" if r["illustrative"] else ""
        click.echo(f"{r['id']:>5}  {r['period']:<7} {r['language']}  {r['created_at']:%Y-%m-%d %H:%M}{partner}{flag}")
        for kind in ("html", "pdf"):
            if r[f"{kind}_path"]:
                click.echo(f"{'':7}{kind}: {settings.var_dir / r[f'{kind}_path']}")
