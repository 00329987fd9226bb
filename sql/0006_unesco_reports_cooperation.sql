-- The World Heritage side (Committee decisions and their requests, missions, the threat
-- register by UNESCO factor), reports as snapshots, and international cooperation.

CREATE TABLE laguna.threat_assessments (
    id                     serial PRIMARY KEY,
    site_id                integer NOT NULL REFERENCES laguna.sites (id),
    factor_code            text NOT NULL REFERENCES laguna.unesco_factors (code),
    assessed_on            date NOT NULL,
    cause_it               text,
    cause_en               text,
    attributes_affected_it text,
    attributes_affected_en text,
    origin                 text CHECK (origin IN ('inside', 'outside', 'both')),
    spatial_extent         text CHECK (spatial_extent IN ('restricted', 'localised', 'extensive', 'widespread')),
    frequency              text CHECK (frequency IN ('one_off', 'intermittent', 'frequent', 'ongoing')),
    impact                 text CHECK (impact IN ('insignificant', 'minor', 'significant', 'catastrophic')),
    trend                  text CHECK (trend IN ('decreasing', 'static', 'increasing')),
    management_response    text CHECK (management_response IN ('high', 'medium', 'low', 'none')),
    response_it            text,
    response_en            text,
    assessed_by            text,
    illustrative           boolean NOT NULL DEFAULT false,
    UNIQUE (site_id, factor_code, assessed_on)
);
SELECT audit.enable('laguna.threat_assessments');

CREATE TABLE laguna.whc_decisions (
    id         serial PRIMARY KEY,
    site_id    integer NOT NULL REFERENCES laguna.sites (id),
    code       text NOT NULL UNIQUE CHECK (code ~ '^[0-9]+ ?(COM|EXT\.COM) [0-9A-Z.]+$'),
    year       integer NOT NULL CHECK (year BETWEEN 1978 AND 2100),
    title_it   text,
    title_en   text NOT NULL,
    summary_it text,
    summary_en text,
    url        text
);
SELECT audit.enable('laguna.whc_decisions');

CREATE TABLE laguna.decision_factors (
    decision_id integer NOT NULL REFERENCES laguna.whc_decisions (id) ON DELETE CASCADE,
    factor_code text NOT NULL REFERENCES laguna.unesco_factors (code),
    PRIMARY KEY (decision_id, factor_code)
);
SELECT audit.enable('laguna.decision_factors');

CREATE TABLE laguna.whc_requests (
    id               serial PRIMARY KEY,
    decision_id      integer NOT NULL REFERENCES laguna.whc_decisions (id) ON DELETE CASCADE,
    paragraph        text,
    request_it       text,
    request_en       text NOT NULL,
    deadline         date,
    response_status  text NOT NULL DEFAULT 'pending'
                     CHECK (response_status IN ('pending', 'in_progress', 'submitted', 'closed')),
    responded_on     date,
    response_note_it text,
    response_note_en text,
    CHECK (response_status NOT IN ('submitted', 'closed') OR responded_on IS NOT NULL)
);
SELECT audit.enable('laguna.whc_requests');

CREATE TABLE laguna.missions (
    id           serial PRIMARY KEY,
    site_id      integer NOT NULL REFERENCES laguna.sites (id),
    kind         text NOT NULL CHECK (kind IN ('reactive_monitoring', 'advisory', 'other')),
    start_date   date NOT NULL,
    end_date     date,
    participants text,
    decision_id  integer REFERENCES laguna.whc_decisions (id) ON DELETE SET NULL,
    summary_it   text,
    summary_en   text,
    report_url   text,
    CHECK (end_date IS NULL OR end_date >= start_date)
);
SELECT audit.enable('laguna.missions');

-- A report is a snapshot: what it was built from is recorded with it, so the same period
-- on the same data gives the same numbers.
CREATE TABLE laguna.reports (
    id              serial PRIMARY KEY,
    kind            text NOT NULL DEFAULT 'steering_committee' CHECK (kind IN ('steering_committee',
                        'state_of_conservation', 'periodic_reporting', 'other')),
    period          text NOT NULL CHECK (laguna.period_start(period) IS NOT NULL),
    language        text NOT NULL CHECK (language IN ('it', 'en')),
    partner_body_id integer REFERENCES laguna.bodies (id) ON DELETE RESTRICT,
    title           text NOT NULL,
    html_path       text,
    pdf_path        text,
    html_checksum   text,
    pdf_checksum    text,
    inputs          jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT session_user,
    illustrative    boolean NOT NULL DEFAULT false,
    CHECK (html_path IS NOT NULL OR pdf_path IS NOT NULL)
);
SELECT audit.enable('laguna.reports');

CREATE TABLE laguna.report_job_runs (
    report_id  integer NOT NULL REFERENCES laguna.reports (id) ON DELETE CASCADE,
    job_run_id bigint NOT NULL REFERENCES laguna.job_runs (id) ON DELETE RESTRICT,
    PRIMARY KEY (report_id, job_run_id)
);

-- Agreements, twinnings, networks (e.g. the Organization of World Heritage Cities) and
-- international events: world-wide, so located in WGS84.
CREATE TABLE laguna.cooperation (
    id             serial PRIMARY KEY,
    kind           text NOT NULL CHECK (kind IN ('agreement', 'twinning', 'network', 'event')),
    title_it       text NOT NULL,
    title_en       text NOT NULL,
    partner        text,
    body_id        integer REFERENCES laguna.bodies (id) ON DELETE SET NULL,
    city           text,
    country        char(2) CHECK (country ~ '^[A-Z]{2}$'),
    start_date     date,
    end_date       date,
    description_it text,
    description_en text,
    url            text,
    illustrative   boolean NOT NULL DEFAULT false,
    geom           geometry(Point, 4326),
    CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
SELECT audit.enable('laguna.cooperation');
