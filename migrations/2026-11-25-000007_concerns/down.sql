DROP POLICY citizens_concern ON citizens;
DROP FUNCTION medborger_concern_team();
DROP TABLE concerns;
