DROP FUNCTION medborger_audit_report_load(text[], uuid[], timestamptz, date);
DROP FUNCTION medborger_audit_report_breakdown(text[], uuid[]);
DROP FUNCTION medborger_audit_report_grants(text[]);
DROP FUNCTION medborger_audit_report_deadlines(text[], uuid[], date, date, date, text);
DROP FUNCTION medborger_audit_report_outcomes(text[], uuid[], date, date, text);
CREATE OR REPLACE FUNCTION medborger_system() RETURNS boolean
    LANGUAGE sql STABLE AS $$ SELECT coalesce(medborger_setting('system') = 'on', false) $$;
