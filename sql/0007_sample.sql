-- Loaders of domain data (plan, register, indicator values, observation series) and the
-- illustrative sample: natural keys so that a re-import updates instead of duplicating,
-- and an `illustrative` flag on the tables that lacked one.

-- Illustrative records are labelled as such wherever they are shown.
ALTER TABLE laguna.bodies ADD COLUMN illustrative boolean NOT NULL DEFAULT false;
ALTER TABLE laguna.committee_memberships ADD COLUMN illustrative boolean NOT NULL DEFAULT false;
ALTER TABLE laguna.whc_decisions ADD COLUMN illustrative boolean NOT NULL DEFAULT false;
ALTER TABLE laguna.whc_requests ADD COLUMN illustrative boolean NOT NULL DEFAULT false;
ALTER TABLE laguna.missions ADD COLUMN illustrative boolean NOT NULL DEFAULT false;
ALTER TABLE laguna.observation_imports ADD COLUMN illustrative boolean NOT NULL DEFAULT false;

-- Grants and cooperation records get a reference code (the key a file re-import matches on).
ALTER TABLE laguna.grants ADD COLUMN code text UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_./-]*$');
ALTER TABLE laguna.cooperation ADD COLUMN code text UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_./-]*$');

-- One membership per body, role and start date; one request per decision paragraph; one
-- mission of a kind starting on a day.
ALTER TABLE laguna.committee_memberships ADD CONSTRAINT committee_memberships_key UNIQUE (body_id, role, since);
ALTER TABLE laguna.whc_requests ADD CONSTRAINT whc_requests_key UNIQUE NULLS NOT DISTINCT (decision_id, paragraph);
ALTER TABLE laguna.missions ADD CONSTRAINT missions_key UNIQUE (site_id, kind, start_date);
