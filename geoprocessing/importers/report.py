"""What an import tells its caller: :class:`ImportReport` and the one-line summary."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class ImportReport:
    """The outcome of one import (also stored as ``layer_versions.report``)."""

    layer: str
    unchanged: bool
    version: int | None
    feature_count: int = 0
    repaired: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    zones: dict | None = None
    asset: str | None = None
    source: str = ""
    message: str = ""

    def as_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k not in ("message", "unchanged")}


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def summarise(report: ImportReport) -> str:
    """One sentence for the user, e.g. 'Imported 44 features into ... as version 2 (...)'."""
    if report.unchanged:
        return (f"Layer {report.layer} already holds this source as version {report.version} "
                "(same SHA-256 and options): nothing to do.")
    if report.asset:
        head = f"Imported {report.source} into raster layer {report.layer} as version {report.version} ({report.asset})"
    else:
        head = (f"Imported {plural(report.feature_count, 'feature')} from {report.source} into "
                f"layer {report.layer} as version {report.version}")
    notes = []
    if report.repaired:
        notes.append(f"{plural(report.repaired, 'geometry', 'geometries')} repaired")
    if report.skipped:
        notes.append(f"{plural(report.skipped, 'feature')} skipped")
    if report.zones:
        z = report.zones
        notes.append(f"zones of kind {z['kind']}: {z['new']} new, {z['changed']} new versions, "
                     f"{z['unchanged']} unchanged, {z['superseded_missing']} superseded")
    if report.warnings:
        notes.append(plural(len(report.warnings), "warning"))
    return head + (f"; {'; '.join(notes)}." if notes else ".")
