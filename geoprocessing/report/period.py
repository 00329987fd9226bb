"""Which period a report covers: a year given by the user, or the latest year with data.

"Data" means what the monitoring observed, not when a job happened to run: the latest year
of tide observations, raster acquisitions and imported or entered indicator values (local
time, Europe/Rome) that also holds indicator values. Computed snapshots dated by the clock
(e.g. the plan's project statuses, dated the year a job ran) do not move it. When the
store holds no such data, the latest year of any indicator value is taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import psycopg

from ..errors import InvalidInput, NotFound

YEAR = re.compile(r"^[0-9]{4}$")


@dataclass(frozen=True)
class Period:
    code: str  # 'YYYY'

    @property
    def year(self) -> int:
        return int(self.code)

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 12, 31)

    @property
    def previous(self) -> Period:
        return Period(str(self.year - 1))


def _value_years(conn: psycopg.Connection) -> list[int]:
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT extract(year FROM period_start)::int FROM laguna.indicator_values ORDER BY 1")]


def latest(conn: psycopg.Connection) -> Period:
    years = _value_years(conn)
    if not years:
        raise NotFound("The store holds no indicator values yet, so there is no period to report on: "
                       "load data and run the jobs first (laguna jobs run --all).")
    observed = conn.execute("""
        SELECT max(y) FROM (
            SELECT extract(year FROM (SELECT max(o.observed_at) FROM laguna.observations o
                                      WHERE o.series_id = s.id) AT TIME ZONE 'Europe/Rome')::int AS y
              FROM laguna.station_series s
            UNION ALL SELECT extract(year FROM acquired)::int FROM laguna.raster_assets
            UNION ALL SELECT extract(year FROM period_start)::int FROM laguna.indicator_values
                      WHERE entered_by IS NOT NULL
        ) years WHERE y = ANY(%s)""", (years,)).fetchone()[0]
    return Period(str(observed if observed is not None else years[-1]))


def resolve(conn: psycopg.Connection, asked: str | None) -> Period:
    """The period to report on; one sentence when it is malformed or holds no data."""
    if asked is None or asked.strip().lower() in ("", "latest"):
        return latest(conn)
    asked = asked.strip()
    if not YEAR.match(asked):
        raise InvalidInput(f"The period must be a year such as 2024, or 'latest', not '{asked}'.")
    years = _value_years(conn)
    if int(asked) not in years:
        held = f"the store's indicator values cover {years[0]}-{years[-1]}" if years \
            else "the store holds no indicator values yet"
        raise NotFound(f"There is no data for {asked}: {held}.")
    return Period(asked)
