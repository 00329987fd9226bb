"""Query parameters of an items request, parsed and checked before any SQL is built.

Every refusal is an :class:`~geoprocessing.errors.InvalidInput` naming the parameter;
the web layer turns it into the OGC exception JSON with status 400.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from ..errors import InvalidInput

MAX_OFFSET = 2**31 - 1
# Parameters of every items request; a collection's queryables are accepted too
# (property equality); anything else is refused, as OGC API Features asks.
ITEMS_PARAMETERS = ("f", "limit", "offset", "bbox", "bbox-crs", "crs", "datetime",
                    "filter", "filter-lang", "filter-crs")
FILTER_LANGS = ("cql2-text", "cql2-json")


@dataclass(frozen=True)
class ItemsRequest:
    limit: int
    offset: int = 0
    bbox: tuple[float, float, float, float] | None = None
    bbox_crs: str | None = None
    crs: str | None = None
    # (start, end): None for an open end; an instant has start == end
    interval: tuple[datetime | None, datetime | None] | None = None
    equals: dict[str, str] = field(default_factory=dict)
    filter: str | None = None
    filter_lang: str = "cql2-text"
    filter_crs: str | None = None


def parse_items(args: Mapping[str, str], *, queryables: tuple[str, ...], default_limit: int,
                max_limit: int) -> ItemsRequest:
    """Parse the raw query arguments of ``.../items`` (strings, as in the URL)."""
    unknown = [k for k in args if k not in ITEMS_PARAMETERS and k not in queryables]
    if unknown:
        raise InvalidInput(f"Unknown query parameter {unknown[0]!r}: this collection accepts "
                           f"{', '.join(ITEMS_PARAMETERS)} and its queryables.")
    # A limit above the maximum is not an error (OGC API Features): it becomes the maximum.
    limit = min(_int(args, "limit", default_limit, minimum=1), max_limit)
    offset = _int(args, "offset", 0, minimum=0, maximum=MAX_OFFSET)
    lang = args.get("filter-lang", "cql2-text")
    if lang not in FILTER_LANGS:
        raise InvalidInput(f"filter-lang must be one of {', '.join(FILTER_LANGS)}, not {lang!r}.")
    text = args.get("filter")
    if text is not None and not text.strip():
        raise InvalidInput("The filter parameter is empty.")
    return ItemsRequest(
        limit=limit, offset=offset, bbox=parse_bbox(args.get("bbox")),
        bbox_crs=args.get("bbox-crs"), crs=args.get("crs"),
        interval=parse_datetime(args.get("datetime")),
        equals={k: v for k, v in args.items() if k in queryables},
        filter=text, filter_lang=lang, filter_crs=args.get("filter-crs"))


def _int(args: Mapping[str, str], name: str, default: int, *, minimum: int,
         maximum: int | None = None) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" to {maximum}" if maximum is not None else " or more"
        raise InvalidInput(f"{name} must be from {minimum}{upper}, not {value}.")
    return value


def parse_bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    """Four numbers (or six, with heights that are ignored) separated by commas."""
    if raw is None:
        return None
    parts = raw.split(",")
    if len(parts) not in (4, 6):
        raise InvalidInput(f"bbox must have 4 numbers (or 6 with heights), not {len(parts)}.")
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        raise InvalidInput(f"bbox must be numbers separated by commas, not {raw!r}.") from None
    if not all(math.isfinite(n) for n in nums):
        raise InvalidInput("bbox numbers must be finite.")
    if len(nums) == 6:
        nums = [nums[0], nums[1], nums[3], nums[4]]
    return nums[0], nums[1], nums[2], nums[3]


def _instant(text: str, *, end: bool) -> datetime | None:
    text = text.strip()
    if text in ("..", ""):
        return None
    try:
        if len(text) == 10:  # a date: the whole day
            d = date.fromisoformat(text)
            moment = datetime.combine(d, time(0), tzinfo=UTC)
            return moment + timedelta(days=1) - timedelta(microseconds=1) if end else moment
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"datetime must be an RFC 3339 date-time or date (or an interval "
                           f"of them with '/' and '..'), not {text!r}.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_datetime(raw: str | None) -> tuple[datetime | None, datetime | None] | None:
    """An instant, or an interval ``start/end`` with ``..`` (or nothing) for an open end."""
    if raw is None:
        return None
    if "/" in raw:
        first, _, second = raw.partition("/")
        if "/" in second:
            raise InvalidInput(f"datetime has more than one '/': {raw!r}.")
        start, end = _instant(first, end=False), _instant(second, end=True)
        if start and end and start > end:
            raise InvalidInput("datetime's interval ends before it starts.")
        return start, end
    if raw.strip() in ("..", ""):
        raise InvalidInput("datetime must name an instant or an interval, not an open end alone.")
    return _instant(raw, end=False), _instant(raw, end=True)
