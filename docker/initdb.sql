-- Run once by the postgres image, as the superuser, when its data volume is
-- new (mounted into /docker-entrypoint-initdb.d by docker-compose.yml).
--
-- The service logs in as medborger_api, a member of the NOLOGIN group role
-- medborger_app that owns nothing and cannot bypass row-level security; the
-- migrations (run as the superuser) grant medborger_app what it may do.
-- The password is the local development default of scripts/run; change it
-- here and in DATABASE_URL in docker-compose.yml together.
CREATE ROLE medborger_app NOLOGIN NOBYPASSRLS;
CREATE ROLE medborger_api LOGIN PASSWORD 'medborger-dev-password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
GRANT medborger_app TO medborger_api;
