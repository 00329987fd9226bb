"""``laguna indicators import FILE.csv``: values of the indicators that are entered or
imported (not computed by a job), with their period, place, breakdown and quality.

Columns (Italian names work too; any separator): ``indicator``, ``period`` (YYYY, YYYY-Qn,
YYYY-MM or YYYY-MM-DD), ``value``, and as needed ``zone`` (+ ``zone_kind`` when the
indicator does not say which kind), ``station``, ``category``, ``quality`` (valid,
provisional, estimated, suspect), ``source`` (default: the file's name), ``illustrative``.
Each value records who entered it and when; a value already stored identically is left
alone, so importing the same file twice changes nothing. One transaction.
"""

from __future__ import annotations

import re
from pathlib import Path

import psycopg

from ..config import Settings
from ..errors import InvalidInput
from ..store.connect import connect
from .common import LoadReport, lock
from .csvfile import number, open_csv
from .tables import FALSE, TRUE

ALIASES = {
    "indicator": ("indicator", "indicatore", "codice", "code"),
    "period": ("period", "periodo", "anno", "year"),
    "value": ("value", "valore"),
    "zone_kind": ("zone_kind", "tipo_zona"),
    "zone": ("zone", "zona"),
    "station": ("station", "stazione"),
    "category": ("category", "categoria"),
    "quality": ("quality", "qualità", "qualita"),
    "source": ("source", "fonte"),
    "illustrative": ("illustrative", "illustrativo"),
}
REQUIRED = ("indicator", "period", "value")
QUALITIES = ("valid", "provisional", "estimated", "suspect")
PERIOD = re.compile(r"[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?")


def import_values(settings: Settings, path: str | Path) -> LoadReport:
    """Load indicator values from a CSV file in one transaction."""
    f = open_csv(path)
    name = f.path.name
    columns = _columns(f.header, name)
    report = LoadReport(name)
    tally = report.tally
    seen: dict[tuple, int] = {}
    with connect(settings) as conn, conn.transaction():
        lock(conn, "indicator_values")
        indicators = {r[0]: r[1:] for r in conn.execute(
            "SELECT code, id, method, job_name, spatial_unit, zone_kind FROM laguna.indicators")}
        zones = {(k, c): i for k, c, i in conn.execute(
            "SELECT DISTINCT ON (kind, code) kind, code, id FROM laguna.zones WHERE status <> 'superseded' "
            "ORDER BY kind, code, status = 'approved' DESC, version DESC").fetchall()}
        stations = dict(conn.execute("SELECT code, id FROM laguna.stations").fetchall())
        fh, reader = f.reader()
        with fh:
            for n, cells in enumerate(reader, 2):
                if not any(c.strip() for c in cells):
                    continue
                row = {k: (cells[i].strip() if i < len(cells) else "") for k, i in columns.items()}
                values = _row(row, n, name, f.separator, indicators, zones, stations)
                key = values[:5]
                if key in seen:
                    raise InvalidInput(f"{name}, row {n}: it repeats row {seen[key]} (same indicator, "
                                       "place, category and period).")
                seen[key] = n
                tally.add("indicator_values", _store(conn, values))
    if not seen:
        raise InvalidInput(f"{name} has a header but no values.")
    return report


def _columns(header: list[str], name: str) -> dict[str, int]:
    lower = [h.strip().lower() for h in header]
    out = {}
    for key, names in ALIASES.items():
        for alias in names:
            if alias in lower:
                out[key] = lower.index(alias)
                break
    missing = [k for k in REQUIRED if k not in out]
    if missing:
        raise InvalidInput(f"{name} has no column '{missing[0]}' (columns: {', '.join(header)}).")
    return out


def _row(row: dict, n: int, name: str, separator: str, indicators, zones, stations) -> tuple:
    def bad(field: str, problem: str) -> InvalidInput:
        return InvalidInput(f"{name}, row {n}, field {field}: {problem}.")

    code = row["indicator"]
    if code not in indicators:
        raise bad("indicator", f"no indicator '{code}' in the catalogue")
    ind_id, method, job, spatial_unit, zone_kind = indicators[code]
    if method == "computed":
        raise bad("indicator", f"{code} is computed by the job {job}, its values are not imported")
    period = row["period"]
    if not PERIOD.fullmatch(period):
        raise bad("period", f"'{period}' is not a period (YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD)")
    try:
        value = number(row["value"], separator)
    except ValueError:
        raise bad("value", f"'{row['value']}' is not a number") from None
    zone_id = station_id = None
    zone, station = row.get("zone", ""), row.get("station", "")
    if spatial_unit == "site" and (zone or station):
        raise bad("zone" if zone else "station", f"{code} is measured for the whole site, not per place")
    if spatial_unit == "zone":
        kind = row.get("zone_kind") or zone_kind
        if not zone or not kind:
            raise bad("zone", f"{code} is measured per zone: give the zone (and zone_kind)")
        if (kind, zone) not in zones:
            raise bad("zone", f"no current {kind} zone '{zone}'")
        zone_id = zones[(kind, zone)]
    if spatial_unit == "station":
        if station not in stations:
            raise bad("station", f"no station '{station}'" if station else f"{code} is measured per station: give the station")
        station_id = stations[station]
    quality = row.get("quality") or "valid"
    if quality not in QUALITIES:
        raise bad("quality", f"'{quality}' is not one of {', '.join(QUALITIES)}")
    flag = (row.get("illustrative") or "").lower()
    if flag not in TRUE | FALSE:
        raise bad("illustrative", f"'{flag}' is not yes or no")
    source = row.get("source") or name
    return (ind_id, zone_id, station_id, row.get("category", ""), period, value, quality, source,
            flag in TRUE)


def _store(conn: psycopg.Connection, values: tuple) -> str:
    ind, zone, station, category, period, value, quality, source, illustrative = values
    got = conn.execute(
        "INSERT INTO laguna.indicator_values (indicator_id, zone_id, station_id, category, period, "
        "  value, quality, source, illustrative, entered_by, entered_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, "
        "  coalesce(nullif(current_setting('laguna.user', true), ''), session_user), now()) "
        "ON CONFLICT (indicator_id, zone_id, station_id, category, period) DO UPDATE SET "
        "  value = EXCLUDED.value, quality = EXCLUDED.quality, source = EXCLUDED.source, "
        "  illustrative = EXCLUDED.illustrative, entered_by = EXCLUDED.entered_by, "
        "  entered_at = EXCLUDED.entered_at "
        "WHERE indicator_values.job_run_id IS NULL AND "
        "  (indicator_values.value, indicator_values.quality, indicator_values.source, indicator_values.illustrative) "
        "  IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.quality, EXCLUDED.source, EXCLUDED.illustrative) "
        "RETURNING (xmax = 0)",
        (ind, zone, station, category, period, value, quality, source, illustrative)).fetchone()
    if got is None:
        return "unchanged"
    return "inserted" if got[0] else "updated"
