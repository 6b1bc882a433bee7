-- Issue 10, door 8: the service's role cannot forge history.

-- 1. No audit entry dated in a sealed window (or before the chain starts):
--    a back-dated row would never be sealed or checked. The schema owner
--    (retention, import, test fixtures) is exempt: it could rewrite the
--    table anyway, which `audit verify --head` detects.
CREATE FUNCTION medborger_audit_not_sealed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
        sealed_to timestamptz;
    BEGIN
        IF pg_has_role(session_user, 'medborger_system', 'MEMBER') THEN
            RETURN NEW;
        END IF;
        SELECT max(window_end) INTO sealed_to FROM audit_seals;
        IF sealed_to IS NULL THEN
            SELECT max(up_to_window_end) INTO sealed_to FROM audit_prunes;
        END IF;
        IF sealed_to IS NOT NULL AND NEW.at < sealed_to THEN
            RAISE EXCEPTION 'audit entry dated % falls in a sealed window (sealed to %)', NEW.at, sealed_to
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$;
CREATE TRIGGER audit_log_not_sealed BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION medborger_audit_not_sealed();

-- 2. Only the sealer writes seals. The service's role may no longer insert
--    into audit_seals; the sealer in `serve` appends through this function,
--    which accepts only the next link of the chain: it starts where the last
--    seal ended, names the last seal's hash, and lists exactly the entries
--    of its window. A seal that skips, forks or leaves out entries is
--    refused; its hash and digests are checked by `audit verify`.
REVOKE INSERT ON audit_seals FROM medborger_app;
CREATE FUNCTION medborger_append_seal(w_start timestamptz, w_end timestamptz, ids bigint[],
                                      digests bytea, prev bytea, seal_hash bytea, sealed timestamptz)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
        last_end timestamptz;
        last_hash bytea;
        actual bigint[];
    BEGIN
        SELECT window_end, hash INTO last_end, last_hash FROM audit_seals ORDER BY id DESC LIMIT 1;
        IF last_hash IS NULL THEN
            SELECT up_to_window_end, last_seal_hash INTO last_end, last_hash
              FROM audit_prunes ORDER BY id DESC LIMIT 1;
        END IF;
        IF last_hash IS NOT NULL AND (w_start <> last_end OR prev <> last_hash) THEN
            RAISE EXCEPTION 'a seal must continue the chain' USING ERRCODE = 'check_violation';
        END IF;
        IF last_hash IS NULL AND (prev <> decode(repeat('00', 32), 'hex')
                                  OR EXISTS (SELECT 1 FROM audit_log l WHERE l.at < w_start)) THEN
            RAISE EXCEPTION 'the first seal starts at the first entry' USING ERRCODE = 'check_violation';
        END IF;
        SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO actual
          FROM audit_log l WHERE l.at >= w_start AND l.at < w_end;
        IF actual IS DISTINCT FROM ids THEN
            RAISE EXCEPTION 'a seal lists exactly the entries of its window' USING ERRCODE = 'check_violation';
        END IF;
        INSERT INTO audit_seals (window_start, window_end, entry_ids, entry_digests, prev_hash, hash, sealed_at)
        VALUES (w_start, w_end, ids, digests, prev, seal_hash, sealed);
    END
    $$;
REVOKE ALL ON FUNCTION medborger_append_seal(timestamptz, timestamptz, bigint[], bytea, bytea, bytea, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medborger_append_seal(timestamptz, timestamptz, bigint[], bytea, bytea, bytea, timestamptz)
    TO medborger_app;

-- 3. Column grants: the service changes only what its routes change.
--    Grants: the review (renewing or widening a grant is impossible).
REVOKE UPDATE ON access_grants FROM medborger_app;
GRANT UPDATE (reviewed_by, reviewed_at, review_comment) ON access_grants TO medborger_app;
--    Concerns: what opening a case sets (the informant cannot be changed).
REVOKE UPDATE ON concerns FROM medborger_app;
GRANT UPDATE (opened_enrolment_id, handled_at) ON concerns TO medborger_app;
--    Staff: only the audited administration route's columns (never the
--    username or id); roles and password hashes change only there.
REVOKE UPDATE ON staff_users FROM medborger_app;
GRANT UPDATE (full_name, department, roles, active, password_hash, updated_at, version)
    ON staff_users TO medborger_app;
--    Citizens: every column but the identity, the CPR and the legal hold
--    (set through medborger_set_legal_hold only) and the lifecycle
--    (retention, as the owner).
REVOKE UPDATE ON citizens FROM medborger_app;
DO $$
DECLARE
    cols text;
BEGIN
    SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO cols
      FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = 'citizens'
       AND column_name NOT IN ('id', 'cpr_hash', 'cpr_ciphertext', 'cpr_key_id', 'legal_hold',
                               'lifecycle', 'created_at', 'birth_date', 'sex');
    EXECUTE format('GRANT UPDATE (%s) ON citizens TO medborger_app', cols);
END
$$;
