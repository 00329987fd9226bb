-- The site, its zones (versioned, never overwritten) and the layer catalogue with its
-- import versions and raster assets.

CREATE TABLE laguna.sites (
    id               serial PRIMARY KEY,
    whc_id           integer NOT NULL UNIQUE CHECK (whc_id > 0),
    name_it          text NOT NULL,
    name_en          text NOT NULL,
    inscribed_year   integer NOT NULL CHECK (inscribed_year BETWEEN 1978 AND 2100),
    criteria         text[] NOT NULL
                     CHECK (cardinality(criteria) > 0
                            AND criteria <@ ARRAY['i','ii','iii','iv','v','vi','vii','viii','ix','x']),
    area_ha          numeric(12, 2) CHECK (area_ha > 0),
    description_it   text,
    description_en   text,
    managing_body_id integer REFERENCES laguna.bodies (id) ON DELETE SET NULL
);
SELECT audit.enable('laguna.sites');

-- The deployment's site: public facts from the World Heritage List.
INSERT INTO laguna.sites (whc_id, name_it, name_en, inscribed_year, criteria, area_ha)
VALUES (394, 'Venezia e la sua Laguna', 'Venice and its Lagoon', 1987,
        ARRAY['i','ii','iii','iv','v','vi'], 70176.20);

-- The layer catalogue: one row per layer declared in layers/*.toml.
CREATE TABLE laguna.layers (
    id             serial PRIMARY KEY,
    name           text NOT NULL UNIQUE CHECK (name ~ '^[a-z][a-z0-9_]{0,50}$'),
    kind           text NOT NULL CHECK (kind IN ('vector', 'raster')),
    title_it       text NOT NULL CHECK (title_it <> ''),
    title_en       text NOT NULL CHECK (title_en <> ''),
    description_it text,
    description_en text,
    geometry_type  text CHECK (geometry_type IN ('Point', 'MultiPoint', 'LineString',
                       'MultiLineString', 'Polygon', 'MultiPolygon', 'Geometry')),
    table_name     text UNIQUE CHECK (table_name ~ '^[a-z][a-z0-9_]{0,62}$'),
    zone_kind      text REFERENCES laguna.zone_kinds (code),
    attributes     jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(attributes) = 'array'),
    style          jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(style) = 'object'),
    popup_fields   text[] NOT NULL DEFAULT '{}',
    legend         jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(legend) = 'array'),
    bands          jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(bands) = 'array'),
    licence        text NOT NULL CHECK (licence <> ''),
    attribution    text,
    illustrative   boolean NOT NULL DEFAULT false,
    wide_extent    boolean NOT NULL DEFAULT false,
    definition     jsonb NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'vector') = (geometry_type IS NOT NULL)),
    CHECK (kind = 'vector' OR table_name IS NULL)
);
SELECT audit.enable('laguna.layers');

-- One row per import that changed a layer. A layer's current version is its highest;
-- older versions stay (their features keep a version column in the layer's table).
CREATE TABLE laguna.layer_versions (
    id              serial PRIMARY KEY,
    layer_id        integer NOT NULL REFERENCES laguna.layers (id) ON DELETE CASCADE,
    version         integer NOT NULL CHECK (version >= 1),
    source_name     text NOT NULL,
    source_format   text NOT NULL,
    source_checksum text NOT NULL CHECK (source_checksum ~ '^[0-9a-f]{64}$'),
    source_crs      text,
    feature_count   bigint NOT NULL DEFAULT 0 CHECK (feature_count >= 0),
    repaired_count  integer NOT NULL DEFAULT 0 CHECK (repaired_count >= 0),
    report          jsonb NOT NULL DEFAULT '{}',
    extent          geometry(Polygon, {{storage_srid}}),
    imported_at     timestamptz NOT NULL DEFAULT now(),
    imported_by     text NOT NULL DEFAULT session_user,
    UNIQUE (layer_id, version)
);
CREATE INDEX layer_versions_checksum_idx ON laguna.layer_versions (layer_id, source_checksum);

-- Rasters are Cloud-Optimized GeoTIFFs under var/; one asset per date and import.
-- The current asset for a date is the one of the highest layer version.
CREATE TABLE laguna.raster_assets (
    id               serial PRIMARY KEY,
    layer_id         integer NOT NULL REFERENCES laguna.layers (id) ON DELETE CASCADE,
    layer_version_id integer NOT NULL REFERENCES laguna.layer_versions (id) ON DELETE CASCADE,
    acquired         date NOT NULL,
    path             text NOT NULL UNIQUE,
    checksum         text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
    crs_epsg         integer NOT NULL CHECK (crs_epsg > 0),
    width            integer NOT NULL CHECK (width > 0),
    height           integer NOT NULL CHECK (height > 0),
    band_count       integer NOT NULL CHECK (band_count > 0),
    resolution       double precision NOT NULL CHECK (resolution > 0),
    dtype            text NOT NULL,
    nodata           double precision,
    footprint        geometry(Polygon, {{storage_srid}}) NOT NULL,
    UNIQUE (layer_version_id, acquired)
);
CREATE INDEX raster_assets_layer_idx ON laguna.raster_assets (layer_id, acquired);
CREATE INDEX raster_assets_footprint_gist ON laguna.raster_assets USING gist (footprint);

-- Zones: property, buffer, lagoon, basins, municipalities, sestieri, islands, salt marshes.
-- A boundary that changes gets a new version; the old one is kept (status superseded,
-- valid_to set), never overwritten.
CREATE TABLE laguna.zones (
    id               serial PRIMARY KEY,
    site_id          integer NOT NULL REFERENCES laguna.sites (id),
    kind             text NOT NULL REFERENCES laguna.zone_kinds (code),
    code             text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]*$'),
    name_it          text NOT NULL CHECK (name_it <> ''),
    name_en          text NOT NULL CHECK (name_en <> ''),
    status           text NOT NULL CHECK (status IN ('proposed', 'approved', 'superseded')),
    legal_reference  text,
    valid_from       date,
    valid_to         date,
    version          integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    supersedes_id    integer REFERENCES laguna.zones (id),
    source           text,
    licence          text,
    illustrative     boolean NOT NULL DEFAULT false,
    layer_version_id integer REFERENCES laguna.layer_versions (id) ON DELETE SET NULL,
    attributes       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
    geom             geometry(MultiPolygon, {{storage_srid}}) NOT NULL
                     CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    area_ha          double precision GENERATED ALWAYS AS (ST_Area(geom) / 10000.0) STORED,
    CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from),
    CHECK (status <> 'superseded' OR valid_to IS NOT NULL),
    UNIQUE (kind, code, version)
);
CREATE INDEX zones_geom_gist ON laguna.zones USING gist (geom);
-- At most one live version of a zone per status (an approved and a proposed boundary may coexist).
CREATE UNIQUE INDEX zones_live_idx ON laguna.zones (kind, code, status) WHERE status <> 'superseded';
SELECT audit.enable('laguna.zones');
