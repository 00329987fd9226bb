"""Reading the tables of a loader's file, with errors that name file, layer, row and field.

A loader declares, for each table (GeoPackage layer) it reads, the fields it expects and
their types; :func:`read_gpkg` checks them all before anything touches the store, so
most bad input is refused with one sentence and the store is never half-written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyogrio
import shapely
from shapely.geometry.base import BaseGeometry

from ..errors import InvalidInput, NotFound

TRUE = {"1", "true", "yes", "y", "si", "sì", "t"}
FALSE = {"0", "false", "no", "n", "f", ""}


@dataclass(frozen=True)
class Field:
    """One expected field: type is text, code, int, decimal, date, bool or list."""

    name: str
    type: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    pattern: str | None = None
    default: Any = None


@dataclass(frozen=True)
class Spec:
    """A table (layer) of the file and its fields; ``geometry`` when it carries shapes."""

    name: str
    fields: tuple[Field, ...]
    required: bool = True
    geometry: bool = False

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


@dataclass
class Row:
    number: int              # 1-based position in the layer, as a user counts features
    values: dict[str, Any]
    geometry: BaseGeometry | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


@dataclass
class Table:
    name: str
    crs: str | None
    rows: list[Row] = field(default_factory=list)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_file(path: Path) -> Path:
    path = Path(path)
    if not path.exists():
        raise NotFound(f"{path} does not exist.")
    if not path.is_file():
        raise InvalidInput(f"{path} is not a file.")
    if path.stat().st_size == 0:
        raise InvalidInput(f"{path} is empty.")
    return path


def where(path: Path, table: str, row: int | None = None, field_name: str | None = None) -> str:
    """'plan.gpkg, layer projects, row 12, field budget_eur' for messages."""
    out = f"{Path(path).name}, layer {table}"
    if row is not None:
        out += f", row {row}"
    if field_name is not None:
        out += f", field {field_name}"
    return out


def read_gpkg(path: Path, specs: list[Spec]) -> dict[str, Table]:
    """Read and check every declared layer of a GeoPackage (missing optional layers: empty)."""
    path = check_file(path)
    try:
        present = {name for name, _ in pyogrio.list_layers(path)}
    except Exception as exc:  # noqa: BLE001 - any GDAL failure means "not a GeoPackage we can read"
        raise InvalidInput(f"{path.name} is not a readable GeoPackage ({_first_line(exc)}).") from None
    tables = {}
    for spec in specs:
        if spec.name not in present:
            if spec.required:
                raise InvalidInput(f"{path.name} has no layer '{spec.name}' "
                                   f"(it has: {', '.join(sorted(present)) or 'none'}).")
            tables[spec.name] = Table(spec.name, None)
            continue
        tables[spec.name] = _read_layer(path, spec)
    return tables


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0].rstrip(".") if text else type(exc).__name__


def _read_layer(path: Path, spec: Spec) -> Table:
    try:
        info = pyogrio.read_info(path, layer=spec.name)
        frame = pyogrio.read_dataframe(path, layer=spec.name, read_geometry=spec.geometry)
    except Exception as exc:  # noqa: BLE001
        raise InvalidInput(f"{where(path, spec.name)} cannot be read ({_first_line(exc)}).") from None
    columns = set(frame.columns) - {"geometry"}
    missing = [f.name for f in spec.fields if f.required and f.name not in columns]
    if missing:
        raise InvalidInput(f"{where(path, spec.name)} has no field '{missing[0]}'.")
    table = Table(spec.name, info.get("crs"))
    records = frame.to_dict("records")
    for n, record in enumerate(records, 1):
        values = {f.name: convert(record.get(f.name), f, path, spec.name, n) for f in spec.fields}
        geom = record.get("geometry") if spec.geometry else None
        if geom is not None and (geom.is_empty or not _finite(geom)):
            raise InvalidInput(f"{where(path, spec.name, n)}: the geometry is empty or has non-finite coordinates.")
        table.rows.append(Row(n, values, geom))
    return table


def _finite(geom: BaseGeometry) -> bool:
    coords = shapely.get_coordinates(geom)
    return bool(len(coords)) and bool(((coords == coords) & (abs(coords) < 1e12)).all())


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def convert(value: Any, f: Field, path: Path, table: str, row: int) -> Any:
    """A raw cell as the field's Python type; InvalidInput naming the cell when it is not."""
    if _blank(value):
        if f.required:
            raise InvalidInput(f"{where(path, table, row, f.name)}: a value is required.")
        return f.default
    try:
        out = _as(value, f.type)
    except (ValueError, InvalidOperation, TypeError):
        raise InvalidInput(f"{where(path, table, row, f.name)}: '{_short(value)}' is not "
                           f"{_TYPE_WORDS[f.type]}.") from None
    if f.choices and out not in f.choices:
        raise InvalidInput(f"{where(path, table, row, f.name)}: '{_short(value)}' is not one of "
                           f"{', '.join(f.choices)}.")
    if f.pattern and not re.fullmatch(f.pattern, str(out)):
        raise InvalidInput(f"{where(path, table, row, f.name)}: '{_short(value)}' is not a valid code.")
    return out


_TYPE_WORDS = {"text": "text", "code": "a code", "int": "a whole number",
               "decimal": "a number", "date": "a date (YYYY-MM-DD)", "bool": "yes or no",
               "list": "a list"}


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _as(value: Any, kind: str) -> Any:
    if kind in ("text", "code"):
        text = str(value).strip()
        if len(text) > 10_000:
            raise ValueError("too long")
        return text
    if kind == "int":
        if isinstance(value, bool):
            raise TypeError
        number = Decimal(str(value).strip().replace(",", "."))
        if number != number.to_integral_value():
            raise ValueError
        return int(number)
    if kind == "decimal":
        number = Decimal(str(value).strip().replace(",", "."))
        if not number.is_finite():
            raise ValueError
        return number
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if hasattr(value, "to_pydatetime"):
            return value.to_pydatetime().date()
        return dt.date.fromisoformat(str(value).strip()[:10])
    if kind == "bool":
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValueError
    if kind == "list":
        return [part.strip() for part in re.split(r"[;,]", str(value)) if part.strip()]
    raise AssertionError(kind)
