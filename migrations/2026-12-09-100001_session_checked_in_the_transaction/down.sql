DROP FUNCTION medborger_require_session(uuid, uuid, integer, timestamptz);
