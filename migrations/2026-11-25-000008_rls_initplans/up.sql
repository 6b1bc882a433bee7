-- Row-level security, same rules, cheaper: the helpers that read the
-- request's settings are wrapped in scalar subqueries, so PostgreSQL
-- evaluates each once per query (an InitPlan) instead of once per row.
-- Measured in BENCHMARKS.md.

DROP POLICY involvements_scope ON involvements;
CREATE POLICY involvements_scope ON involvements
    USING ((SELECT medborger_system()) OR ((SELECT medborger_case_staff()) AND department = (SELECT medborger_department())
           AND (restricted_team_id IS NULL OR restricted_team_id = ANY ((SELECT medborger_teams())::uuid[]))))
    WITH CHECK ((SELECT medborger_system()) OR ((SELECT medborger_case_staff()) AND department = (SELECT medborger_department())
           AND (restricted_team_id IS NULL OR restricted_team_id = ANY ((SELECT medborger_teams())::uuid[]))));

DROP POLICY enrolments_department ON enrolments;
CREATE POLICY enrolments_department ON enrolments
    USING ((SELECT medborger_system()) OR ((SELECT medborger_case_staff()) AND department = (SELECT medborger_department())
           AND (NOT restricted OR team_id = ANY ((SELECT medborger_teams())::uuid[]))))
    WITH CHECK ((SELECT medborger_system()) OR ((SELECT medborger_case_staff()) AND department = (SELECT medborger_department())
           AND (NOT restricted OR team_id = ANY ((SELECT medborger_teams())::uuid[]))));

DROP POLICY enrolments_mentor_read ON enrolments;
CREATE POLICY enrolments_mentor_read ON enrolments FOR SELECT
    USING ((SELECT medborger_mentor()) AND mentor_id = (SELECT medborger_user()) AND status IN ('active', 'paused') AND NOT restricted);

DROP POLICY enrolments_mentor_update ON enrolments;
CREATE POLICY enrolments_mentor_update ON enrolments FOR UPDATE
    USING ((SELECT medborger_mentor()) AND mentor_id = (SELECT medborger_user()) AND status IN ('active', 'paused') AND NOT restricted)
    WITH CHECK ((SELECT medborger_mentor()) AND mentor_id = (SELECT medborger_user()) AND status IN ('active', 'paused') AND NOT restricted);

DROP POLICY citizens_read ON citizens;
CREATE POLICY citizens_read ON citizens FOR SELECT
    USING ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff()) AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = citizens.id))
           OR ((SELECT medborger_mentor()) AND EXISTS (SELECT 1 FROM enrolments e
                                              WHERE e.citizen_id = citizens.id AND e.mentor_id = (SELECT medborger_user()))));

DROP POLICY citizens_register ON citizens;
CREATE POLICY citizens_register ON citizens FOR INSERT
    WITH CHECK ((SELECT medborger_system()) OR 'caseworker' = ANY ((SELECT medborger_roles())::text[]));

DROP POLICY citizens_update ON citizens;
CREATE POLICY citizens_update ON citizens FOR UPDATE
    USING ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff()) AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = citizens.id))
           OR medborger_granted(id))
    WITH CHECK (true);

DROP POLICY milestones_scope ON milestones;
CREATE POLICY milestones_scope ON milestones
    USING ((SELECT medborger_system()) OR EXISTS (SELECT 1 FROM enrolments e WHERE e.id = milestones.enrolment_id))
    WITH CHECK ((SELECT medborger_system()) OR EXISTS (SELECT 1 FROM enrolments e WHERE e.id = milestones.enrolment_id));

DROP POLICY enrolment_transitions_scope ON enrolment_transitions;
CREATE POLICY enrolment_transitions_scope ON enrolment_transitions
    USING ((SELECT medborger_system()) OR EXISTS (SELECT 1 FROM enrolments e WHERE e.id = enrolment_transitions.enrolment_id))
    WITH CHECK ((SELECT medborger_system()) OR EXISTS (SELECT 1 FROM enrolments e WHERE e.id = enrolment_transitions.enrolment_id));

DROP POLICY outcomes_scope ON outcomes;
CREATE POLICY outcomes_scope ON outcomes
    USING ((SELECT medborger_system()) OR ((SELECT medborger_case_staff()) AND EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = outcomes.enrolment_id AND e.department = (SELECT medborger_department()))))
    WITH CHECK ((SELECT medborger_system()) OR ((SELECT medborger_case_staff()) AND EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = outcomes.enrolment_id AND e.department = (SELECT medborger_department()))));

DROP POLICY notes_read ON notes;
CREATE POLICY notes_read ON notes FOR SELECT
    USING ((SELECT medborger_system()) OR EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = notes.enrolment_id
              AND (((SELECT medborger_case_staff()) AND (e.department = (SELECT medborger_department()) OR medborger_granted(e.citizen_id)))
                   OR notes.author_id = (SELECT medborger_user()) OR notes.shared_with_mentor)));

DROP POLICY notes_write ON notes;
CREATE POLICY notes_write ON notes FOR INSERT
    WITH CHECK ((SELECT medborger_system()) OR (author_id = (SELECT medborger_user())
                AND EXISTS (SELECT 1 FROM enrolments e WHERE e.id = notes.enrolment_id)));

DROP POLICY access_grants_read ON access_grants;
CREATE POLICY access_grants_read ON access_grants FOR SELECT
    USING ((SELECT medborger_system()) OR user_id = (SELECT medborger_user())
           OR ('manager' = ANY ((SELECT medborger_roles())::text[]) AND department = (SELECT medborger_department())));

DROP POLICY access_grants_create ON access_grants;
CREATE POLICY access_grants_create ON access_grants FOR INSERT
    WITH CHECK (user_id = (SELECT medborger_user()) AND department = (SELECT medborger_department())
                AND 'caseworker' = ANY ((SELECT medborger_roles())::text[]));

DROP POLICY access_grants_review ON access_grants;
CREATE POLICY access_grants_review ON access_grants FOR UPDATE
    USING ('manager' = ANY ((SELECT medborger_roles())::text[]) AND department = (SELECT medborger_department()))
    WITH CHECK ('manager' = ANY ((SELECT medborger_roles())::text[]) AND department = (SELECT medborger_department()));

DROP POLICY citizens_granted ON citizens;
CREATE POLICY citizens_granted ON citizens FOR SELECT USING (medborger_granted(id));

DROP POLICY enrolments_granted ON enrolments;
CREATE POLICY enrolments_granted ON enrolments FOR SELECT
    USING (NOT restricted AND medborger_granted(citizen_id));

DROP POLICY enrolments_granted_update ON enrolments;
CREATE POLICY enrolments_granted_update ON enrolments FOR UPDATE
    USING (NOT restricted AND medborger_granted(citizen_id))
    WITH CHECK (NOT restricted AND medborger_granted(citizen_id));

DROP POLICY risk_assessments_scope ON risk_assessments;
CREATE POLICY risk_assessments_scope ON risk_assessments
    USING ((SELECT medborger_system()) OR ((SELECT medborger_case_staff()) AND EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = risk_assessments.enrolment_id
              AND e.department = (SELECT medborger_department()))))
    WITH CHECK ((SELECT medborger_system()) OR ((SELECT medborger_case_staff()) AND author_id = (SELECT medborger_user()) AND EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = risk_assessments.enrolment_id
              AND e.department = (SELECT medborger_department()))));

DROP POLICY concerns_file ON concerns;
CREATE POLICY concerns_file ON concerns FOR INSERT
    WITH CHECK (filed_by = (SELECT medborger_user()) AND filer_department = (SELECT medborger_department()));

DROP POLICY concerns_team_read ON concerns;
CREATE POLICY concerns_team_read ON concerns FOR SELECT
    USING ((SELECT medborger_system()) OR ((SELECT medborger_case_staff()) AND team_id = ANY ((SELECT medborger_teams())::uuid[])));

DROP POLICY concerns_team_update ON concerns;
CREATE POLICY concerns_team_update ON concerns FOR UPDATE
    USING ((SELECT medborger_case_staff()) AND team_id = ANY ((SELECT medborger_teams())::uuid[]))
    WITH CHECK ((SELECT medborger_case_staff()) AND team_id = ANY ((SELECT medborger_teams())::uuid[]));

DROP POLICY citizens_concern ON citizens;
CREATE POLICY citizens_concern ON citizens FOR SELECT
    USING ((SELECT medborger_case_staff()) AND EXISTS (SELECT 1 FROM concerns c WHERE c.citizen_id = citizens.id));

CREATE OR REPLACE FUNCTION medborger_granted(citizen uuid) RETURNS boolean
    LANGUAGE sql STABLE AS $$
        SELECT (SELECT 'caseworker' = ANY (medborger_roles())) AND EXISTS (
            SELECT 1 FROM access_grants g
             WHERE g.citizen_id = citizen AND g.user_id = (SELECT medborger_user()) AND g.expires_at > now())
    $$;
