-- The application (API and worker) logs in as a role that is a member of
-- derma_app; migrations run as the role that owns the tables. derma_app may
-- read and write the tables it works on, and may only insert into and read
-- the audit log: no UPDATE, DELETE or TRUNCATE, and, not being its owner, no
-- ALTER TABLE (so no DISABLE TRIGGER either). Tables that later migrations
-- create get the same privileges through the default privileges below;
-- a migration that must keep a table from the application revokes them.
--
-- derma_app must exist before this migration runs (devstack creates it; in
-- production create it once, see README "Database roles").

-- +goose Up
GRANT USAGE ON SCHEMA public TO derma_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO derma_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO derma_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO derma_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO derma_app;

REVOKE ALL ON audit_events FROM derma_app;
GRANT SELECT, INSERT ON audit_events TO derma_app;
REVOKE ALL ON goose_db_version FROM derma_app;
GRANT SELECT ON goose_db_version TO derma_app;

-- +goose Down
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM derma_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM derma_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM derma_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM derma_app;
REVOKE USAGE ON SCHEMA public FROM derma_app;
