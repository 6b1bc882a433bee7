-- Row-level security, same rules, cheaper on lists. The break-the-glass
-- check ran per row (medborger_granted(citizen) is a function with a
-- subquery, which PostgreSQL cannot inline): every enrolment, milestone,
-- note and citizen row of a list paid for a lookup in access_grants. Now the
-- caller's live grants are read once per query (an InitPlan) as an array,
-- almost always empty, and each row only tests membership. Measured in
-- BENCHMARKS.md.

-- PL/pgSQL, not SQL: a SQL function that cannot be inlined plans its query
-- again in every statement (measured: 0.5–0.8 ms, a third of a list
-- query); PL/pgSQL keeps the plan for the connection's life.
CREATE FUNCTION medborger_granted_citizens() RETURNS uuid[]
    LANGUAGE plpgsql STABLE AS $$
    BEGIN
        IF NOT ('caseworker' = ANY (medborger_roles())) THEN
            RETURN '{}';
        END IF;
        RETURN (SELECT coalesce(array_agg(g.citizen_id), '{}')
                  FROM access_grants g
                 WHERE g.user_id = medborger_user() AND g.expires_at > now());
    END
    $$;
GRANT EXECUTE ON FUNCTION medborger_granted_citizens() TO medborger_app;

DROP POLICY citizens_granted ON citizens;
CREATE POLICY citizens_granted ON citizens FOR SELECT
    USING (id = ANY ((SELECT medborger_granted_citizens())::uuid[]));

DROP POLICY citizens_update ON citizens;
CREATE POLICY citizens_update ON citizens FOR UPDATE
    USING ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff()) AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = citizens.id))
           OR id = ANY ((SELECT medborger_granted_citizens())::uuid[]))
    WITH CHECK (true);

DROP POLICY enrolments_granted ON enrolments;
CREATE POLICY enrolments_granted ON enrolments FOR SELECT
    USING (NOT restricted AND citizen_id = ANY ((SELECT medborger_granted_citizens())::uuid[]));

DROP POLICY enrolments_granted_update ON enrolments;
CREATE POLICY enrolments_granted_update ON enrolments FOR UPDATE
    USING (NOT restricted AND citizen_id = ANY ((SELECT medborger_granted_citizens())::uuid[]))
    WITH CHECK (NOT restricted AND citizen_id = ANY ((SELECT medborger_granted_citizens())::uuid[]));

DROP POLICY notes_read ON notes;
CREATE POLICY notes_read ON notes FOR SELECT
    USING ((SELECT medborger_system()) OR EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = notes.enrolment_id
              AND (((SELECT medborger_case_staff())
                    AND (e.department = (SELECT medborger_department())
                         OR e.citizen_id = ANY ((SELECT medborger_granted_citizens())::uuid[])))
                   OR notes.author_id = (SELECT medborger_user()) OR notes.shared_with_mentor)));

DROP POLICY consents_scope ON consents;
CREATE POLICY consents_scope ON consents
    USING ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff()) AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = consents.citizen_id))
           OR citizen_id = ANY ((SELECT medborger_granted_citizens())::uuid[]))
    WITH CHECK ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff()) AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = consents.citizen_id))
           OR citizen_id = ANY ((SELECT medborger_granted_citizens())::uuid[]));

DROP POLICY referrals_send ON referrals;
CREATE POLICY referrals_send ON referrals FOR INSERT
    WITH CHECK ('caseworker' = ANY ((SELECT medborger_roles())::text[])
                AND sent_by = (SELECT medborger_user()) AND from_department = (SELECT medborger_department())
                AND (EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = referrals.citizen_id)
                     OR citizen_id = ANY ((SELECT medborger_granted_citizens())::uuid[])));

-- The citizen policy's look for concerns was a scan of the team's concerns
-- per citizen row.
CREATE INDEX concerns_citizen_idx ON concerns (citizen_id);
