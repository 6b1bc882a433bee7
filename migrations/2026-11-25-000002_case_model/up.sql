-- The case model: citizens and why a department may see them, the programme
-- catalogue with its milestone rules, enrolments (forløb), milestones,
-- append-only journal notes and outcome measurements.

CREATE TABLE citizens (
    id                      uuid PRIMARY KEY,
    -- AES-256-GCM (nonce ‖ ciphertext ‖ tag) under the key `cpr_key_id`, and a
    -- keyed HMAC-SHA256 for exact lookup. Both are destroyed on anonymisation.
    cpr_ciphertext          bytea,
    cpr_key_id              text CHECK (length(cpr_key_id) <= 32),
    cpr_hash                bytea UNIQUE CHECK (length(cpr_hash) = 32),
    birth_date              date NOT NULL,
    sex                     text NOT NULL CHECK (sex IN ('female', 'male')),
    given_name              text NOT NULL CHECK (length(given_name) BETWEEN 1 AND 200),
    family_name             text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 200),
    phone                   text CHECK (length(phone) <= 40),
    email                   text CHECK (length(email) <= 254),
    address                 text CHECK (length(address) <= 400),
    district                text CHECK (length(district) <= 40),
    preferred_language      text CHECK (length(preferred_language) <= 16),
    interpreter_needed      boolean NOT NULL DEFAULT false,
    country_of_birth        text CHECK (country_of_birth ~ '^[A-Z]{2}$'),
    citizenship             text CHECK (citizenship ~ '^[A-Z]{2}$'),
    mother_country_of_birth text CHECK (mother_country_of_birth ~ '^[A-Z]{2}$'),
    mother_citizenship      text CHECK (mother_citizenship ~ '^[A-Z]{2}$'),
    father_country_of_birth text CHECK (father_country_of_birth ~ '^[A-Z]{2}$'),
    father_citizenship      text CHECK (father_citizenship ~ '^[A-Z]{2}$'),
    arrival_date            date,
    visitation_date         date,
    residence_basis         text CHECK (residence_basis IN
        ('refugee', 'family_reunification', 'ukraine_special_act', 'work', 'study', 'other')),
    needs                   text[] NOT NULL DEFAULT '{}',
    employment_status       text CHECK (length(employment_status) <= 40),
    danish_level            text CHECK (length(danish_level) <= 16),
    -- DESIGN §8, computed by citizens::origin::classify and stored for reports.
    origin_group            text CHECK (origin_group IN ('indvandrer', 'efterkommer', 'dansk_oprindelse')),
    origin_country          text CHECK (origin_country ~ '^[A-Z]{2}$'),
    origin_region           text CHECK (origin_region IN ('vestlig', 'ikke_vestlig')),
    menapt                  boolean NOT NULL DEFAULT false,
    etnisk_minoritetsbaggrund boolean NOT NULL DEFAULT false,
    lifecycle               text NOT NULL DEFAULT 'active' CHECK (lifecycle IN ('active', 'closed', 'anonymised')),
    legal_hold              boolean NOT NULL DEFAULT false,
    version                 integer NOT NULL DEFAULT 1,
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL
);
CREATE INDEX citizens_family_name_idx ON citizens (lower(family_name), id);
CREATE INDEX citizens_district_idx ON citizens (district, id);

GRANT SELECT, INSERT, UPDATE ON citizens TO medborger_app;

-- Why a department may see a citizen at all. An involvement that stems from a
-- restricted enrolment names the restricted team, and only its members see it.
CREATE TABLE involvements (
    id                 uuid PRIMARY KEY,
    citizen_id         uuid NOT NULL REFERENCES citizens (id),
    department         text NOT NULL REFERENCES departments (code),
    restricted_team_id uuid REFERENCES teams (id),
    basis              text NOT NULL CHECK (basis IN ('registration', 'enrolment', 'referral')),
    since              timestamptz NOT NULL,
    UNIQUE NULLS NOT DISTINCT (citizen_id, department, restricted_team_id)
);
CREATE INDEX involvements_department_idx ON involvements (department, citizen_id);

GRANT SELECT, INSERT ON involvements TO medborger_app;

CREATE TABLE programmes (
    code              text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,63}$'),
    name_da           text NOT NULL CHECK (length(name_da) BETWEEN 1 AND 200),
    name_en           text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
    department        text NOT NULL REFERENCES departments (code),
    restricted        boolean NOT NULL DEFAULT false,
    requires_mentor   boolean NOT NULL DEFAULT false,
    requires_consent  boolean NOT NULL DEFAULT false,
    eligibility_notes text NOT NULL DEFAULT '' CHECK (length(eligibility_notes) <= 2000),
    max_duration_months integer CHECK (max_duration_months > 0),
    active            boolean NOT NULL DEFAULT true,
    version           integer NOT NULL DEFAULT 1
);

GRANT SELECT, INSERT, UPDATE ON programmes TO medborger_app;

-- A milestone's due date is its anchor date plus an offset.
CREATE TABLE milestone_rules (
    programme_code text NOT NULL REFERENCES programmes (code),
    code           text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{1,63}$'),
    name_da        text NOT NULL CHECK (length(name_da) BETWEEN 1 AND 200),
    name_en        text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
    anchor         text NOT NULL CHECK (anchor IN ('arrival', 'visitation', 'enrolment_start')),
    offset_months  integer NOT NULL DEFAULT 0 CHECK (offset_months BETWEEN 0 AND 120),
    offset_days    integer NOT NULL DEFAULT 0 CHECK (offset_days BETWEEN 0 AND 3650),
    position       integer NOT NULL DEFAULT 0,
    PRIMARY KEY (programme_code, code)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON milestone_rules TO medborger_app;

CREATE TABLE enrolments (
    id                        uuid PRIMARY KEY,
    citizen_id                uuid NOT NULL REFERENCES citizens (id),
    programme_code            text NOT NULL REFERENCES programmes (code),
    -- The programme's department and restriction at enrolment, kept on the row
    -- so every scope check is a look at one row.
    department                text NOT NULL REFERENCES departments (code),
    restricted                boolean NOT NULL,
    team_id                   uuid NOT NULL REFERENCES teams (id),
    responsible_caseworker_id uuid NOT NULL REFERENCES staff_users (id),
    mentor_id                 uuid REFERENCES staff_users (id),
    mentor_assigned_at        timestamptz,
    status                    text NOT NULL CHECK (status IN
        ('referred', 'active', 'paused', 'completed', 'dropped_out', 'cancelled')),
    start_date                date,
    end_date                  date,
    goals                     text NOT NULL DEFAULT '' CHECK (length(goals) <= 4000),
    last_note_at              timestamptz,
    version                   integer NOT NULL DEFAULT 1,
    created_at                timestamptz NOT NULL,
    updated_at                timestamptz NOT NULL
);
CREATE INDEX enrolments_citizen_idx ON enrolments (citizen_id);
-- The caseload: a caseworker's open enrolments.
CREATE INDEX enrolments_caseload_idx ON enrolments (responsible_caseworker_id, id)
    WHERE status IN ('referred', 'active', 'paused');
CREATE INDEX enrolments_mentor_idx ON enrolments (mentor_id) WHERE mentor_id IS NOT NULL;
CREATE INDEX enrolments_department_idx ON enrolments (department, status);

GRANT SELECT, INSERT, UPDATE ON enrolments TO medborger_app;

CREATE TABLE enrolment_transitions (
    id           uuid PRIMARY KEY,
    enrolment_id uuid NOT NULL REFERENCES enrolments (id),
    from_status  text NOT NULL,
    to_status    text NOT NULL,
    reason       text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    actor_id     uuid NOT NULL REFERENCES staff_users (id),
    at           timestamptz NOT NULL
);
CREATE INDEX enrolment_transitions_enrolment_idx ON enrolment_transitions (enrolment_id, at);

GRANT SELECT, INSERT ON enrolment_transitions TO medborger_app;

-- Overdue is derived (due_date < today, neither met nor waived), never stored.
CREATE TABLE milestones (
    id            uuid PRIMARY KEY,
    enrolment_id  uuid NOT NULL REFERENCES enrolments (id),
    code          text NOT NULL,
    name_da       text NOT NULL,
    name_en       text NOT NULL,
    due_date      date NOT NULL,
    met_on        date,
    waived_reason text CHECK (length(waived_reason) BETWEEN 1 AND 2000),
    closed_by     uuid REFERENCES staff_users (id),
    closed_at     timestamptz,
    UNIQUE (enrolment_id, code),
    CHECK (met_on IS NULL OR waived_reason IS NULL)
);
CREATE INDEX milestones_open_idx ON milestones (enrolment_id, due_date)
    WHERE met_on IS NULL AND waived_reason IS NULL;

GRANT SELECT, INSERT, UPDATE ON milestones TO medborger_app;

-- Journal notes are never updated or deleted (notatpligt): a correction is a
-- new note that supersedes the earlier one. The service has no UPDATE grant.
CREATE TABLE notes (
    id                 uuid PRIMARY KEY,
    enrolment_id       uuid NOT NULL REFERENCES enrolments (id),
    citizen_id         uuid NOT NULL REFERENCES citizens (id),
    author_id          uuid NOT NULL REFERENCES staff_users (id),
    kind               text NOT NULL CHECK (kind IN ('meeting', 'phone', 'home_visit', 'internship_follow_up',
        'language_progress', 'mentor_session', 'parent_contact', 'other')),
    occurred_at        timestamptz NOT NULL,
    text               text NOT NULL CHECK (length(text) BETWEEN 1 AND 20000),
    measures           jsonb NOT NULL DEFAULT '{}',
    shared_with_mentor boolean NOT NULL DEFAULT false,
    supersedes         uuid UNIQUE REFERENCES notes (id),
    correction_reason  text CHECK (length(correction_reason) BETWEEN 1 AND 2000),
    created_at         timestamptz NOT NULL,
    idempotency_key    text CHECK (length(idempotency_key) <= 128),
    request_hash       bytea,
    UNIQUE (author_id, idempotency_key),
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
);
CREATE INDEX notes_enrolment_idx ON notes (enrolment_id, created_at DESC, id DESC);

GRANT SELECT, INSERT ON notes TO medborger_app;

CREATE TABLE outcomes (
    id                uuid PRIMARY KEY,
    enrolment_id      uuid NOT NULL REFERENCES enrolments (id),
    citizen_id        uuid NOT NULL REFERENCES citizens (id),
    measurement_point text NOT NULL CHECK (measurement_point IN ('start', 'end', 'end_plus_6m', 'end_plus_12m')),
    measured_on       date NOT NULL,
    employment_status text NOT NULL CHECK (length(employment_status) <= 40),
    weekly_hours      real CHECK (weekly_hours BETWEEN 0 AND 80),
    self_supporting   boolean NOT NULL,
    in_education      boolean NOT NULL DEFAULT false,
    danish_level      text CHECK (length(danish_level) <= 16),
    recorded_by       uuid NOT NULL REFERENCES staff_users (id),
    created_at        timestamptz NOT NULL,
    UNIQUE (enrolment_id, measurement_point)
);

GRANT SELECT, INSERT ON outcomes TO medborger_app;

-- The catalogue (DESIGN §7), seeded here and editable by admins.
INSERT INTO programmes (code, name_da, name_en, department, restricted, requires_mentor, requires_consent, eligibility_notes, max_duration_months) VALUES
    ('kobenhavnermodellen', 'Københavnermodellen', 'The Copenhagen reception model', 'bif', false, true, false,
     'Nyankomne flygtninge: virksomhedspraktik i første måned og helhedsorienteret mentor det første år.', 12),
    ('ukraine_saerlov', 'Ukrainske fordrevne (særloven)', 'Displaced persons from Ukraine (special act)', 'bif', false, false, false,
     'Fordrevne efter den særlige lov for personer fordrevet fra Ukraine.', NULL),
    ('selvforsorgelsesprogram', 'Selvforsørgelses- og hjemrejseprogrammet', 'Self-support and return programme', 'bif', false, false, false, '', NULL),
    ('danskuddannelse', 'Danskuddannelse', 'Danish education', 'bif', false, false, false,
     'Op til 5 år; jobcentrets sprogskole eller privat sprogskole.', 60),
    ('jobdansk', 'Jobdansk', 'Job-oriented Danish', 'bif', false, false, false, 'Kort, fleksibelt jobrettet danskkursus for jobsøgende.', NULL),
    ('mentor', 'Helhedsorienteret mentor', 'Holistic mentor', 'bif', false, true, false, '', NULL),
    ('perspektiv', 'Perspektiv', 'Perspektiv', 'bif', false, false, false,
     'Ægtefælleforsørgede kvinder med ikke-vestlig baggrund i udsatte boligområder.', NULL),
    ('negativ_social_kontrol', 'Negativ social kontrol og æresrelaterede konflikter', 'Negative social control and honour-related conflicts', 'sof', true, false, false,
     'Håndteres af Etnisk Konsulentteam.', NULL),
    ('welcome_house', 'Welcome House', 'Welcome House', 'bif', false, false, false,
     'Frivillige tilbud på Amager Strand, Sjællandsgade, Dortheagården og Ottiliavej.', NULL),
    ('helhedsorienteret_familieindsats', 'Helhedsorienteret familieindsats', 'Holistic family intervention', 'sof', false, false, true,
     'Én indgang til kommunen for familier med komplekse problemer (Nørrebro, Bispebjerg).', NULL),
    ('housing_first', 'Housing First', 'Housing First', 'sof', false, false, false, 'Bolig med intensiv støtte.', NULL),
    ('fritidsguide', 'Fritidsguide', 'Leisure guidance', 'kff', false, false, false, '', NULL),
    ('kontingentstotte', 'Kontingentstøtte', 'Membership-fee support', 'kff', false, false, false, 'Børn og unge under 18.', NULL),
    ('feriecamp', 'Feriecamp', 'Holiday camp', 'kff', false, false, false, '', NULL),
    ('aktive_born_i_forening', 'Aktive børn i forening', 'Sport in day care', 'kff', false, false, false, '', NULL),
    ('bogstart', 'Bogstart', 'Early reading', 'kff', false, false, false, '', NULL),
    ('geist', 'GEIST', 'Intensive learning course for 8th-graders', 'buf', false, false, false, '', NULL),
    ('diabetes_rehabilitering', 'Diabetesrehabilitering', 'Diabetes rehabilitation', 'suf', false, false, false,
     'Med tolk eller hold på arabisk, tyrkisk og urdu.', NULL),
    ('etnisk_ressourceteam', 'Etnisk ressourceteam', 'Mother-tongue health dialogue', 'suf', false, false, false, 'Modersmålsdialog på 40 sprog.', NULL),
    ('green_teams', 'Green Teams', 'Building-operations jobs', 'tmf', false, false, false, '', NULL);

INSERT INTO milestone_rules (programme_code, code, name_da, name_en, anchor, offset_months, offset_days, position) VALUES
    ('kobenhavnermodellen', 'asylum_centre_interview', 'Samtale på asylcenter før ankomst', 'Asylum-centre interview before arrival', 'arrival', 0, 0, 1),
    ('kobenhavnermodellen', 'company_internship_started', 'Virksomhedspraktik startet', 'Company internship started', 'arrival', 1, 0, 2),
    ('kobenhavnermodellen', 'mentor_assigned', 'Mentor tilknyttet', 'Mentor assigned', 'enrolment_start', 0, 14, 3),
    ('kobenhavnermodellen', 'health_assessment_offered', 'Helbredsvurdering tilbudt', 'Health assessment offered', 'arrival', 3, 0, 4),
    ('kobenhavnermodellen', 'mentor_period_ends', 'Mentorforløbet slutter', 'Mentor period ends', 'arrival', 12, 0, 5),
    ('ukraine_saerlov', 'welcome_interview', 'Velkomstsamtale (bankkonto, MitID, job)', 'Welcome interview (bank account, MitID, job)', 'visitation', 0, 14, 1),
    ('ukraine_saerlov', 'programme_started', 'Selvforsørgelses- og hjemrejseprogram startet', 'Self-support and return programme started', 'arrival', 3, 0, 2),
    ('danskuddannelse', 'entitlement_ends', 'Retten til danskuddannelse udløber', 'Entitlement to Danish education ends', 'enrolment_start', 60, 0, 1);
