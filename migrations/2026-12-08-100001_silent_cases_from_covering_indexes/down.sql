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
SELECT k.period_start, k.period_end, k.scope, k.programme_code, k.measurement_point, d.dimension, d.grp,
       count(*), sum(k.wage), sum(k.self_supporting), sum(k.education), sum(k.a2), sum(k.b1)
  FROM report_outcome_counted k
 CROSS JOIN LATERAL unnest(medborger_outcome_dimensions(), k.groups) AS d(dimension, grp)
 GROUP BY 1, 2, 3, 4, 5, 6, 7;
$$;
DROP INDEX enrolments_caseworker_activity;
DROP INDEX enrolments_open_activity;
CREATE INDEX enrolments_open_activity ON enrolments (department, last_activity_at)
    INCLUDE (responsible_caseworker_id, team_id, restricted)
    WHERE status IN ('referred', 'active', 'paused');
CREATE INDEX enrolments_without_mentor ON enrolments (department)
    INCLUDE (responsible_caseworker_id, team_id, restricted, programme_code, citizen_id)
    WHERE mentor_id IS NULL AND status IN ('active', 'paused');
