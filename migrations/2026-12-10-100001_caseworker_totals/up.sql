-- Issue 13, S4: the caseload CSV export.
--
-- The export counts every caseworker of a department (4,063 in BIF at 1M).
-- Its open counts were summed from the caseworker roll-up's 51,599
-- programme × status rows on every export: 45 of the load function's 63 ms
-- (measured with auto_explain). This roll-up keeps those sums, one row per
-- caseworker and team, current in the same transaction as the caseworker
-- roll-up (a trigger on it, as the team roll-up of 2026-12-07-100001).

CREATE TABLE report_open_caseworker_enrolments (
    department text NOT NULL,
    restricted boolean NOT NULL,
    team_id uuid NOT NULL,
    caseworker_id uuid NOT NULL,
    n integer NOT NULL,
    PRIMARY KEY (department, restricted, team_id, caseworker_id)
);
ALTER TABLE report_open_caseworker_enrolments ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_open_caseworker_enrolments FORCE ROW LEVEL SECURITY;
CREATE POLICY report_open_caseworker_enrolments_department ON report_open_caseworker_enrolments FOR SELECT USING (
    (SELECT medborger_system()) OR ((SELECT medborger_case_staff())
        AND department = (SELECT medborger_department())
        AND (NOT restricted OR team_id = ANY ((SELECT medborger_teams())::uuid[]))));
CREATE POLICY report_open_caseworker_enrolments_system ON report_open_caseworker_enrolments
    USING ((SELECT medborger_system()));
GRANT SELECT ON report_open_caseworker_enrolments TO medborger_app;

CREATE FUNCTION medborger_caseworker_rollup() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.n <> 0 THEN
        INSERT INTO report_open_caseworker_enrolments AS t
             VALUES (OLD.department, OLD.restricted, OLD.team_id, OLD.caseworker_id, -OLD.n)
        ON CONFLICT (department, restricted, team_id, caseworker_id) DO UPDATE SET n = t.n + EXCLUDED.n;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.n <> 0 THEN
        INSERT INTO report_open_caseworker_enrolments AS t
             VALUES (NEW.department, NEW.restricted, NEW.team_id, NEW.caseworker_id, NEW.n)
        ON CONFLICT (department, restricted, team_id, caseworker_id) DO UPDATE SET n = t.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_open_enrolments_caseworker_rollup AFTER INSERT OR UPDATE OR DELETE ON report_open_enrolments
    FOR EACH ROW EXECUTE FUNCTION medborger_caseworker_rollup();
REVOKE ALL ON FUNCTION medborger_caseworker_rollup() FROM PUBLIC;

INSERT INTO report_open_caseworker_enrolments
SELECT department, restricted, team_id, caseworker_id, sum(n)
  FROM report_open_enrolments GROUP BY 1, 2, 3, 4;

-- The rebuild (the synthetic seed writes with triggers off) fills it too.
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
TRUNCATE report_open_team_enrolments, report_open_caseworker_enrolments;
INSERT INTO report_open_team_enrolments
SELECT department, restricted, team_id, programme_code, status, sum(n)
  FROM report_open_enrolments GROUP BY 1, 2, 3, 4, 5;
INSERT INTO report_open_caseworker_enrolments
SELECT department, restricted, team_id, caseworker_id, sum(n)
  FROM report_open_enrolments GROUP BY 1, 2, 3, 4;
$$;
REVOKE ALL ON FUNCTION medborger_rebuild_report_rollups() FROM PUBLIC;

-- Every caseworker's counts (the CSV export): open from the totals.
CREATE OR REPLACE FUNCTION medborger_report_load(departments text[], teams uuid[], now timestamptz, today date)
 RETURNS TABLE(caseworker_id uuid, full_name text, department text, team_id uuid, team_name text,
               team_restricted boolean, open bigint, overdue_milestones bigint, silent_30 bigint,
               silent_60 bigint, silent_90 bigint, without_mentor bigint)
 LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
WITH open AS (
    -- Summed over `restricted`, as before: one row per caseworker and team.
    SELECT r.caseworker_id, r.team_id, r.department, sum(r.n)::bigint AS open
      FROM report_open_caseworker_enrolments r
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

