-- Concerns (bekymringshenvendelser): written to a restricted team by anyone
-- who can see the citizen; the informant gets a receipt and can read nothing
-- more. The team sees who filed it.
CREATE TABLE concerns (
    id                 uuid PRIMARY KEY,
    citizen_id         uuid NOT NULL REFERENCES citizens (id),
    team_id            uuid NOT NULL REFERENCES teams (id),
    filed_by           uuid NOT NULL REFERENCES staff_users (id),
    filer_department   text NOT NULL REFERENCES departments (code),
    text               text NOT NULL CHECK (length(text) BETWEEN 1 AND 20000),
    signs              text[] NOT NULL DEFAULT '{}',
    received_at        timestamptz NOT NULL,
    opened_enrolment_id uuid REFERENCES enrolments (id),
    handled_at         timestamptz
);
CREATE INDEX concerns_inbox_idx ON concerns (team_id, received_at);

GRANT SELECT, INSERT, UPDATE ON concerns TO medborger_app;

ALTER TABLE concerns ENABLE ROW LEVEL SECURITY;
ALTER TABLE concerns FORCE ROW LEVEL SECURITY;
CREATE POLICY concerns_file ON concerns FOR INSERT
    WITH CHECK (filed_by = medborger_user() AND filer_department = medborger_department());
CREATE POLICY concerns_team_read ON concerns FOR SELECT
    USING (medborger_system() OR (medborger_case_staff() AND team_id = ANY (medborger_teams())));
CREATE POLICY concerns_team_update ON concerns FOR UPDATE
    USING (medborger_case_staff() AND team_id = ANY (medborger_teams()))
    WITH CHECK (medborger_case_staff() AND team_id = ANY (medborger_teams()));

-- The restricted team that receives concerns: the active restricted team of
-- the department owning the negative-social-control programme. Found with
-- the system flag because the informant belongs to another team.
CREATE FUNCTION medborger_concern_team() RETURNS uuid
    LANGUAGE sql STABLE SET medborger.system = 'on' AS $$
        SELECT t.id FROM teams t JOIN programmes p ON p.department = t.department
         WHERE p.code = 'negativ_social_kontrol' AND t.restricted AND t.active
         ORDER BY t.id LIMIT 1
    $$;
GRANT EXECUTE ON FUNCTION medborger_concern_team() TO medborger_app;

-- The team reads the citizen of a concern sent to it, so it can open a case.
CREATE POLICY citizens_concern ON citizens FOR SELECT
    USING (medborger_case_staff() AND EXISTS (SELECT 1 FROM concerns c WHERE c.citizen_id = citizens.id));
