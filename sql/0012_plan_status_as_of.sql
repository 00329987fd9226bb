-- The date a plan's project statuses and budgets (allocated, committed, spent) refer to:
-- the monitoring date of the office's last update. The plan_implementation job dates its
-- snapshot with it, so a report for a year finds that year's figures (not the year the job
-- happened to run).

ALTER TABLE laguna.management_plans
    ADD COLUMN status_as_of date;
