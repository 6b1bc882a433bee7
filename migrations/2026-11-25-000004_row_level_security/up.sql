-- Row-level security: the database itself enforces DESIGN §4's scope, so a
-- query the application forgot to filter still returns nothing it may not
-- see. The caller is read from settings that the service sets with
-- set_config(…, true) as the first statement of every request's transaction
-- (src/db/mod.rs): they vanish with the transaction, so a pooled connection
-- never carries one user's identity into another's request.
--
-- `medborger.system = on` is set only by the command line (migrations, demo
-- data) and by medborger_citizen_by_cpr_hash below; request handlers never set it.

CREATE FUNCTION medborger_setting(name text) RETURNS text
    LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('medborger.' || name, true), '') $$;
CREATE FUNCTION medborger_user() RETURNS uuid
    LANGUAGE sql STABLE AS $$ SELECT medborger_setting('user_id')::uuid $$;
CREATE FUNCTION medborger_department() RETURNS text
    LANGUAGE sql STABLE AS $$ SELECT medborger_setting('department') $$;
CREATE FUNCTION medborger_roles() RETURNS text[]
    LANGUAGE sql STABLE AS $$ SELECT coalesce(string_to_array(medborger_setting('roles'), ','), '{}') $$;
CREATE FUNCTION medborger_teams() RETURNS uuid[]
    LANGUAGE sql STABLE AS $$ SELECT coalesce(string_to_array(medborger_setting('teams'), ',')::uuid[], '{}') $$;
CREATE FUNCTION medborger_system() RETURNS boolean
    LANGUAGE sql STABLE AS $$ SELECT coalesce(medborger_setting('system') = 'on', false) $$;
-- Caseworkers and managers work with their department's cases.
CREATE FUNCTION medborger_case_staff() RETURNS boolean
    LANGUAGE sql STABLE AS $$ SELECT medborger_roles() && ARRAY['caseworker', 'manager'] $$;
CREATE FUNCTION medborger_mentor() RETURNS boolean
    LANGUAGE sql STABLE AS $$ SELECT 'mentor' = ANY (medborger_roles()) $$;

-- Registering a CPR that exists already gives the caller's department an
-- involvement (issue #3), so the existing citizen must be found before the
-- department can see it. This is the one door, and it answers only an id.
CREATE FUNCTION medborger_citizen_by_cpr_hash(hash bytea) RETURNS uuid
    LANGUAGE sql STABLE SET medborger.system = 'on'
    AS $$ SELECT id FROM citizens WHERE cpr_hash = hash $$;

GRANT EXECUTE ON FUNCTION medborger_setting(text), medborger_user(), medborger_department(),
    medborger_roles(), medborger_teams(), medborger_system(), medborger_case_staff(), medborger_mentor(),
    medborger_citizen_by_cpr_hash(bytea) TO medborger_app;

ALTER TABLE involvements ENABLE ROW LEVEL SECURITY;
ALTER TABLE involvements FORCE ROW LEVEL SECURITY;
CREATE POLICY involvements_scope ON involvements
    USING (medborger_system() OR (medborger_case_staff() AND department = medborger_department()
           AND (restricted_team_id IS NULL OR restricted_team_id = ANY (medborger_teams()))))
    WITH CHECK (medborger_system() OR (medborger_case_staff() AND department = medborger_department()
           AND (restricted_team_id IS NULL OR restricted_team_id = ANY (medborger_teams()))));

ALTER TABLE enrolments ENABLE ROW LEVEL SECURITY;
ALTER TABLE enrolments FORCE ROW LEVEL SECURITY;
CREATE POLICY enrolments_department ON enrolments
    USING (medborger_system() OR (medborger_case_staff() AND department = medborger_department()
           AND (NOT restricted OR team_id = ANY (medborger_teams()))))
    WITH CHECK (medborger_system() OR (medborger_case_staff() AND department = medborger_department()
           AND (NOT restricted OR team_id = ANY (medborger_teams()))));
-- A mentor reads and updates (last note time) the enrolments they mentor.
CREATE POLICY enrolments_mentor_read ON enrolments FOR SELECT
    USING (medborger_mentor() AND mentor_id = medborger_user() AND status IN ('active', 'paused') AND NOT restricted);
CREATE POLICY enrolments_mentor_update ON enrolments FOR UPDATE
    USING (medborger_mentor() AND mentor_id = medborger_user() AND status IN ('active', 'paused') AND NOT restricted)
    WITH CHECK (medborger_mentor() AND mentor_id = medborger_user() AND status IN ('active', 'paused') AND NOT restricted);

ALTER TABLE citizens ENABLE ROW LEVEL SECURITY;
ALTER TABLE citizens FORCE ROW LEVEL SECURITY;
-- The subqueries see only what their own tables' policies let the caller see.
CREATE POLICY citizens_read ON citizens FOR SELECT
    USING (medborger_system()
           OR (medborger_case_staff() AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = citizens.id))
           OR (medborger_mentor() AND EXISTS (SELECT 1 FROM enrolments e
                                              WHERE e.citizen_id = citizens.id AND e.mentor_id = medborger_user())));
CREATE POLICY citizens_register ON citizens FOR INSERT
    WITH CHECK (medborger_system() OR 'caseworker' = ANY (medborger_roles()));
CREATE POLICY citizens_update ON citizens FOR UPDATE
    USING (medborger_system()
           OR (medborger_case_staff() AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = citizens.id)))
    WITH CHECK (true);

-- What hangs off an enrolment follows the enrolment's visibility.
ALTER TABLE milestones ENABLE ROW LEVEL SECURITY;
ALTER TABLE milestones FORCE ROW LEVEL SECURITY;
CREATE POLICY milestones_scope ON milestones
    USING (medborger_system() OR EXISTS (SELECT 1 FROM enrolments e WHERE e.id = milestones.enrolment_id))
    WITH CHECK (medborger_system() OR EXISTS (SELECT 1 FROM enrolments e WHERE e.id = milestones.enrolment_id));

ALTER TABLE enrolment_transitions ENABLE ROW LEVEL SECURITY;
ALTER TABLE enrolment_transitions FORCE ROW LEVEL SECURITY;
CREATE POLICY enrolment_transitions_scope ON enrolment_transitions
    USING (medborger_system() OR EXISTS (SELECT 1 FROM enrolments e WHERE e.id = enrolment_transitions.enrolment_id))
    WITH CHECK (medborger_system() OR EXISTS (SELECT 1 FROM enrolments e WHERE e.id = enrolment_transitions.enrolment_id));

-- Outcomes are for the department's staff, not mentors.
ALTER TABLE outcomes ENABLE ROW LEVEL SECURITY;
ALTER TABLE outcomes FORCE ROW LEVEL SECURITY;
CREATE POLICY outcomes_scope ON outcomes
    USING (medborger_system() OR (medborger_case_staff() AND EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = outcomes.enrolment_id AND e.department = medborger_department())))
    WITH CHECK (medborger_system() OR (medborger_case_staff() AND EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = outcomes.enrolment_id AND e.department = medborger_department())));

-- A mentor reads their own notes and those shared with mentors.
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
CREATE POLICY notes_read ON notes FOR SELECT
    USING (medborger_system() OR EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = notes.enrolment_id
              AND ((medborger_case_staff() AND e.department = medborger_department())
                   OR notes.author_id = medborger_user() OR notes.shared_with_mentor)));
CREATE POLICY notes_write ON notes FOR INSERT
    WITH CHECK (medborger_system() OR (author_id = medborger_user()
                AND EXISTS (SELECT 1 FROM enrolments e WHERE e.id = notes.enrolment_id)));
