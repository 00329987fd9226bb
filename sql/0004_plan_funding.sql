-- The Management Plan: plan -> challenge ("Sfida") -> objective -> action plan -> project,
-- and the money behind it: funding sources (Law 77/2006 and others) and grants.

CREATE TABLE laguna.management_plans (
    id            serial PRIMARY KEY,
    site_id       integer NOT NULL REFERENCES laguna.sites (id),
    code          text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_.-]+$'),
    title_it      text NOT NULL,
    title_en      text NOT NULL,
    period_start  integer NOT NULL CHECK (period_start BETWEEN 1987 AND 2100),
    period_end    integer NOT NULL,
    status        text NOT NULL CHECK (status IN ('draft', 'in_force', 'expired')),
    approved_on   date,
    approval_act  text,
    url           text,
    illustrative  boolean NOT NULL DEFAULT false,
    CHECK (period_end >= period_start)
);
SELECT audit.enable('laguna.management_plans');

CREATE TABLE laguna.challenges (
    id             serial PRIMARY KEY,
    plan_id        integer NOT NULL REFERENCES laguna.management_plans (id) ON DELETE CASCADE,
    code           text NOT NULL CHECK (code ~ '^[A-Za-z0-9_.-]+$'),
    title_it       text NOT NULL,
    title_en       text NOT NULL,
    description_it text,
    description_en text,
    UNIQUE (plan_id, code)
);
SELECT audit.enable('laguna.challenges');

-- Strategic objectives sit under a challenge; operational objectives under a strategic one.
CREATE TABLE laguna.objectives (
    id           serial PRIMARY KEY,
    challenge_id integer NOT NULL REFERENCES laguna.challenges (id) ON DELETE CASCADE,
    parent_id    integer REFERENCES laguna.objectives (id) ON DELETE CASCADE,
    level        text NOT NULL CHECK (level IN ('strategic', 'operational')),
    code         text NOT NULL CHECK (code ~ '^[A-Za-z0-9_.-]+$'),
    title_it     text NOT NULL,
    title_en     text NOT NULL,
    UNIQUE (challenge_id, code),
    CHECK ((level = 'strategic') = (parent_id IS NULL))
);
SELECT audit.enable('laguna.objectives');

CREATE TABLE laguna.action_plans (
    id             serial PRIMARY KEY,
    challenge_id   integer NOT NULL REFERENCES laguna.challenges (id) ON DELETE CASCADE,
    objective_id   integer REFERENCES laguna.objectives (id) ON DELETE SET NULL,
    code           text NOT NULL CHECK (code ~ '^[0-9]+$'),
    title_it       text NOT NULL,
    title_en       text NOT NULL,
    description_it text,
    description_en text,
    UNIQUE (challenge_id, code)
);
SELECT audit.enable('laguna.action_plans');

-- Projects are numbered inside their action plan ("2.2" is project 2 of action plan 2).
CREATE TABLE laguna.projects (
    id             serial PRIMARY KEY,
    action_plan_id integer NOT NULL REFERENCES laguna.action_plans (id) ON DELETE RESTRICT,
    code           text NOT NULL CHECK (code ~ '^[0-9]+(\.[0-9]+)+$'),
    title_it       text NOT NULL CHECK (title_it <> ''),
    title_en       text NOT NULL CHECK (title_en <> ''),
    description_it text,
    description_en text,
    status         text NOT NULL CHECK (status IN ('proposed', 'planned', 'ongoing',
                       'completed', 'suspended', 'cancelled')),
    start_date     date,
    end_date       date,
    lead_body_id   integer REFERENCES laguna.bodies (id) ON DELETE SET NULL,
    budget_eur     numeric(14, 2) CHECK (budget_eur >= 0),
    committed_eur  numeric(14, 2) CHECK (committed_eur >= 0),
    spent_eur      numeric(14, 2) CHECK (spent_eur >= 0),
    illustrative   boolean NOT NULL DEFAULT false,
    geom           geometry(Geometry, {{storage_srid}})
                   CHECK (geom IS NULL OR (ST_IsValid(geom) AND NOT ST_IsEmpty(geom))),
    CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date),
    UNIQUE (action_plan_id, code)
);
CREATE INDEX projects_geom_gist ON laguna.projects USING gist (geom);
SELECT audit.enable('laguna.projects');

CREATE TABLE laguna.project_partners (
    project_id integer NOT NULL REFERENCES laguna.projects (id) ON DELETE CASCADE,
    body_id    integer NOT NULL REFERENCES laguna.bodies (id) ON DELETE CASCADE,
    role       text NOT NULL DEFAULT 'partner' CHECK (role IN ('partner', 'funder', 'implementer')),
    PRIMARY KEY (project_id, body_id)
);
SELECT audit.enable('laguna.project_partners');

CREATE TABLE laguna.project_zones (
    project_id integer NOT NULL REFERENCES laguna.projects (id) ON DELETE CASCADE,
    zone_id    integer NOT NULL REFERENCES laguna.zones (id) ON DELETE CASCADE,
    PRIMARY KEY (project_id, zone_id)
);
SELECT audit.enable('laguna.project_zones');

CREATE TABLE laguna.project_factors (
    project_id  integer NOT NULL REFERENCES laguna.projects (id) ON DELETE CASCADE,
    factor_code text NOT NULL REFERENCES laguna.unesco_factors (code),
    PRIMARY KEY (project_id, factor_code)
);
SELECT audit.enable('laguna.project_factors');

CREATE TABLE laguna.funding_sources (
    id            serial PRIMARY KEY,
    code          text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9_-]+$'),
    name_it       text NOT NULL,
    name_en       text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('national', 'regional', 'eu', 'municipal',
                      'private', 'international', 'other')),
    law_reference text
);
SELECT audit.enable('laguna.funding_sources');
INSERT INTO laguna.funding_sources (code, name_it, name_en, kind, law_reference) VALUES
    ('law77', 'Legge 77/2006 (siti UNESCO italiani)', 'Law 77/2006 (Italian UNESCO sites)',
     'national', 'Legge 20 febbraio 2006, n. 77, art. 4');

-- Law 77/2006 art. 4 funds four lines of action (a-d); other sources leave the line empty.
CREATE TABLE laguna.grants (
    id                  serial PRIMARY KEY,
    funding_source_id   integer NOT NULL REFERENCES laguna.funding_sources (id),
    project_id          integer REFERENCES laguna.projects (id) ON DELETE SET NULL,
    beneficiary_body_id integer REFERENCES laguna.bodies (id) ON DELETE SET NULL,
    title_it            text,
    title_en            text,
    year                integer NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    law77_line          char(1) CHECK (law77_line IN ('a', 'b', 'c', 'd')),
    status              text NOT NULL CHECK (status IN ('requested', 'granted', 'rejected', 'closed')),
    requested_eur       numeric(14, 2) NOT NULL CHECK (requested_eur >= 0),
    granted_eur         numeric(14, 2) CHECK (granted_eur >= 0),
    spent_eur           numeric(14, 2) CHECK (spent_eur >= 0),
    act_reference       text,
    illustrative        boolean NOT NULL DEFAULT false,
    CHECK (status NOT IN ('granted', 'closed') OR granted_eur IS NOT NULL),
    CHECK (spent_eur IS NULL OR granted_eur IS NULL OR spent_eur <= granted_eur)
);
SELECT audit.enable('laguna.grants');
