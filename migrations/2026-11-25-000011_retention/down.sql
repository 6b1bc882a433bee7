DROP FUNCTION medborger_set_legal_hold(uuid, boolean, timestamptz);
DROP TABLE audit_prunes;
