-- City scale, fifth run (issue 13).
--
-- 1. Silent cases from the index alone. The caseload report counts a
--    department's (and a page of caseworkers') open enrolments without
--    activity for 30/60/90 days. The index of 2026-12-06-100001 held the
--    activity but not every column the policies on enrolments read, so each
--    match was fetched from the table: at 1M, 3,585 matches in 3,401 heap
--    pages, 11 ms for the department and 8 ms for a page of 50 caseworkers
--    (whose index, keyed by department, held the whole department's rows).
--    Both indexes below hold every column the policies read (an index-only
--    scan where the table is vacuumed); the second is keyed by caseworker,
--    and holds the programme too, so that a page's citizens without a
--    required mentor are counted from it as well.
DROP INDEX enrolments_open_activity;
CREATE INDEX enrolments_open_activity ON enrolments (department, last_activity_at)
    INCLUDE (responsible_caseworker_id, team_id, restricted, mentor_id, citizen_id, status)
    WHERE status IN ('referred', 'active', 'paused');
CREATE INDEX enrolments_caseworker_activity ON enrolments (responsible_caseworker_id, last_activity_at)
    INCLUDE (team_id, department, restricted, mentor_id, citizen_id, status, programme_code)
    WHERE status IN ('referred', 'active', 'paused');
-- Superseded by enrolments_without_mentor_by_programme (2026-12-07-100001):
-- no query uses it, and every write of an enrolment paid for it.
DROP INDEX enrolments_without_mentor;

-- 2. The outcome tallies rebuilt in two steps. The one-step rebuild unnested
--    every counted row (at 1M ~20M: citizen × point × period × scope) into
--    one row per dimension and grouped those; most counted rows share their
--    period, scope, programme, point and groups, so they are summed first and
--    the far fewer sums unnested (at 100,000 citizens: 1.9M counted rows in
--    0.66M sums, 53 s → 13 s, the same tallies).
CREATE OR REPLACE FUNCTION medborger_rebuild_outcome_rollups() RETURNS void
    LANGUAGE sql SET search_path = public, pg_temp AS $$
TRUNCATE report_outcome_counted, report_outcome_tallies;
INSERT INTO report_outcome_counted
SELECT DISTINCT ON (o.citizen_id, o.measurement_point, p.period_start, p.period_end, s.scope)
       o.citizen_id, o.measurement_point, p.period_start, p.period_end, s.scope, o.id, e.programme_code, x.*
  FROM outcomes o
  JOIN enrolments e ON e.id = o.enrolment_id AND NOT e.restricted
 CROSS JOIN LATERAL (VALUES (e.department), ('*')) AS s(scope)
 CROSS JOIN LATERAL medborger_outcome_periods(o.measured_on) p
 CROSS JOIN LATERAL medborger_outcome_contribution(o) x
 ORDER BY o.citizen_id, o.measurement_point, p.period_start, p.period_end, s.scope, o.measured_on DESC, o.id DESC;
INSERT INTO report_outcome_tallies
SELECT c.period_start, c.period_end, c.scope, c.programme_code, c.measurement_point, d.dimension, d.grp,
       sum(c.people), sum(c.wage), sum(c.self_supporting), sum(c.education), sum(c.a2), sum(c.b1)
  FROM (SELECT k.period_start, k.period_end, k.scope, k.programme_code, k.measurement_point, k.groups,
               count(*) AS people, sum(k.wage) AS wage, sum(k.self_supporting) AS self_supporting,
               sum(k.education) AS education, sum(k.a2) AS a2, sum(k.b1) AS b1
          FROM report_outcome_counted k
         GROUP BY 1, 2, 3, 4, 5, 6) c
 CROSS JOIN LATERAL unnest(medborger_outcome_dimensions(), c.groups) AS d(dimension, grp)
 GROUP BY 1, 2, 3, 4, 5, 6, 7;
$$;
REVOKE ALL ON FUNCTION medborger_rebuild_outcome_rollups() FROM PUBLIC;
