DROP TRIGGER report_open_enrolments_caseworker_rollup ON report_open_enrolments;
DROP FUNCTION medborger_caseworker_rollup();
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

DROP TABLE report_open_caseworker_enrolments;
