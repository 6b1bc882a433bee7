-- Risk assessments on enrolments. Barnets Lov: for a child in a restricted
-- enrolment, contact with the parents is not logged before one is recorded.
CREATE TABLE risk_assessments (
    id           uuid PRIMARY KEY,
    enrolment_id uuid NOT NULL REFERENCES enrolments (id),
    citizen_id   uuid NOT NULL REFERENCES citizens (id),
    level        text NOT NULL CHECK (level IN ('low', 'medium', 'high')),
    assessed_at  timestamptz NOT NULL,
    summary      text NOT NULL CHECK (length(summary) BETWEEN 1 AND 20000),
    author_id    uuid NOT NULL REFERENCES staff_users (id),
    created_at   timestamptz NOT NULL
);
CREATE INDEX risk_assessments_enrolment_idx ON risk_assessments (enrolment_id);

GRANT SELECT, INSERT ON risk_assessments TO medborger_app;

ALTER TABLE risk_assessments ENABLE ROW LEVEL SECURITY;
ALTER TABLE risk_assessments FORCE ROW LEVEL SECURITY;
-- For the enrolment's own department (its restricted team, when restricted).
CREATE POLICY risk_assessments_scope ON risk_assessments
    USING (medborger_system() OR (medborger_case_staff() AND EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = risk_assessments.enrolment_id
              AND e.department = medborger_department())))
    WITH CHECK (medborger_system() OR (medborger_case_staff() AND author_id = medborger_user() AND EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = risk_assessments.enrolment_id
              AND e.department = medborger_department())));
