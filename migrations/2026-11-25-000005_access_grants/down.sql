DROP POLICY citizens_update ON citizens;
CREATE POLICY citizens_update ON citizens FOR UPDATE
    USING (medborger_system()
           OR (medborger_case_staff() AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = citizens.id)))
    WITH CHECK (true);
DROP POLICY notes_read ON notes;
CREATE POLICY notes_read ON notes FOR SELECT
    USING (medborger_system() OR EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = notes.enrolment_id
              AND ((medborger_case_staff() AND e.department = medborger_department())
                   OR notes.author_id = medborger_user() OR notes.shared_with_mentor)));
DROP POLICY enrolments_granted_update ON enrolments;
DROP POLICY enrolments_granted ON enrolments;
DROP POLICY citizens_granted ON citizens;
DROP FUNCTION medborger_citizen_exists(uuid);
DROP FUNCTION medborger_granted(uuid);
DROP TABLE access_grants;
