DROP TRIGGER staff_user_teams_changes_audited ON staff_user_teams;
DROP TRIGGER staff_users_changes_audited ON staff_users;
DROP FUNCTION medborger_staff_change_audited();
CREATE OR REPLACE FUNCTION medborger_audit_not_sealed() RETURNS trigger
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
