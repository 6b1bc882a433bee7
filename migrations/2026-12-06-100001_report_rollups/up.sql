-- Issue 13, S4: the caseload audit and the deadline report read roll-ups
-- that the database keeps in the same transaction as every write that
-- changes them, instead of counting every open enrolment and milestone of a
-- department on each request (2-4 s, or a 503, at a million citizens).
--
-- What changes with time (is a milestone overdue today? is a case silent
-- today?) cannot be a stored count. So the roll-ups are kept by date, and
-- the report sums the dates before today:
--
-- * report_open_enrolments: open enrolments by caseworker, team, programme
--   and status (the caseload's counts and its breakdown).
-- * report_open_milestones: open milestones of open enrolments by
--   caseworker, team and due date ("overdue" = the dates before today).
--   Past dates are folded into one row per group dated -infinity, by
--   medborger_compact_report_rollups(), which the service runs hourly;
--   folding keeps every sum, so it may run at any time and the triggers
--   never wait for it.
-- * report_milestone_days: every milestone by department, programme,
--   milestone and due date, counted met on time, met late, waived and open
--   ("overdue" and "pending" = open before and from today).
-- * Silent cases are counted from an index of open enrolments by their last
--   activity (a generated column): the cost is the number of silent cases,
--   not of all cases. Citizens without the mentor their programme requires
--   (distinct citizens, so not a sum) likewise, from an index of the active
--   and paused enrolments without a mentor.
--
-- Restricted work is kept apart by its team, so a report includes it only
-- for that team, exactly as before. Non-restricted rows of the deadline
-- roll-up carry the nil team.

-- Counts are `integer`: summing them is several times cheaper than summing
-- `bigint` (which sums as numeric), and a group never nears 2^31.
CREATE TABLE report_open_enrolments (
    department text NOT NULL,
    restricted boolean NOT NULL,
    team_id uuid NOT NULL,
    caseworker_id uuid NOT NULL,
    programme_code text NOT NULL,
    status text NOT NULL,
    n integer NOT NULL,
    PRIMARY KEY (department, restricted, team_id, caseworker_id, programme_code, status)
);

CREATE TABLE report_open_milestones (
    department text NOT NULL,
    restricted boolean NOT NULL,
    team_id uuid NOT NULL,
    caseworker_id uuid NOT NULL,
    due_date date NOT NULL,
    n integer NOT NULL,
    PRIMARY KEY (department, restricted, team_id, caseworker_id, due_date)
);
-- The report reads the dates before today: the folded row and the few
-- days since the last fold.
CREATE INDEX report_open_milestones_by_date ON report_open_milestones (department, due_date)
    INCLUDE (restricted, team_id, caseworker_id, n);

-- Counts summed over a period's days only: bigint is fine here.
CREATE TABLE report_milestone_days (
    department text NOT NULL,
    due_date date NOT NULL,
    programme_code text NOT NULL,
    milestone_code text NOT NULL,
    restricted boolean NOT NULL,
    team_id uuid NOT NULL,
    due bigint NOT NULL,
    met_on_time bigint NOT NULL,
    met_late bigint NOT NULL,
    waived bigint NOT NULL,
    open bigint NOT NULL,
    PRIMARY KEY (department, due_date, programme_code, milestone_code, restricted, team_id)
);

-- A column, not an index on the expression: under a manager's row-level
-- security only a leakproof condition on plain columns may use an index,
-- and coalesce() is not one (a 0.5 s scan of the department at 1M).
ALTER TABLE enrolments ADD COLUMN last_activity_at timestamptz
    GENERATED ALWAYS AS (coalesce(last_note_at, created_at)) STORED;
CREATE INDEX enrolments_open_activity ON enrolments (department, last_activity_at)
    INCLUDE (responsible_caseworker_id, team_id, restricted)
    WHERE status IN ('referred', 'active', 'paused');
CREATE INDEX enrolments_without_mentor ON enrolments (department)
    INCLUDE (responsible_caseworker_id, team_id, restricted, programme_code, citizen_id)
    WHERE mentor_id IS NULL AND status IN ('active', 'paused');

-- Read under the reader's row-level security, as the enrolments are: one's
-- own department, restricted work only for its team.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['report_open_enrolments', 'report_open_milestones', 'report_milestone_days'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY %I ON %I FOR SELECT USING (
            (SELECT medborger_system()) OR ((SELECT medborger_case_staff())
                AND department = (SELECT medborger_department())
                AND (NOT restricted OR team_id = ANY ((SELECT medborger_teams())::uuid[]))))$p$,
            t || '_department', t);
        -- The triggers write as the schema owner, which need not be a superuser.
        EXECUTE format('CREATE POLICY %I ON %I USING ((SELECT medborger_system()))', t || '_system', t);
        EXECUTE format('GRANT SELECT ON %I TO medborger_app', t);
    END LOOP;
END
$$;

CREATE FUNCTION medborger_open_status(status text) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT status IN ('referred', 'active', 'paused') $$;

-- Adds `sign` times one enrolment to the roll-ups: itself, and with it its
-- open milestones (while it is open) and all its milestones' states.
CREATE FUNCTION medborger_rollup_enrolment(e enrolments, sign integer, with_open boolean, with_days boolean)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF with_open AND medborger_open_status(e.status) THEN
        INSERT INTO report_open_enrolments AS r
             VALUES (e.department, e.restricted, e.team_id, e.responsible_caseworker_id, e.programme_code,
                     e.status, sign)
        ON CONFLICT (department, restricted, team_id, caseworker_id, programme_code, status)
        DO UPDATE SET n = r.n + EXCLUDED.n;
        INSERT INTO report_open_milestones AS r
        SELECT e.department, e.restricted, e.team_id, e.responsible_caseworker_id, m.due_date, sign * count(*)
          FROM milestones m
         WHERE m.enrolment_id = e.id AND m.met_on IS NULL AND m.waived_reason IS NULL
         GROUP BY m.due_date ORDER BY m.due_date
        ON CONFLICT (department, restricted, team_id, caseworker_id, due_date) DO UPDATE SET n = r.n + EXCLUDED.n;
    END IF;
    IF with_days THEN
        INSERT INTO report_milestone_days AS r
        SELECT e.department, m.due_date, e.programme_code, m.code, e.restricted,
               CASE WHEN e.restricted THEN e.team_id ELSE '00000000-0000-0000-0000-000000000000'::uuid END,
               sign * count(*),
               sign * count(*) FILTER (WHERE m.met_on <= m.due_date),
               sign * count(*) FILTER (WHERE m.met_on > m.due_date),
               sign * count(*) FILTER (WHERE m.waived_reason IS NOT NULL),
               sign * count(*) FILTER (WHERE m.met_on IS NULL AND m.waived_reason IS NULL)
          FROM milestones m
         WHERE m.enrolment_id = e.id
         GROUP BY m.due_date, m.code ORDER BY m.due_date, m.code
        ON CONFLICT (department, due_date, programme_code, milestone_code, restricted, team_id)
        DO UPDATE SET due = r.due + EXCLUDED.due, met_on_time = r.met_on_time + EXCLUDED.met_on_time,
                      met_late = r.met_late + EXCLUDED.met_late, waived = r.waived + EXCLUDED.waived,
                      open = r.open + EXCLUDED.open;
    END IF;
END
$$;

-- Adds `sign` times one milestone of enrolment `e`.
CREATE FUNCTION medborger_rollup_milestone(e enrolments, m milestones, sign integer)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    is_open boolean := m.met_on IS NULL AND m.waived_reason IS NULL;
BEGIN
    IF is_open AND medborger_open_status(e.status) THEN
        INSERT INTO report_open_milestones AS r
             VALUES (e.department, e.restricted, e.team_id, e.responsible_caseworker_id, m.due_date, sign)
        ON CONFLICT (department, restricted, team_id, caseworker_id, due_date) DO UPDATE SET n = r.n + EXCLUDED.n;
    END IF;
    INSERT INTO report_milestone_days AS r
         VALUES (e.department, m.due_date, e.programme_code, m.code, e.restricted,
                 CASE WHEN e.restricted THEN e.team_id ELSE '00000000-0000-0000-0000-000000000000'::uuid END,
                 sign, sign * coalesce(m.met_on <= m.due_date, false)::int,
                 sign * coalesce(m.met_on > m.due_date, false)::int,
                 sign * (m.waived_reason IS NOT NULL)::int, sign * is_open::int)
    ON CONFLICT (department, due_date, programme_code, milestone_code, restricted, team_id)
    DO UPDATE SET due = r.due + EXCLUDED.due, met_on_time = r.met_on_time + EXCLUDED.met_on_time,
                  met_late = r.met_late + EXCLUDED.met_late, waived = r.waived + EXCLUDED.waived,
                  open = r.open + EXCLUDED.open;
END
$$;

CREATE FUNCTION medborger_enrolments_rollup() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    open_moved boolean;
    days_moved boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM medborger_rollup_enrolment(NEW, 1, true, true);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM medborger_rollup_enrolment(OLD, -1, true, true);
    ELSE
        open_moved := (OLD.status, OLD.department, OLD.restricted, OLD.team_id, OLD.responsible_caseworker_id,
                       OLD.programme_code)
            IS DISTINCT FROM (NEW.status, NEW.department, NEW.restricted, NEW.team_id,
                              NEW.responsible_caseworker_id, NEW.programme_code);
        days_moved := (OLD.department, OLD.restricted, OLD.team_id, OLD.programme_code)
            IS DISTINCT FROM (NEW.department, NEW.restricted, NEW.team_id, NEW.programme_code);
        PERFORM medborger_rollup_enrolment(OLD, -1, open_moved, days_moved);
        PERFORM medborger_rollup_enrolment(NEW, 1, open_moved, days_moved);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER enrolments_rollup_insert_delete AFTER INSERT OR DELETE ON enrolments
    FOR EACH ROW EXECUTE FUNCTION medborger_enrolments_rollup();
-- Not for a note's last_note_at or a milestone's next_due: only what moves
-- an enrolment between the roll-ups' rows.
CREATE TRIGGER enrolments_rollup_update
    AFTER UPDATE OF status, department, restricted, team_id, responsible_caseworker_id, programme_code
    ON enrolments FOR EACH ROW EXECUTE FUNCTION medborger_enrolments_rollup();

CREATE FUNCTION medborger_milestones_rollup() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    e enrolments;
BEGIN
    -- The enrolment is locked (shared): a reassignment or closure beside
    -- this write waits, and then moves the milestone as it now is.
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT * INTO e FROM enrolments WHERE id = OLD.enrolment_id FOR SHARE;
        IF FOUND THEN
            PERFORM medborger_rollup_milestone(e, OLD, -1);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT * INTO e FROM enrolments WHERE id = NEW.enrolment_id FOR SHARE;
        PERFORM medborger_rollup_milestone(e, NEW, 1);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER milestones_rollup_insert_delete AFTER INSERT OR DELETE ON milestones
    FOR EACH ROW EXECUTE FUNCTION medborger_milestones_rollup();
CREATE TRIGGER milestones_rollup_update AFTER UPDATE OF enrolment_id, code, due_date, met_on, waived_reason
    ON milestones FOR EACH ROW EXECUTE FUNCTION medborger_milestones_rollup();

REVOKE ALL ON FUNCTION medborger_rollup_enrolment(enrolments, integer, boolean, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION medborger_rollup_milestone(enrolments, milestones, integer) FROM PUBLIC;

-- Folds the open milestones' dates before `before` into one row per group
-- (dated -infinity). Every sum of dates before `before` stays what it was,
-- so this may run beside any write; the service runs it hourly.
-- Never past yesterday, whatever the caller asks: folding a future date
-- would count it as overdue.
CREATE FUNCTION medborger_compact_report_rollups(before date) RETURNS bigint
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
WITH moved AS (
    DELETE FROM report_open_milestones
     WHERE due_date < least(before, current_date - 1) AND due_date > DATE '-infinity'
 RETURNING department, restricted, team_id, caseworker_id, n
), folded AS (
    INSERT INTO report_open_milestones AS r
    SELECT department, restricted, team_id, caseworker_id, DATE '-infinity', sum(n)
      FROM moved GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (department, restricted, team_id, caseworker_id, due_date) DO UPDATE SET n = r.n + EXCLUDED.n
    RETURNING 1
)
SELECT count(*) FROM folded
$$;
REVOKE ALL ON FUNCTION medborger_compact_report_rollups(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medborger_compact_report_rollups(date) TO medborger_app;

-- Every roll-up from scratch, in one pass: for what is there already, and
-- for the synthetic seed, which writes with triggers off. The schema
-- owner's only.
CREATE FUNCTION medborger_rebuild_report_rollups() RETURNS void
    LANGUAGE sql SET search_path = public, pg_temp AS $$
TRUNCATE report_open_enrolments, report_open_milestones, report_milestone_days;
INSERT INTO report_open_enrolments
SELECT department, restricted, team_id, responsible_caseworker_id, programme_code, status, count(*)
  FROM enrolments WHERE medborger_open_status(status)
 GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO report_open_milestones
SELECT e.department, e.restricted, e.team_id, e.responsible_caseworker_id, m.due_date, count(*)
  FROM milestones m JOIN enrolments e ON e.id = m.enrolment_id
 WHERE m.met_on IS NULL AND m.waived_reason IS NULL AND medborger_open_status(e.status)
 GROUP BY 1, 2, 3, 4, 5;
INSERT INTO report_milestone_days
SELECT e.department, m.due_date, e.programme_code, m.code, e.restricted,
       CASE WHEN e.restricted THEN e.team_id ELSE '00000000-0000-0000-0000-000000000000'::uuid END,
       count(*),
       count(*) FILTER (WHERE m.met_on <= m.due_date),
       count(*) FILTER (WHERE m.met_on > m.due_date),
       count(*) FILTER (WHERE m.waived_reason IS NOT NULL),
       count(*) FILTER (WHERE m.met_on IS NULL AND m.waived_reason IS NULL)
  FROM milestones m JOIN enrolments e ON e.id = m.enrolment_id
 GROUP BY 1, 2, 3, 4, 5, 6;
$$;
REVOKE ALL ON FUNCTION medborger_rebuild_report_rollups() FROM PUBLIC;
SELECT medborger_rebuild_report_rollups();
SELECT medborger_compact_report_rollups(current_date - 1);

-- The caseload audit's counts per caseworker and team, under the caller's
-- row-level security (a manager's own department; the auditor's wrapper
-- below reads past it). `teams`: the restricted teams whose work counts
-- (NULL: none).
CREATE FUNCTION medborger_report_load(departments text[], teams uuid[], now timestamptz, today date)
 RETURNS TABLE(caseworker_id uuid, full_name text, department text, team_id uuid, team_name text,
               team_restricted boolean, open bigint, overdue_milestones bigint, silent_30 bigint,
               silent_60 bigint, silent_90 bigint, without_mentor bigint)
 LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
WITH open AS (
    SELECT r.caseworker_id, r.team_id, r.department, sum(r.n)::bigint AS open
      FROM report_open_enrolments r
     WHERE r.department = ANY (departments) AND (NOT r.restricted OR r.team_id = ANY (teams))
     GROUP BY 1, 2, 3 HAVING sum(r.n) <> 0
), unmentored AS (
    SELECT e.responsible_caseworker_id AS caseworker_id, e.team_id, count(DISTINCT e.citizen_id) AS without_mentor
      FROM enrolments e JOIN programmes p ON p.code = e.programme_code AND p.requires_mentor
     WHERE e.mentor_id IS NULL AND e.status IN ('active', 'paused') AND e.department = ANY (departments)
       AND (NOT e.restricted OR e.team_id = ANY (teams))
     GROUP BY 1, 2
), overdue AS (
    SELECT m.caseworker_id, m.team_id, sum(m.n)::bigint AS overdue
      FROM report_open_milestones m
     WHERE m.department = ANY (departments) AND m.due_date < today
       AND (NOT m.restricted OR m.team_id = ANY (teams))
     GROUP BY 1, 2
), silent AS (
    SELECT e.responsible_caseworker_id AS caseworker_id, e.team_id, count(*) AS silent_30,
           count(*) FILTER (WHERE e.last_activity_at < now - interval '60 days') AS silent_60,
           count(*) FILTER (WHERE e.last_activity_at < now - interval '90 days') AS silent_90
      FROM enrolments e
     WHERE e.status IN ('referred', 'active', 'paused') AND e.department = ANY (departments)
       -- A parameter, so that the condition is leakproof (see the index).
       AND e.last_activity_at < (SELECT now - interval '30 days')
       AND (NOT e.restricted OR e.team_id = ANY (teams))
     GROUP BY 1, 2
)
SELECT o.caseworker_id, u.full_name::text, o.department::text, o.team_id, t.name::text, t.restricted, o.open,
       coalesce(d.overdue, 0), coalesce(s.silent_30, 0), coalesce(s.silent_60, 0), coalesce(s.silent_90, 0),
       coalesce(w.without_mentor, 0)
  FROM open o
  JOIN staff_users u ON u.id = o.caseworker_id
  JOIN teams t ON t.id = o.team_id
  LEFT JOIN overdue d ON d.caseworker_id = o.caseworker_id AND d.team_id = o.team_id
  LEFT JOIN silent s ON s.caseworker_id = o.caseworker_id AND s.team_id = o.team_id
  LEFT JOIN unmentored w ON w.caseworker_id = o.caseworker_id AND w.team_id = o.team_id
 ORDER BY 2, 1, 5
$$;

-- The deadline report's counts by programme and milestone, likewise.
CREATE FUNCTION medborger_report_deadlines(departments text[], teams uuid[], period_from date, period_to date,
    today date, programme text)
 RETURNS TABLE(programme_code text, milestone_code text, name_da text, due bigint, met_on_time bigint,
               met_late bigint, overdue bigint, waived bigint, pending bigint, share_met_on_time_pct double precision)
 LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
SELECT d.programme_code, d.milestone_code, coalesce(min(r.name_da), d.milestone_code)::text,
       sum(d.due)::bigint, sum(d.met_on_time)::bigint, sum(d.met_late)::bigint,
       coalesce(sum(d.open) FILTER (WHERE d.due_date < today), 0)::bigint,
       sum(d.waived)::bigint,
       coalesce(sum(d.open) FILTER (WHERE d.due_date >= today), 0)::bigint,
       round(100.0 * sum(d.met_on_time)
             / nullif(sum(d.met_on_time) + sum(d.met_late)
                      + coalesce(sum(d.open) FILTER (WHERE d.due_date < today), 0), 0), 1)::float8
  FROM report_milestone_days d
  LEFT JOIN milestone_rules r ON r.programme_code = d.programme_code AND r.code = d.milestone_code
 WHERE d.department = ANY (departments) AND d.due_date BETWEEN period_from AND period_to
   AND (programme = '' OR d.programme_code = programme)
   AND (NOT d.restricted OR d.team_id = ANY (teams))
 GROUP BY d.programme_code, d.milestone_code
HAVING sum(d.due) <> 0
 ORDER BY 1, min(r.position), 2
$$;

-- The manager's list of overdue milestones walks the open ones by due date.
CREATE INDEX milestones_open_by_due ON milestones (due_date, enrolment_id)
    WHERE met_on IS NULL AND waived_reason IS NULL;

-- The auditor's aggregates (migration 2026-12-02-100001) read the same
-- roll-ups, past row-level security and never restricted work.
CREATE OR REPLACE FUNCTION medborger_audit_report_load(departments text[], teams uuid[], now timestamptz, today date)
 RETURNS TABLE(caseworker_id uuid, full_name text, department text, team_id uuid, team_name text,
               team_restricted boolean, open bigint, overdue_milestones bigint, silent_30 bigint,
               silent_60 bigint, silent_90 bigint, without_mentor bigint)
 LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT * FROM medborger_report_load(departments, NULL, now, today) WHERE 'auditor' = ANY (medborger_roles())
$$;

CREATE OR REPLACE FUNCTION medborger_audit_report_breakdown(departments text[], teams uuid[])
 RETURNS TABLE(caseworker_id uuid, team_id uuid, programme_code text, status text, count bigint)
 LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT r.caseworker_id, r.team_id, r.programme_code, r.status, r.n::bigint
  FROM report_open_enrolments r
 WHERE r.department = ANY (departments) AND NOT r.restricted AND r.n <> 0 AND 'auditor' = ANY (medborger_roles())
$$;

CREATE OR REPLACE FUNCTION medborger_audit_report_deadlines(departments text[], teams uuid[], period_from date,
    period_to date, today date, programme text)
 RETURNS TABLE(programme_code text, milestone_code text, name_da text, due bigint, met_on_time bigint,
               met_late bigint, overdue bigint, waived bigint, pending bigint, share_met_on_time_pct double precision)
 LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT * FROM medborger_report_deadlines(departments, NULL, period_from, period_to, today, programme)
 WHERE 'auditor' = ANY (medborger_roles())
$$;
