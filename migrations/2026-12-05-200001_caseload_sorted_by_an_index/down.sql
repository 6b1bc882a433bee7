DROP INDEX enrolments_mentor_next_due;
DROP INDEX enrolments_caseworker_next_due;
DROP INDEX enrolments_department_next_due;
DROP TRIGGER milestones_next_due_delete ON milestones;
DROP TRIGGER milestones_next_due_update ON milestones;
DROP TRIGGER milestones_next_due_insert ON milestones;
DROP FUNCTION medborger_milestones_next_due();
DROP FUNCTION medborger_refresh_next_due(uuid[]);
ALTER TABLE enrolments DROP COLUMN next_due_key, DROP COLUMN next_due_date, DROP COLUMN next_due_code;
