-- A request's audit entries and its COMMIT go to the database in one round
-- trip (issue 13): the entries' statement first, then the batch
-- "SELECT medborger_require_audited(); COMMIT". The entries' statement sets
-- medborger.audited for the transaction; this refuses a transaction that
-- has not, so that if the two were ever to arrive the other way round the
-- work would be rolled back, never committed without its entries.
CREATE FUNCTION medborger_require_audited() RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
    IF coalesce(current_setting('medborger.audited', true), '') <> 'on' THEN
        RAISE EXCEPTION 'the transaction holds no audit entry' USING CONSTRAINT = 'medborger_unaudited';
    END IF;
END $$;
REVOKE ALL ON FUNCTION medborger_require_audited() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medborger_require_audited() TO medborger_app;
