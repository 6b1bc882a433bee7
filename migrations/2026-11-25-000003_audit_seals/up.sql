-- Tamper evidence for the audit log, off the request path: a sealer (in
-- `serve`, or `medborger audit seal`) periodically seals the entries of a
-- closed time window. A seal stores the window, the ids and SHA-256 digests of
-- its entries in id order, and a hash chained to the previous seal's. Changing,
-- deleting or back-dating an entry, or editing a seal, breaks verification.
CREATE TABLE audit_seals (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    window_start   timestamptz NOT NULL,
    window_end     timestamptz NOT NULL CHECK (window_end > window_start),
    entry_ids      bigint[] NOT NULL,
    -- 32 bytes per entry, in the order of entry_ids.
    entry_digests  bytea NOT NULL CHECK (length(entry_digests) = 32 * cardinality(entry_ids)),
    prev_hash      bytea NOT NULL CHECK (length(prev_hash) = 32),
    hash           bytea NOT NULL CHECK (length(hash) = 32),
    sealed_at      timestamptz NOT NULL,
    UNIQUE (window_start),
    UNIQUE (window_end)
);

GRANT SELECT, INSERT ON audit_seals TO medborger_app;

-- Accesses by a member of a restricted team name the team, and are shown only
-- to that team (and to auditors): for anyone else they do not exist.
ALTER TABLE audit_log ADD COLUMN restricted_team_id uuid;
-- A citizen's access log is one call (GDPR Art. 15). The index is the price of
-- that lookup on an append-mostly table; it holds only entries about citizens.
CREATE INDEX audit_log_citizen_idx ON audit_log (citizen_id, id) WHERE citizen_id IS NOT NULL;
