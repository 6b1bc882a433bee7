DROP FUNCTION medborger_enrolment_summaries(uuid, timestamptz);
DROP POLICY citizens_referred ON citizens;
DROP TABLE referrals;
DROP TABLE consents;
