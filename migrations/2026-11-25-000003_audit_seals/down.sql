DROP INDEX audit_log_citizen_idx;
ALTER TABLE audit_log DROP COLUMN restricted_team_id;
DROP TABLE audit_seals;
