-- Licence, attribution and the illustrative flag belong to the data imported, not to the
-- layer: the same layer (say, the property boundary) holds the sample data set's
-- illustrative shapes in one version and an official boundary in the next. Each version
-- records what its import declared (laguna layers import --licence/--attribution/
-- --illustrative); laguna.layers keeps the current version's values for display.

ALTER TABLE laguna.layer_versions
    ADD COLUMN licence      text CHECK (licence <> ''),
    ADD COLUMN attribution  text,
    ADD COLUMN illustrative boolean NOT NULL DEFAULT false;

UPDATE laguna.layer_versions v
   SET licence = l.licence, attribution = l.attribution, illustrative = l.illustrative
  FROM laguna.layers l WHERE l.id = v.layer_id;
