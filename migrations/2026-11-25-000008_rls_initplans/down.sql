DROP POLICY involvements_scope ON involvements;
CREATE POLICY involvements_scope ON involvements
    USING (medborger_system() OR (medborger_case_staff() AND department = medborger_department()
           AND (restricted_team_id IS NULL OR restricted_team_id = ANY (medborger_teams()))))
    WITH CHECK (medborger_system() OR (medborger_case_staff() AND department = medborger_department()
           AND (restricted_team_id IS NULL OR restricted_team_id = ANY (medborger_teams()))));

DROP POLICY enrolments_department ON enrolments;
CREATE POLICY enrolments_department ON enrolments
    USING (medborger_system() OR (medborger_case_staff() AND department = medborger_department()
           AND (NOT restricted OR team_id = ANY (medborger_teams()))))
    WITH CHECK (medborger_system() OR (medborger_case_staff() AND department = medborger_department()
           AND (NOT restricted OR team_id = ANY (medborger_teams()))));

DROP POLICY enrolments_mentor_read ON enrolments;
CREATE POLICY enrolments_mentor_read ON enrolments FOR SELECT
    USING (medborger_mentor() AND mentor_id = medborger_user() AND status IN ('active', 'paused') AND NOT restricted);

DROP POLICY enrolments_mentor_update ON enrolments;
CREATE POLICY enrolments_mentor_update ON enrolments FOR UPDATE
    USING (medborger_mentor() AND mentor_id = medborger_user() AND status IN ('active', 'paused') AND NOT restricted)
    WITH CHECK (medborger_mentor() AND mentor_id = medborger_user() AND status IN ('active', 'paused') AND NOT restricted);

DROP POLICY citizens_read ON citizens;
CREATE POLICY citizens_read ON citizens FOR SELECT
    USING (medborger_system()
           OR (medborger_case_staff() AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = citizens.id))
           OR (medborger_mentor() AND EXISTS (SELECT 1 FROM enrolments e
                                              WHERE e.citizen_id = citizens.id AND e.mentor_id = medborger_user())));

DROP POLICY citizens_register ON citizens;
CREATE POLICY citizens_register ON citizens FOR INSERT
    WITH CHECK (medborger_system() OR 'caseworker' = ANY (medborger_roles()));

DROP POLICY citizens_update ON citizens;
CREATE POLICY citizens_update ON citizens FOR UPDATE
    USING (medborger_system()
           OR (medborger_case_staff() AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = citizens.id))
           OR medborger_granted(id))
    WITH CHECK (true);

DROP POLICY milestones_scope ON milestones;
CREATE POLICY milestones_scope ON milestones
    USING (medborger_system() OR EXISTS (SELECT 1 FROM enrolments e WHERE e.id = milestones.enrolment_id))
    WITH CHECK (medborger_system() OR EXISTS (SELECT 1 FROM enrolments e WHERE e.id = milestones.enrolment_id));

DROP POLICY enrolment_transitions_scope ON enrolment_transitions;
CREATE POLICY enrolment_transitions_scope ON enrolment_transitions
    USING (medborger_system() OR EXISTS (SELECT 1 FROM enrolments e WHERE e.id = enrolment_transitions.enrolment_id))
    WITH CHECK (medborger_system() OR EXISTS (SELECT 1 FROM enrolments e WHERE e.id = enrolment_transitions.enrolment_id));

DROP POLICY outcomes_scope ON outcomes;
CREATE POLICY outcomes_scope ON outcomes
    USING (medborger_system() OR (medborger_case_staff() AND EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = outcomes.enrolment_id AND e.department = medborger_department())))
    WITH CHECK (medborger_system() OR (medborger_case_staff() AND EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = outcomes.enrolment_id AND e.department = medborger_department())));

DROP POLICY notes_read ON notes;
CREATE POLICY notes_read ON notes FOR SELECT
    USING (medborger_system() OR EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = notes.enrolment_id
              AND ((medborger_case_staff() AND (e.department = medborger_department() OR medborger_granted(e.citizen_id)))
                   OR notes.author_id = medborger_user() OR notes.shared_with_mentor)));

DROP POLICY notes_write ON notes;
CREATE POLICY notes_write ON notes FOR INSERT
    WITH CHECK (medborger_system() OR (author_id = medborger_user()
                AND EXISTS (SELECT 1 FROM enrolments e WHERE e.id = notes.enrolment_id)));

DROP POLICY access_grants_read ON access_grants;
CREATE POLICY access_grants_read ON access_grants FOR SELECT
    USING (medborger_system() OR user_id = medborger_user()
           OR ('manager' = ANY (medborger_roles()) AND department = medborger_department()));

DROP POLICY access_grants_create ON access_grants;
CREATE POLICY access_grants_create ON access_grants FOR INSERT
    WITH CHECK (user_id = medborger_user() AND department = medborger_department()
                AND 'caseworker' = ANY (medborger_roles()));

DROP POLICY access_grants_review ON access_grants;
CREATE POLICY access_grants_review ON access_grants FOR UPDATE
    USING ('manager' = ANY (medborger_roles()) AND department = medborger_department())
    WITH CHECK ('manager' = ANY (medborger_roles()) AND department = medborger_department());

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
    USING (medborger_system() OR (medborger_case_staff() AND EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = risk_assessments.enrolment_id
              AND e.department = medborger_department())))
    WITH CHECK (medborger_system() OR (medborger_case_staff() AND author_id = medborger_user() AND EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = risk_assessments.enrolment_id
              AND e.department = medborger_department())));

DROP POLICY concerns_file ON concerns;
CREATE POLICY concerns_file ON concerns FOR INSERT
    WITH CHECK (filed_by = medborger_user() AND filer_department = medborger_department());

DROP POLICY concerns_team_read ON concerns;
CREATE POLICY concerns_team_read ON concerns FOR SELECT
    USING (medborger_system() OR (medborger_case_staff() AND team_id = ANY (medborger_teams())));

DROP POLICY concerns_team_update ON concerns;
CREATE POLICY concerns_team_update ON concerns FOR UPDATE
    USING (medborger_case_staff() AND team_id = ANY (medborger_teams()))
    WITH CHECK (medborger_case_staff() AND team_id = ANY (medborger_teams()));

DROP POLICY citizens_concern ON citizens;
CREATE POLICY citizens_concern ON citizens FOR SELECT
    USING (medborger_case_staff() AND EXISTS (SELECT 1 FROM concerns c WHERE c.citizen_id = citizens.id));
