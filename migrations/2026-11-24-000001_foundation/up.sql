-- Foundation: organisation, staff, sessions, login throttling and the audit log.
--
-- The migrations run as the schema owner. The service connects as a login role
-- that is a member of the NOLOGIN group role `medborger_app`, which owns
-- nothing and gets exactly the grants below (so row-level security and an
-- append-only audit log can be enforced against it).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'medborger_app') THEN
        CREATE ROLE medborger_app NOLOGIN NOBYPASSRLS;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO medborger_app;
-- /readyz and `serve` compare the applied migrations with the embedded ones.
GRANT SELECT ON __diesel_schema_migrations TO medborger_app;

CREATE TABLE departments (
    code    text PRIMARY KEY CHECK (code IN ('bif', 'buf', 'kff', 'sof', 'suf', 'tmf', 'okf')),
    name_da text NOT NULL,
    name_en text NOT NULL
);

INSERT INTO departments (code, name_da, name_en) VALUES
    ('bif', 'Beskæftigelses- og Integrationsforvaltningen', 'Employment and Integration Administration'),
    ('buf', 'Børne- og Ungdomsforvaltningen', 'Children and Youth Administration'),
    ('kff', 'Kultur- og Fritidsforvaltningen', 'Culture and Leisure Administration'),
    ('sof', 'Socialforvaltningen', 'Social Services Administration'),
    ('suf', 'Sundheds- og Omsorgsforvaltningen', 'Health and Care Administration'),
    ('tmf', 'Teknik- og Miljøforvaltningen', 'Technical and Environmental Administration'),
    ('okf', 'Økonomiforvaltningen', 'Finance Administration');

GRANT SELECT ON departments TO medborger_app;

CREATE TABLE teams (
    id         uuid PRIMARY KEY,
    department text NOT NULL REFERENCES departments (code),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    restricted boolean NOT NULL DEFAULT false,
    active     boolean NOT NULL DEFAULT true,
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (department, name)
);

GRANT SELECT, INSERT, UPDATE ON teams TO medborger_app;

CREATE TABLE staff_users (
    id            uuid PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
    full_name     text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    department    text NOT NULL REFERENCES departments (code),
    roles         text[] NOT NULL
        CHECK (roles <@ ARRAY['caseworker', 'mentor', 'manager', 'auditor', 'admin']::text[]),
    password_hash text NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    -- Bumped on every change. Access tokens carry it, so a token minted before
    -- a change of roles, department, teams or active flag is refused at once.
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

GRANT SELECT, INSERT, UPDATE ON staff_users TO medborger_app;

CREATE TABLE staff_user_teams (
    user_id uuid NOT NULL REFERENCES staff_users (id),
    team_id uuid NOT NULL REFERENCES teams (id),
    PRIMARY KEY (user_id, team_id)
);
CREATE INDEX staff_user_teams_team_idx ON staff_user_teams (team_id);

GRANT SELECT, INSERT, DELETE ON staff_user_teams TO medborger_app;

-- Failed logins are counted per submitted username, whether or not such a user
-- exists, so that throttling does not reveal which accounts exist.
CREATE TABLE login_throttle (
    username        text PRIMARY KEY CHECK (length(username) <= 64),
    failures        integer NOT NULL,
    last_failure_at timestamptz NOT NULL,
    locked_until    timestamptz
);

GRANT SELECT, INSERT, UPDATE, DELETE ON login_throttle TO medborger_app;

-- A session is one login: the family of its rotating refresh tokens. Access
-- tokens name their session, so revoking it (logout, refresh-token reuse,
-- deactivation) stops them on the next request too.
CREATE TABLE sessions (
    id             uuid PRIMARY KEY,
    user_id        uuid NOT NULL REFERENCES staff_users (id),
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz,
    revoked_reason text
);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

GRANT SELECT, INSERT, UPDATE ON sessions TO medborger_app;

-- Refresh tokens are stored only as their SHA-256.
CREATE TABLE refresh_tokens (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    session_id uuid NOT NULL REFERENCES sessions (id),
    issued_at  timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

GRANT SELECT, INSERT, UPDATE ON refresh_tokens TO medborger_app;

-- Append-only: the application may add and read entries, never change them.
-- The identity key grows in insertion order and time is indexed with BRIN so
-- the table stays cheap to append to (DESIGN §10).
CREATE TABLE audit_log (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at               timestamptz NOT NULL,
    actor_id         uuid,
    actor_department text,
    actor_roles      text[] NOT NULL DEFAULT '{}',
    action           text NOT NULL CHECK (length(action) <= 64),
    resource_type    text NOT NULL CHECK (length(resource_type) <= 64),
    resource_id      text CHECK (length(resource_id) <= 128),
    citizen_id       uuid,
    reason           text CHECK (length(reason) <= 2000),
    request_id       text CHECK (length(request_id) <= 64),
    outcome          text NOT NULL CHECK (outcome IN ('success', 'denied', 'failure'))
);
CREATE INDEX audit_log_at_brin ON audit_log USING brin (at);

GRANT SELECT, INSERT ON audit_log TO medborger_app;
