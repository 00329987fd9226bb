"""``laguna observations import``: station time series (tide gauges, water quality) from CSV.

Made for files like the City of Venice's tide records: any separator, Italian headers,
local wall-clock times, decimal commas, empty cells. Without ``--time-column`` and
``--value-column`` it takes the first time-like column and the first column that looks
like the parameter (for water levels: "Liv.", "livello", "level", ...), and says so.

Times are localised with ``--tz`` (Europe/Rome by default) and stored as timestamptz.
Around the autumn clock change an hour happens twice: when the file repeats it, the order
tells which is which (night by night); when it does not, those rows are ambiguous and left
out, and the report says so (as it does for times that do not exist in spring). Duplicate times, gaps
(against the series' usual step), empty and non-numeric values are counted in the summary
and in ``laguna.observation_imports.report``. Rows go through COPY into a temporary table
and then into ``laguna.observations`` with ON CONFLICT DO NOTHING: re-importing an
overlapping file adds only what is new, and the same file twice adds nothing. Stored
values the file contradicts are counted apart; ``--replace`` takes the file's (a corrected
file from the gauge's owner). Illustrative and real observations never share a series:
a value computed from it could not say which it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
from psycopg.types.json import Jsonb

from ..config import Settings
from ..errors import InvalidInput, NotFound
from ..store.connect import connect
from .common import lock
from .csvfile import CsvFile, open_csv
from .tables import sha256

TIME_WORDS = ("data", "date", "ora", "time", "timestamp", "datetime", "istante", "giorno")
PARAMETER_WORDS = {
    "water_level": ("liv", "level", "idrom", "marea", "tide", "altezza"),
    "water_temperature": ("temp",),
    "wind_speed": ("v.vento", "velocit", "wind speed"),
    "wind_direction": ("d.vento", "direzion", "wind dir"),
    "salinity": ("salin",),
    "dissolved_oxygen": ("ossigeno", "oxygen"),
}
OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
DATE_LIKE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")
EXAMPLES = 5


@dataclass
class ObservationReport:
    station: str
    parameter: str
    unit: str
    datum: str | None
    file: str
    time_column: str = ""
    value_column: str = ""
    timezone: str = ""
    rows_read: int = 0
    inserted: int = 0
    already_stored: int = 0
    conflicting: int = 0  # stored at the same time with a different value
    replaced: int = 0
    already_imported: str | None = None
    import_id: int | None = None
    details: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        what = f"{self.station} {self.parameter} ({self.unit}{', ' + self.datum if self.datum else ''})"
        if self.already_imported:
            return [f"nothing to import: {self.file} was already imported into {what} "
                    f"({self.already_imported})"]
        d = self.details
        out = [f"{what} from {self.file}: time column '{self.time_column}' ({self.timezone}), "
               f"value column '{self.value_column}'",
               f"  {self.rows_read:,} rows read, {self.inserted:,} observations added, "
               f"{self.already_stored:,} already stored"
               + (f" ({self.replaced:,} with a different value replaced by the file's)" if self.replaced
                  else f" ({self.conflicting:,} with a different value: the stored ones were kept; "
                       "--replace takes the file's)" if self.conflicting else "")]
        if d.get("step_seconds"):
            gaps = d["gaps"]
            line = f"  usual step {_duration(d['step_seconds'])}; {_count(gaps['count'], 'gap')}"
            if gaps["count"]:
                big = gaps["largest"]
                line += (f" ({_count(gaps['missing_samples'], 'missing sample')}; largest "
                         f"{_duration(big['seconds'])} from {big['from']} to {big['to']})")
            out.append(line)
        for key, label in (("empty_values", "empty values"), ("non_numeric", "non-numeric values"),
                           ("bad_times", "unreadable times"), ("duplicates_in_file", "duplicate times in the file"),
                           ("ambiguous_times", "ambiguous times left out"),
                           ("nonexistent_times", "times that do not exist left out")):
            item = d.get(key) or {}
            if item.get("count"):
                examples = ", ".join(f"line {e['line']} '{e['text']}'" for e in item["examples"][:3])
                extra = f" ({item['conflicting']} with different values)" if item.get("conflicting") else ""
                out.append(f"  {item['count']:,} {label}{extra}: {examples}"
                           + (f"; {item['hint']}" if item.get("hint") else ""))
        return out


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds % 86400 == 0 and seconds >= 86400:
        return f"{seconds // 86400} d"
    if seconds % 3600 == 0 and seconds >= 3600:
        return f"{seconds // 3600} h"
    if seconds >= 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def _pick(f: CsvFile, given: str | None, what: str) -> int:
    if given is None:
        return -1
    for i, h in enumerate(f.header):
        if h == given or h.lower() == given.strip().lower():
            return i
    if given.isdigit() and 1 <= int(given) <= len(f.header):
        return int(given) - 1
    raise InvalidInput(f"{f.path.name} has no column '{given}' for the {what} "
                       f"(columns: {', '.join(f.header)}).")


def _sample(f: CsvFile) -> pd.DataFrame:
    return pd.read_csv(f.path, sep=f.separator, encoding=f.encoding, dtype=str,
                       keep_default_na=False, nrows=200, header=0, names=f.header)


def _numeric_share(values: pd.Series, separator: str) -> float:
    v = values.str.strip()
    v = v[v != ""]
    if v.empty:
        return 0.0
    return float(pd.to_numeric(_decimal(v, separator), errors="coerce").notna().mean())


def _decimal(values: pd.Series, separator: str) -> pd.Series:
    if separator == ",":
        return values
    return values.str.replace(".", "", regex=False).str.replace(",", ".", regex=False).where(
        values.str.contains(",", regex=False), values)


def _choose_columns(f: CsvFile, parameter: str, time_column: str | None,
                    value_column: str | None) -> tuple[int, int]:
    sample = _sample(f)
    if sample.empty:
        raise InvalidInput(f"{f.path.name} has a header but no rows.")
    t = _pick(f, time_column, "time")
    if t < 0:
        named = [i for i, h in enumerate(f.header) if any(w in h.lower() for w in TIME_WORDS)]
        parses = [i for i in range(len(f.header))
                  if sample.iloc[:, i].str.strip().str.match(DATE_LIKE).mean() > 0.9]
        ranked = [i for i in named if i in parses] or parses or named
        if not ranked:
            raise InvalidInput(f"{f.path.name} has no column of dates and times: name it with --time-column.")
        t = ranked[0]
    v = _pick(f, value_column, "values")
    if v < 0:
        others = [i for i in range(len(f.header)) if i != t]
        numeric = [i for i in others if _numeric_share(sample.iloc[:, i], f.separator) >= 0.5]
        words = PARAMETER_WORDS.get(parameter, (parameter.replace("_", " "),))
        named = [i for i in numeric if any(w in f.header[i].lower() for w in words)]
        ranked = named or numeric
        if not ranked:
            raise InvalidInput(f"{f.path.name} has no numeric column besides '{f.header[t]}': "
                               "name it with --value-column.")
        v = ranked[0]
    if v == t:
        raise InvalidInput(f"{f.path.name}: the time and value columns are the same ('{f.header[t]}').")
    return t, v


def _examples(lines: np.ndarray, texts: pd.Series) -> list[dict]:
    return [{"line": int(n), "text": str(s)[:40]} for n, s in zip(lines[:EXAMPLES], texts[:EXAMPLES], strict=False)]


def read_series(f: CsvFile, t: int, v: int, tz: str) -> tuple[pd.DataFrame, dict]:
    """UTC times and values of the usable rows, and the report of what was not usable."""
    frame = pd.read_csv(f.path, sep=f.separator, encoding=f.encoding, dtype=str, keep_default_na=False,
                        usecols=[t, v], header=0, names=f.header, engine="c", on_bad_lines="skip")
    times = frame[f.header[t]].str.strip()
    raw = frame[f.header[v]].str.strip()
    lines = np.arange(len(frame)) + 2  # the header is line 1
    details: dict = {"rows_read": len(frame)}

    has_offset = times.str.contains(OFFSET)
    if has_offset.any() and not has_offset[times != ""].all():
        raise InvalidInput(f"{f.path.name} mixes times with and without a UTC offset in column '{f.header[t]}'.")
    if has_offset.any():
        utc = pd.to_datetime(times, format="ISO8601", errors="coerce", utc=True)
        bad = utc.isna()
        details["timezone_note"] = "times carry their UTC offset; --tz was not needed"
    else:
        naive = pd.to_datetime(times, format="ISO8601", errors="coerce")
        if naive.isna().mean() > 0.5:
            naive = pd.to_datetime(times, format="mixed", dayfirst=True, errors="coerce")
        bad = naive.isna()
        utc = _localise(naive, tz, lines, times, details)
    details["bad_times"] = {"count": int(bad.sum()), "examples": _examples(lines[bad.to_numpy()], times[bad])}

    empty = raw == ""
    values = pd.to_numeric(_decimal(raw, f.separator), errors="coerce")
    values = values.where(np.isfinite(values.to_numpy(dtype=float, na_value=np.nan)))
    non_numeric = values.isna() & ~empty
    details["empty_values"] = {"count": int(empty.sum()), "examples": _examples(lines[empty.to_numpy()], raw[empty])}
    details["non_numeric"] = {"count": int(non_numeric.sum()),
                              "examples": _examples(lines[non_numeric.to_numpy()], raw[non_numeric])}

    ok = (utc.notna() & values.notna()).to_numpy()
    good = pd.DataFrame({"observed_at": utc[ok].to_numpy(), "value": values[ok].to_numpy(dtype=float),
                         "line": lines[ok]})
    dup = good["observed_at"].duplicated(keep="first").to_numpy()
    if dup.any():
        first = good.drop_duplicates("observed_at").set_index("observed_at")["value"]
        conflicting = int((good.loc[dup, "value"].to_numpy() != first.loc[good.loc[dup, "observed_at"]].to_numpy()).sum())
    else:
        conflicting = 0
    details["duplicates_in_file"] = {
        "count": int(dup.sum()), "conflicting": conflicting,
        "examples": [{"line": int(r.line), "text": str(r.observed_at)} for r in good[dup].head(EXAMPLES).itertuples()]}
    good = good[~dup].sort_values("observed_at", kind="stable")
    details.update(_gaps(good["observed_at"], tz))
    return good[["observed_at", "value"]], details


def _localise(naive: pd.Series, tz: str, lines, texts: pd.Series, details: dict) -> pd.Series:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"'{tz}' is not a known time zone (e.g. Europe/Rome, UTC, Etc/GMT-1).") from None
    # A clock time that happens twice (autumn) is read as summer time the first time the file
    # lists it and as standard time the second; listed once, it cannot be placed: left out.
    twice = naive.notna() & naive.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward").isna()
    occurrence = naive.groupby(naive).cumcount().reindex(naive.index, fill_value=0)
    listed = naive.map(naive.value_counts()).fillna(0)
    local = naive.dt.tz_localize(tz, ambiguous=(occurrence == 0).to_numpy(), nonexistent="NaT")
    ambiguous = twice & (listed == 1)
    local = local.mask(ambiguous)
    nonexistent = naive.notna() & local.isna() & ~ambiguous
    details["ambiguous_times"] = {
        "count": int(ambiguous.sum()), "examples": _examples(lines[ambiguous.to_numpy()], texts[ambiguous]),
        "hint": f"these clock times happen twice in {tz} and the file lists them once; if the file "
                "keeps standard time all year, import it with --tz Etc/GMT-1"}
    details["nonexistent_times"] = {
        "count": int(nonexistent.sum()), "examples": _examples(lines[nonexistent.to_numpy()], texts[nonexistent]),
        "hint": f"these clock times are skipped by the spring change in {tz}"}
    return local.dt.tz_convert("UTC")


def _gaps(times: pd.Series, tz: str) -> dict:
    """The usual step and the gaps of a UTC series; times said in ``tz`` (the file's)."""
    if len(times) < 3:
        return {"step_seconds": None, "gaps": {"count": 0, "missing_samples": 0}}

    def said(t) -> str:
        stamp = pd.Timestamp(t)
        return str((stamp if stamp.tzinfo else stamp.tz_localize("UTC")).tz_convert(tz))

    diffs = times.diff().dropna().dt.total_seconds().to_numpy()
    step = float(pd.Series(diffs).mode().iloc[0])
    big = diffs > step * 1.5
    starts = times.iloc[:-1].to_numpy()[big]
    ends = times.iloc[1:].to_numpy()[big]
    missing = np.round(diffs[big] / step).astype(int) - 1
    out = {"step_seconds": step, "first": said(times.iloc[0]), "last": said(times.iloc[-1]),
           "gaps": {"count": int(big.sum()), "missing_samples": int(missing.sum())}}
    if big.any():
        k = int(np.argmax(diffs[big]))
        out["gaps"]["largest"] = {"from": said(starts[k]), "to": said(ends[k]),
                                  "seconds": float(diffs[big][k]), "missing": int(missing[k])}
        out["gaps"]["examples"] = [{"from": said(a), "to": said(b), "missing": int(m)}
                                   for a, b, m in list(zip(starts, ends, missing, strict=True))[:EXAMPLES]]
    return out


def import_observations(settings: Settings, path: str | Path, station: str, *,
                        parameter: str = "water_level", time_column: str | None = None,
                        value_column: str | None = None, unit: str | None = None,
                        datum: str | None = None, tz: str = "Europe/Rome",
                        illustrative: bool = False, replace: bool = False) -> ObservationReport:
    """Import one CSV file of observations into a station's series; see the module doc."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", parameter):
        raise InvalidInput(f"'{parameter}' is not a parameter name (lower case, e.g. water_level).")
    f = open_csv(path)
    t, v = _choose_columns(f, parameter, time_column, value_column)
    checksum = sha256(f.path)
    with connect(settings) as conn, conn.transaction():
        lock(conn, f"observations:{station}:{parameter}")
        row = conn.execute("SELECT id FROM laguna.stations WHERE code = %s", (station,)).fetchone()
        if row is None:
            known = [r[0] for r in conn.execute("SELECT code FROM laguna.stations ORDER BY code")]
            raise NotFound(f"There is no station '{station}' (known: {', '.join(known) or 'none'}); "
                           "add it with 'laguna register import'.")
        series_id, unit, datum = _series(conn, row[0], station, parameter, unit, datum)
        report = ObservationReport(station, parameter, unit, datum, f.path.name,
                                   f.header[t], f.header[v], tz)
        done = conn.execute(
            "SELECT id, imported_at FROM laguna.observation_imports WHERE series_id = %s "
            "AND source_checksum = %s ORDER BY id LIMIT 1", (series_id, checksum)).fetchone()
        if done:
            report.already_imported = f"import #{done[0]} on {done[1]:%Y-%m-%d %H:%M}"
            return report
        other = conn.execute("SELECT source_name FROM laguna.observation_imports WHERE series_id = %s "
                             "AND illustrative <> %s ORDER BY id LIMIT 1", (series_id, illustrative)).fetchone()
        if other:
            held, given = ("illustrative", "real") if not illustrative else ("real", "illustrative")
            raise InvalidInput(
                f"{f.path.name}: the series {station} {parameter} holds {held} observations "
                f"(from {other[0]}), and {given} ones must not be mixed with them; "
                + ("reset the store (laguna db reset) before loading real data over the sample."
                   if held == "illustrative" else "import the sample into an empty store."))
        good, details = read_series(f, t, v, tz)
        report.rows_read, report.details = details.pop("rows_read"), details
        if good.empty:
            raise InvalidInput(f"{f.path.name} has no usable values in column '{f.header[v]}' "
                               f"with times in '{f.header[t]}'.")
        import_id = conn.execute(
            "INSERT INTO laguna.observation_imports (series_id, source_name, source_checksum, timezone, "
            "rows_read, rows_inserted, illustrative, imported_by) VALUES (%s, %s, %s, %s, %s, 0, %s, "
            "coalesce(nullif(current_setting('laguna.user', true), ''), session_user)) RETURNING id",
            (series_id, f.path.name, checksum, tz, report.rows_read, illustrative)).fetchone()[0]
        conn.execute("CREATE TEMP TABLE observations_in (observed_at timestamptz, value float8) ON COMMIT DROP")
        stamps = np.datetime_as_string(good["observed_at"].to_numpy(dtype="datetime64[us]"), unit="us")
        text = "".join(f"{s}+00\t{x!r}\n" for s, x in zip(stamps, good["value"].tolist(), strict=True))
        with conn.cursor().copy("COPY observations_in (observed_at, value) FROM STDIN") as copy:
            copy.write(text)
        report.conflicting = conn.execute(
            "SELECT count(*) FROM observations_in i JOIN laguna.observations o ON o.series_id = %s "
            "AND o.observed_at = i.observed_at WHERE o.value IS DISTINCT FROM i.value",
            (series_id,)).fetchone()[0]
        if replace and report.conflicting:
            report.replaced = conn.execute(
                "UPDATE laguna.observations o SET value = i.value, import_id = %s FROM observations_in i "
                "WHERE o.series_id = %s AND o.observed_at = i.observed_at "
                "AND o.value IS DISTINCT FROM i.value", (import_id, series_id)).rowcount
        inserted = conn.execute(
            "INSERT INTO laguna.observations (series_id, observed_at, value, import_id) "
            "SELECT %s, observed_at, value, %s FROM observations_in ON CONFLICT DO NOTHING",
            (series_id, import_id)).rowcount
        report.inserted, report.already_stored, report.import_id = inserted, len(good) - inserted, import_id
        details.update(time_column=f.header[t], value_column=f.header[v], separator=f.separator,
                       encoding=f.encoding, duplicates_in_store=report.already_stored,
                       conflicting_in_store=report.conflicting, replaced=report.replaced)
        conn.execute("UPDATE laguna.observation_imports SET rows_inserted = %s, rows_duplicate = %s, "
                     "report = %s WHERE id = %s",
                     (inserted, report.already_stored, Jsonb(details), import_id))
    return report


def _series(conn, station_id: int, station: str, parameter: str, unit: str | None,
            datum: str | None) -> tuple[int, str, str | None]:
    row = conn.execute("SELECT id, unit, datum FROM laguna.station_series WHERE station_id = %s "
                       "AND parameter = %s", (station_id, parameter)).fetchone()
    if row is None:
        if not unit:
            raise InvalidInput(f"The series {station} {parameter} does not exist yet: give its unit "
                               "with --unit (e.g. m or cm).")
        new = conn.execute("INSERT INTO laguna.station_series (station_id, parameter, unit, datum) "
                           "VALUES (%s, %s, %s, %s) RETURNING id", (station_id, parameter, unit, datum))
        return new.fetchone()[0], unit, datum
    series_id, stored_unit, stored_datum = row
    if unit and unit != stored_unit:
        raise InvalidInput(f"The series {station} {parameter} is stored in {stored_unit}, not {unit}: "
                           f"convert the file or import it with --unit {stored_unit}.")
    if datum and stored_datum and datum != stored_datum:
        raise InvalidInput(f"The series {station} {parameter} is referred to the datum {stored_datum}, "
                           f"not {datum}.")
    if datum and not stored_datum:
        conn.execute("UPDATE laguna.station_series SET datum = %s WHERE id = %s", (datum, series_id))
        stored_datum = datum
    return series_id, stored_unit, stored_datum
