"""Request parameters, checked before anything reaches the store.

Each helper reads one parameter from a mapping (``request.args``) and returns a typed
value, or raises :class:`~geoprocessing.errors.InvalidInput` with one sentence saying
what was expected: the error handler turns it into a 400.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from geoprocessing.errors import InvalidInput

PERIOD = re.compile(r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:>-]{0,99}$")
MAX_OFFSET = 1_000_000


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int


def integer(args: Mapping, name: str, default: int | None = None, *, low: int | None = None,
            high: int | None = None) -> int | None:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"Parameter '{name}' must be a whole number, not '{raw[:40]}'.") from None
    if (low is not None and value < low) or (high is not None and value > high):
        span = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise InvalidInput(f"Parameter '{name}' must be {span}; got {value}.")
    return value


def page(args: Mapping, max_size: int, default: int = 100) -> Page:
    limit = integer(args, "limit", min(default, max_size), low=1, high=max_size)
    offset = integer(args, "offset", 0, low=0, high=MAX_OFFSET)
    return Page(limit, offset)


def bbox(args: Mapping, name: str = "bbox") -> tuple[float, float, float, float] | None:
    """``minlon,minlat,maxlon,maxlat`` in EPSG:4326, or None when absent."""
    raw = args.get(name)
    if raw is None or raw == "":
        return None
    parts = raw.split(",")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise InvalidInput(f"Parameter '{name}' must be four numbers minlon,minlat,maxlon,maxlat "
                           f"in degrees (EPSG:4326), not '{raw[:60]}'.")
    w, s, e, n = values
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise InvalidInput(f"Parameter '{name}' must have minlon < maxlon within -180..180 and "
                           f"minlat < maxlat within -90..90; got '{raw[:60]}'.")
    return values


def zoom(args: Mapping) -> int | None:
    return integer(args, "zoom", None, low=0, high=22)


def choice(args: Mapping, name: str, allowed: Iterable[str], default: str | None = None) -> str | None:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    allowed = tuple(allowed)
    if raw not in allowed:
        listed = ", ".join(allowed[:12]) + (", ..." if len(allowed) > 12 else "")
        raise InvalidInput(f"Parameter '{name}' must be one of {listed}; got '{raw[:40]}'.")
    return raw


def code(args: Mapping, name: str) -> str | None:
    """An identifier-like value (codes, categories such as '2>4', 'net:2')."""
    raw = args.get(name)
    if raw is None or raw == "":
        return None
    if not CODE.match(raw):
        raise InvalidInput(f"Parameter '{name}' is not a valid code: '{raw[:40]}'.")
    return raw


def text(args: Mapping, name: str, max_length: int = 100) -> str | None:
    raw = args.get(name)
    if raw is None:
        return None
    raw = raw.strip()
    if len(raw) > max_length:
        raise InvalidInput(f"Parameter '{name}' is longer than {max_length} characters.")
    if any(ord(ch) < 32 for ch in raw):
        raise InvalidInput(f"Parameter '{name}' contains control characters.")
    return raw or None


def period(args: Mapping, name: str = "period") -> str | None:
    raw = args.get(name)
    if raw is None or raw == "":
        return None
    if not PERIOD.match(raw):
        raise InvalidInput(f"Parameter '{name}' must be a period written YYYY, YYYY-Qn, YYYY-MM or "
                           f"YYYY-MM-DD; got '{raw[:40]}'.")
    return raw


def date(value: str | None, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"Parameter '{name}' must be a date written YYYY-MM-DD; "
                           f"got '{value[:40]}'.") from None


def flag(args: Mapping, name: str, default: bool = False) -> bool:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes"):
        return True
    if raw.lower() in ("0", "false", "no"):
        return False
    raise InvalidInput(f"Parameter '{name}' must be true or false; got '{raw[:20]}'.")
