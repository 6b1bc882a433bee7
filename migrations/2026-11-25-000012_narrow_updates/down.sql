REVOKE UPDATE (status, decided_by, decided_at, decision_reason, enrolment_id, closed_at, version)
    ON referrals FROM medborger_app;
GRANT UPDATE ON referrals TO medborger_app;
REVOKE UPDATE (withdrawn_at, withdrawn_by, withdrawal_reason) ON consents FROM medborger_app;
GRANT UPDATE ON consents TO medborger_app;
