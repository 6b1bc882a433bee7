-- Issue 10, door 6: the audit log carries a purpose category, never case
-- content or staff ids. The two kinds of free text that had no record of
-- their own get one here, under that record's access rules; the audit entry
-- says only `caseload_reassignment` or `legal_hold_set` / `legal_hold_lifted`.

-- Who moved an enrolment to whom, and why: readable wherever the enrolment
-- is (the policy asks the enrolments' own row-level security).
CREATE TABLE enrolment_reassignments (
    id                 uuid PRIMARY KEY,
    enrolment_id       uuid NOT NULL REFERENCES enrolments (id),
    from_caseworker_id uuid REFERENCES staff_users (id),
    to_caseworker_id   uuid NOT NULL REFERENCES staff_users (id),
    reason             text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 1800),
    reassigned_by      uuid NOT NULL REFERENCES staff_users (id),
    at                 timestamptz NOT NULL
);
CREATE INDEX enrolment_reassignments_enrolment_idx ON enrolment_reassignments (enrolment_id, at);
GRANT SELECT, INSERT ON enrolment_reassignments TO medborger_app;
ALTER TABLE enrolment_reassignments ENABLE ROW LEVEL SECURITY;
ALTER TABLE enrolment_reassignments FORCE ROW LEVEL SECURITY;
CREATE POLICY enrolment_reassignments_read ON enrolment_reassignments FOR SELECT
    USING ((SELECT medborger_system()) OR EXISTS (SELECT 1 FROM enrolments e WHERE e.id = enrolment_id));
CREATE POLICY enrolment_reassignments_insert ON enrolment_reassignments FOR INSERT
    WITH CHECK ('manager' = ANY ((SELECT medborger_roles())::text[])
                AND reassigned_by = (SELECT medborger_user())
                AND EXISTS (SELECT 1 FROM enrolments e WHERE e.id = enrolment_id));

-- Each setting or lifting of a legal hold, with its reason: administrators
-- read them; they are written only by the function that changes the hold.
CREATE TABLE legal_hold_changes (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    hold       boolean NOT NULL,
    reason     text NOT NULL CHECK (char_length(reason) BETWEEN 5 AND 1000),
    changed_by uuid NOT NULL REFERENCES staff_users (id),
    at         timestamptz NOT NULL
);
CREATE INDEX legal_hold_changes_citizen_idx ON legal_hold_changes (citizen_id, at);
GRANT SELECT ON legal_hold_changes TO medborger_app;
ALTER TABLE legal_hold_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE legal_hold_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY legal_hold_changes_read ON legal_hold_changes FOR SELECT
    USING ((SELECT medborger_system()) OR 'admin' = ANY ((SELECT medborger_roles())::text[]));
-- Only the function below (its owner holds medborger_system) writes them.
CREATE POLICY legal_hold_changes_write ON legal_hold_changes FOR INSERT
    WITH CHECK ((SELECT medborger_system()));

CREATE FUNCTION medborger_set_legal_hold(citizen uuid, hold boolean, why text, at timestamptz) RETURNS boolean
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        WITH changed AS (
            UPDATE citizens SET legal_hold = hold, version = version + 1, updated_at = at
             WHERE id = citizen AND lifecycle <> 'anonymised' AND 'admin' = ANY (medborger_roles())
            RETURNING id),
        kept AS (
            INSERT INTO legal_hold_changes (citizen_id, hold, reason, changed_by, at)
            SELECT id, hold, why, medborger_user(), at FROM changed
            RETURNING 1)
        SELECT EXISTS (SELECT 1 FROM kept)
    $$;
REVOKE ALL ON FUNCTION medborger_set_legal_hold(uuid, boolean, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medborger_set_legal_hold(uuid, boolean, text, timestamptz) TO medborger_app;
-- The version without a reason is gone: every change keeps its reason.
DROP FUNCTION medborger_set_legal_hold(uuid, boolean, timestamptz);
