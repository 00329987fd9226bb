-- Jobs write thousands of indicator values per run; their provenance is the job run they
-- reference, so only values a person entered or imported are audited row by row.

DROP TRIGGER audit_row ON laguna.indicator_values;

CREATE TRIGGER audit_entered_insert AFTER INSERT ON laguna.indicator_values
    FOR EACH ROW WHEN (NEW.job_run_id IS NULL) EXECUTE FUNCTION audit.record();
CREATE TRIGGER audit_entered_update AFTER UPDATE ON laguna.indicator_values
    FOR EACH ROW WHEN (OLD.job_run_id IS NULL OR NEW.job_run_id IS NULL) EXECUTE FUNCTION audit.record();
CREATE TRIGGER audit_entered_delete AFTER DELETE ON laguna.indicator_values
    FOR EACH ROW WHEN (OLD.job_run_id IS NULL) EXECUTE FUNCTION audit.record();
