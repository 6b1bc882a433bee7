DROP INDEX milestones_open_by_due;
DROP TRIGGER milestones_rollup_update ON milestones;
DROP TRIGGER milestones_rollup_insert_delete ON milestones;
DROP TRIGGER enrolments_rollup_update ON enrolments;
DROP TRIGGER enrolments_rollup_insert_delete ON enrolments;
DROP FUNCTION medborger_milestones_rollup();
DROP FUNCTION medborger_enrolments_rollup();
DROP FUNCTION medborger_rollup_milestone(enrolments, milestones, integer);
DROP FUNCTION medborger_rollup_enrolment(enrolments, integer, boolean, boolean);
DROP FUNCTION medborger_compact_report_rollups(date);
DROP FUNCTION medborger_rebuild_report_rollups();
-- The auditor's functions go back to counting the rows (2026-12-02-100001).
CREATE OR REPLACE FUNCTION medborger_audit_report_load(departments text[], teams uuid[], now timestamptz, today date)
    RETURNS TABLE (caseworker_id uuid, full_name text, department text, team_id uuid, team_name text,
                   team_restricted boolean, open bigint, overdue_milestones bigint, silent_30 bigint,
                   silent_60 bigint, silent_90 bigint, without_mentor bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT e.responsible_caseworker_id, u.full_name::text, e.department::text,
       e.team_id, t.name::text, t.restricted,
       count(*),
       coalesce(sum(m.overdue), 0)::bigint,
       count(*) FILTER (WHERE coalesce(e.last_note_at, e.created_at) < now - interval '30 days'),
       count(*) FILTER (WHERE coalesce(e.last_note_at, e.created_at) < now - interval '60 days'),
       count(*) FILTER (WHERE coalesce(e.last_note_at, e.created_at) < now - interval '90 days'),
       count(DISTINCT e.citizen_id) FILTER (WHERE p.requires_mentor AND e.mentor_id IS NULL
                                              AND e.status IN ('active', 'paused'))
  FROM enrolments e
  JOIN programmes p ON p.code = e.programme_code
  JOIN staff_users u ON u.id = e.responsible_caseworker_id
  JOIN teams t ON t.id = e.team_id
  LEFT JOIN LATERAL (
        SELECT count(*) AS overdue FROM milestones m
         WHERE m.enrolment_id = e.id AND m.met_on IS NULL AND m.waived_reason IS NULL AND m.due_date < today
  ) m ON true
 WHERE e.status IN ('referred', 'active', 'paused')
   AND e.department = ANY (departments) AND NOT e.restricted
   AND 'auditor' = ANY (medborger_roles())
 GROUP BY 1, 2, 3, 4, 5, 6
 ORDER BY 2, 1, 5
$$;

CREATE OR REPLACE FUNCTION medborger_audit_report_breakdown(departments text[], teams uuid[])
    RETURNS TABLE (caseworker_id uuid, team_id uuid, programme_code text, status text, count bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT e.responsible_caseworker_id, e.team_id, e.programme_code::text, e.status::text, count(*)
  FROM enrolments e
 WHERE e.status IN ('referred', 'active', 'paused')
   AND e.department = ANY (departments) AND NOT e.restricted
   AND 'auditor' = ANY (medborger_roles())
 GROUP BY 1, 2, 3, 4
 ORDER BY 3, 4
$$;

CREATE OR REPLACE FUNCTION medborger_audit_report_deadlines(departments text[], teams uuid[], period_from date,
                                                 period_to date, today date, programme text)
    RETURNS TABLE (programme_code text, milestone_code text, name_da text, due bigint,
                   met_on_time bigint, met_late bigint, overdue bigint, waived bigint, pending bigint,
                   share_met_on_time_pct float8)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT e.programme_code::text, m.code::text, min(m.name_da)::text,
       count(*),
       count(*) FILTER (WHERE m.met_on <= m.due_date),
       count(*) FILTER (WHERE m.met_on > m.due_date),
       count(*) FILTER (WHERE m.met_on IS NULL AND m.waived_reason IS NULL AND m.due_date < today),
       count(*) FILTER (WHERE m.waived_reason IS NOT NULL),
       count(*) FILTER (WHERE m.met_on IS NULL AND m.waived_reason IS NULL AND m.due_date >= today),
       round(100.0 * count(*) FILTER (WHERE m.met_on <= m.due_date)
             / nullif(count(*) FILTER (WHERE m.met_on IS NOT NULL
                                          OR (m.waived_reason IS NULL AND m.due_date < today)), 0), 1)::float8
  FROM milestones m
  JOIN enrolments e ON e.id = m.enrolment_id
 WHERE e.department = ANY (departments) AND NOT e.restricted
   AND m.due_date BETWEEN period_from AND period_to
   AND (programme = '' OR e.programme_code = programme)
   AND 'auditor' = ANY (medborger_roles())
 GROUP BY 1, 2
 ORDER BY 1, min(m.due_date - coalesce(e.start_date, m.due_date)), 2
$$;

DROP FUNCTION medborger_report_load(text[], uuid[], timestamptz, date);
DROP FUNCTION medborger_report_deadlines(text[], uuid[], date, date, date, text);
DROP FUNCTION medborger_open_status(text);
DROP INDEX enrolments_without_mentor;
DROP INDEX enrolments_open_activity;
ALTER TABLE enrolments DROP COLUMN last_activity_at;
DROP TABLE report_milestone_days, report_open_milestones, report_open_enrolments;
