-- A break-the-glass grant opens reading only (docs/design.md §4; issue 10,
-- door 4): anything that would create, widen or outlast access (an
-- enrolment, a registration, a referral, a consent, a transition, a
-- reassignment) is refused under a grant. The service marks each request
-- that writes (`medborger.writing`, set with the rest of the caller's
-- context), and in such a request the caller's grants count for nothing. The
-- setting can only narrow: a request that does not set it sees what a
-- reading request sees, never more. Besides, no policy that lets a row be
-- written counts a grant any longer.

CREATE OR REPLACE FUNCTION medborger_granted_citizens() RETURNS uuid[]
    LANGUAGE plpgsql STABLE AS $$
    BEGIN
        IF NOT ('caseworker' = ANY (medborger_roles()))
           OR coalesce(current_setting('medborger.writing', true), '') = 'on' THEN
            RETURN '{}';
        END IF;
        RETURN (SELECT coalesce(array_agg(g.citizen_id), '{}')
                  FROM access_grants g
                 WHERE g.user_id = medborger_user() AND g.expires_at > now());
    END
    $$;

DROP POLICY enrolments_granted_update ON enrolments;

DROP POLICY citizens_update ON citizens;
CREATE POLICY citizens_update ON citizens FOR UPDATE
    USING ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff())
               AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = citizens.id)))
    WITH CHECK (true);

DROP POLICY consents_scope ON consents;
CREATE POLICY consents_read ON consents FOR SELECT
    USING ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff())
               AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = consents.citizen_id))
           OR citizen_id = ANY ((SELECT medborger_granted_citizens())::uuid[]));
CREATE POLICY consents_record ON consents FOR INSERT
    WITH CHECK ((SELECT medborger_system())
                OR ((SELECT medborger_case_staff())
                    AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = consents.citizen_id)));
CREATE POLICY consents_change ON consents FOR UPDATE
    USING ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff())
               AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = consents.citizen_id)))
    WITH CHECK ((SELECT medborger_system())
                OR ((SELECT medborger_case_staff())
                    AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = consents.citizen_id)));

DROP POLICY referrals_send ON referrals;
CREATE POLICY referrals_send ON referrals FOR INSERT
    WITH CHECK ('caseworker' = ANY ((SELECT medborger_roles())::text[])
                AND sent_by = (SELECT medborger_user())
                AND from_department = (SELECT medborger_department())
                AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = referrals.citizen_id));
