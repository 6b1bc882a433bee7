DROP FUNCTION medborger_audit_report_outcomes(text[], uuid[], date, date, text);
-- The auditor's outcomes go back to reading every measurement (2026-12-02-100001).
CREATE FUNCTION medborger_audit_report_outcomes(departments text[], teams uuid[], period_from date,
                                                period_to date, programme text)
    RETURNS TABLE (measurement_point text, measured_on date, birth_date date, sex text, district text,
                   origin_group text, origin_region text, menapt boolean, employment_status text,
                   self_supporting boolean, in_education boolean, danish_level text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT q.measurement_point, q.measured_on, q.birth_date, q.sex, q.district, q.origin_group,
       q.origin_region, q.menapt, q.employment_status, q.self_supporting, q.in_education, q.danish_level
  FROM (
    SELECT DISTINCT ON (o.citizen_id, o.measurement_point)
           o.citizen_id, o.measurement_point::text, o.measured_on, c.birth_date, c.sex::text, c.district::text,
           c.origin_group::text, c.origin_region::text, c.menapt,
           o.employment_status::text, o.self_supporting, o.in_education, o.danish_level::text, o.id
      FROM outcomes o
      JOIN enrolments e ON e.id = o.enrolment_id
      JOIN citizens c ON c.id = o.citizen_id
     WHERE e.department = ANY (departments) AND NOT e.restricted
       AND o.measured_on BETWEEN period_from AND period_to
       AND (programme = '' OR e.programme_code = programme)
       AND 'auditor' = ANY (medborger_roles())
     ORDER BY o.citizen_id, o.measurement_point, o.measured_on DESC, o.id DESC) q
 ORDER BY q.measurement_point, q.measured_on, q.birth_date
$$;
REVOKE ALL ON FUNCTION medborger_audit_report_outcomes(text[], uuid[], date, date, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medborger_audit_report_outcomes(text[], uuid[], date, date, text) TO medborger_app;
DROP FUNCTION medborger_report_outcomes_live(text[], uuid[], date, date, text);
DROP FUNCTION medborger_report_outcomes(text, date, date, text);
DROP FUNCTION medborger_rebuild_outcome_rollups();
DROP TRIGGER enrolments_outcomes_rollup ON enrolments;
DROP TRIGGER citizens_outcomes_rollup ON citizens;
DROP TRIGGER outcomes_rollup ON outcomes;
DROP FUNCTION medborger_enrolments_outcomes_rollup();
DROP FUNCTION medborger_citizens_outcomes_rollup();
DROP FUNCTION medborger_outcomes_rollup();
DROP FUNCTION medborger_outcome_recount(uuid, text, date, text);
DROP FUNCTION medborger_outcome_tally(report_outcome_counted, integer);
DROP FUNCTION medborger_outcome_contribution(outcomes);
DROP FUNCTION medborger_outcome_periods(date);
DROP FUNCTION medborger_outcome_dimensions();
DROP INDEX outcomes_citizen_point;
DROP TABLE report_outcome_tallies, report_outcome_counted;
