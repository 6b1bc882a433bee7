-- Issue 10, doors 1 and 2: knowing a CPR opens nothing.
--
-- A registration of a CPR already on file gives the caller's department an
-- involvement only with a stated basis; each such registration is kept here
-- for the department's managers to review, like a break-the-glass grant.
CREATE TABLE known_cpr_registrations (
    id            uuid PRIMARY KEY,
    citizen_id    uuid NOT NULL REFERENCES citizens (id),
    department    text NOT NULL REFERENCES departments (code),
    registered_by uuid NOT NULL REFERENCES staff_users (id),
    basis         text NOT NULL CHECK (basis IN ('citizen_present', 'citizen_application',
                                                  'statutory_duty', 'referral_by_letter')),
    at            timestamptz NOT NULL
);
CREATE INDEX known_cpr_registrations_department_idx ON known_cpr_registrations (department, at);
GRANT SELECT, INSERT ON known_cpr_registrations TO medborger_app;
ALTER TABLE known_cpr_registrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE known_cpr_registrations FORCE ROW LEVEL SECURITY;
-- Staff of the department read its registrations; a caseworker records only
-- their own, in their own department.
CREATE POLICY known_cpr_registrations_read ON known_cpr_registrations FOR SELECT
    USING ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff()) AND department = (SELECT medborger_department())));
CREATE POLICY known_cpr_registrations_insert ON known_cpr_registrations FOR INSERT
    WITH CHECK ('caseworker' = ANY ((SELECT medborger_roles())::text[])
                AND department = (SELECT medborger_department())
                AND registered_by = (SELECT medborger_user()));

-- What a restricted team records about a citizen in confidence (contact
-- details and need codes) lives with the team, not on the shared record:
-- the shared record of a citizen registered by a restricted team holds none
-- of it, so a department that later registers the same CPR finds nothing
-- the team recorded.
CREATE TABLE citizen_restricted_data (
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    team_id    uuid NOT NULL REFERENCES teams (id),
    phone      text,
    email      text,
    address    text,
    needs      text[] NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (citizen_id, team_id)
);
GRANT SELECT, INSERT, UPDATE ON citizen_restricted_data TO medborger_app;
ALTER TABLE citizen_restricted_data ENABLE ROW LEVEL SECURITY;
ALTER TABLE citizen_restricted_data FORCE ROW LEVEL SECURITY;
CREATE POLICY citizen_restricted_data_team ON citizen_restricted_data
    USING ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff()) AND team_id = ANY ((SELECT medborger_teams())::uuid[])))
    WITH CHECK ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff()) AND team_id = ANY ((SELECT medborger_teams())::uuid[])));
