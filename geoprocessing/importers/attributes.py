"""Attributes against the layer's declared schema, vectorised with pyarrow.

Source fields are matched to declared attributes by name (case-insensitive, with the
alternatives a layer file lists in ``source``), cast to the declared type, and checked:
required, length, range, allowed values, pattern. The first offending value is named
with its feature and field.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..catalogue import Attribute, LayerDef
from ..errors import InvalidInput

ARROW_TYPES = {"text": pa.string(), "integer": pa.int32(), "bigint": pa.int64(),
               "real": pa.float64(), "boolean": pa.bool_(), "date": pa.date32(),
               "timestamp": pa.timestamp("us", tz="UTC")}
WHAT = {"integer": "a whole number between -2,147,483,648 and 2,147,483,647",
        "bigint": "a whole number", "real": "a number", "boolean": "true or false",
        "date": "a date (YYYY-MM-DD)", "timestamp": "a date and time (ISO 8601)",
        "text": "text"}
TRUE = ("true", "t", "yes", "y", "1", "si", "sì", "vero", "v")
FALSE = ("false", "f", "no", "n", "0", "falso")
ZONE_CODE = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"  # laguna.zones.code's CHECK


def effective(layer: LayerDef, as_zones: bool) -> list[Attribute]:
    """The declared attributes plus the constraints the id and the zone mapping imply."""
    out = []
    for attr in layer.attributes:
        update: dict = {}
        if attr.name == layer.id:
            update["required"] = True
        if as_zones and layer.zones:
            z = layer.zones
            if attr.name == z.code:
                update |= {"required": True, "pattern": attr.pattern or ZONE_CODE}
            if attr.name == z.name_it:
                update["required"] = True
            if attr.name == z.status:
                update["values"] = attr.values or ["proposed", "approved"]
        out.append(attr.model_copy(update=update) if update else attr)
    return out


def match_fields(label: str, fields: list[str], attributes: list[Attribute],
                 warnings: list[str]) -> dict[str, str | None]:
    """Declared attribute -> source field (None when the source lacks an optional one)."""
    lower = {f.lower(): f for f in fields}
    mapping: dict[str, str | None] = {}
    for attr in attributes:
        found = next((lower[s.lower()] for s in attr.sources if s.lower() in lower), None)
        if found is None and attr.required:
            raise InvalidInput(f"{label} has no field {' or '.join(repr(s) for s in attr.sources)} "
                               f"for the required attribute {attr.name} (its fields are: "
                               f"{', '.join(fields) or 'none'}).")
        if found is None:
            warnings.append(f"{label} has no field {attr.sources[0]!r}: attribute {attr.name} left empty")
        mapping[attr.name] = found
    ignored = [f for f in fields if f not in mapping.values()]
    if ignored:
        warnings.append(f"{label}: fields not in the layer's schema were ignored: {', '.join(ignored)}")
    return mapping


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _first(mask: pa.Array) -> int | None:
    flags = pc.fill_null(mask, False).to_numpy(zero_copy_only=False)
    hits = np.flatnonzero(flags)
    return int(hits[0]) if hits.size else None


def _bad(label: str, positions: np.ndarray, i: int, field: str, problem: str) -> InvalidInput:
    return InvalidInput(f"{label}: feature {positions[i] + 1:,}: field '{field}' {problem}.")


def _to_bool(text: pa.Array) -> pa.Array:
    low = pc.utf8_lower(text)
    truth = pc.is_in(low, value_set=pa.array(TRUE))
    false = pc.is_in(low, value_set=pa.array(FALSE))
    out = pc.if_else(truth, True, pc.if_else(false, False, None))
    if _first(pc.and_(pc.is_valid(text), pc.is_null(out))) is not None:
        raise pa.ArrowInvalid("not a boolean")
    return out


def _cast(label: str, arr: pa.Array, attr: Attribute, field: str, positions: np.ndarray) -> pa.Array:
    target = ARROW_TYPES[attr.type]
    if arr.type == target:
        return arr
    if pa.types.is_null(arr.type):
        return pa.nulls(len(arr), target)
    if attr.type == "text":
        if pa.types.is_binary(arr.type) or pa.types.is_large_binary(arr.type):
            arr = arr.cast(pa.large_string()) if pa.types.is_large_binary(arr.type) else arr.cast(pa.string())
        return pc.cast(arr, target)
    src = arr
    textual = pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)
    if textual:
        src = pc.utf8_trim_whitespace(arr)
        src = pc.if_else(pc.equal(src, ""), pa.scalar(None, src.type), src)
    try:
        if textual and attr.type == "boolean":
            return _to_bool(src)
        if textual and attr.type == "real":
            try:
                return pc.cast(src, target)
            except pa.ArrowInvalid:
                return pc.cast(pc.replace_substring(src, ",", "."), target)  # decimal comma
        if attr.type == "date" and pa.types.is_timestamp(arr.type):
            return pc.cast(src, target, safe=False)
        return pc.cast(src, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        pass
    for i, value in enumerate(src.to_pylist()):
        if value is None:
            continue
        try:
            one = pa.array([value], src.type)
            _to_bool(one) if textual and attr.type == "boolean" else pc.cast(one, target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            raise _bad(label, positions, i, field, f"is {_shown(value)}, not {WHAT[attr.type]}") from None
    raise _bad(label, positions, 0, field, f"cannot be read as {WHAT[attr.type]}")


def _check(label: str, out: pa.Array, attr: Attribute, field: str, positions: np.ndarray) -> None:
    def fail(mask: pa.Array, problem) -> None:
        i = _first(mask)
        if i is not None:
            raise _bad(label, positions, i, field, problem(out[i].as_py()))

    if attr.type == "text":
        lengths = pc.utf8_length(out)
        fail(pc.greater(lengths, attr.limit),
             lambda v: f"is {len(v):,} characters long; the layer allows at most {attr.limit:,}")
    if attr.required:
        empty = pc.is_null(out)
        if attr.type == "text":
            empty = pc.or_kleene(empty, pc.equal(out, ""))
        fail(empty, lambda v: "is empty, but the layer requires it")
    if attr.min is not None:
        fail(pc.less(out, attr.min), lambda v: f"is {v}, below the minimum {attr.min:g}")
    if attr.max is not None:
        fail(pc.greater(out, attr.max), lambda v: f"is {v}, above the maximum {attr.max:g}")
    if attr.values is not None:
        allowed = pa.array(attr.values).cast(out.type)
        fail(pc.and_kleene(pc.is_valid(out), pc.invert(pc.is_in(out, value_set=allowed))),
             lambda v: f"is {_shown(v)}, not one of: {', '.join(map(str, attr.values))}")
    if attr.pattern is not None:
        fail(pc.invert(pc.match_substring_regex(out, attr.pattern)),
             lambda v: f"is {_shown(v)}, which does not match the pattern {attr.pattern}")


def typed(label: str, batch: pa.RecordBatch, positions: np.ndarray, attributes: list[Attribute],
          mapping: dict[str, str | None]) -> list[pa.Array]:
    """The batch's attribute columns, typed and checked, in declared order."""
    columns = []
    for attr in attributes:
        field = mapping[attr.name]
        if field is None:
            out = pa.nulls(batch.num_rows, ARROW_TYPES[attr.type])
        else:
            raw = batch.column(field)
            out = _cast(label, raw.combine_chunks() if isinstance(raw, pa.ChunkedArray) else raw,
                        attr, field, positions)
        _check(label, out, attr, field or attr.name, positions)
        columns.append(out)
    return columns
