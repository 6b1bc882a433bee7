-- Policies go back to the per-row check of migrations 5, 8 and 9.
DROP INDEX concerns_citizen_idx;
DROP POLICY citizens_granted ON citizens;
CREATE POLICY citizens_granted ON citizens FOR SELECT USING (medborger_granted(id));
DROP POLICY citizens_update ON citizens;
CREATE POLICY citizens_update ON citizens FOR UPDATE
    USING ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff()) AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = citizens.id))
           OR medborger_granted(id))
    WITH CHECK (true);
DROP POLICY enrolments_granted ON enrolments;
CREATE POLICY enrolments_granted ON enrolments FOR SELECT
    USING (NOT restricted AND medborger_granted(citizen_id));
DROP POLICY enrolments_granted_update ON enrolments;
CREATE POLICY enrolments_granted_update ON enrolments FOR UPDATE
    USING (NOT restricted AND medborger_granted(citizen_id))
    WITH CHECK (NOT restricted AND medborger_granted(citizen_id));
DROP POLICY notes_read ON notes;
CREATE POLICY notes_read ON notes FOR SELECT
    USING ((SELECT medborger_system()) OR EXISTS (
           SELECT 1 FROM enrolments e WHERE e.id = notes.enrolment_id
              AND (((SELECT medborger_case_staff()) AND (e.department = (SELECT medborger_department()) OR medborger_granted(e.citizen_id)))
                   OR notes.author_id = (SELECT medborger_user()) OR notes.shared_with_mentor)));
DROP POLICY consents_scope ON consents;
CREATE POLICY consents_scope ON consents
    USING ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff()) AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = consents.citizen_id))
           OR medborger_granted(citizen_id))
    WITH CHECK ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff()) AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = consents.citizen_id))
           OR medborger_granted(citizen_id));
DROP POLICY referrals_send ON referrals;
CREATE POLICY referrals_send ON referrals FOR INSERT
    WITH CHECK ('caseworker' = ANY ((SELECT medborger_roles())::text[])
                AND sent_by = (SELECT medborger_user()) AND from_department = (SELECT medborger_department())
                AND (EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = referrals.citizen_id)
                     OR medborger_granted(citizen_id)));
DROP FUNCTION medborger_granted_citizens();
