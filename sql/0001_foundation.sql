-- Foundation: PostGIS, schemas, the store's identity, the audit log, roles, users,
-- bodies (partners) and Steering Committee membership.
--
-- Schemas: laguna (the domain), layers (typed per-layer tables made by the importer,
-- recorded in laguna.layers), audit (the change log).

CREATE EXTENSION IF NOT EXISTS postgis;
CREATE SCHEMA IF NOT EXISTS laguna;
CREATE SCHEMA IF NOT EXISTS layers;
CREATE SCHEMA IF NOT EXISTS audit;

-- The storage CRS is fixed when the store is created; the runner refuses another one.
CREATE TABLE laguna.store_info (
    singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    storage_srid integer NOT NULL CHECK (storage_srid > 0),
    created_at   timestamptz NOT NULL DEFAULT now()
);
INSERT INTO laguna.store_info (storage_srid) VALUES ({{storage_srid}});

-- Audit log: one row per changed row of every editable table, filled by triggers.
-- "Who" is the session's laguna.user setting (set by the CLI and the web app), else
-- the database user.
CREATE TABLE audit.log (
    id          bigserial PRIMARY KEY,
    table_name  text NOT NULL,
    operation   text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
    row_id      text,
    changed_by  text NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    old_row     jsonb,
    new_row     jsonb,
    CHECK ((operation = 'INSERT') = (old_row IS NULL)),
    CHECK ((operation = 'DELETE') = (new_row IS NULL))
);
CREATE INDEX log_table_row_idx ON audit.log (table_name, row_id);
CREATE INDEX log_changed_at_idx ON audit.log (changed_at);

CREATE FUNCTION audit.record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_j jsonb;
    new_j jsonb;
BEGIN
    IF TG_OP <> 'INSERT' THEN old_j := to_jsonb(OLD); END IF;
    IF TG_OP <> 'DELETE' THEN new_j := to_jsonb(NEW); END IF;
    IF TG_OP = 'UPDATE' AND old_j = new_j THEN
        RETURN NULL;  -- an upsert that changed nothing is not a change
    END IF;
    INSERT INTO audit.log (table_name, operation, row_id, changed_by, old_row, new_row)
    VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP,
            coalesce(new_j, old_j) ->> 'id',
            coalesce(nullif(current_setting('laguna.user', true), ''), session_user),
            old_j, new_j);
    RETURN NULL;
END
$$;

-- Every editable table calls this once, in the migration that creates it.
CREATE FUNCTION audit.enable(target regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON %s '
                   'FOR EACH ROW EXECUTE FUNCTION audit.record()', target);
END
$$;

CREATE TABLE laguna.roles (
    code     text PRIMARY KEY CHECK (code ~ '^[a-z_]+$'),
    name_it  text NOT NULL,
    name_en  text NOT NULL,
    can_edit boolean NOT NULL
);
INSERT INTO laguna.roles (code, name_it, name_en, can_edit) VALUES
    ('admin',   'Amministratore',             'Administrator',             true),
    ('editor',  'Redattore',                  'Editor',                    true),
    ('analyst', 'Analista GIS',               'GIS analyst',               true),
    ('partner', 'Partner del Comitato',       'Steering Committee partner', false),
    ('viewer',  'Consultazione',              'Viewer',                    false);

CREATE TABLE laguna.bodies (
    id         serial PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9_-]+$'),
    name_it    text NOT NULL CHECK (name_it <> ''),
    name_en    text NOT NULL CHECK (name_en <> ''),
    kind       text NOT NULL CHECK (kind IN ('ministry', 'soprintendenza', 'region',
                   'metropolitan_city', 'municipality', 'port_authority', 'state_agency',
                   'religious', 'archive', 'university', 'association', 'foreign_city',
                   'international_organisation', 'other')),
    istat_code text CHECK (istat_code ~ '^[0-9]{6}$'),
    country    char(2) NOT NULL DEFAULT 'IT' CHECK (country ~ '^[A-Z]{2}$'),
    website    text,
    email      text,
    -- bodies can be anywhere in the world (twin cities, networks): WGS84, not the storage CRS
    geom       geometry(Point, 4326)
);
SELECT audit.enable('laguna.bodies');

CREATE TABLE laguna.users (
    id           serial PRIMARY KEY,
    username     text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_.@-]+$'),
    display_name text NOT NULL,
    email        text,
    role         text NOT NULL REFERENCES laguna.roles (code),
    body_id      integer REFERENCES laguna.bodies (id) ON DELETE SET NULL,
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now()
);
SELECT audit.enable('laguna.users');

CREATE TABLE laguna.committee_memberships (
    id             serial PRIMARY KEY,
    body_id        integer NOT NULL REFERENCES laguna.bodies (id) ON DELETE CASCADE,
    role           text NOT NULL CHECK (role IN ('chair', 'member', 'observer', 'secretariat')),
    representative text,
    since          date NOT NULL,
    until          date,
    act_reference  text,
    CHECK (until IS NULL OR until >= since)
);
SELECT audit.enable('laguna.committee_memberships');
