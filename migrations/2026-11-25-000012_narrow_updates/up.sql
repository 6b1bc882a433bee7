-- The service may change only what its operations change: a referral's
-- decision and closure, a consent's withdrawal. Row-level security decides
-- which rows; these grants decide which columns, so even a request that got
-- past the application's checks cannot send a referral to another
-- department, rewrite its reason, or extend a consent.
REVOKE UPDATE ON referrals FROM medborger_app;
GRANT UPDATE (status, decided_by, decided_at, decision_reason, enrolment_id, closed_at, version)
    ON referrals TO medborger_app;
REVOKE UPDATE ON consents FROM medborger_app;
GRANT UPDATE (withdrawn_at, withdrawn_by, withdrawal_reason) ON consents TO medborger_app;
