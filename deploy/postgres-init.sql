-- The two roles of "Database roles" in the README: the owner runs the
-- migrations, the application role may only insert into and read the audit
-- log. Passwords come from the compose file's environment (psql variables).
CREATE ROLE derma_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE derma_app LOGIN PASSWORD :'app_password';
CREATE DATABASE derma OWNER derma_owner;
\connect derma
CREATE EXTENSION IF NOT EXISTS btree_gist;
-- Temporal's own persistence lives in its own databases, owned by its own role.
CREATE ROLE temporal LOGIN CREATEDB PASSWORD :'temporal_password';
