"""Ten years (2015-2024) of hourly water levels at Punta della Salute (PSAL, lagoon side)
and Diga Sud Lido (DSL, sea side), written like the City of Venice's tide files
(``;`` separator, Italian header, local time, metres above the Punta della Salute datum).

The sea level is the sum of five astronomical constituents (M2, S2, N2, K1, O1 with
Venice-like amplitudes), a slowly rising mean with a seasonal swing, autumn and winter
storm surges with their seiches, and a little noise. The lagoon follows the sea with a
short lag, except from October 2020, when the MOSE barriers close whenever the sea is
forecast above +110 cm: the lagoon then stays near +60/+90 cm while the sea goes higher.
Two surges are placed on purpose: 12 November 2019 (+187 cm in the city, before MOSE)
and 22 November 2022 (+173 cm at sea, kept out by the barriers). Illustrative only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

START = pd.Timestamp("2015-01-01 00:00", tz="Europe/Rome")
END = pd.Timestamp("2025-01-01 00:00", tz="Europe/Rome")
MOSE_FROM = pd.Timestamp("2020-10-01 00:00", tz="Europe/Rome")
CLOSE_ABOVE_M = 1.10
# constituent: (amplitude m, speed degrees/hour, phase degrees)
CONSTITUENTS = {"M2": (0.234, 28.9841042, 250.0), "S2": (0.137, 30.0, 275.0),
                "N2": (0.037, 28.4397295, 230.0), "K1": (0.176, 15.0410686, 60.0),
                "O1": (0.050, 13.9430356, 45.0)}
MEAN_2015_M = 0.25
TREND_M_PER_YEAR = 0.005
# (local time of the peak, peak level at the named station)
STORMS = [("2018-10-29 14:00", "PSAL", 1.56), ("2019-11-12 23:00", "PSAL", 1.87),
          ("2019-11-15 12:00", "PSAL", 1.54), ("2022-11-22 10:00", "DSL", 1.73)]

HEADERS = {
    "PSAL": ["Data", "P. Salute Liv.Idrom. medio 1h (illustrativo)", "P. Salute Temp. Acqua (illustrativo)"],
    "DSL": ["Data", "D.S. Lido Liv.Idrom. medio 1h (illustrativo)"],
}


def _astro(hours: np.ndarray, gain: float = 1.0, lag_h: float = 0.0) -> np.ndarray:
    total = np.zeros_like(hours, dtype=np.float64)
    for amp, speed, phase in CONSTITUENTS.values():
        total += gain * amp * np.cos(np.radians(speed * (hours - lag_h) - phase))
    return total


def _surges(hours: np.ndarray, times: pd.DatetimeIndex, rng: np.random.Generator) -> np.ndarray:
    """Storm surges (a bell-shaped set-up and a decaying 21.5 h seiche), mostly Oct-Mar."""
    surge = np.zeros_like(hours, dtype=np.float64)
    months = times.month.to_numpy()
    stormy = np.flatnonzero(np.isin(months, (10, 11, 12, 1, 2, 3)))
    count = int(len(stormy) / 24 / 183 * 16)  # about 16 surges per stormy half-year
    for centre in np.sort(rng.choice(stormy, size=count, replace=False)):
        _add_surge(surge, hours, hours[centre], float(min(0.15 + rng.exponential(0.16), 0.8)),
                   float(rng.uniform(6, 16)))
    return surge


def _add_surge(surge: np.ndarray, hours: np.ndarray, centre: float, height: float, width: float) -> None:
    lo = int(max(0, np.searchsorted(hours, centre - 5 * width)))
    hi = int(np.searchsorted(hours, centre + 96))
    t = hours[lo:hi] - centre
    bell = np.exp(-0.5 * (t / width) ** 2)
    seiche = np.where(t > 0, 0.3 * np.cos(2 * np.pi * t / 21.5) * np.exp(-t / 40.0), 0.0)
    surge[lo:hi] += height * (bell + seiche * (1 - bell))


def series(seed: int) -> pd.DataFrame:
    """Hourly levels (m above ZMPS) at DSL and PSAL, PSAL water temperature, in UTC."""
    rng = np.random.default_rng(seed + 7000)
    times = pd.date_range(START.tz_convert("UTC"), END.tz_convert("UTC"), freq="h", inclusive="left")
    hours = ((times - times[0]) / pd.Timedelta(hours=1)).to_numpy(dtype=np.float64)
    years = hours / 8766.0
    doy = times.day_of_year.to_numpy()
    mean = MEAN_2015_M + TREND_M_PER_YEAR * years + 0.06 * np.cos(2 * np.pi * (doy - 315) / 365.25)
    surge = _surges(hours, times, rng)
    astro_sea = _astro(hours)
    astro_lagoon = _astro(hours, gain=1.06, lag_h=0.8)
    noise_sea = _ar1(len(hours), 0.015, rng)
    noise_lagoon = _ar1(len(hours), 0.012, rng)

    def levels(surge: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sea = mean + astro_sea + surge + noise_sea
        lagged = np.concatenate([[surge[0]], surge[:-1]])  # the surge reaches the city an hour later
        return sea, mean + astro_lagoon + lagged + noise_lagoon

    for when, station, peak in STORMS:
        # add a surge at that hour, sized (by bisection) so that the event's highest level is the peak
        i = int(np.searchsorted(times, pd.Timestamp(when, tz="Europe/Rome").tz_convert("UTC")))
        span = slice(max(i - 24, 0), i + 24)
        lo, hi = 0.0, 3.0
        for _ in range(30):
            extra = surge.copy()
            _add_surge(extra, hours, hours[i], (lo + hi) / 2, 7.0)
            level = levels(extra)[0 if station == "DSL" else 1]
            lo, hi = ((lo + hi) / 2, hi) if level[span].max() < peak else (lo, (lo + hi) / 2)
        _add_surge(surge, hours, hours[i], lo, 7.0)
    sea, lagoon = levels(surge)
    lagoon = _barriers(times, sea, lagoon, rng)
    temp = 15.5 - 9.5 * np.cos(2 * np.pi * (doy - 25) / 365.25) + _ar1(len(hours), 0.3, rng)
    return pd.DataFrame({"DSL": np.round(sea, 2), "PSAL": np.round(lagoon, 2),
                         "PSAL_temp": np.round(temp, 1)}, index=times)


def _ar1(n: int, sd: float, rng: np.random.Generator, phi: float = 0.8) -> np.ndarray:
    shocks = rng.normal(0, sd * np.sqrt(1 - phi * phi), n)
    out = np.empty(n)
    acc = 0.0
    for i in range(n):  # 87,672 steps: fast enough, and clearer than a filter call
        acc = phi * acc + shocks[i]
        out[i] = acc
    return out


def _barriers(times: pd.DatetimeIndex, sea: np.ndarray, lagoon: np.ndarray,
              rng: np.random.Generator) -> np.ndarray:
    """From October 2020, close the inlets around every sea level forecast above +110 cm."""
    out = lagoon.copy()
    start = int(np.searchsorted(times, MOSE_FROM.tz_convert("UTC")))
    high = np.flatnonzero(sea[start:] >= CLOSE_ABOVE_M) + start
    i = 0
    while i < len(high):
        first = high[i]
        # close when the lagoon is still low, a few hours before the sea peaks
        close = first
        for back in range(1, 10):
            if first - back < start:
                break
            close = first - back
            if lagoon[close] <= 0.70:
                break
        inside = min(lagoon[close], 0.75)
        rise = float(rng.uniform(0.008, 0.02))  # rain, rivers and seepage raise it slowly
        t = close
        while t < len(sea) and (t <= first or sea[t] > inside or sea[t] >= CLOSE_ABOVE_M - 0.2):
            out[t] = min(inside + rise * (t - close), 0.90)
            t += 1
        while i < len(high) and high[i] < t:
            i += 1
    return np.round(out, 2)


def write(folder: Path, seed: int) -> dict[str, Path]:
    """The CSV files, one per station, in local time like the originals."""
    folder.mkdir(parents=True, exist_ok=True)
    data = series(seed)
    local = data.index.tz_convert("Europe/Rome").strftime("%Y-%m-%d %H:%M:%S")
    out = {}
    for station, columns in (("PSAL", ["PSAL", "PSAL_temp"]), ("DSL", ["DSL"])):
        frame = pd.DataFrame({"Data": local})
        for header, col in zip(HEADERS[station][1:], columns, strict=True):
            frame[header] = data[col].to_numpy()
        path = folder / f"{station}_2015-2024_orario_illustrativo.csv"
        tmp = path.with_suffix(".part")
        frame.to_csv(tmp, sep=";", index=False, float_format="%.2f", lineterminator="\n")
        tmp.replace(path)
        out[station] = path
    return out
