//! The SQL that builds the synthetic city inside PostgreSQL. Every value is a
//! pure function of the seed, an ordinal and the as-of date (`hashint8extended`
//! in `s_h`/`s_u`, ids from `s_uid`), so the same seed and date give the same
//! rows. Placeholders (`{{seed}}`, `{{as_of}}`, …) are replaced by numbers and dates
//! the command line has already parsed; nothing user-typed reaches the text.
//!
//! Work tables live in the schema `synthetic_seed` (unlogged, dropped at the
//! end); the connection's search path puts it before `public`.

pub const WORK_SCHEMA: &str = "
DROP SCHEMA IF EXISTS synthetic_seed CASCADE;
CREATE SCHEMA synthetic_seed;
SET search_path = synthetic_seed, public;
-- A 63-bit hash of an ordinal under the seed and a tag.
CREATE FUNCTION s_h(n bigint, tag int) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $$ SELECT hashint8extended(n, {{seed}}::bigint * 1000 + tag) & 9223372036854775807 $$;
-- Uniform in [0, 1).
CREATE FUNCTION s_u(n bigint, tag int) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $$ SELECT (hashint8extended(n, {{seed}}::bigint * 1000 + tag) & 4503599627370495)::float8 / 4503599627370496.0 $$;
-- A UUID shaped like version 7, ordered by n within a tag, unique per (tag, n).
CREATE FUNCTION s_uid(tag int, n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $$ SELECT (lpad(to_hex(26000000000 + (n >> 24)), 12, '0') || '7' || lpad(to_hex(tag), 3, '0')
             || '8' || lpad(to_hex(n & 1152921504606846975), 15, '0'))::uuid $$;
-- Local office time on a day, as timestamptz.
CREATE FUNCTION s_at(d date, minutes bigint) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $$ SELECT ((d + time '08:00') + make_interval(mins => minutes::int)) AT TIME ZONE 'Europe/Copenhagen' $$;
CREATE UNLOGGED TABLE s_origin (country text PRIMARY KEY, language text, given text[], family text[],
                                western boolean, menapt boolean);
CREATE UNLOGGED TABLE s_citizen (n bigint PRIMARY KEY, id uuid, profile smallint, female boolean, birth date,
                                 arrival date, visitation date, born_here boolean, created_at timestamptz);
";

/// One batch of citizens: `$1` ordinals, `$2` profiles, `$3` birth dates,
/// `$4` female, `$5` CPR ciphertexts, `$6` CPR lookup hashes, `$7` key id.
/// Profiles: 0 refugee, 1 Ukrainian, 2 descendant, 3 other immigrant, 4 SOF
/// adult, 5 KFF child, 6 BUF pupil, 7 SUF adult.
pub const CITIZENS: &str = "
WITH src AS MATERIALIZED (
  SELECT t.n, t.profile, t.birth, t.female, t.ct, t.h,
         (t.profile = 2 OR (t.profile IN (5, 6) AND s_u(t.n, 3) < 0.5)) AS born_here,
         CASE WHEN t.profile = 1 THEN 'UA'
              ELSE (ARRAY['SY','SY','SY','IQ','IQ','AF','AF','IR','TR','TR','LB','PK','PK','SO','SO','ER',
                          'ER','VN','PL','SY'])[1 + s_h(t.n, 2) % 20] END AS country
    FROM unnest($1::int8[], $2::int2[], $3::date[], $4::bool[], $5::bytea[], $6::bytea[])
         AS t(n, profile, birth, female, ct, h)
), a AS MATERIALIZED (
  SELECT s.*,
         CASE WHEN s.born_here THEN NULL
              ELSE least({{as_of}}::date - 1, greatest(s.birth + 1, CASE s.profile
                   WHEN 0 THEN {{as_of}}::date - (s_u(s.n, 4) * 2190)::int
                   WHEN 1 THEN date '2022-03-01' + (s_u(s.n, 4) * ({{as_of}}::date - date '2022-03-01'))::int
                   ELSE {{as_of}}::date - (200 + s_u(s.n, 4) * 5000)::int END)) END AS arrival
    FROM src s
), o AS MATERIALIZED (
  SELECT a.*, og.language, og.given, og.family, og.western, og.menapt,
         least(a.arrival + 3 + (s_h(a.n, 10) % 20)::int, {{as_of}}::date - 1) AS visitation,
         (NOT a.born_here AND s_u(a.n, 5) < 0.1) AS parents_unknown,
         s_at(coalesce(a.arrival, {{as_of}}::date - (s_u(a.n, 8) * 2190)::int), s_h(a.n, 9) % 480) AS created
    FROM a JOIN s_origin og ON og.country = a.country
), ins AS (
  INSERT INTO citizens (id, cpr_ciphertext, cpr_key_id, cpr_hash, birth_date, sex, given_name, family_name,
         phone, email, address, district, preferred_language, interpreter_needed, country_of_birth,
         citizenship, mother_country_of_birth, mother_citizenship, father_country_of_birth,
         father_citizenship, arrival_date, visitation_date, residence_basis, needs, employment_status,
         danish_level, origin_group, origin_country, origin_region, menapt, etnisk_minoritetsbaggrund,
         created_at, updated_at)
  SELECT s_uid(1, o.n), o.ct, $7, o.h, o.birth, CASE WHEN o.female THEN 'female' ELSE 'male' END,
         o.given[1 + s_h(o.n, 11) % cardinality(o.given)], o.family[1 + s_h(o.n, 12) % cardinality(o.family)],
         '+45 ' || (20000000 + s_h(o.n, 13) % 80000000)::text,
         CASE WHEN s_u(o.n, 14) < 0.3 THEN 'borger' || o.n || '@example.invalid' END,
         CASE WHEN s_u(o.n, 15) < 0.7 THEN 'Eksempelvej ' || (1 + s_h(o.n, 16) % 200) || ', København' END,
         (ARRAY[{{districts}}])[1 + s_h(o.n, 17) % {{district_count}}],
         CASE WHEN o.born_here THEN 'da' ELSE o.language END,
         NOT o.born_here AND s_u(o.n, 18) < 0.4,
         CASE WHEN o.born_here THEN 'DK' ELSE o.country END,
         CASE WHEN o.born_here AND s_u(o.n, 19) < 0.5 THEN 'DK'
              WHEN NOT o.born_here AND o.arrival < {{as_of}}::date - 3300 AND s_u(o.n, 19) < 0.3 THEN 'DK'
              ELSE o.country END,
         CASE WHEN NOT o.parents_unknown THEN o.country END,
         CASE WHEN NOT o.parents_unknown THEN o.country END,
         CASE WHEN NOT o.parents_unknown THEN o.country END,
         NULL,
         o.arrival, CASE WHEN o.arrival IS NOT NULL THEN o.visitation END,
         CASE WHEN o.born_here THEN NULL
              WHEN o.profile = 1 THEN 'ukraine_special_act'
              WHEN o.profile = 0 AND o.country IN ('SY', 'AF', 'ER', 'IR', 'SO') THEN 'refugee'
              WHEN o.profile = 0 THEN 'family_reunification'
              ELSE (ARRAY['work', 'family_reunification', 'study', 'other'])[1 + s_h(o.n, 20) % 4] END,
         ARRAY(SELECT x FROM unnest(ARRAY['health', 'danish', 'qualifications', 'work_identity',
                                          'cultural_challenges', 'social_family']) WITH ORDINALITY AS t(x, i)
                WHERE s_u(o.n, 20 + i::int) < 0.3),
         (ARRAY['unemployed', 'unemployed', 'wage_employment', 'education', 'outside_labour_force',
                'self_employed', 'unknown', 'unemployed'])[1 + s_h(o.n, 27) % 8],
         (ARRAY['none', 'a1', 'a2', 'b1', 'b2', 'c1'])[1 + s_h(o.n, 28) % 6],
         CASE WHEN o.born_here THEN 'efterkommer' ELSE 'indvandrer' END,
         o.country, CASE WHEN o.western THEN 'vestlig' ELSE 'ikke_vestlig' END,
         o.menapt, NOT o.western, o.created, o.created
    FROM o
  RETURNING 1
)
INSERT INTO s_citizen (n, id, profile, female, birth, arrival, visitation, born_here, created_at)
SELECT n, s_uid(1, n), profile, female, birth, arrival, CASE WHEN arrival IS NOT NULL THEN visitation END,
       born_here, created
  FROM o
";

/// Every citizen's enrolments: a first one by profile, a second for about a
/// third, and a restricted one (negative social control) for one in 200.
/// Dates spread over six years; the status follows from the dates.
pub const PLAN: &str = "
CREATE UNLOGGED TABLE s_plan AS
WITH slots AS (
  SELECT c.*, j, c.n * 4 + j AS no, s_h(c.n * 4 + j, 30) % 20 AS r
    FROM s_citizen c CROSS JOIN generate_series(0, 2) j
   WHERE j = 0 OR (j = 1 AND s_u(c.n, 31) < 0.3)
      OR (j = 2 AND c.profile IN (0, 2, 3, 4, 5) AND s_u(c.n, 32) < 0.005)
), prog AS (
  SELECT s.*, CASE
    WHEN j = 2 THEN 'negativ_social_kontrol'
    WHEN j = 1 AND profile IN (5, 6) THEN (ARRAY['fritidsguide', 'feriecamp', 'kontingentstotte',
         'aktive_born_i_forening', 'geist', 'bogstart', 'fritidsguide', 'feriecamp'])[1 + r % 8]
    WHEN j = 1 THEN (ARRAY['danskuddannelse', 'danskuddannelse', 'danskuddannelse', 'jobdansk', 'jobdansk',
         'jobdansk', 'mentor', 'mentor', 'green_teams', 'green_teams', 'green_teams', 'diabetes_rehabilitering',
         'diabetes_rehabilitering', 'etnisk_ressourceteam', 'etnisk_ressourceteam', 'welcome_house',
         'fritidsguide', 'housing_first', 'helhedsorienteret_familieindsats', 'selvforsorgelsesprogram'])[1 + r]
    WHEN profile = 0 THEN (ARRAY['kobenhavnermodellen', 'kobenhavnermodellen', 'kobenhavnermodellen',
         'kobenhavnermodellen', 'kobenhavnermodellen', 'kobenhavnermodellen', 'kobenhavnermodellen',
         'kobenhavnermodellen', 'kobenhavnermodellen', 'danskuddannelse', 'danskuddannelse', 'danskuddannelse',
         'danskuddannelse', 'selvforsorgelsesprogram', 'selvforsorgelsesprogram', 'jobdansk', 'jobdansk',
         'welcome_house', CASE WHEN female THEN 'perspektiv' ELSE 'mentor' END,
         CASE WHEN female THEN 'perspektiv' ELSE 'jobdansk' END])[1 + r]
    WHEN profile = 1 THEN (ARRAY['ukraine_saerlov', 'ukraine_saerlov', 'ukraine_saerlov', 'ukraine_saerlov',
         'ukraine_saerlov', 'ukraine_saerlov', 'ukraine_saerlov', 'ukraine_saerlov', 'danskuddannelse',
         'jobdansk'])[1 + r % 10]
    WHEN profile = 2 THEN (ARRAY['jobdansk', 'jobdansk', 'mentor', 'mentor', 'welcome_house'])[1 + r % 5]
    WHEN profile = 3 THEN (ARRAY['danskuddannelse', 'danskuddannelse', 'jobdansk', 'welcome_house'])[1 + r % 4]
    WHEN profile = 4 THEN (ARRAY['housing_first', 'helhedsorienteret_familieindsats'])[1 + r % 2]
    WHEN profile = 5 THEN (ARRAY['fritidsguide', 'fritidsguide', 'kontingentstotte', 'kontingentstotte',
         'feriecamp', 'aktive_born_i_forening', 'bogstart'])[1 + r % 7]
    WHEN profile = 6 THEN 'geist'
    ELSE (ARRAY['diabetes_rehabilitering', 'diabetes_rehabilitering', 'etnisk_ressourceteam'])[1 + r % 3]
  END AS programme
  FROM slots s
), dated AS (
  SELECT p.*, pr.department AS dept, pr.restricted, pr.requires_mentor,
         CASE WHEN p.j = 0 AND p.arrival IS NOT NULL
                   AND p.programme IN ('kobenhavnermodellen', 'ukraine_saerlov', 'selvforsorgelsesprogram')
              THEN least(p.arrival + (s_h(p.no, 33) % 20)::int, {{as_of}}::date - 1)
              ELSE least({{as_of}}::date - 1, greatest({{as_of}}::date - (s_u(p.no, 34) * 2190)::int,
                                                    coalesce(p.arrival, p.birth + 2200), p.birth + 2200))
         END AS start0,
         (CASE p.programme WHEN 'kobenhavnermodellen' THEN 365 WHEN 'ukraine_saerlov' THEN 540
               WHEN 'selvforsorgelsesprogram' THEN 365 WHEN 'danskuddannelse' THEN 1100 WHEN 'jobdansk' THEN 120
               WHEN 'mentor' THEN 365 WHEN 'perspektiv' THEN 270 WHEN 'negativ_social_kontrol' THEN 240
               WHEN 'welcome_house' THEN 90 WHEN 'helhedsorienteret_familieindsats' THEN 365
               WHEN 'housing_first' THEN 540 WHEN 'geist' THEN 180 WHEN 'green_teams' THEN 270
               WHEN 'diabetes_rehabilitering' THEN 120 ELSE 90 END * (0.5 + s_u(p.no, 35)))::int AS duration
    FROM prog p JOIN programmes pr ON pr.code = p.programme
), statused AS (
  SELECT d.*,
         (d.start0 > {{as_of}}::date - 45 AND s_u(d.no, 36) < 0.5) AS referred,
         d.start0 + d.duration < {{as_of}}::date AS ended
    FROM dated d
)
SELECT s.n, s.j, s.no, row_number() OVER (ORDER BY s.no) - 1 AS seq, s.id AS citizen_id, s.profile,
       s.arrival, s.visitation, s.programme, s.dept, s.restricted, s.requires_mentor,
       CASE WHEN s.referred THEN 'referred'
            WHEN s.ended THEN (ARRAY['completed', 'completed', 'completed', 'completed', 'completed',
                 'completed', 'completed', 'dropped_out', 'dropped_out', 'cancelled'])[1 + s_h(s.no, 37) % 10]
            WHEN s_u(s.no, 38) < 0.12 THEN 'paused'
            ELSE 'active' END AS status,
       CASE WHEN NOT s.referred THEN s.start0 END AS start_date,
       CASE WHEN s.referred OR NOT s.ended THEN NULL
            WHEN s_h(s.no, 37) % 10 = 9 THEN least(s.start0 + 1 + (s_h(s.no, 39) % 30)::int, {{as_of}}::date - 1)
            ELSE s.start0 + s.duration END AS end_date,
       s_at(CASE WHEN s.referred THEN {{as_of}}::date - 1 - (s_h(s.no, 40) % 40)::int ELSE s.start0 END,
            s_h(s.no, 41) % 480) AS created_at,
       CASE WHEN s.restricted THEN 'restricted' ELSE 'cw' END AS pool,
       s_h(s.no, 42) AS h_cw,
       (s.requires_mentor AND NOT s.referred AND s_u(s.no, 43) < 0.85) AS has_mentor,
       s_h(s.no, 44) AS h_mentor
  FROM statused s
";

/// Pools of staff: about one caseworker per 60 open cases in each
/// department, one specialist per 40 open restricted cases, one mentor per
/// 15 open mentored enrolments; teams of 12 caseworkers (20 mentors), each
/// with a manager.
pub const STAFF: &str = "
CREATE UNLOGGED TABLE s_pool AS
SELECT pool, dept, CASE pool WHEN 'cw' THEN greatest(1, round(open / 60.0))
                             WHEN 'restricted' THEN greatest(1, ceil(open / 40.0))
                             ELSE greatest(1, round(open / 15.0)) END::int AS size,
       CASE pool WHEN 'mentor' THEN 20 ELSE 12 END AS per_team
  FROM (SELECT pool, dept, count(*) FILTER (WHERE status IN ('referred', 'active', 'paused')) AS open
          FROM s_plan GROUP BY 1, 2
        UNION ALL
        SELECT 'mentor', 'bif', count(*) FILTER (WHERE has_mentor AND status IN ('active', 'paused'))
          FROM s_plan) p;

CREATE UNLOGGED TABLE s_team AS
SELECT p.pool, p.dept, t AS team_no,
       CASE WHEN p.pool = 'restricted' THEN 'Etnisk Konsulentteam'
            ELSE (CASE WHEN p.pool = 'mentor' THEN 'Mentorkorps'
                       ELSE CASE p.dept WHEN 'bif' THEN 'Jobcenter København, Integration'
                                        WHEN 'sof' THEN 'Borgercenter Voksne' WHEN 'kff' THEN 'Fritidsvejledning'
                                        WHEN 'buf' THEN 'Skole og Fritid' WHEN 'suf' THEN 'Sundhedshus'
                                        WHEN 'tmf' THEN 'Green Teams' ELSE 'Team' END END)
                 || CASE WHEN t = 0 THEN '' ELSE ' ' || (t + 1) END END AS name,
       NULL::uuid AS id
  FROM s_pool p, generate_series(0, CASE WHEN p.pool = 'restricted' THEN 0
                                         ELSE (p.size - 1) / p.per_team END) t;
INSERT INTO teams (id, department, name, restricted, created_at, updated_at)
SELECT s_uid(11, row_number() OVER (ORDER BY pool, dept, team_no)), dept, name, pool = 'restricted',
       s_at({{as_of}}::date - 2400, 0), s_at({{as_of}}::date - 2400, 0)
  FROM s_team
ON CONFLICT (department, name) DO NOTHING;
UPDATE s_team t SET id = teams.id FROM teams WHERE teams.department = t.dept AND teams.name = t.name;

CREATE UNLOGGED TABLE s_staff AS
SELECT x.*, NULL::uuid AS id, t.id AS team_id
  FROM (SELECT p.pool, p.dept, s AS slot,
               CASE WHEN p.pool = 'restricted' THEN 0 ELSE s / p.per_team END AS team_no,
               CASE WHEN (p.pool, p.dept, s) = ('cw', 'bif', 0) THEN 'cw.bif'
                    WHEN (p.pool, p.dept, s) = ('cw', 'bif', 1) THEN 'cw2.bif'
                    WHEN (p.pool, p.dept, s) = ('cw', 'sof', 0) THEN 'cw.sof'
                    WHEN (p.pool, p.dept, s) = ('cw', 'kff', 0) THEN 'cw.kff'
                    WHEN (p.pool, p.dept, s) = ('restricted', 'sof', 0) THEN 'specialist.sof'
                    WHEN (p.pool, s) = ('mentor', 0) THEN 'mentor.bif'
                    WHEN (p.pool, s) = ('mentor', 1) THEN 'mentor2.bif'
                    ELSE CASE p.pool WHEN 'cw' THEN 'sagsbehandler' WHEN 'restricted' THEN 'specialist'
                                     ELSE 'mentor' END || '.' || p.dept || '.' || lpad(s::text, 5, '0') END
               AS username,
               CASE p.pool WHEN 'mentor' THEN 'mentor' ELSE 'caseworker' END AS role
          FROM s_pool p, generate_series(0, p.size - 1) s
        UNION ALL
        SELECT 'manager', t.dept, t.team_no, t.team_no,
               CASE WHEN (t.dept, t.team_no) = ('bif', 0) THEN 'manager.bif'
                    ELSE 'leder.' || t.dept || '.' || lpad(t.team_no::text, 4, '0') END, 'manager'
          FROM s_team t WHERE t.pool = 'cw') x
  JOIN s_team t ON t.pool = CASE WHEN x.pool = 'manager' THEN 'cw' ELSE x.pool END
               AND t.dept = x.dept AND t.team_no = x.team_no;
INSERT INTO staff_users (id, username, full_name, department, roles, password_hash, created_at, updated_at)
SELECT s_uid(10, row_number() OVER (ORDER BY pool, dept, slot)), username,
       initcap(role) || ' ' || upper(dept) || ' ' || slot, dept, ARRAY[role],
       (SELECT password_hash FROM staff_users WHERE username = 'cw.bif'),
       s_at({{as_of}}::date - 2400, 0), s_at({{as_of}}::date - 2400, 0)
  FROM s_staff
ON CONFLICT (username) DO NOTHING;
UPDATE s_staff s SET id = u.id FROM staff_users u WHERE u.username = s.username;
INSERT INTO staff_user_teams (user_id, team_id) SELECT id, team_id FROM s_staff ON CONFLICT DO NOTHING;
CREATE INDEX ON s_staff (pool, dept, slot);
ANALYZE s_plan, s_pool, s_team, s_staff;
";

/// The plan with its people and the journal's shape: each started
/// enrolment's share of the notes is proportional to how long it ran.
pub const ENROL: &str = "
CREATE UNLOGGED TABLE s_enrol AS
WITH slotted AS MATERIALIZED (
  -- Slots first, so that the staff are found by equality (a hash join).
  SELECT p.*, (p.h_cw % cp.size)::int AS cw_slot,
         CASE WHEN p.has_mentor THEN (p.h_mentor % mp.size)::int END AS mentor_slot
    FROM s_plan p
    JOIN s_pool cp ON cp.pool = p.pool AND cp.dept = p.dept
    LEFT JOIN s_pool mp ON mp.pool = 'mentor' AND mp.dept = 'bif'
), weighted AS MATERIALIZED (
  -- Each enrolment's share of the notes, as running sums over narrow rows
  -- (over the wide ones, the window spilled 1.3M rows to disk: ~100 s at 1M).
  SELECT w.no, w.weight, sum(w.weight) OVER (ORDER BY w.no) AS upto, sum(w.weight) OVER () AS total
    FROM (SELECT p.no, CASE WHEN p.start_date IS NULL THEN 0
                            ELSE greatest(1, coalesce(p.end_date, {{as_of}}::date) - p.start_date) END AS weight
            FROM slotted p) w
), cum AS (
  SELECT p.*, s_uid(2, p.no) AS id, cw.id AS cw_id, cw.team_id, mg.id AS manager_id, m.id AS mentor_id,
         w.weight, w.upto, w.total
    FROM slotted p
    JOIN weighted w ON w.no = p.no
    JOIN s_staff cw ON cw.pool = p.pool AND cw.dept = p.dept AND cw.slot = p.cw_slot
    LEFT JOIN s_staff mg ON mg.pool = 'manager' AND mg.dept = cw.dept AND mg.team_no = cw.team_no
                        AND p.pool = 'cw'
    LEFT JOIN s_staff m ON m.pool = 'mentor' AND m.dept = 'bif' AND m.slot = p.mentor_slot
)
SELECT c.*, ({{notes}} * (c.upto - c.weight) / greatest(c.total, 1))::bigint AS notes_first,
       ({{notes}} * c.upto / greatest(c.total, 1))::bigint - ({{notes}} * (c.upto - c.weight) / greatest(c.total, 1))::bigint
           AS notes_cnt,
       s_at(c.start_date, 0) AS start_ts,
       greatest(1, coalesce(c.end_date, {{as_of}}::date) - c.start_date) * 86400.0 - 36000 AS span_s
  FROM cum c;
CREATE INDEX ON s_enrol (no);
CREATE INDEX ON s_enrol (seq);
ANALYZE s_enrol;
";

/// Note `k` (0-based `i` within its enrolment) occurred at a time strictly
/// increasing with `i`; `last_note_at` is the last note's `created_at`.
pub const NOTE_TIME: &str =
    "(e.start_ts + make_interval(secs => e.span_s * (({{i}}) + 0.2 + 0.6 * s_u({{k}}, 50)) / e.notes_cnt))";

pub const ENROLMENTS: &str = "
INSERT INTO enrolments (id, citizen_id, programme_code, department, restricted, team_id,
       responsible_caseworker_id, mentor_id, mentor_assigned_at, status, start_date, end_date, goals,
       last_note_at, version, created_at, updated_at)
SELECT e.id, e.citizen_id, e.programme, e.dept, e.restricted, e.team_id, e.cw_id, e.mentor_id,
       CASE WHEN e.mentor_id IS NOT NULL THEN e.created_at + interval '10 days' END,
       e.status, e.start_date, e.end_date,
       (ARRAY['Beskæftigelse eller uddannelse; styrke dansk.', 'Ordinære timer i virksomhedspraktik.',
              'Bestå Prøve i Dansk 2 og søge job.', 'Stabil hverdag og kontakt til foreningsliv.',
              'Sikkerhedsplan og rådgivning.'])[CASE WHEN e.restricted THEN 5 ELSE 1 + s_h(e.no, 45) % 4 END],
       CASE WHEN e.notes_cnt > 0 THEN {{last_note}} + interval '3 minutes' END,
       CASE WHEN e.status = 'active' THEN 1 ELSE 2 END, e.created_at,
       coalesce(s_at(e.end_date, 120), e.created_at)
  FROM s_enrol e ORDER BY e.no;
INSERT INTO involvements (id, citizen_id, department, restricted_team_id, basis, since)
SELECT s_uid(7, min(e.no)), e.citizen_id, e.dept, CASE WHEN e.restricted THEN e.team_id END,
       CASE WHEN min(e.j) = 0 THEN 'registration' ELSE 'enrolment' END, min(e.created_at)
  FROM s_enrol e GROUP BY e.citizen_id, e.dept, CASE WHEN e.restricted THEN e.team_id END;
INSERT INTO enrolment_transitions (id, enrolment_id, from_status, to_status, reason, actor_id, at)
SELECT s_uid(6, e.no), e.id, 'active', e.status,
       CASE e.status WHEN 'paused' THEN 'Borgeren er sygemeldt' WHEN 'completed' THEN 'Forløbet er gennemført'
                     WHEN 'dropped_out' THEN 'Borgeren er udeblevet gentagne gange'
                     ELSE 'Forløbet blev ikke relevant' END,
       e.cw_id, CASE WHEN e.end_date IS NOT NULL THEN s_at(e.end_date, 60)
                     ELSE s_at(e.start_date + ({{as_of}}::date - e.start_date) / 2, 60) END
  FROM s_enrol e WHERE e.status IN ('paused', 'completed', 'dropped_out', 'cancelled');
";

/// Milestones from the programme's rules: past ones met on time, met late,
/// waived or overdue; future ones pending (a few met early).
pub const MILESTONES: &str = "
INSERT INTO milestones (id, enrolment_id, code, name_da, name_en, due_date, met_on, waived_reason, closed_by,
                        closed_at)
SELECT s_uid(4, e.no * 8 + r.position), e.id, r.code, r.name_da, r.name_en, d.due, x.met_on,
       x.waived, CASE WHEN x.met_on IS NOT NULL OR x.waived IS NOT NULL THEN e.cw_id END,
       CASE WHEN x.met_on IS NOT NULL THEN s_at(x.met_on, 200)
            WHEN x.waived IS NOT NULL THEN s_at(least(d.due, {{as_of}}::date - 1), 200) END
  FROM s_enrol e
  JOIN milestone_rules r ON r.programme_code = e.programme
  CROSS JOIN LATERAL (SELECT (CASE r.anchor WHEN 'arrival' THEN e.arrival WHEN 'visitation' THEN e.visitation
                                            ELSE e.start_date END
                              + make_interval(months => r.offset_months, days => r.offset_days))::date AS due,
                             s_h(e.no * 8 + r.position, 60) % 100 AS roll,
                             s_h(e.no * 8 + r.position, 61) AS h) d
  CROSS JOIN LATERAL (SELECT
         CASE WHEN d.due < {{as_of}}::date AND d.roll < 45 THEN d.due - (d.h % 10)::int
              WHEN d.due < {{as_of}}::date AND d.roll < 70 THEN least(d.due + 1 + (d.h % 25)::int, {{as_of}}::date - 1)
              WHEN d.due >= {{as_of}}::date AND d.roll < 10 THEN {{as_of}}::date - 1 - (d.h % 5)::int
         END AS met_on,
         CASE WHEN d.due < {{as_of}}::date AND d.roll BETWEEN 70 AND 77 THEN 'Ikke relevant for borgeren' END
             AS waived) x
 WHERE e.start_date IS NOT NULL AND d.due IS NOT NULL
";

/// Outcomes at the start of every started enrolment, at the end of every
/// ended one, and 6 and 12 months after the end for most of those.
pub const OUTCOMES: &str = "
INSERT INTO outcomes (id, enrolment_id, citizen_id, measurement_point, measured_on, employment_status,
                      weekly_hours, self_supporting, in_education, danish_level, recorded_by, created_at)
SELECT s_uid(5, e.no * 4 + p.i), e.id, e.citizen_id, p.point, p.on_date,
       CASE WHEN p.i = 0 THEN (ARRAY['unemployed', 'unemployed', 'unemployed', 'outside_labour_force',
                                     'education'])[1 + s_h(e.no, 70) % 5]
            WHEN s_u(e.no * 4 + p.i, 71) < 0.35 + 0.08 * p.i THEN 'wage_employment'
            WHEN s_u(e.no * 4 + p.i, 71) < 0.50 + 0.06 * p.i THEN 'education'
            ELSE 'unemployed' END,
       CASE WHEN p.i > 0 AND s_u(e.no * 4 + p.i, 71) < 0.35 + 0.08 * p.i
            THEN (15 + s_h(e.no * 4 + p.i, 72) % 23)::real ELSE 0 END,
       p.i > 0 AND s_u(e.no * 4 + p.i, 71) < 0.30 + 0.08 * p.i,
       p.i > 0 AND s_u(e.no * 4 + p.i, 71) BETWEEN 0.35 + 0.08 * p.i AND 0.50 + 0.06 * p.i,
       (ARRAY['none', 'a1', 'a2', 'b1', 'b2', 'c1'])[least(6, 1 + s_h(e.no, 73) % 3 + p.i)],
       e.cw_id, s_at(p.on_date, 300)
  FROM s_enrol e
  CROSS JOIN LATERAL (VALUES (0, 'start', e.start_date), (1, 'end', e.end_date),
                             (2, 'end_plus_6m', (e.end_date + interval '6 months')::date),
                             (3, 'end_plus_12m', (e.end_date + interval '12 months')::date)) p(i, point, on_date)
 WHERE e.start_date IS NOT NULL AND NOT e.restricted AND p.on_date IS NOT NULL AND p.on_date < {{as_of}}::date
   AND (p.i < 2 OR s_u(e.no * 4 + p.i, 74) < 0.75)
   AND (p.i = 0 OR e.status <> 'cancelled')
";

/// Referrals, consents, concerns, break-the-glass grants, risk
/// assessments, restricted contact data and known-CPR registrations.
pub const CROSS_DEPARTMENT: &str = "
INSERT INTO referrals (id, citizen_id, programme_code, from_department, to_department, sent_by, sent_at, reason,
                       legal_basis, status, decided_by, decided_at, decision_reason, enrolment_id, closed_at, version)
SELECT s_uid(8, e.no), e.citizen_id, e.programme, f.dept, e.dept, f.cw_id, e.created_at - interval '5 days',
       'Borgeren har brug for et tilbud i ' || upper(e.dept) || '.', 'Aftalt med borgeren (servicelovens § 11)',
       CASE WHEN e.status IN ('completed', 'dropped_out', 'cancelled') THEN 'completed' ELSE 'accepted' END,
       e.cw_id, e.created_at, NULL, e.id, s_at(e.end_date, 90), 2
  FROM s_enrol e JOIN s_enrol f ON f.no = e.n * 4
 WHERE e.j = 1 AND e.dept <> f.dept AND s_u(e.no, 80) < 0.6;
INSERT INTO referrals (id, citizen_id, programme_code, from_department, to_department, sent_by, sent_at, reason,
                       legal_basis, status, decided_by, decided_at, decision_reason, closed_at, version)
SELECT s_uid(8, e.no + 3), e.citizen_id, CASE WHEN e.dept = 'bif' THEN 'housing_first' ELSE 'jobdansk' END,
       e.dept, CASE WHEN e.dept = 'bif' THEN 'sof' ELSE 'bif' END, e.cw_id,
       s_at({{as_of}}::date - 1 - (s_h(e.no, 81) % 300)::int, 30),
       'Henvises til vurdering.', 'Aftalt med borgeren (servicelovens § 11)', x.status,
       CASE WHEN x.status = 'declined' THEN t.id END,
       CASE WHEN x.status = 'declined' THEN s_at({{as_of}}::date - (s_h(e.no, 81) % 300)::int, 30) END,
       CASE WHEN x.status = 'declined' THEN 'Borgeren opfylder ikke målgruppen.' END,
       CASE WHEN x.status <> 'sent' THEN s_at({{as_of}}::date - (s_h(e.no, 81) % 300)::int, 30) END,
       CASE WHEN x.status = 'sent' THEN 1 ELSE 2 END
  FROM s_enrol e
  CROSS JOIN LATERAL (SELECT (ARRAY['sent', 'sent', 'declined', 'withdrawn'])[1 + s_h(e.no, 82) % 4] AS status) x
  JOIN s_staff t ON t.pool = 'cw' AND t.dept = CASE WHEN e.dept = 'bif' THEN 'sof' ELSE 'bif' END AND t.slot = 0
 WHERE e.j = 0 AND NOT e.restricted AND s_u(e.no, 83) < 0.03;
INSERT INTO consents (id, citizen_id, purpose, departments, given_at, expires_at, document_reference, recorded_by,
                      recorded_department, recorded_at, withdrawn_at, withdrawn_by, withdrawal_reason)
SELECT s_uid(9, e.no), e.citizen_id, 'Helhedsorienteret indsats på tværs af forvaltninger',
       CASE WHEN s_u(e.no, 84) < 0.7 THEN ARRAY['bif', 'sof'] ELSE ARRAY['bif', 'sof', 'kff'] END,
       e.created_at, e.created_at + (365 * (1 + s_h(e.no, 85) % 2)) * interval '1 day',
       'KK-SAG-' || e.n, e.cw_id, e.dept, e.created_at,
       CASE WHEN s_u(e.no, 86) < 0.05 THEN e.created_at + interval '100 days' END,
       CASE WHEN s_u(e.no, 86) < 0.05 THEN e.cw_id END,
       CASE WHEN s_u(e.no, 86) < 0.05 THEN 'Borgeren har trukket samtykket tilbage.' END
  FROM s_enrol e
 WHERE e.j = 0 AND NOT e.restricted
   AND (e.programme = 'helhedsorienteret_familieindsats' OR s_u(e.no, 87) < 0.06);
INSERT INTO concerns (id, citizen_id, team_id, filed_by, filer_department, text, signs, received_at,
                      opened_enrolment_id, handled_at)
SELECT s_uid(12, f.no), f.citizen_id, rt.id, f.cw_id, f.dept,
       'Borgeren har fortalt om kontrol i hjemmet og er bange for at tale åbent.',
       CASE s_h(f.no, 88) % 3 WHEN 0 THEN ARRAY['kontrol af telefon']
                              WHEN 1 THEN ARRAY['må ikke deltage i fritidsaktiviteter', 'bliver hentet']
                              ELSE ARRAY['trusler om udrejse'] END,
       coalesce(r.created_at - interval '3 days', s_at({{as_of}}::date - 1 - (s_h(f.no, 89) % 500)::int, 60)),
       r.id, coalesce(r.created_at, CASE WHEN s_u(f.no, 90) < 0.5
                                         THEN s_at({{as_of}}::date - 1 - (s_h(f.no, 89) % 500)::int, 200) END)
  FROM s_enrol f
  LEFT JOIN s_enrol r ON r.no = f.n * 4 + 2
  JOIN s_team rt ON rt.pool = 'restricted'
 WHERE f.j = 0 AND NOT f.restricted
   AND ((r.no IS NOT NULL AND s_u(f.no, 91) < 0.7) OR s_u(f.no, 92) < 0.002);
INSERT INTO access_grants (id, user_id, department, citizen_id, reason, granted_at, expires_at, reviewed_by,
                           reviewed_at, review_comment)
SELECT s_uid(13, e.no), u.id, u.dept, e.citizen_id,
       'Borgeren henvender sig akut, og sagsbehandleren er fraværende.', g.at, g.at + interval '3 hours',
       CASE WHEN g.reviewed THEN mg.id END, CASE WHEN g.reviewed THEN g.at + interval '2 days' END,
       CASE WHEN g.reviewed THEN 'Set og godkendt' END
  FROM s_enrol e
  CROSS JOIN LATERAL (SELECT CASE WHEN e.dept = 'bif' THEN 'sof' ELSE 'bif' END AS dept) o
  JOIN s_pool up ON up.pool = 'cw' AND up.dept = o.dept
  CROSS JOIN LATERAL (SELECT (s_h(e.no, 93) % up.size)::int AS slot) us
  JOIN s_staff u ON u.pool = 'cw' AND u.dept = o.dept AND u.slot = us.slot
  JOIN s_staff mg ON mg.pool = 'manager' AND mg.dept = u.dept AND mg.team_no = u.team_no
  CROSS JOIN LATERAL (SELECT s_at({{as_of}}::date - 1 - (s_h(e.no, 94) % 400)::int, 120) AS at) g0
  CROSS JOIN LATERAL (SELECT g0.at, (g0.at < s_at({{as_of}}::date - 14, 0) AND s_u(e.no, 95) < 0.9)
                                    OR s_u(e.no, 95) < 0.3 AS reviewed) g
 WHERE e.j = 0 AND NOT e.restricted AND s_u(e.no, 96) < 0.01;
INSERT INTO risk_assessments (id, enrolment_id, citizen_id, level, assessed_at, summary, author_id, created_at)
SELECT s_uid(14, e.no), e.id, e.citizen_id, (ARRAY['low', 'medium', 'high'])[1 + s_h(e.no, 97) % 3],
       e.start_ts + interval '7 days', 'Risikovurdering gennemført; sikkerhedsplan aftalt.', e.cw_id,
       e.start_ts + interval '7 days'
  FROM s_enrol e WHERE e.restricted AND e.start_date IS NOT NULL AND s_u(e.no, 98) < 0.6;
INSERT INTO citizen_restricted_data (citizen_id, team_id, phone, email, address, needs, updated_at)
SELECT e.citizen_id, e.team_id, '+45 ' || (20000000 + s_h(e.no, 99) % 80000000)::text, NULL,
       'Beskyttet adresse', ARRAY['negative_social_control'], e.created_at
  FROM s_enrol e WHERE e.restricted AND s_u(e.no, 100) < 0.5;
INSERT INTO known_cpr_registrations (id, citizen_id, department, registered_by, basis, at)
SELECT s_uid(15, e.no), e.citizen_id, u.dept, u.id,
       (ARRAY['citizen_present', 'citizen_application', 'statutory_duty', 'referral_by_letter'])[1 + s_h(e.no, 101) % 4],
       s_at({{as_of}}::date - 1 - (s_h(e.no, 102) % 300)::int, 100)
  FROM s_enrol e
  JOIN s_staff u ON u.pool = 'cw' AND u.dept = CASE WHEN e.dept = 'bif' THEN 'suf' ELSE 'bif' END AND u.slot = 0
 WHERE e.j = 0 AND NOT e.restricted AND s_u(e.no, 103) < 0.002;
INSERT INTO involvements (id, citizen_id, department, basis, since)
SELECT s_uid(7, 2305843009213693952 + k.n), k.citizen_id, k.department, 'registration', k.at
  FROM (SELECT row_number() OVER (ORDER BY id) AS n, * FROM known_cpr_registrations) k
ON CONFLICT DO NOTHING;
";

/// Notes of the enrolments whose ordinal lies in [{{from}}, {{to}}).
pub const NOTES: &str = "
INSERT INTO notes (id, enrolment_id, citizen_id, author_id, kind, occurred_at, text, measures, shared_with_mentor,
                   supersedes, correction_reason, created_at)
SELECT s_uid(3, x.k), x.id, x.citizen_id,
       CASE WHEN x.by_mentor THEN x.mentor_id ELSE x.cw_id END,
       x.kind, x.at, (ARRAY[{{note_texts}}])[1 + s_h(x.k, 51) % {{note_text_count}}],
       CASE x.kind WHEN 'language_progress' THEN '{\"module_passed\": true}'::jsonb
                   WHEN 'internship_follow_up' THEN jsonb_build_object('attendance_hours', s_h(x.k, 52) % 38)
                   WHEN 'mentor_session' THEN jsonb_build_object('wellbeing', 1 + s_h(x.k, 52) % 5)
                   ELSE '{}'::jsonb END,
       x.by_mentor OR (x.mentor_id IS NOT NULL AND s_u(x.k, 53) < 0.2),
       CASE WHEN x.corrects THEN s_uid(3, x.k - 1) END,
       CASE WHEN x.corrects THEN 'Rettet dato og deltagere i mødet' END,
       x.at + interval '3 minutes'
  FROM (SELECT e.id, e.citizen_id, e.cw_id, e.mentor_id, k,
               {{note_time}} AS at,
               e.mentor_id IS NOT NULL AND s_u(k, 54) < 0.3 AS by_mentor,
               CASE WHEN e.mentor_id IS NOT NULL AND s_u(k, 54) < 0.3 THEN 'mentor_session'
                    ELSE (ARRAY['meeting', 'meeting', 'phone', 'phone', 'home_visit', 'internship_follow_up',
                                'language_progress', 'other'])[1 + s_h(k, 55) % 8] END AS kind,
               k > e.notes_first AND s_u(k, 56) < 0.002 AS corrects
          FROM s_enrol e, generate_series(e.notes_first, e.notes_first + e.notes_cnt - 1) k
         WHERE e.no >= {{from}} AND e.no < {{to}} AND e.notes_cnt > 0) x
";

/// Audit entries [{{from}}, {{to}}) of the history: entry k is dated strictly
/// after entry k−1 and has the id {{base}} + k, so a window of time is a range
/// of ids (what lets the history be sealed in one pass).
pub const AUDIT: &str = "
INSERT INTO audit_log (id, at, actor_id, actor_department, actor_roles, action, resource_type, resource_id,
                       citizen_id, reason, request_id, outcome, restricted_team_id)
OVERRIDING SYSTEM VALUE
SELECT {{base}} + g.k, {{t0}}::timestamptz + interval '1 microsecond' * (g.k * {{step}} + floor(s_u(g.k, 110) * {{step}} * 0.9)),
       CASE WHEN a.kind = 'report' THEN coalesce(e.manager_id, e.cw_id)
            WHEN a.kind = 'mentor' THEN e.mentor_id ELSE e.cw_id END,
       e.dept,
       CASE WHEN a.kind = 'report' AND e.manager_id IS NOT NULL THEN ARRAY['manager']
            WHEN a.kind = 'mentor' THEN ARRAY['mentor'] ELSE ARRAY['caseworker'] END,
       a.action, a.resource,
       CASE a.resource WHEN 'citizen' THEN CASE WHEN a.action = 'search' THEN NULL ELSE e.citizen_id::text END
                       WHEN 'caseload' THEN e.id::text WHEN 'enrolment' THEN e.id::text
                       WHEN 'note' THEN s_uid(3, e.notes_first + s_h(g.k, 111) % greatest(e.notes_cnt, 1))::text
                       WHEN 'milestone' THEN s_uid(4, e.no * 8 + 1)::text
                       WHEN 'session' THEN s_uid(16, g.k)::text END,
       CASE WHEN a.resource IN ('session', 'report_caseload') THEN NULL ELSE e.citizen_id END,
       -- Purpose categories, as the service writes them (issue 10, door 6).
       CASE WHEN a.action = 'search' THEN 'search' WHEN a.resource = 'milestone' THEN 'milestone_met'
            WHEN a.resource = 'report_caseload' THEN 'departments ' || e.dept
            WHEN a.action = 'transition' THEN 'status_change' END,
       s_uid(17, g.k)::text,
       CASE WHEN a.action = 'denied' THEN 'denied' ELSE 'success' END,
       CASE WHEN e.restricted AND a.kind <> 'report' THEN e.team_id END
  FROM generate_series({{from}}::bigint, {{to}}::bigint - 1) g(k)
  CROSS JOIN LATERAL (SELECT s_h(g.k, 112) % {{enrolments}} AS seq, s_h(g.k, 113) % 100 AS r) p
  JOIN s_enrol e ON e.seq = p.seq
  CROSS JOIN LATERAL (SELECT
         CASE WHEN p.r < 40 THEN 'read' WHEN p.r < 60 THEN 'read' WHEN p.r < 72 THEN 'create'
              WHEN p.r < 80 THEN 'read' WHEN p.r < 85 THEN 'read' WHEN p.r < 89 THEN 'update'
              WHEN p.r < 92 THEN 'search' WHEN p.r < 95 THEN 'login' WHEN p.r < 97 THEN 'read'
              WHEN p.r < 98 THEN 'logout' WHEN p.r < 99 THEN 'denied' ELSE 'transition' END AS action,
         CASE WHEN p.r < 40 THEN 'citizen' WHEN p.r < 60 THEN 'caseload' WHEN p.r < 72 THEN 'note'
              WHEN p.r < 80 THEN 'enrolment' WHEN p.r < 85 THEN 'note' WHEN p.r < 89 THEN 'milestone'
              WHEN p.r < 92 THEN 'citizen' WHEN p.r < 95 THEN 'session' WHEN p.r < 97 THEN 'report_caseload'
              WHEN p.r < 98 THEN 'session' WHEN p.r < 99 THEN 'citizen' ELSE 'enrolment' END AS resource,
         CASE WHEN p.r BETWEEN 95 AND 96 THEN 'report'
              WHEN e.mentor_id IS NOT NULL AND p.r < 85 AND s_u(g.k, 114) < 0.25 THEN 'mentor'
              ELSE 'staff' END AS kind) a
 ORDER BY g.k
";

/// Each enrolment's next open milestone, as the trigger on milestones keeps
/// it in service (the function is migration `2026-12-05-200001`'s).
pub const NEXT_DUE: &str = "SELECT medborger_set_every_next_due();";

/// The reports' roll-ups from scratch, as the triggers keep them in service
/// (the functions are migrations `2026-12-06-100001` and `-100002`'s).
pub const ROLLUPS: &str = "SELECT medborger_rebuild_report_rollups(); \
    SELECT medborger_compact_report_rollups(current_date - 1); SELECT medborger_rebuild_outcome_rollups();";
