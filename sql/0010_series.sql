-- Indicator evaluations (the indicator_evaluation job): why each traffic light is what it
-- is, and whether it was computed from illustrative values (sample data is labelled so
-- everywhere it shows).

ALTER TABLE laguna.indicator_evaluations
    ADD COLUMN reason       text,
    ADD COLUMN illustrative boolean NOT NULL DEFAULT false;
