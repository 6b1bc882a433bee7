-- Issue 13, S4: the caseload audit a page of caseworkers at a time.
--
-- At 1M citizens one department has 4,063 caseworkers: the whole report was
-- 51,599 programme × status cells (5 MB of JSON), and reading them was most
-- of its 108 ms floor. The report now answers a page of caseworker rows (in
-- name order, after a caseworker named by the previous page) with every
-- team row and the totals, which are counted per team in the database.
--
-- Who may read what is unchanged: a manager's functions run under their
-- row-level security; the auditor's definer wrappers answer auditors only,
-- never restricted work (teams = NULL).

-- Open enrolments per team, programme and status: the caseworker roll-up
-- (2026-12-06-100001) summed over caseworkers, kept by a trigger on it, so
-- that the team rows and the totals read ~9,000 rows at 1M, not 56,000.
CREATE TABLE report_open_team_enrolments (
    department text NOT NULL,
    restricted boolean NOT NULL,
    team_id uuid NOT NULL,
    programme_code text NOT NULL,
    status text NOT NULL,
    n integer NOT NULL,
    PRIMARY KEY (department, restricted, team_id, programme_code, status)
);
ALTER TABLE report_open_team_enrolments ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_open_team_enrolments FORCE ROW LEVEL SECURITY;
CREATE POLICY report_open_team_enrolments_department ON report_open_team_enrolments FOR SELECT USING (
    (SELECT medborger_system()) OR ((SELECT medborger_case_staff())
        AND department = (SELECT medborger_department())
        AND (NOT restricted OR team_id = ANY ((SELECT medborger_teams())::uuid[]))));
CREATE POLICY report_open_team_enrolments_system ON report_open_team_enrolments USING ((SELECT medborger_system()));
GRANT SELECT ON report_open_team_enrolments TO medborger_app;

-- Every change of a caseworker row moves its team's row: the old row's
-- count out, the new row's in (the caseworker roll-up's upserts never change
-- a key, but nothing here depends on that).
CREATE FUNCTION medborger_team_rollup() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.n <> 0 THEN
        INSERT INTO report_open_team_enrolments AS t
             VALUES (OLD.department, OLD.restricted, OLD.team_id, OLD.programme_code, OLD.status, -OLD.n)
        ON CONFLICT (department, restricted, team_id, programme_code, status) DO UPDATE SET n = t.n + EXCLUDED.n;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.n <> 0 THEN
        INSERT INTO report_open_team_enrolments AS t
             VALUES (NEW.department, NEW.restricted, NEW.team_id, NEW.programme_code, NEW.status, NEW.n)
        ON CONFLICT (department, restricted, team_id, programme_code, status) DO UPDATE SET n = t.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_open_enrolments_team_rollup AFTER INSERT OR UPDATE OR DELETE ON report_open_enrolments
    FOR EACH ROW EXECUTE FUNCTION medborger_team_rollup();
REVOKE ALL ON FUNCTION medborger_team_rollup() FROM PUBLIC;

-- The rebuild (the synthetic seed writes with triggers off) rebuilds the
-- team roll-up after the others.
CREATE OR REPLACE FUNCTION medborger_rebuild_report_rollups() RETURNS void
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
-- Whatever the trigger added while the caseworker rows were inserted (it is
-- off in the seed) is replaced by the sums.
TRUNCATE report_open_team_enrolments;
INSERT INTO report_open_team_enrolments
SELECT department, restricted, team_id, programme_code, status, sum(n)
  FROM report_open_enrolments GROUP BY 1, 2, 3, 4, 5;
$$;
REVOKE ALL ON FUNCTION medborger_rebuild_report_rollups() FROM PUBLIC;
INSERT INTO report_open_team_enrolments
SELECT department, restricted, team_id, programme_code, status, sum(n)
  FROM report_open_enrolments GROUP BY 1, 2, 3, 4, 5;

-- The page's caseworkers: those with open work in the report, or with
-- break-the-glass grants awaiting review in its departments, in (name, id)
-- order after `after` (NULL: from the start); `lim` of them.
CREATE INDEX report_open_enrolments_by_caseworker ON report_open_enrolments (caseworker_id)
    INCLUDE (department, restricted, team_id, n);

CREATE INDEX staff_users_by_name ON staff_users (full_name, id);

-- Citizens without a required mentor, found by programme: at 1M most of
-- BIF's 230,000 active enrolments have no mentor and 6,903 of them are in a
-- programme that requires one; the index of 2026-12-06-100001, keyed by
-- department alone, was passed over for a 190,000-row heap scan (0.4 s).
-- The programmes come as an array (an init plan: a parameter, leakproof
-- under row-level security) so that the index can be used.
-- It holds every column the policies on enrolments read, so that it can
-- answer alone (an index-only scan) where the table is vacuumed.
-- The caseworker in the key serves a page's caseworkers (without it the
-- planner and-ed the department's 231,000 open enrolments in: 47 ms).
CREATE INDEX enrolments_without_mentor_by_programme
    ON enrolments (department, programme_code, responsible_caseworker_id)
    INCLUDE (team_id, restricted, citizen_id, mentor_id, status)
    WHERE mentor_id IS NULL AND status IN ('active', 'paused');
CREATE FUNCTION medborger_report_caseworkers(departments text[], teams uuid[], after uuid, lim integer)
    RETURNS TABLE (caseworker_id uuid)
    LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
-- Walks the staff in name order and probes each (two index lookups), until
-- the page is full: a page of 50 costs about a hundred probes, where
-- finding every caseworker with open work first read the department's
-- whole roll-up (35-50 ms at 1M).
DECLARE
    from_name text := '';
    from_id uuid := '00000000-0000-0000-0000-000000000000';
    taken integer := 0;
    u record;
BEGIN
    IF after IS NOT NULL THEN
        SELECT a.full_name, a.id INTO from_name, from_id FROM staff_users a WHERE a.id = after;
        IF NOT FOUND THEN
            RETURN;
        END IF;
    END IF;
    FOR u IN SELECT s.id FROM staff_users s WHERE (s.full_name, s.id) > (from_name, from_id)
              ORDER BY s.full_name, s.id LOOP
        EXIT WHEN taken >= lim;
        IF EXISTS (SELECT 1 FROM report_open_enrolments r
                    WHERE r.caseworker_id = u.id AND r.department = ANY (departments) AND r.n <> 0
                      AND (NOT r.restricted OR r.team_id = ANY (teams)))
           OR EXISTS (SELECT 1 FROM access_grants g
                       WHERE g.user_id = u.id AND g.reviewed_at IS NULL AND g.department = ANY (departments)) THEN
            caseworker_id := u.id;
            taken := taken + 1;
            RETURN NEXT;
        END IF;
    END LOOP;
END
$$;

-- The counts per caseworker and team of the page's `caseworkers`, as
-- medborger_report_load of 2026-12-06-100001 counted them. (No "all when
-- NULL": a SQL function's statements are planned once for any parameters,
-- and an `x IS NULL OR …` condition kept every index out: 1.3 s at 1M.)
CREATE FUNCTION medborger_report_load(departments text[], teams uuid[], now timestamptz, today date,
    caseworkers uuid[])
 RETURNS TABLE(caseworker_id uuid, full_name text, department text, team_id uuid, team_name text,
               team_restricted boolean, open bigint, overdue_milestones bigint, silent_30 bigint,
               silent_60 bigint, silent_90 bigint, without_mentor bigint)
 LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
WITH open AS (
    SELECT r.caseworker_id, r.team_id, r.department, sum(r.n)::bigint AS open
      FROM report_open_enrolments r
     WHERE r.department = ANY (departments) AND (NOT r.restricted OR r.team_id = ANY (teams))
       AND r.caseworker_id = ANY (caseworkers)
     GROUP BY 1, 2, 3 HAVING sum(r.n) <> 0
), unmentored AS (
    SELECT e.responsible_caseworker_id AS caseworker_id, e.team_id, count(DISTINCT e.citizen_id) AS without_mentor
      FROM enrolments e
     WHERE e.mentor_id IS NULL AND e.status IN ('active', 'paused') AND e.department = ANY (departments)
       AND e.programme_code = ANY (ARRAY(SELECT p.code FROM programmes p WHERE p.requires_mentor))
       AND (NOT e.restricted OR e.team_id = ANY (teams))
       AND e.responsible_caseworker_id = ANY (caseworkers)
     GROUP BY 1, 2
), overdue AS (
    SELECT m.caseworker_id, m.team_id, sum(m.n)::bigint AS overdue
      FROM report_open_milestones m
     WHERE m.department = ANY (departments) AND m.due_date < today
       AND (NOT m.restricted OR m.team_id = ANY (teams))
       AND m.caseworker_id = ANY (caseworkers)
     GROUP BY 1, 2
), silent AS (
    SELECT e.responsible_caseworker_id AS caseworker_id, e.team_id, count(*) AS silent_30,
           count(*) FILTER (WHERE e.last_activity_at < now - interval '60 days') AS silent_60,
           count(*) FILTER (WHERE e.last_activity_at < now - interval '90 days') AS silent_90
      FROM enrolments e
     WHERE e.status IN ('referred', 'active', 'paused') AND e.department = ANY (departments)
       -- A parameter, so that the condition is leakproof (2026-12-06-100001).
       AND e.last_activity_at < (SELECT now - interval '30 days')
       AND (NOT e.restricted OR e.team_id = ANY (teams))
       AND e.responsible_caseworker_id = ANY (caseworkers)
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
$$;

-- Every caseworker's (the CSV export): the function of 2026-12-06-100001,
-- with citizens without a required mentor found by programme as above. A
-- page's function with every caseworker's id would probe the indexes once
-- per id (0.9 s at 1M).
CREATE OR REPLACE FUNCTION medborger_report_load(departments text[], teams uuid[], now timestamptz, today date)
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
      FROM enrolments e
     WHERE e.mentor_id IS NULL AND e.status IN ('active', 'paused') AND e.department = ANY (departments)
       AND e.programme_code = ANY (ARRAY(SELECT p.code FROM programmes p WHERE p.requires_mentor))
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
       -- A parameter, so that the condition is leakproof (2026-12-06-100001).
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
$$;

-- The same counts per team: the team rows and, summed, the totals. Open
-- from the team roll-up; the rest from the caseworker sources, per team.
CREATE FUNCTION medborger_report_team_load(departments text[], teams uuid[], now timestamptz, today date)
 RETURNS TABLE(team_id uuid, team_name text, department text, team_restricted boolean, open bigint,
               overdue_milestones bigint, silent_30 bigint, silent_60 bigint, silent_90 bigint,
               without_mentor bigint)
 LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
WITH open AS (
    SELECT r.team_id, r.department, sum(r.n)::bigint AS open
      FROM report_open_team_enrolments r
     WHERE r.department = ANY (departments) AND (NOT r.restricted OR r.team_id = ANY (teams))
     GROUP BY 1, 2 HAVING sum(r.n) <> 0
), unmentored AS (
    -- As the caseworker rows count them: distinct citizens per caseworker
    -- and team, summed over the team.
    SELECT c.team_id, sum(c.n)::bigint AS without_mentor
      FROM (SELECT e.team_id, count(DISTINCT e.citizen_id) AS n
              FROM enrolments e
             WHERE e.mentor_id IS NULL AND e.status IN ('active', 'paused') AND e.department = ANY (departments)
               AND e.programme_code = ANY (ARRAY(SELECT p.code FROM programmes p WHERE p.requires_mentor))
               AND (NOT e.restricted OR e.team_id = ANY (teams))
             GROUP BY e.responsible_caseworker_id, e.team_id) c
     GROUP BY 1
), overdue AS (
    SELECT m.team_id, sum(m.n)::bigint AS overdue
      FROM report_open_milestones m
     WHERE m.department = ANY (departments) AND m.due_date < today
       AND (NOT m.restricted OR m.team_id = ANY (teams))
     GROUP BY 1
), silent AS (
    SELECT e.team_id, count(*) AS silent_30,
           count(*) FILTER (WHERE e.last_activity_at < now - interval '60 days') AS silent_60,
           count(*) FILTER (WHERE e.last_activity_at < now - interval '90 days') AS silent_90
      FROM enrolments e
     WHERE e.status IN ('referred', 'active', 'paused') AND e.department = ANY (departments)
       AND e.last_activity_at < (SELECT now - interval '30 days')
       AND (NOT e.restricted OR e.team_id = ANY (teams))
     GROUP BY 1
)
SELECT o.team_id, t.name::text, o.department::text, t.restricted, o.open,
       coalesce(d.overdue, 0), coalesce(s.silent_30, 0), coalesce(s.silent_60, 0), coalesce(s.silent_90, 0),
       coalesce(w.without_mentor, 0)
  FROM open o
  JOIN teams t ON t.id = o.team_id
  LEFT JOIN overdue d ON d.team_id = o.team_id
  LEFT JOIN silent s ON s.team_id = o.team_id
  LEFT JOIN unmentored w ON w.team_id = o.team_id
$$;

-- Open enrolments by programme and status: per caseworker and team of the
-- page, and per team.
CREATE FUNCTION medborger_report_breakdown(departments text[], teams uuid[], caseworkers uuid[])
    RETURNS TABLE (caseworker_id uuid, team_id uuid, programme_code text, status text, count bigint)
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
SELECT r.caseworker_id, r.team_id, r.programme_code, r.status, r.n::bigint
  FROM report_open_enrolments r
 WHERE r.caseworker_id = ANY (caseworkers) AND r.department = ANY (departments)
   AND (NOT r.restricted OR r.team_id = ANY (teams)) AND r.n <> 0
$$;

CREATE FUNCTION medborger_report_team_breakdown(departments text[], teams uuid[])
    RETURNS TABLE (team_id uuid, programme_code text, status text, count bigint)
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
SELECT r.team_id, r.programme_code, r.status, r.n::bigint
  FROM report_open_team_enrolments r
 WHERE r.department = ANY (departments) AND (NOT r.restricted OR r.team_id = ANY (teams)) AND r.n <> 0
$$;

-- The auditor's wrappers: past row-level security, auditors only, never
-- restricted work.
CREATE FUNCTION medborger_audit_report_caseworkers(departments text[], teams uuid[], after uuid, lim integer)
    RETURNS TABLE (caseworker_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT * FROM medborger_report_caseworkers(departments, NULL, after, lim) WHERE 'auditor' = ANY (medborger_roles())
$$;

CREATE FUNCTION medborger_audit_report_load(departments text[], teams uuid[], now timestamptz, today date,
    caseworkers uuid[])
 RETURNS TABLE(caseworker_id uuid, full_name text, department text, team_id uuid, team_name text,
               team_restricted boolean, open bigint, overdue_milestones bigint, silent_30 bigint,
               silent_60 bigint, silent_90 bigint, without_mentor bigint)
 LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT * FROM medborger_report_load(departments, NULL, now, today, caseworkers)
 WHERE 'auditor' = ANY (medborger_roles())
$$;

CREATE FUNCTION medborger_audit_report_team_load(departments text[], teams uuid[], now timestamptz, today date)
 RETURNS TABLE(team_id uuid, team_name text, department text, team_restricted boolean, open bigint,
               overdue_milestones bigint, silent_30 bigint, silent_60 bigint, silent_90 bigint,
               without_mentor bigint)
 LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT * FROM medborger_report_team_load(departments, NULL, now, today) WHERE 'auditor' = ANY (medborger_roles())
$$;

CREATE FUNCTION medborger_audit_report_breakdown(departments text[], teams uuid[], caseworkers uuid[])
    RETURNS TABLE (caseworker_id uuid, team_id uuid, programme_code text, status text, count bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT * FROM medborger_report_breakdown(departments, NULL, caseworkers) WHERE 'auditor' = ANY (medborger_roles())
$$;

CREATE FUNCTION medborger_audit_report_team_breakdown(departments text[], teams uuid[])
    RETURNS TABLE (team_id uuid, programme_code text, status text, count bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT * FROM medborger_report_team_breakdown(departments, NULL) WHERE 'auditor' = ANY (medborger_roles())
$$;

REVOKE ALL ON FUNCTION medborger_audit_report_caseworkers(text[], uuid[], uuid, integer),
    medborger_audit_report_load(text[], uuid[], timestamptz, date, uuid[]),
    medborger_audit_report_team_load(text[], uuid[], timestamptz, date),
    medborger_audit_report_breakdown(text[], uuid[], uuid[]),
    medborger_audit_report_team_breakdown(text[], uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medborger_audit_report_caseworkers(text[], uuid[], uuid, integer),
    medborger_audit_report_load(text[], uuid[], timestamptz, date, uuid[]),
    medborger_audit_report_team_load(text[], uuid[], timestamptz, date),
    medborger_audit_report_breakdown(text[], uuid[], uuid[]),
    medborger_audit_report_team_breakdown(text[], uuid[]) TO medborger_app;
