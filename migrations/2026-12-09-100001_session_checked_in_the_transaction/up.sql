-- The session a request's token names is checked inside the request's own
-- transaction, in the round trip that opens it (issue 13, S1): BEGIN, the
-- caller's settings and this check go as one batch, where the check used to
-- be a round trip (and a pool checkout) of its own before the transaction.
-- A session that is revoked, expired, or whose user was deactivated or
-- changed since the token was minted raises, and the request is answered 401
-- (the service recognises the constraint name, not the message).
CREATE FUNCTION medborger_require_session(p_user uuid, p_session uuid, p_version integer, p_at timestamptz)
    RETURNS void LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM 1
       FROM staff_users u JOIN sessions s ON s.user_id = u.id
      WHERE u.id = p_user AND s.id = p_session
        AND s.revoked_at IS NULL AND s.expires_at > p_at
        AND u.active AND u.version = p_version;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the session has ended'
            USING ERRCODE = 'invalid_authorization_specification', CONSTRAINT = 'medborger_session_ended';
    END IF;
END $$;
REVOKE ALL ON FUNCTION medborger_require_session(uuid, uuid, integer, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medborger_require_session(uuid, uuid, integer, timestamptz) TO medborger_app;
