DROP TRIGGER audit_log_not_sealed ON audit_log;
DROP FUNCTION medborger_audit_not_sealed();
DROP FUNCTION medborger_append_seal(timestamptz, timestamptz, bigint[], bytea, bytea, bytea, timestamptz);
GRANT INSERT ON audit_seals TO medborger_app;
GRANT UPDATE ON access_grants, concerns, staff_users, citizens TO medborger_app;
