-- Issue 13, S4: the outcome report reads tallies that the database keeps in
-- the same transaction as every outcome, instead of picking each citizen's
-- latest measurement out of every outcome of the period on each request
-- (a 503 at a million citizens).
--
-- The report counts people: each citizen once per measurement point and
-- period, with their latest measurement in it (door 11's discretion is about
-- people, so a count must never be of enrolments). Which measurement is the
-- latest depends on what the reader may see, so it is chosen per scope:
-- a department's work ('bif', …) and the whole city's ('*'), never
-- restricted work (a restricted team's manager, who sees it, is answered by
-- a query of their own: medborger_report_outcomes_live). A restricted
-- measurement therefore never moves a person in a report outside its team.
-- The choice cannot be summed from smaller periods either, so it is kept for
-- each kind of period the report offers: a quarter, a half-year and a year.
--
-- report_outcome_counted keeps, per citizen, point, period and scope, the
-- measurement that counts and what it added to the tallies, so that it can
-- be taken back exactly when a later one replaces it or the citizen's
-- details change. The person counts in the programme of that measurement.
-- report_outcome_tallies holds, per period, scope, programme and point, the
-- people and how many of them were in wage employment, self-supporting, in
-- education, at Danish A2 or above and at B1 or above: in total and by each
-- group of six breakdowns (origin region, MENAPT, origin group, sex, age
-- band at measurement, district).

CREATE TABLE report_outcome_counted (
    citizen_id uuid NOT NULL,
    measurement_point text NOT NULL,
    period_start date NOT NULL,
    period_end date NOT NULL,
    scope text NOT NULL,
    outcome_id uuid NOT NULL,
    programme_code text NOT NULL,
    groups text[] NOT NULL,
    wage integer NOT NULL,
    self_supporting integer NOT NULL,
    education integer NOT NULL,
    a2 integer NOT NULL,
    b1 integer NOT NULL,
    PRIMARY KEY (citizen_id, measurement_point, period_start, period_end, scope)
);

CREATE TABLE report_outcome_tallies (
    period_start date NOT NULL,
    period_end date NOT NULL,
    scope text NOT NULL,
    programme_code text NOT NULL,
    measurement_point text NOT NULL,
    dimension text NOT NULL,
    grp text NOT NULL,
    people bigint NOT NULL,
    wage bigint NOT NULL,
    self_supporting bigint NOT NULL,
    education bigint NOT NULL,
    a2 bigint NOT NULL,
    b1 bigint NOT NULL,
    PRIMARY KEY (period_start, period_end, scope, programme_code, measurement_point, dimension, grp)
);

-- A citizen's measurements at a point, latest first.
CREATE INDEX outcomes_citizen_point ON outcomes (citizen_id, measurement_point, measured_on DESC, id DESC);

-- A manager reads their department's scope (no restricted work is in it).
ALTER TABLE report_outcome_tallies ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_outcome_tallies FORCE ROW LEVEL SECURITY;
CREATE POLICY report_outcome_tallies_department ON report_outcome_tallies FOR SELECT USING (
    (SELECT medborger_system()) OR ((SELECT medborger_case_staff()) AND scope = (SELECT medborger_department())));
-- The triggers write as the schema owner, which need not be a superuser.
CREATE POLICY report_outcome_tallies_system ON report_outcome_tallies USING ((SELECT medborger_system()));
GRANT SELECT ON report_outcome_tallies TO medborger_app;
-- Which measurement counts names citizens: the owner's only.
ALTER TABLE report_outcome_counted ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_outcome_counted FORCE ROW LEVEL SECURITY;
CREATE POLICY report_outcome_counted_system ON report_outcome_counted USING ((SELECT medborger_system()));

-- The six breakdowns' dimensions, in the order of `groups`.
CREATE FUNCTION medborger_outcome_dimensions() RETURNS text[]
    LANGUAGE sql IMMUTABLE AS $$
SELECT ARRAY['total', 'origin_region', 'menapt', 'origin_group', 'sex', 'age_band', 'district']
$$;

-- The quarter, half-year and year that contain `d`: (start, end) pairs.
CREATE FUNCTION medborger_outcome_periods(d date) RETURNS TABLE (period_start date, period_end date)
    LANGUAGE sql IMMUTABLE AS $$
SELECT s::date, (s + m * interval '1 month' - interval '1 day')::date
  FROM (VALUES (date_trunc('quarter', d::timestamp), 3),
               (date_trunc('year', d::timestamp) + CASE WHEN extract(month FROM d) > 6 THEN interval '6 months'
                                                        ELSE interval '0' END, 6),
               (date_trunc('year', d::timestamp), 12)) AS p(s, m)
$$;

-- What one measurement adds: the citizen's group in each breakdown and the
-- five shares' numerators, as the report made them before
-- (src/reports/outcomes.rs). A plain SQL function, so that a join inlines it
-- (three times faster than a call per row), under its caller's row-level
-- security.
CREATE FUNCTION medborger_outcome_contribution(o outcomes)
    RETURNS TABLE (groups text[], wage integer, self_supporting integer, education integer, a2 integer, b1 integer)
    LANGUAGE sql STABLE AS $$
SELECT ARRAY['total',
             coalesce(c.origin_region, 'unknown'),
             CASE WHEN c.menapt THEN 'menapt' ELSE 'not_menapt' END,
             coalesce(c.origin_group, 'dansk_oprindelse_eller_ukendt'),
             c.sex,
             CASE WHEN a.age <= 17 THEN 'under_18' WHEN a.age <= 29 THEN '18_29' WHEN a.age <= 39 THEN '30_39'
                  WHEN a.age <= 49 THEN '40_49' WHEN a.age <= 64 THEN '50_64' ELSE '65_plus' END,
             coalesce(c.district, 'unknown')],
       (o.employment_status = 'wage_employment')::int,
       o.self_supporting::int,
       (o.in_education OR o.employment_status = 'education')::int,
       coalesce(o.danish_level IN ('a2', 'b1', 'b2', 'c1', 'c2'), false)::int,
       coalesce(o.danish_level IN ('b1', 'b2', 'c1', 'c2'), false)::int
  FROM citizens c, LATERAL (SELECT extract(year FROM age(o.measured_on, c.birth_date))::int AS age) a
 WHERE c.id = o.citizen_id
$$;

-- Adds `sign` times one counted measurement to the tallies.
CREATE FUNCTION medborger_outcome_tally(k report_outcome_counted, sign integer) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
INSERT INTO report_outcome_tallies AS t
SELECT k.period_start, k.period_end, k.scope, k.programme_code, k.measurement_point, d.dimension, d.grp, sign,
       sign * k.wage, sign * k.self_supporting, sign * k.education, sign * k.a2, sign * k.b1
  FROM unnest(medborger_outcome_dimensions(), k.groups) AS d(dimension, grp)
 ORDER BY d.dimension, d.grp
ON CONFLICT (period_start, period_end, scope, programme_code, measurement_point, dimension, grp)
DO UPDATE SET people = t.people + EXCLUDED.people, wage = t.wage + EXCLUDED.wage,
              self_supporting = t.self_supporting + EXCLUDED.self_supporting,
              education = t.education + EXCLUDED.education, a2 = t.a2 + EXCLUDED.a2, b1 = t.b1 + EXCLUDED.b1
$$;

-- Counts again who a citizen is at a point in the periods containing `d`, in
-- `department`'s scope and the city's: takes back what the measurement
-- counted so far added, adds what the latest one adds now.
CREATE FUNCTION medborger_outcome_recount(citizen uuid, point text, d date, department text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    p record;
    s text;
    was report_outcome_counted;
    now_counted report_outcome_counted;
    latest outcomes;
BEGIN
    -- One recount of a citizen at a time, and none beside a change of their
    -- details: each sees the other's (the lock conflicts with the UPDATE's).
    PERFORM 1 FROM citizens c WHERE c.id = citizen FOR SHARE;
    FOREACH s IN ARRAY ARRAY[department, '*'] LOOP
        FOR p IN SELECT * FROM medborger_outcome_periods(d) LOOP
            SELECT * INTO was FROM report_outcome_counted k
             WHERE k.citizen_id = citizen AND k.measurement_point = point
               AND k.period_start = p.period_start AND k.period_end = p.period_end AND k.scope = s
               FOR UPDATE;
            SELECT o.* INTO latest FROM outcomes o JOIN enrolments e ON e.id = o.enrolment_id
             WHERE o.citizen_id = citizen AND o.measurement_point = point
               AND o.measured_on BETWEEN p.period_start AND p.period_end
               AND NOT e.restricted AND (s = '*' OR e.department = s)
             ORDER BY o.measured_on DESC, o.id DESC LIMIT 1;
            now_counted := NULL;
            IF latest.id IS NOT NULL THEN
                SELECT citizen, point, p.period_start, p.period_end, s, latest.id, e.programme_code, x.*
                  INTO now_counted
                  FROM enrolments e, medborger_outcome_contribution(latest) x
                 WHERE e.id = latest.enrolment_id;
            END IF;
            CONTINUE WHEN was IS NOT DISTINCT FROM now_counted;
            IF was.citizen_id IS NOT NULL THEN
                PERFORM medborger_outcome_tally(was, -1);
                DELETE FROM report_outcome_counted k
                 WHERE k.citizen_id = citizen AND k.measurement_point = point
                   AND k.period_start = p.period_start AND k.period_end = p.period_end AND k.scope = s;
            END IF;
            IF now_counted.citizen_id IS NOT NULL THEN
                PERFORM medborger_outcome_tally(now_counted, 1);
                INSERT INTO report_outcome_counted VALUES (now_counted.*);
            END IF;
        END LOOP;
    END LOOP;
END
$$;

CREATE FUNCTION medborger_outcomes_rollup() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM medborger_outcome_recount(OLD.citizen_id, OLD.measurement_point, OLD.measured_on, e.department)
           FROM enrolments e WHERE e.id = OLD.enrolment_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM medborger_outcome_recount(NEW.citizen_id, NEW.measurement_point, NEW.measured_on, e.department)
           FROM enrolments e WHERE e.id = NEW.enrolment_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER outcomes_rollup AFTER INSERT OR UPDATE OR DELETE ON outcomes
    FOR EACH ROW EXECUTE FUNCTION medborger_outcomes_rollup();

-- A citizen's breakdown fields changed: every measurement of theirs counted again.
CREATE FUNCTION medborger_citizens_outcomes_rollup() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE k record;
BEGIN
    FOR k IN SELECT DISTINCT o.measurement_point, o.measured_on, e.department
               FROM outcomes o JOIN enrolments e ON e.id = o.enrolment_id
              WHERE o.citizen_id = NEW.id ORDER BY 1, 2, 3 LOOP
        PERFORM medborger_outcome_recount(NEW.id, k.measurement_point, k.measured_on, k.department);
    END LOOP;
    RETURN NULL;
END
$$;
CREATE TRIGGER citizens_outcomes_rollup
    AFTER UPDATE OF birth_date, sex, district, origin_group, origin_region, menapt ON citizens FOR EACH ROW
    WHEN ((OLD.birth_date, OLD.sex, OLD.district, OLD.origin_group, OLD.origin_region, OLD.menapt)
          IS DISTINCT FROM (NEW.birth_date, NEW.sex, NEW.district, NEW.origin_group, NEW.origin_region, NEW.menapt))
    EXECUTE FUNCTION medborger_citizens_outcomes_rollup();

-- An enrolment changed department, restriction or programme: its
-- measurements counted again, where they were and where they are.
CREATE FUNCTION medborger_enrolments_outcomes_rollup() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE k record;
BEGIN
    FOR k IN SELECT DISTINCT o.citizen_id, o.measurement_point, o.measured_on
               FROM outcomes o WHERE o.enrolment_id = NEW.id ORDER BY 1, 2, 3 LOOP
        PERFORM medborger_outcome_recount(k.citizen_id, k.measurement_point, k.measured_on, OLD.department);
        IF NEW.department <> OLD.department THEN
            PERFORM medborger_outcome_recount(k.citizen_id, k.measurement_point, k.measured_on, NEW.department);
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
CREATE TRIGGER enrolments_outcomes_rollup AFTER UPDATE OF department, restricted, programme_code
    ON enrolments FOR EACH ROW
    WHEN ((OLD.department, OLD.restricted, OLD.programme_code)
          IS DISTINCT FROM (NEW.department, NEW.restricted, NEW.programme_code))
    EXECUTE FUNCTION medborger_enrolments_outcomes_rollup();

REVOKE ALL ON FUNCTION medborger_outcome_contribution(outcomes),
    medborger_outcome_tally(report_outcome_counted, integer),
    medborger_outcome_recount(uuid, text, date, text) FROM PUBLIC;

-- Everything from scratch in one pass: for what is there already, and for
-- the synthetic seed, which writes with triggers off. The owner's only.
CREATE FUNCTION medborger_rebuild_outcome_rollups() RETURNS void
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
REVOKE ALL ON FUNCTION medborger_rebuild_outcome_rollups() FROM PUBLIC;
SELECT medborger_rebuild_outcome_rollups();

-- The report's tallies for one whole period and one scope (a department, or
-- '*' for the city), under the caller's row-level security.
CREATE FUNCTION medborger_report_outcomes(scope text, period_from date, period_to date, programme text)
    RETURNS TABLE (measurement_point text, dimension text, grp text, people bigint, wage bigint,
                   self_supporting bigint, education bigint, a2 bigint, b1 bigint)
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
SELECT t.measurement_point, t.dimension, t.grp, sum(t.people)::bigint, sum(t.wage)::bigint,
       sum(t.self_supporting)::bigint, sum(t.education)::bigint, sum(t.a2)::bigint, sum(t.b1)::bigint
  FROM report_outcome_tallies t
 WHERE t.period_start = period_from AND t.period_end = period_to AND t.scope = medborger_report_outcomes.scope
   AND (programme = '' OR t.programme_code = programme)
 GROUP BY 1, 2, 3
HAVING sum(t.people) <> 0
 ORDER BY 1, 2, 3
$$;

-- A restricted team's manager: their department with their teams'
-- restricted work, counted from the measurements, under their row-level
-- security, with the same rule (each citizen once per point, the latest
-- measurement they may see, in its programme).
CREATE FUNCTION medborger_report_outcomes_live(departments text[], teams uuid[], period_from date, period_to date,
    programme text)
    RETURNS TABLE (measurement_point text, dimension text, grp text, people bigint, wage bigint,
                   self_supporting bigint, education bigint, a2 bigint, b1 bigint)
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
WITH counted AS (
    SELECT DISTINCT ON (o.citizen_id, o.measurement_point) o AS outcome, e.programme_code
      FROM outcomes o JOIN enrolments e ON e.id = o.enrolment_id
     WHERE e.department = ANY (departments) AND (NOT e.restricted OR e.team_id = ANY (teams))
       AND o.measured_on BETWEEN period_from AND period_to
     ORDER BY o.citizen_id, o.measurement_point, o.measured_on DESC, o.id DESC
)
SELECT (k.outcome).measurement_point, d.dimension, d.grp, count(*), sum(x.wage), sum(x.self_supporting),
       sum(x.education), sum(x.a2), sum(x.b1)
  FROM counted k
 CROSS JOIN LATERAL medborger_outcome_contribution(k.outcome) x
 CROSS JOIN LATERAL unnest(medborger_outcome_dimensions(), x.groups) AS d(dimension, grp)
 WHERE programme = '' OR k.programme_code = programme
 GROUP BY 1, 2, 3
 ORDER BY 1, 2, 3
$$;
GRANT EXECUTE ON FUNCTION medborger_outcome_contribution(outcomes) TO medborger_app;

-- The auditor's, past row-level security and never restricted work: one
-- department, or (several) the city's scope.
DROP FUNCTION medborger_audit_report_outcomes(text[], uuid[], date, date, text);
CREATE FUNCTION medborger_audit_report_outcomes(departments text[], teams uuid[], period_from date,
                                                period_to date, programme text)
    RETURNS TABLE (measurement_point text, dimension text, grp text, people bigint, wage bigint,
                   self_supporting bigint, education bigint, a2 bigint, b1 bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT * FROM medborger_report_outcomes(CASE WHEN cardinality(departments) = 1 THEN departments[1] ELSE '*' END,
                                        period_from, period_to, programme)
 WHERE 'auditor' = ANY (medborger_roles())
$$;
REVOKE ALL ON FUNCTION medborger_audit_report_outcomes(text[], uuid[], date, date, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medborger_audit_report_outcomes(text[], uuid[], date, date, text) TO medborger_app;
