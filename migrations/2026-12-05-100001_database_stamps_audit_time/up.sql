-- Issue 10, door 8, continued.

-- 1. The database stamps every audit entry's time itself: an entry written
--    by the service's role is dated by the transaction (now()), whatever
--    time the statement names, so it can neither be back-dated into a sealed
--    window nor dated ahead of one. All entries of one transaction share its
--    time. The schema owner (import, retention, synthetic data, fixtures)
--    keeps the time it names: it writes history, and could rewrite the table
--    anyway, which `audit verify --head` detects. The sealer takes "now"
--    from the database too.
CREATE OR REPLACE FUNCTION medborger_audit_not_sealed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
        sealed_to timestamptz;
    BEGIN
        IF pg_has_role(session_user, 'medborger_system', 'MEMBER') THEN
            RETURN NEW;
        END IF;
        NEW.at := now();
        SELECT window_end INTO sealed_to FROM audit_seals ORDER BY id DESC LIMIT 1;
        IF sealed_to IS NULL THEN
            SELECT up_to_window_end INTO sealed_to FROM audit_prunes ORDER BY id DESC LIMIT 1;
        END IF;
        IF sealed_to IS NOT NULL AND NEW.at < sealed_to THEN
            RAISE EXCEPTION 'audit entry dated % falls in a sealed window (sealed to %)', NEW.at, sealed_to
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$;

-- 2. A staff user's access (roles, department, active, password, teams)
--    changes only together with its audit entry: at commit, every such
--    change by the service's role must have, in the same transaction, a
--    successful create/update/deactivate entry for that user. The
--    administration route writes it; a statement sent with the service's
--    credentials alone does not, and is refused. Nobody's entry may change
--    their own roles, department or teams (separation of duties, door 10),
--    here as in the route.
CREATE FUNCTION medborger_staff_change_audited() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
        target uuid;
        widens boolean;
    BEGIN
        IF pg_has_role(session_user, 'medborger_system', 'MEMBER') THEN
            RETURN NULL;
        END IF;
        IF TG_TABLE_NAME = 'staff_users' THEN
            target := NEW.id;
            IF TG_OP = 'UPDATE'
               AND NEW.roles IS NOT DISTINCT FROM OLD.roles
               AND NEW.department IS NOT DISTINCT FROM OLD.department
               AND NEW.active IS NOT DISTINCT FROM OLD.active
               AND NEW.password_hash IS NOT DISTINCT FROM OLD.password_hash THEN
                RETURN NULL;
            END IF;
            widens := TG_OP = 'INSERT' OR NEW.roles IS DISTINCT FROM OLD.roles
                      OR NEW.department IS DISTINCT FROM OLD.department;
        ELSIF TG_OP = 'DELETE' THEN
            target := OLD.user_id;
            widens := true;
        ELSE
            target := NEW.user_id;
            widens := true;
        END IF;
        IF NOT EXISTS (
            SELECT 1 FROM audit_log a
             WHERE a.at = now()
               AND a.resource_type = 'staff_user'
               AND a.resource_id = target::text
               AND a.outcome = 'success'
               AND a.action IN ('create', 'update', 'deactivate')
               AND (NOT widens OR a.actor_id IS DISTINCT FROM target)) THEN
            RAISE EXCEPTION 'a staff user''s access changes only through the audited administration route'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NULL;
    END
    $$;
CREATE CONSTRAINT TRIGGER staff_users_changes_audited AFTER INSERT OR UPDATE ON staff_users
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION medborger_staff_change_audited();
CREATE CONSTRAINT TRIGGER staff_user_teams_changes_audited AFTER INSERT OR DELETE ON staff_user_teams
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION medborger_staff_change_audited();
