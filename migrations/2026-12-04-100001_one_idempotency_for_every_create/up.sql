-- Issue 11: every create honours `Idempotency-Key` through one mechanism
-- (docs/design.md §6). A key is the caller's own: the first request with it
-- claims the row inside its transaction (a concurrent retry waits on the
-- primary key, then answers what the first one answered) and leaves its
-- answer here; it is dropped with a rollback, so a failed request may be
-- retried. A fingerprint of method, path and body (keyed HMAC: the body of a
-- registration holds a CPR) tells a retry from another request.
CREATE TABLE idempotent_requests (
    actor_id      uuid NOT NULL REFERENCES staff_users (id),
    key           text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 128),
    fingerprint   bytea NOT NULL,
    created_at    timestamptz NOT NULL,
    -- The first answer: set before the claim commits, so never seen empty
    -- by anyone but the request that holds it.
    status        smallint CHECK (status BETWEEN 200 AND 299),
    location      text,
    etag          text,
    body          text,
    -- What a retry's audit entry names (a read of what was created).
    replay_entry  jsonb,
    -- The citizen the answer is about: anonymisation drops the answer.
    citizen_id    uuid REFERENCES citizens (id),
    PRIMARY KEY (actor_id, key)
);
CREATE INDEX idempotent_requests_created_idx ON idempotent_requests (created_at);
CREATE INDEX idempotent_requests_citizen_idx ON idempotent_requests (citizen_id) WHERE citizen_id IS NOT NULL;

GRANT SELECT, INSERT, DELETE ON idempotent_requests TO medborger_app;
GRANT UPDATE (status, location, etag, body, replay_entry, citizen_id) ON idempotent_requests TO medborger_app;
ALTER TABLE idempotent_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotent_requests FORCE ROW LEVEL SECURITY;
-- Nobody reads or replays another user's answers.
CREATE POLICY idempotent_requests_own ON idempotent_requests FOR ALL
    USING (actor_id = (SELECT medborger_user()))
    WITH CHECK (actor_id = (SELECT medborger_user()));

-- Notes had a key of their own; the one mechanism replaces it (and the
-- export no longer carries the columns).
ALTER TABLE notes DROP COLUMN idempotency_key, DROP COLUMN request_hash;
