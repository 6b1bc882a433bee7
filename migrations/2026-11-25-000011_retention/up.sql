-- Retention (DESIGN §5a). `medborger retention run`, as the schema owner, is
-- the only thing that removes audit entries: whole sealed windows older than
-- the audit retention period, with their seals. What it removed is recorded
-- here, with the hash of the last removed seal, so verification carries on
-- from the first remaining seal.
CREATE TABLE audit_prunes (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pruned_at        timestamptz NOT NULL,
    cutoff           timestamptz NOT NULL,
    up_to_window_end timestamptz NOT NULL,
    last_seal_hash   bytea NOT NULL CHECK (length(last_seal_hash) = 32),
    seals_removed    integer NOT NULL,
    entries_removed  bigint NOT NULL
);
GRANT SELECT ON audit_prunes TO medborger_app;

-- Legal hold is set and lifted by administrators, who see no case content:
-- this is their one door to the flag, and it answers only whether the
-- citizen was found.
CREATE FUNCTION medborger_set_legal_hold(citizen uuid, hold boolean, at timestamptz) RETURNS boolean
    LANGUAGE sql VOLATILE SET medborger.system = 'on' AS $$
        WITH changed AS (
            UPDATE citizens SET legal_hold = hold, version = version + 1, updated_at = at
             WHERE id = citizen AND lifecycle <> 'anonymised' AND 'admin' = ANY (medborger_roles())
            RETURNING 1)
        SELECT EXISTS (SELECT 1 FROM changed)
    $$;
GRANT EXECUTE ON FUNCTION medborger_set_legal_hold(uuid, boolean, timestamptz) TO medborger_app;
