CREATE FUNCTION medborger_set_legal_hold(citizen uuid, hold boolean, at timestamptz) RETURNS boolean
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        WITH changed AS (
            UPDATE citizens SET legal_hold = hold, version = version + 1, updated_at = at
             WHERE id = citizen AND lifecycle <> 'anonymised' AND 'admin' = ANY (medborger_roles())
            RETURNING 1)
        SELECT EXISTS (SELECT 1 FROM changed)
    $$;
GRANT EXECUTE ON FUNCTION medborger_set_legal_hold(uuid, boolean, timestamptz) TO medborger_app;
DROP FUNCTION medborger_set_legal_hold(uuid, boolean, text, timestamptz);
DROP TABLE legal_hold_changes;
DROP TABLE enrolment_reassignments;
