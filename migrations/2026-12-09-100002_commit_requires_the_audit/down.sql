DROP FUNCTION medborger_require_audited();
