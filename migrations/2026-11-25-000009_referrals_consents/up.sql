-- Consent (samtykke) and referrals (henvisninger) between departments.

-- A citizen's consent to share between the listed departments. While it is
-- valid (given, not expired, not withdrawn), caseworkers of a listed
-- department with an involvement see enrolment summaries of the other
-- listed departments: programme, status, dates, team; never notes.
CREATE TABLE consents (
    id                  uuid PRIMARY KEY,
    citizen_id          uuid NOT NULL REFERENCES citizens (id),
    purpose             text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 2000),
    departments         text[] NOT NULL CHECK (cardinality(departments) BETWEEN 1 AND 7),
    given_at            timestamptz NOT NULL,
    expires_at          timestamptz NOT NULL CHECK (expires_at > given_at),
    -- Where the signed consent is filed (journal number in the ESDH system).
    document_reference  text NOT NULL CHECK (length(document_reference) BETWEEN 1 AND 200),
    recorded_by         uuid NOT NULL REFERENCES staff_users (id),
    recorded_department text NOT NULL REFERENCES departments (code),
    recorded_at         timestamptz NOT NULL,
    withdrawn_at        timestamptz,
    withdrawn_by        uuid REFERENCES staff_users (id),
    withdrawal_reason   text CHECK (length(withdrawal_reason) BETWEEN 1 AND 2000),
    CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL))
);
CREATE INDEX consents_citizen_idx ON consents (citizen_id);

GRANT SELECT, INSERT, UPDATE ON consents TO medborger_app;

ALTER TABLE consents ENABLE ROW LEVEL SECURITY;
ALTER TABLE consents FORCE ROW LEVEL SECURITY;
-- A department that works with the citizen (involvement, or a live
-- break-the-glass grant) reads, records and withdraws their consents.
CREATE POLICY consents_scope ON consents
    USING ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff()) AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = consents.citizen_id))
           OR medborger_granted(citizen_id))
    WITH CHECK ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff()) AND EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = consents.citizen_id))
           OR medborger_granted(citizen_id));

CREATE TABLE referrals (
    id              uuid PRIMARY KEY,
    citizen_id      uuid NOT NULL REFERENCES citizens (id),
    programme_code  text NOT NULL REFERENCES programmes (code),
    from_department text NOT NULL REFERENCES departments (code),
    -- The programme's owner, kept on the row so the inbox is one index scan.
    to_department   text NOT NULL REFERENCES departments (code),
    sent_by         uuid NOT NULL REFERENCES staff_users (id),
    sent_at         timestamptz NOT NULL,
    reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 4000),
    consent_id      uuid REFERENCES consents (id),
    legal_basis     text CHECK (length(legal_basis) BETWEEN 1 AND 500),
    status          text NOT NULL CHECK (status IN ('sent', 'accepted', 'declined', 'completed', 'withdrawn')),
    decided_by      uuid REFERENCES staff_users (id),
    decided_at      timestamptz,
    decision_reason text CHECK (length(decision_reason) BETWEEN 1 AND 2000),
    enrolment_id    uuid REFERENCES enrolments (id),
    closed_at       timestamptz,
    version         integer NOT NULL DEFAULT 1,
    -- No referral without consent or a stated legal basis.
    CHECK (consent_id IS NOT NULL OR legal_basis IS NOT NULL),
    CHECK (from_department <> to_department),
    CHECK ((status IN ('accepted', 'completed')) = (enrolment_id IS NOT NULL)),
    CHECK (status <> 'declined' OR decision_reason IS NOT NULL)
);
CREATE INDEX referrals_incoming_idx ON referrals (to_department, id);
CREATE INDEX referrals_outgoing_idx ON referrals (from_department, id);
CREATE INDEX referrals_citizen_idx ON referrals (citizen_id);
CREATE INDEX referrals_enrolment_idx ON referrals (enrolment_id) WHERE enrolment_id IS NOT NULL;

GRANT SELECT, INSERT, UPDATE ON referrals TO medborger_app;

ALTER TABLE referrals ENABLE ROW LEVEL SECURITY;
ALTER TABLE referrals FORCE ROW LEVEL SECURITY;
-- The sending and the receiving department see the referral.
CREATE POLICY referrals_read ON referrals FOR SELECT
    USING ((SELECT medborger_system())
           OR ((SELECT medborger_case_staff())
               AND (from_department = (SELECT medborger_department()) OR to_department = (SELECT medborger_department()))));
-- Only from a citizen the sender's department works with.
CREATE POLICY referrals_send ON referrals FOR INSERT
    WITH CHECK ('caseworker' = ANY ((SELECT medborger_roles())::text[])
                AND sent_by = (SELECT medborger_user()) AND from_department = (SELECT medborger_department())
                AND (EXISTS (SELECT 1 FROM involvements i WHERE i.citizen_id = referrals.citizen_id)
                     OR medborger_granted(citizen_id)));
CREATE POLICY referrals_update ON referrals FOR UPDATE
    USING ((SELECT medborger_case_staff())
           AND (from_department = (SELECT medborger_department()) OR to_department = (SELECT medborger_department())))
    WITH CHECK ((SELECT medborger_case_staff())
           AND (from_department = (SELECT medborger_department()) OR to_department = (SELECT medborger_department())));

-- The receiving department reads the core record of a citizen referred to it
-- (the referral carries it, also after a decline); accepting creates the
-- involvement that opens the rest.
CREATE POLICY citizens_referred ON citizens FOR SELECT
    USING ((SELECT medborger_case_staff()) AND EXISTS (
           SELECT 1 FROM referrals r WHERE r.citizen_id = citizens.id
              AND r.to_department = (SELECT medborger_department())));

-- Enrolment summaries opened by consent. The enrolments themselves stay
-- closed to other departments (so their notes do too); this function is the
-- one door, and it answers only the summary columns, and only to case staff
-- of a department with an involvement and a consent valid at `at` that
-- covers both departments. Never a restricted enrolment.
CREATE FUNCTION medborger_enrolment_summaries(citizen uuid, at timestamptz)
    RETURNS TABLE (id uuid, programme_code text, department text, status text,
                   start_date date, end_date date, team_id uuid, team_name text, consent_id uuid)
    LANGUAGE sql STABLE SET medborger.system = 'on' AS $$
        SELECT e.id, e.programme_code, e.department, e.status, e.start_date, e.end_date,
               e.team_id, t.name, c.id
          FROM enrolments e
          JOIN teams t ON t.id = e.team_id
          JOIN LATERAL (
                SELECT c.id FROM consents c
                 WHERE c.citizen_id = e.citizen_id AND c.withdrawn_at IS NULL
                   AND c.given_at <= at AND c.expires_at > at
                   AND medborger_department() = ANY (c.departments)
                   AND e.department = ANY (c.departments)
                 ORDER BY c.expires_at DESC LIMIT 1) c ON true
         WHERE e.citizen_id = citizen
           AND NOT e.restricted
           AND e.department <> medborger_department()
           AND medborger_case_staff()
           AND EXISTS (SELECT 1 FROM involvements i
                        WHERE i.citizen_id = citizen AND i.department = medborger_department()
                          AND (i.restricted_team_id IS NULL OR i.restricted_team_id = ANY (medborger_teams())))
         ORDER BY e.start_date NULLS LAST, e.id
    $$;
GRANT EXECUTE ON FUNCTION medborger_enrolment_summaries(uuid, timestamptz) TO medborger_app;
