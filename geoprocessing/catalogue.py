"""The layer catalogue: declarative layer files (``layers/*.toml``) and their store rows.

A layer file says what a layer is (titles, geometry, typed attributes, style, licence,
import policies); ``layers/README.md`` documents the format. :func:`load` parses and
validates one file (a bad file is one sentence naming it), :func:`register` upserts it
into ``laguna.layers``, and :func:`current_version` / :func:`layer_table` tell other
modules where a layer's data are.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from .config import PROJECT_ROOT
from .errors import InvalidInput, NotFound

LAYERS_DIR = PROJECT_ROOT / "layers"
NAME_RE = r"^[a-z][a-z0-9_]{0,50}$"
RESERVED_COLUMNS = {"fid", "layer_version", "geom"}
GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                  "MultiPolygon", "Geometry")
# Declared attribute type -> PostgreSQL column type.
PG_TYPES = {"text": "text", "integer": "integer", "bigint": "bigint", "real": "double precision",
            "boolean": "boolean", "date": "date", "timestamp": "timestamptz"}
NOT_DECLARED = "non dichiarata / not declared"  # the licence of data imported without one
DEFAULT_MAX_LENGTH = 10_000  # characters; longer text is refused unless the layer says more

Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Strict):
    it: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Attribute(_Strict):
    """One typed column of the layer's table."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")
    type: Literal["text", "integer", "bigint", "real", "boolean", "date", "timestamp"]
    title: Bilingual | None = None
    # Field names to look for in the source, in order (case-insensitive); default: name.
    source: list[str] = Field(default_factory=list)
    required: bool = False
    max_length: int | None = Field(None, ge=1)
    min: float | None = None
    max: float | None = None
    values: list[str | int | float] | None = None
    pattern: str | None = None

    @field_validator("source", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return [value] if isinstance(value, str) else value

    @field_validator("name")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_COLUMNS:
            raise ValueError(f"'{value}' is reserved for the importer's own column")
        return value

    @field_validator("pattern")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"is not a valid regular expression ({exc})") from None
        return value

    @property
    def sources(self) -> list[str]:
        return self.source or [self.name]

    @property
    def limit(self) -> int:
        return self.max_length or DEFAULT_MAX_LENGTH


class Zones(_Strict):
    """How features become ``laguna.zones`` rows: zone field -> attribute name."""

    kind: str | None = None
    code: str = "code"
    name_it: str = "name_it"
    name_en: str | None = "name_en"  # falls back to name_it (place names often agree)
    status: str | None = None
    default_status: Literal["proposed", "approved"] = "approved"
    legal_reference: str | None = None
    valid_from: str | None = None


class StyleClass(_Strict):
    value: str | int | float
    colour: Colour
    label: Bilingual


class Style(_Strict):
    """How maps draw the layer; exports turn it into a QGIS style."""

    type: Literal["single", "categorized", "classes", "ramp"] = "single"
    field: str | None = None
    fill: Colour | None = None
    stroke: Colour = "#333333"
    stroke_width: float = Field(1.0, ge=0)
    fill_opacity: float = Field(0.35, ge=0, le=1)
    radius: float = Field(5.0, gt=0)
    classes: list[StyleClass] = Field(default_factory=list)
    legend_title: Bilingual | None = None


class Band(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: Bilingual
    unit: str | None = None
    dtype: Literal["uint8", "uint16", "int16", "uint32", "int32", "float32", "float64"]
    nodata: float | None = None
    min: float | None = None
    max: float | None = None


class LayerDef(_Strict):
    """A parsed, validated layer file."""

    name: str = Field(pattern=NAME_RE)
    kind: Literal["vector", "raster"]
    title: Bilingual
    description: Bilingual | None = None
    geometry_type: Literal[GEOMETRY_TYPES] | None = None  # type: ignore[valid-type]
    attributes: list[Attribute] = Field(default_factory=list)
    id: str | None = None
    zones: Zones | None = None
    style: Style = Style()
    popup_fields: list[str] = Field(default_factory=list)
    # Defaults for what an import declares (laguna layers import --licence/--attribution/
    # --illustrative): licence and labelling belong to the data, so each version keeps its own.
    licence: str = Field(NOT_DECLARED, min_length=1)
    attribution: str | None = None
    illustrative: bool = False
    wide_extent: bool = False
    empty_geometries: Literal["refuse", "report"] = "refuse"
    duplicate_ids: Literal["refuse", "report"] = "refuse"
    z: Literal["drop", "keep", "refuse"] = "drop"
    bands: list[Band] = Field(default_factory=list)
    classified: bool = False
    legend: list[StyleClass] = Field(default_factory=list)
    _path: str | None = PrivateAttr(None)  # the file it came from, for messages

    @model_validator(mode="after")
    def _coherent(self) -> LayerDef:
        names = [a.name for a in self.attributes]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"attribute {dupes[0]!r} is declared twice")
        if self.kind == "vector":
            if self.geometry_type is None:
                raise ValueError("a vector layer needs geometry_type")
            if self.bands or self.legend:
                raise ValueError("bands and legend belong to raster layers")
        else:
            if self.geometry_type or self.attributes or self.zones:
                raise ValueError("a raster layer has no geometry_type, attributes or zones")
            if not self.bands:
                raise ValueError("a raster layer needs at least one [[bands]] entry")
            if self.classified and not self.legend:
                raise ValueError("a classified raster needs a [[legend]] of its classes")
        for field, value in (("id", self.id), ("style.field", self.style.field)):
            if value is not None and value not in names:
                raise ValueError(f"{field} {value!r} is not one of the declared attributes")
        unknown = [f for f in self.popup_fields if f not in names]
        if unknown:
            raise ValueError(f"popup field {unknown[0]!r} is not one of the declared attributes")
        if self.style.type == "categorized" and (not self.style.field or not self.style.classes):
            raise ValueError("a categorized style needs field and classes")
        if self.zones is not None:
            if self.geometry_type not in ("Polygon", "MultiPolygon"):
                raise ValueError("only Polygon or MultiPolygon layers can feed zones")
            for field in ("code", "name_it", "name_en", "status", "legal_reference", "valid_from"):
                value = getattr(self.zones, field)
                if value is not None and value not in names:
                    raise ValueError(f"zones.{field} {value!r} is not one of the declared attributes")
            if self.zones.valid_from and self.attribute(self.zones.valid_from).type != "date":
                raise ValueError("zones.valid_from must name an attribute of type date")
        return self

    # -- derived facts used by the importer, the catalogue and the exports
    def attribute(self, name: str) -> Attribute:
        return next(a for a in self.attributes if a.name == name)

    @property
    def srid_override(self) -> int | None:
        """World-wide layers are stored in EPSG:4326 instead of the storage CRS."""
        return 4326 if self.wide_extent else None

    def column_type(self) -> str:
        """PostGIS type modifier of the geometry column, e.g. ``MultiPolygonZ``."""
        return f"{self.geometry_type}{'Z' if self.z == 'keep' else ''}"

    def legend_entries(self) -> list[dict]:
        entries = self.legend if self.kind == "raster" else self.style.classes
        return [e.model_dump() for e in entries]


def _sentence(path: Path, exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    msg = err["msg"].removeprefix("Value error, ")
    got = err.get("input")
    shown = f" (got {got!r})" if err["type"] not in ("missing", "value_error") and not isinstance(got, dict | list) else ""
    return f"Layer file {path}: {where + ': ' if where else ''}{msg}{shown}."


def load(path: str | Path) -> LayerDef:
    """Parse and validate one layer file; a bad file raises InvalidInput in one sentence."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFound(f"There is no layer file {path}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"Layer file {path} is not valid TOML: {exc}.") from None
    try:
        layer = LayerDef(**raw)
    except ValidationError as exc:
        raise InvalidInput(_sentence(path, exc)) from None
    if layer.name != path.stem:
        raise InvalidInput(f"Layer file {path} declares name {layer.name!r}: the file must be "
                           f"named {layer.name}.toml.")
    layer._path = str(path)
    return layer


def resolve(layer: str | Path | LayerDef, layers_dir: Path = LAYERS_DIR) -> LayerDef:
    """A layer by name (``layers/<name>.toml``), by file path, or as given."""
    if isinstance(layer, LayerDef):
        return layer
    text = str(layer)
    if text.endswith(".toml") or "/" in text:
        return load(text)
    if not re.match(NAME_RE, text):
        raise InvalidInput(f"{text!r} is not a layer name (lower-case letters, digits and _).")
    path = layers_dir / f"{text}.toml"
    if not path.exists():
        known = ", ".join(p.stem for p in sorted(layers_dir.glob("*.toml"))) or "none"
        raise NotFound(f"There is no layer {text!r}: no file {path} (known layers: {known}).")
    return load(path)


def load_all(layers_dir: Path = LAYERS_DIR) -> list[LayerDef]:
    return [load(p) for p in sorted(layers_dir.glob("*.toml"))]


# -- the store side ----------------------------------------------------------------------
def layer_table(name: str) -> sql.Composed:
    """The qualified identifier of a vector layer's table: ``layers.<name>``."""
    return sql.SQL("{}.{}").format(sql.Identifier("layers"), sql.Identifier(name))


# Set by an import from what it declares; a sync from the layer files keeps them.
PROVENANCE = ("licence", "attribution", "illustrative")


def register(conn: psycopg.Connection, layer: LayerDef, *, provenance: bool = False) -> int:
    """Insert or update the layer's catalogue row; returns its id.

    ``provenance``: also overwrite licence, attribution and the illustrative flag (an import
    does, with the values of the version it writes; a sync from the files does not).
    """
    definition = layer.model_dump(mode="json")
    values = {
        "name": layer.name, "kind": layer.kind,
        "title_it": layer.title.it, "title_en": layer.title.en,
        "description_it": layer.description.it if layer.description else None,
        "description_en": layer.description.en if layer.description else None,
        "geometry_type": layer.geometry_type,
        "table_name": layer.name if layer.kind == "vector" else None,
        "zone_kind": layer.zones.kind if layer.zones else None,
        "attributes": Jsonb(definition["attributes"]), "style": Jsonb(definition["style"]),
        "popup_fields": layer.popup_fields, "legend": Jsonb(layer.legend_entries()),
        "bands": Jsonb(definition["bands"]), "licence": layer.licence,
        "attribution": layer.attribution, "illustrative": layer.illustrative,
        "wide_extent": layer.wide_extent, "definition": Jsonb(definition),
    }
    cols = sql.SQL(", ").join(map(sql.Identifier, values))
    marks = sql.SQL(", ").join(sql.Placeholder(k) for k in values)
    updates = sql.SQL(", ").join(
        sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(k)) for k in values
        if k != "name" and (provenance or k not in PROVENANCE))
    try:
        row = conn.execute(sql.SQL("INSERT INTO laguna.layers ({}) VALUES ({}) "
                                   "ON CONFLICT (name) DO UPDATE SET {} RETURNING id")
                           .format(cols, marks, updates), values).fetchone()
    except psycopg.errors.ForeignKeyViolation:
        raise InvalidInput(f"Layer {layer.name}: zones.kind {layer.zones.kind!r} is not a zone "
                           "kind of the store (see laguna.zone_kinds).") from None
    return row[0]


def sync(conn: psycopg.Connection, layers_dir: Path = LAYERS_DIR) -> list[str]:
    """Register every layer file (titles, styles, legends) without importing data."""
    layers = load_all(layers_dir)
    with conn.transaction():
        for layer in layers:
            register(conn, layer)
    return [layer.name for layer in layers]


def current_version(conn: psycopg.Connection, name: str) -> int | None:
    """The highest imported version of a layer, or None when it was never imported."""
    row = conn.execute("SELECT max(v.version) FROM laguna.layer_versions v "
                       "JOIN laguna.layers l ON l.id = v.layer_id WHERE l.name = %s",
                       (name,)).fetchone()
    return row[0] if row else None


def current_raster_asset(conn: psycopg.Connection, name: str,
                         acquired: date | None = None) -> dict | None:
    """The raster asset of a layer for a date (latest date when None), highest version first."""
    cur = conn.cursor(row_factory=psycopg.rows.dict_row)
    row = cur.execute(
        "SELECT a.*, v.version FROM laguna.raster_assets a "
        "JOIN laguna.layer_versions v ON v.id = a.layer_version_id "
        "JOIN laguna.layers l ON l.id = a.layer_id "
        "WHERE l.name = %s AND (%s::date IS NULL OR a.acquired = %s::date) "
        "ORDER BY a.acquired DESC, v.version DESC LIMIT 1", (name, acquired, acquired)).fetchone()
    return row


def summaries(conn: psycopg.Connection, layers_dir: Path = LAYERS_DIR) -> list[dict]:
    """One row per layer (declared in files or registered in the store) for ``layers list``."""
    cur = conn.cursor(row_factory=psycopg.rows.dict_row)
    rows = cur.execute(
        "SELECT l.name, l.kind, l.licence, l.wide_extent, v.version, v.feature_count, "
        "       v.imported_at, v.source_crs, "
        "       (SELECT count(DISTINCT a.acquired) FROM laguna.raster_assets a "
        "         WHERE a.layer_id = l.id) AS dates "
        "FROM laguna.layers l LEFT JOIN LATERAL (SELECT * FROM laguna.layer_versions "
        "  WHERE layer_id = l.id ORDER BY version DESC LIMIT 1) v ON true ORDER BY l.name").fetchall()
    by_name = {r["name"]: r for r in rows}
    storage = conn.execute("SELECT storage_srid FROM laguna.store_info").fetchone()[0]
    for layer in load_all(layers_dir) if layers_dir.exists() else []:
        if layer.name not in by_name:
            by_name[layer.name] = {"name": layer.name, "kind": layer.kind, "licence": layer.licence,
                                   "wide_extent": layer.wide_extent, "version": None,
                                   "feature_count": None, "imported_at": None, "dates": 0}
    out = []
    for r in sorted(by_name.values(), key=lambda r: r["name"]):
        if r["kind"] == "raster":
            features = f"{r['dates']} date{'' if r['dates'] == 1 else 's'}" if r["version"] else "-"
            crs = "(per asset)"
        else:
            features = str(r["feature_count"]) if r["feature_count"] is not None else "-"
            crs = "EPSG:4326" if r["wide_extent"] else f"EPSG:{storage}"
        out.append({"name": r["name"], "kind": r["kind"], "features": features, "crs": crs,
                    "version": r["version"] or "-",
                    "last_import": _when(r["imported_at"]), "licence": r["licence"]})
    return out


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "never"


def describe(conn: psycopg.Connection, name: str, layers_dir: Path = LAYERS_DIR) -> dict[str, Any]:
    """Everything known about one layer: its definition and its import history."""
    cur = conn.cursor(row_factory=psycopg.rows.dict_row)
    row = cur.execute("SELECT * FROM laguna.layers WHERE name = %s", (name,)).fetchone()
    if row is None:
        layer = resolve(name, layers_dir)  # NotFound when there is no file either
        return {"definition": layer.model_dump(mode="json"), "versions": [],
                "assets": [], "registered": False}
    versions = cur.execute(
        "SELECT version, source_name, source_format, source_checksum, source_crs, feature_count, "
        "repaired_count, imported_at, imported_by, report, licence, attribution, illustrative "
        "FROM laguna.layer_versions WHERE layer_id = %s ORDER BY version", (row["id"],)).fetchall()
    assets = cur.execute(
        "SELECT a.acquired, v.version, a.path, a.width, a.height, a.band_count, a.dtype, a.nodata, "
        "a.resolution, a.crs_epsg FROM laguna.raster_assets a JOIN laguna.layer_versions v "
        "ON v.id = a.layer_version_id WHERE a.layer_id = %s ORDER BY a.acquired, v.version",
        (row["id"],)).fetchall()
    # The licence and labelling shown are the current version's, not the layer file's defaults.
    definition = row["definition"] | {k: row[k] for k in PROVENANCE}
    return {"definition": definition, "versions": versions, "assets": assets, "registered": True}
