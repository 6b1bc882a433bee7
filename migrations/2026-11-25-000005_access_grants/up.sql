-- Break-the-glass: a caseworker opens a citizen outside their scope for a few
-- hours with a written reason; every grant waits for a manager's review.
CREATE TABLE access_grants (
    id             uuid PRIMARY KEY,
    user_id        uuid NOT NULL REFERENCES staff_users (id),
    -- The grantee's department, whose managers review the grant.
    department     text NOT NULL REFERENCES departments (code),
    citizen_id     uuid NOT NULL REFERENCES citizens (id),
    reason         text NOT NULL CHECK (length(reason) BETWEEN 20 AND 2000),
    granted_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL CHECK (expires_at > granted_at AND expires_at <= granted_at + interval '3 hours'),
    reviewed_by    uuid REFERENCES staff_users (id),
    reviewed_at    timestamptz,
    review_comment text CHECK (length(review_comment) BETWEEN 1 AND 2000)
);
CREATE INDEX access_grants_user_idx ON access_grants (user_id, citizen_id, expires_at);
CREATE INDEX access_grants_pending_idx ON access_grants (department, granted_at) WHERE reviewed_at IS NULL;

GRANT SELECT, INSERT, UPDATE ON access_grants TO medborger_app;

ALTER TABLE access_grants ENABLE ROW LEVEL SECURITY;
ALTER TABLE access_grants FORCE ROW LEVEL SECURITY;
-- The grantee sees their own grants; their department's managers review them.
CREATE POLICY access_grants_read ON access_grants FOR SELECT
    USING (medborger_system() OR user_id = medborger_user()
           OR ('manager' = ANY (medborger_roles()) AND department = medborger_department()));
CREATE POLICY access_grants_create ON access_grants FOR INSERT
    WITH CHECK (user_id = medborger_user() AND department = medborger_department()
                AND 'caseworker' = ANY (medborger_roles()));
CREATE POLICY access_grants_review ON access_grants FOR UPDATE
    USING ('manager' = ANY (medborger_roles()) AND department = medborger_department())
    WITH CHECK ('manager' = ANY (medborger_roles()) AND department = medborger_department());

-- A live grant of the caller's for this citizen.
CREATE FUNCTION medborger_granted(citizen uuid) RETURNS boolean
    LANGUAGE sql STABLE AS $$
        SELECT 'caseworker' = ANY (medborger_roles()) AND EXISTS (
            SELECT 1 FROM access_grants g
             WHERE g.citizen_id = citizen AND g.user_id = medborger_user() AND g.expires_at > now())
    $$;
-- Whether a citizen exists at all, for the grant request's 404.
CREATE FUNCTION medborger_citizen_exists(citizen uuid) RETURNS boolean
    LANGUAGE sql STABLE SET medborger.system = 'on'
    AS $$ SELECT EXISTS (SELECT 1 FROM citizens WHERE id = citizen AND lifecycle <> 'anonymised') $$;
GRANT EXECUTE ON FUNCTION medborger_granted(uuid), medborger_citizen_exists(uuid) TO medborger_app;

-- A grant opens the citizen and their unrestricted enrolments (and, through
-- those, milestones and notes) as if the grantee's department were involved.
CREATE POLICY citizens_granted ON citizens FOR SELECT USING (medborger_granted(id));
CREATE POLICY enrolments_granted ON enrolments FOR SELECT
    USING (NOT restricted AND medborger_granted(citizen_id));
CREATE POLICY enrolments_granted_update ON enrolments FOR UPDATE
    USING (NOT restricted AND medborger_granted(citizen_id))
    WITH CHECK (NOT restricted AND medborger_granted(citizen_id));
DROP POLICY citizens_update ON citizens;
CREATE POLICY citizens_update ON citizens FOR UPDATE
    USING (medborger_system()
           OR (medborger_case_staff() AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = citizens.id))
           OR medborger_granted(id))
    WITH CHECK (true);
DROP POLICY notes_read ON notes;
CREATE POLICY notes_read ON notes FOR SELECT
    USING (medborger_system() OR EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = notes.enrolment_id
              AND ((medborger_case_staff() AND (e.department = medborger_department() OR medborger_granted(e.citizen_id)))
                   OR notes.author_id = medborger_user() OR notes.shared_with_mentor)));
