-- Monitoring: stations and their observation series, job runs (provenance), indicators,
-- their values and their evaluations (traffic lights and trends).

CREATE TABLE laguna.stations (
    id               serial PRIMARY KEY,
    code             text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_.-]+$'),
    name_it          text NOT NULL,
    name_en          text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('tide_gauge', 'water_quality', 'meteo', 'other')),
    side             text CHECK (side IN ('sea', 'lagoon', 'river')),
    operator_body_id integer REFERENCES laguna.bodies (id) ON DELETE SET NULL,
    active           boolean NOT NULL DEFAULT true,
    illustrative     boolean NOT NULL DEFAULT false,
    geom             geometry(Point, {{storage_srid}}) NOT NULL CHECK (NOT ST_IsEmpty(geom))
);
CREATE INDEX stations_geom_gist ON laguna.stations USING gist (geom);
SELECT audit.enable('laguna.stations');

-- A station measures parameters (water_level, water_temperature, wind_speed, ...); each
-- is a series with one unit and, for levels, one datum (e.g. ZMPS, Punta della Salute).
CREATE TABLE laguna.station_series (
    id         serial PRIMARY KEY,
    station_id integer NOT NULL REFERENCES laguna.stations (id) ON DELETE CASCADE,
    parameter  text NOT NULL CHECK (parameter ~ '^[a-z][a-z0-9_]*$'),
    unit       text NOT NULL,
    datum      text,
    UNIQUE (station_id, parameter)
);
SELECT audit.enable('laguna.station_series');

CREATE TABLE laguna.observation_imports (
    id              serial PRIMARY KEY,
    series_id       integer NOT NULL REFERENCES laguna.station_series (id) ON DELETE CASCADE,
    source_name     text NOT NULL,
    source_checksum text NOT NULL CHECK (source_checksum ~ '^[0-9a-f]{64}$'),
    timezone        text NOT NULL,
    rows_read       integer NOT NULL CHECK (rows_read >= 0),
    rows_inserted   integer NOT NULL CHECK (rows_inserted >= 0),
    rows_duplicate  integer NOT NULL DEFAULT 0 CHECK (rows_duplicate >= 0),
    report          jsonb NOT NULL DEFAULT '{}',
    imported_at     timestamptz NOT NULL DEFAULT now(),
    imported_by     text NOT NULL DEFAULT session_user
);

-- Raw series are not audited row by row: their provenance is the import that brought them.
CREATE TABLE laguna.observations (
    series_id   integer NOT NULL REFERENCES laguna.station_series (id) ON DELETE CASCADE,
    observed_at timestamptz NOT NULL,
    value       double precision NOT NULL
                CHECK (value <> 'NaN'::float8 AND value <> 'Infinity'::float8 AND value <> '-Infinity'::float8),
    import_id   integer REFERENCES laguna.observation_imports (id) ON DELETE SET NULL,
    PRIMARY KEY (series_id, observed_at)
);

-- Every computed number points to the run that made it; a run records its parameters,
-- inputs and code version. A killed run stays 'running' until the next run of the job
-- finds no live process holding it and marks it failed.
CREATE TABLE laguna.job_runs (
    id            bigserial PRIMARY KEY,
    job_name      text NOT NULL CHECK (job_name ~ '^[a-z][a-z0-9_]*$'),
    status        text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    parameters    jsonb NOT NULL DEFAULT '{}',
    code_version  text NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at   timestamptz,
    started_by    text NOT NULL DEFAULT session_user,
    host          text,
    rows_written  integer NOT NULL DEFAULT 0 CHECK (rows_written >= 0),
    summary       jsonb NOT NULL DEFAULT '{}',
    error_message text,
    CHECK ((status = 'running') = (finished_at IS NULL)),
    CHECK (finished_at IS NULL OR finished_at >= started_at),
    CHECK (status <> 'failed' OR error_message IS NOT NULL)
);
CREATE INDEX job_runs_name_idx ON laguna.job_runs (job_name, started_at DESC);

CREATE TABLE laguna.job_run_inputs (
    id               bigserial PRIMARY KEY,
    job_run_id       bigint NOT NULL REFERENCES laguna.job_runs (id) ON DELETE CASCADE,
    layer_version_id integer REFERENCES laguna.layer_versions (id) ON DELETE RESTRICT,
    raster_asset_id  integer REFERENCES laguna.raster_assets (id) ON DELETE RESTRICT,
    series_id        integer REFERENCES laguna.station_series (id) ON DELETE RESTRICT,
    description      text,
    checksum         text,
    CHECK (num_nonnulls(layer_version_id, raster_asset_id, series_id, description) >= 1)
);
CREATE INDEX job_run_inputs_run_idx ON laguna.job_run_inputs (job_run_id);

CREATE TABLE laguna.indicators (
    id                serial PRIMARY KEY,
    code              text NOT NULL UNIQUE CHECK (code ~ '^[A-Z][A-Z0-9_.-]*$'),
    name_it           text NOT NULL CHECK (name_it <> ''),
    name_en           text NOT NULL CHECK (name_en <> ''),
    description_it    text,
    description_en    text,
    kind              text NOT NULL CHECK (kind IN ('state', 'pressure', 'result')),
    unit              text NOT NULL,
    -- which way is better; thresholds are values on the indicator's own scale
    direction         text NOT NULL CHECK (direction IN ('higher_is_better', 'lower_is_better')),
    baseline_value    double precision,
    baseline_period   text CHECK (baseline_period IS NULL OR laguna.period_start(baseline_period) IS NOT NULL),
    target_value      double precision,
    target_period     text CHECK (target_period IS NULL OR laguna.period_start(target_period) IS NOT NULL),
    warning_threshold double precision,
    alert_threshold   double precision,
    frequency         text NOT NULL CHECK (frequency IN ('monthly', 'quarterly', 'annual',
                          'biennial', 'triennial', 'five_yearly', 'irregular')),
    spatial_unit      text NOT NULL CHECK (spatial_unit IN ('site', 'zone', 'station')),
    zone_kind         text REFERENCES laguna.zone_kinds (code),
    method            text NOT NULL CHECK (method IN ('computed', 'entered', 'imported')),
    job_name          text,
    challenge_id      integer REFERENCES laguna.challenges (id) ON DELETE SET NULL,
    source_it         text,
    source_en         text,
    illustrative      boolean NOT NULL DEFAULT false,
    CHECK (method <> 'computed' OR job_name IS NOT NULL),
    CHECK ((baseline_value IS NULL) = (baseline_period IS NULL)),
    CHECK (spatial_unit = 'zone' OR zone_kind IS NULL),
    CHECK (warning_threshold IS NULL OR alert_threshold IS NULL
           OR (direction = 'lower_is_better' AND warning_threshold <= alert_threshold)
           OR (direction = 'higher_is_better' AND warning_threshold >= alert_threshold))
);
SELECT audit.enable('laguna.indicators');

CREATE TABLE laguna.indicator_factors (
    indicator_id integer NOT NULL REFERENCES laguna.indicators (id) ON DELETE CASCADE,
    factor_code  text NOT NULL REFERENCES laguna.unesco_factors (code),
    PRIMARY KEY (indicator_id, factor_code)
);
SELECT audit.enable('laguna.indicator_factors');

CREATE TABLE laguna.project_indicators (
    project_id   integer NOT NULL REFERENCES laguna.projects (id) ON DELETE CASCADE,
    indicator_id integer NOT NULL REFERENCES laguna.indicators (id) ON DELETE CASCADE,
    PRIMARY KEY (project_id, indicator_id)
);
SELECT audit.enable('laguna.project_indicators');

-- One value per indicator, place (zone, station or the whole site), breakdown category
-- (a land-cover class, a tide level, a 'from>to' transition; '' for none) and period.
-- Provenance: the job run that computed it, or the person who entered/imported it.
CREATE TABLE laguna.indicator_values (
    id           bigserial PRIMARY KEY,
    indicator_id integer NOT NULL REFERENCES laguna.indicators (id) ON DELETE CASCADE,
    zone_id      integer REFERENCES laguna.zones (id) ON DELETE CASCADE,
    station_id   integer REFERENCES laguna.stations (id) ON DELETE CASCADE,
    category     text NOT NULL DEFAULT '',
    period       text NOT NULL,
    period_start date GENERATED ALWAYS AS (laguna.period_start(period)) STORED,
    period_end   date GENERATED ALWAYS AS (laguna.period_end(period)) STORED,
    value        double precision NOT NULL
                 CHECK (value <> 'NaN'::float8 AND value <> 'Infinity'::float8 AND value <> '-Infinity'::float8),
    quality      text NOT NULL DEFAULT 'valid'
                 CHECK (quality IN ('valid', 'provisional', 'estimated', 'suspect')),
    illustrative boolean NOT NULL DEFAULT false,
    job_run_id   bigint REFERENCES laguna.job_runs (id) ON DELETE RESTRICT,
    entered_by   text,
    entered_at   timestamptz,
    source       text,
    CHECK (period_start IS NOT NULL),
    CHECK (zone_id IS NULL OR station_id IS NULL),
    CHECK (job_run_id IS NOT NULL OR entered_by IS NOT NULL),
    CHECK ((entered_by IS NULL) = (entered_at IS NULL)),
    UNIQUE NULLS NOT DISTINCT (indicator_id, zone_id, station_id, category, period)
);
CREATE INDEX indicator_values_zone_idx ON laguna.indicator_values (zone_id);
CREATE INDEX indicator_values_run_idx ON laguna.indicator_values (job_run_id);
SELECT audit.enable('laguna.indicator_values');

CREATE TABLE laguna.indicator_evaluations (
    id                    bigserial PRIMARY KEY,
    indicator_id          integer NOT NULL REFERENCES laguna.indicators (id) ON DELETE CASCADE,
    zone_id               integer REFERENCES laguna.zones (id) ON DELETE CASCADE,
    station_id            integer REFERENCES laguna.stations (id) ON DELETE CASCADE,
    category              text NOT NULL DEFAULT '',
    evaluated_on          date NOT NULL,
    job_run_id            bigint NOT NULL REFERENCES laguna.job_runs (id) ON DELETE RESTRICT,
    status                text NOT NULL CHECK (status IN ('green', 'amber', 'red', 'unknown')),
    n_values              integer NOT NULL CHECK (n_values >= 0),
    last_period           text,
    last_value            double precision,
    baseline_value        double precision,
    target_value          double precision,
    change_since_baseline double precision,
    trend_slope_per_year  double precision,
    trend_p_value         double precision CHECK (trend_p_value BETWEEN 0 AND 1),
    trend                 text NOT NULL CHECK (trend IN ('improving', 'stable', 'worsening', 'unknown')),
    CHECK (zone_id IS NULL OR station_id IS NULL),
    UNIQUE NULLS NOT DISTINCT (indicator_id, zone_id, station_id, category, evaluated_on)
);
