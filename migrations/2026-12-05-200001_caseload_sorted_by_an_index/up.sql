-- Issue 13, S2: the caseload page is sorted by the next deadline. Computing
-- that deadline per enrolment (a lateral subquery) made a department's page
-- read and sort every open enrolment of the department (a 503 at a million
-- citizens). The enrolment now carries its next open milestone, kept by the
-- database whenever a milestone changes, and the page walks an index in its
-- own order and stops after a page.
ALTER TABLE enrolments ADD COLUMN next_due_date date, ADD COLUMN next_due_code text;
-- Enrolments without an open milestone sort last.
ALTER TABLE enrolments ADD COLUMN next_due_key date
    GENERATED ALWAYS AS (coalesce(next_due_date, DATE '9999-12-31')) STORED;

-- Recomputes the next open milestone of the enrolments a statement touched.
-- As the schema owner (the service's role has no UPDATE on these columns),
-- once per statement, whatever the number of milestones it wrote.
CREATE FUNCTION medborger_refresh_next_due(touched uuid[]) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
UPDATE enrolments e
   SET next_due_date = n.due_date, next_due_code = n.code
  FROM (SELECT t.id, m.due_date, m.code
          FROM unnest(touched) AS t(id)
          LEFT JOIN LATERAL (SELECT m.due_date, m.code FROM milestones m
                              WHERE m.enrolment_id = t.id AND m.met_on IS NULL AND m.waived_reason IS NULL
                              ORDER BY m.due_date, m.code LIMIT 1) m ON true) n
 WHERE e.id = n.id
   AND (e.next_due_date, e.next_due_code) IS DISTINCT FROM (n.due_date, n.code)
$$;
REVOKE ALL ON FUNCTION medborger_refresh_next_due(uuid[]) FROM PUBLIC;

CREATE FUNCTION medborger_milestones_next_due() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM medborger_refresh_next_due(ARRAY(SELECT DISTINCT enrolment_id FROM new_rows));
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM medborger_refresh_next_due(ARRAY(SELECT DISTINCT enrolment_id FROM old_rows));
        ELSE
            PERFORM medborger_refresh_next_due(ARRAY(SELECT enrolment_id FROM new_rows
                                                     UNION SELECT enrolment_id FROM old_rows));
        END IF;
        RETURN NULL;
    END
    $$;
CREATE TRIGGER milestones_next_due_insert AFTER INSERT ON milestones
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION medborger_milestones_next_due();
CREATE TRIGGER milestones_next_due_update AFTER UPDATE ON milestones
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION medborger_milestones_next_due();
CREATE TRIGGER milestones_next_due_delete AFTER DELETE ON milestones
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION medborger_milestones_next_due();

-- Every enrolment's at once, in one pass: for what is there already, and
-- for the synthetic seed, which writes with triggers off. The schema
-- owner's only.
CREATE FUNCTION medborger_set_every_next_due() RETURNS void
    LANGUAGE sql SET search_path = public, pg_temp AS $$
UPDATE enrolments e
   SET next_due_date = n.due_date, next_due_code = n.code
  FROM (SELECT DISTINCT ON (enrolment_id) enrolment_id, due_date, code
          FROM milestones WHERE met_on IS NULL AND waived_reason IS NULL
         ORDER BY enrolment_id, due_date, code) n
 WHERE e.id = n.enrolment_id
$$;
REVOKE ALL ON FUNCTION medborger_set_every_next_due() FROM PUBLIC;
SELECT medborger_set_every_next_due();

-- The page's order, for each way of asking: a department's, one
-- caseworker's, a mentor's. Open enrolments only.
CREATE INDEX enrolments_department_next_due ON enrolments (department, next_due_key, id)
    WHERE status IN ('referred', 'active', 'paused');
CREATE INDEX enrolments_caseworker_next_due ON enrolments (responsible_caseworker_id, next_due_key, id)
    WHERE status IN ('referred', 'active', 'paused');
CREATE INDEX enrolments_mentor_next_due ON enrolments (mentor_id, next_due_key, id)
    WHERE status IN ('active', 'paused') AND mentor_id IS NOT NULL;
