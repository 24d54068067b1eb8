#!/bin/sh
# Runs once, when the PostgreSQL volume is empty (docker-entrypoint-initdb.d).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" \
  -v owner_password="$DERMA_OWNER_PASSWORD" \
  -v app_password="$DERMA_APP_PASSWORD" \
  -v temporal_password="$TEMPORAL_DB_PASSWORD" \
  -f /docker-entrypoint-initdb.d/derma-roles.sql.in
