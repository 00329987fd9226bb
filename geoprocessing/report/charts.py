"""Charts of the report (matplotlib, PNG): an indicator's headline series over time with
its baseline, target and thresholds; the funding granted by year and source."""

from __future__ import annotations

import io
from datetime import date

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from . import text  # noqa: E402

DPI = 130
LINE_COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000")
SOURCE_COLOURS = ("#1f4e79", "#2e75b6", "#9dc3e6", "#c55a11", "#f4b183", "#548235", "#a9d18e", "#7f7f7f")


def _year(start) -> float:
    if isinstance(start, str):
        start = date.fromisoformat(start[:10])
    return start.year + (start.timetuple().tm_yday - 1) / 365.25


def _png(fig) -> bytes:
    # Fixed margins, the legend in the right one: no "tight" bounding box (a second draw).
    fig.subplots_adjust(left=0.15, right=0.7, bottom=0.11, top=0.96)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    plt.close(fig)
    return buf.getvalue()


def indicator_chart(block: dict, lang: str, period_year: int, illustrative: bool) -> bytes | None:
    """Headline series with baseline -> target trajectory and warning/alert thresholds."""
    history = [h for h in block["history"] if h["points"]]
    if not history:
        return None
    fig, ax = plt.subplots(figsize=(6.8, 2.6), dpi=DPI)
    unit = block["unit"]
    for i, h in enumerate(history):
        xs = [_year(p["start"]) for p in h["points"]]
        ys = [p["value"] for p in h["points"]]
        ax.plot(xs, ys, marker="o", markersize=3.2, linewidth=1.4, color=LINE_COLOURS[i % len(LINE_COLOURS)],
                label=h["place"])
    xmax = period_year + 1
    if block.get("baseline") is not None and block.get("baseline_period"):
        bx = int(block["baseline_period"][:4])
        ax.plot([bx], [block["baseline"]], marker="s", color="#444", markersize=5, linestyle="",
                label=f"{text.t('baseline', lang)} ({block['baseline_period']})")
        if block.get("target") is not None and block.get("target_period"):
            tx = int(block["target_period"][:4])
            ax.plot([bx, tx], [block["baseline"], block["target"]], linestyle=":", color="#444", linewidth=1,
                    label=text.t("trajectory", lang))
    if block.get("target") is not None and block.get("target_period"):
        tx = int(block["target_period"][:4])
        xmax = max(xmax, tx + 0.5)
        ax.plot([tx], [block["target"]], marker="*", color="#2e7d32", markersize=9, linestyle="",
                label=f"{text.t('target', lang)} ({block['target_period']})")
    for key, colour in (("warning", "#f9a825"), ("alert", "#c62828")):
        if block.get(key) is not None:
            ax.axhline(block[key], color=colour, linewidth=0.9, linestyle="--",
                       label=text.t(f"{key}_threshold", lang))
    ax.axvspan(period_year, period_year + 1, color="#fff3c4", zorder=0)
    ax.set_xlim(right=xmax)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=10))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: text.number(v, lang, unit=unit)))
    ax.set_ylabel(text.unit_label(unit, lang), fontsize=7)
    ax.tick_params(labelsize=7)
    ax.grid(True, linewidth=0.3, color="#ccc")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(fontsize=6, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    if illustrative:
        ax.annotate(text.t("illustrative_banner", lang).upper(), xy=(0.99, 0.02), xycoords="axes fraction",
                    ha="right", va="bottom", fontsize=6, color="#b00020")
    return _png(fig)


def funding_chart(funding: dict, lang: str, illustrative: bool) -> bytes | None:
    """Stacked bars: granted amount by award year and funding source."""
    rows = funding["by_year"]
    if not rows:
        return None
    years = sorted({r["year"] for r in rows})
    sources = sorted({r["source"] for r in rows}, key=lambda s: (s != "law77", s))
    fig, ax = plt.subplots(figsize=(6.8, 2.6), dpi=DPI)
    bottom = [0.0] * len(years)
    for i, source in enumerate(sources):
        heights = [sum(r["granted"] for r in rows if r["year"] == y and r["source"] == source) for y in years]
        ax.bar(years, heights, bottom=bottom, color=SOURCE_COLOURS[i % len(SOURCE_COLOURS)],
               label=funding["source_names"].get(source, source), width=0.7)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: text.money(v, lang)))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(labelsize=7)
    ax.grid(True, axis="y", linewidth=0.3, color="#ccc")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(fontsize=6, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    if illustrative:
        ax.annotate(text.t("illustrative_banner", lang).upper(), xy=(0.99, 0.98), xycoords="axes fraction",
                    ha="right", va="top", fontsize=6, color="#b00020")
    return _png(fig)
