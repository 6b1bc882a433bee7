-- Login throttling by account AND source (issue 10, door 9): a failure from
-- one client address no longer locks the account for every other address.
-- Counts so far were per username only; they are forgotten.
DELETE FROM login_throttle;
ALTER TABLE login_throttle DROP CONSTRAINT login_throttle_pkey;
ALTER TABLE login_throttle
    ADD COLUMN source text NOT NULL CHECK (length(source) BETWEEN 1 AND 128);
ALTER TABLE login_throttle ADD PRIMARY KEY (username, source);
COMMENT ON COLUMN login_throttle.source IS
    'The client address the attempts came from (the trusted proxy''s header when one is configured).';
