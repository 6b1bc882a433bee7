-- Issue 10, door 3: nothing the service's role can set widens what
-- row-level security shows. `medborger_system()` used to read a setting
-- (`medborger.system`) that any role may set with set_config; it now
-- depends on who is connected: a member of the NOLOGIN role
-- `medborger_system` (held by the schema owner, who runs the command line:
-- migrations, seed, import, retention) or a superuser. Inside the SECURITY
-- DEFINER functions below `current_user` is their owner, the schema owner,
-- so they read past row-level security, and answer only what they must.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'medborger_system') THEN
        CREATE ROLE medborger_system NOLOGIN;
    END IF;
END
$$;
GRANT medborger_system TO CURRENT_USER;

CREATE OR REPLACE FUNCTION medborger_system() RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT pg_has_role(current_user, 'medborger_system', 'MEMBER') $$;

-- The doors past row-level security, now SECURITY DEFINER (they used to set
-- the flag for their own duration), with the search path pinned.
CREATE OR REPLACE FUNCTION medborger_citizen_by_cpr_hash(hash bytea) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT id FROM citizens WHERE cpr_hash = hash $$;

CREATE OR REPLACE FUNCTION medborger_citizen_exists(citizen uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT EXISTS (SELECT 1 FROM citizens WHERE id = citizen AND lifecycle <> 'anonymised') $$;

CREATE OR REPLACE FUNCTION medborger_concern_team() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT t.id FROM teams t JOIN programmes p ON p.department = t.department
         WHERE p.code = 'negativ_social_kontrol' AND t.restricted AND t.active
         ORDER BY t.id LIMIT 1
    $$;

CREATE OR REPLACE FUNCTION medborger_enrolment_summaries(citizen uuid, at timestamptz)
    RETURNS TABLE (id uuid, programme_code text, department text, status text,
                   start_date date, end_date date, team_id uuid, team_name text, consent_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT e.id, e.programme_code, e.department, e.status, e.start_date, e.end_date,
               e.team_id, t.name, c.id
          FROM enrolments e
          JOIN teams t ON t.id = e.team_id
          JOIN LATERAL (
                SELECT c.id FROM consents c
                 WHERE c.citizen_id = e.citizen_id AND c.withdrawn_at IS NULL
                   AND c.given_at <= at AND c.expires_at > at
                   AND medborger_department() = ANY (c.departments)
                   AND e.department = ANY (c.departments)
                 ORDER BY c.expires_at DESC LIMIT 1) c ON true
         WHERE e.citizen_id = citizen
           AND NOT e.restricted
           AND e.department <> medborger_department()
           AND medborger_case_staff()
           AND EXISTS (SELECT 1 FROM involvements i
                        WHERE i.citizen_id = citizen AND i.department = medborger_department()
                          AND (i.restricted_team_id IS NULL OR i.restricted_team_id = ANY (medborger_teams())))
         ORDER BY e.start_date NULLS LAST, e.id
    $$;

CREATE OR REPLACE FUNCTION medborger_set_legal_hold(citizen uuid, hold boolean, at timestamptz) RETURNS boolean
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        WITH changed AS (
            UPDATE citizens SET legal_hold = hold, version = version + 1, updated_at = at
             WHERE id = citizen AND lifecycle <> 'anonymised' AND 'admin' = ANY (medborger_roles())
            RETURNING 1)
        SELECT EXISTS (SELECT 1 FROM changed)
    $$;

-- The auditors' all-departments reports: aggregates only, never restricted
-- work, and only to a caller acting as an auditor. They used to set the
-- flag and run the managers' queries past row-level security.
CREATE FUNCTION medborger_audit_report_load(departments text[], teams uuid[], now timestamptz, today date)
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

CREATE FUNCTION medborger_audit_report_breakdown(departments text[], teams uuid[])
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

CREATE FUNCTION medborger_audit_report_grants(departments text[])
    RETURNS TABLE (user_id uuid, full_name text, department text, pending bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
SELECT g.user_id, u.full_name::text, g.department::text, count(*)
  FROM access_grants g JOIN staff_users u ON u.id = g.user_id
 WHERE g.reviewed_at IS NULL AND g.department = ANY (departments)
   AND 'auditor' = ANY (medborger_roles())
 GROUP BY 1, 2, 3
$$;

CREATE FUNCTION medborger_audit_report_deadlines(departments text[], teams uuid[], period_from date,
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

-- The outcome report's input: one row per citizen and measurement point,
-- with no identifier; the report groups them and suppresses small cells.
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

REVOKE ALL ON FUNCTION medborger_audit_report_load(text[], uuid[], timestamptz, date),
    medborger_audit_report_breakdown(text[], uuid[]), medborger_audit_report_grants(text[]),
    medborger_audit_report_deadlines(text[], uuid[], date, date, date, text),
    medborger_audit_report_outcomes(text[], uuid[], date, date, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medborger_audit_report_load(text[], uuid[], timestamptz, date),
    medborger_audit_report_breakdown(text[], uuid[]), medborger_audit_report_grants(text[]),
    medborger_audit_report_deadlines(text[], uuid[], date, date, date, text),
    medborger_audit_report_outcomes(text[], uuid[], date, date, text) TO medborger_app;
