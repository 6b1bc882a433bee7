DROP POLICY referrals_send ON referrals;
CREATE POLICY referrals_send ON referrals FOR INSERT
    WITH CHECK ('caseworker' = ANY ((SELECT medborger_roles())::text[])
                AND sent_by = (SELECT medborger_user())
                AND from_department = (SELECT medborger_department())
                AND (EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = referrals.citizen_id)
                     OR citizen_id = ANY ((SELECT medborger_granted_citizens())::uuid[])));
DROP POLICY consents_change ON consents;
DROP POLICY consents_record ON consents;
DROP POLICY consents_read ON consents;
CREATE POLICY consents_scope ON consents
    USING ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff())
               AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = consents.citizen_id))
           OR citizen_id = ANY ((SELECT medborger_granted_citizens())::uuid[]))
    WITH CHECK ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff())
               AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = consents.citizen_id))
           OR citizen_id = ANY ((SELECT medborger_granted_citizens())::uuid[]));
DROP POLICY citizens_update ON citizens;
CREATE POLICY citizens_update ON citizens FOR UPDATE
    USING ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff())
               AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = citizens.id))
           OR id = ANY ((SELECT medborger_granted_citizens())::uuid[]))
    WITH CHECK (true);
CREATE POLICY enrolments_granted_update ON enrolments FOR UPDATE
    USING (NOT restricted AND citizen_id = ANY ((SELECT medborger_granted_citizens())::uuid[]))
    WITH CHECK (NOT restricted AND citizen_id = ANY ((SELECT medborger_granted_citizens())::uuid[]));
CREATE OR REPLACE FUNCTION medborger_granted_citizens() RETURNS uuid[]
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
