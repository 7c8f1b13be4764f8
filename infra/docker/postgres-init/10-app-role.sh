#!/usr/bin/env bash
# Runs once, when the postgres service creates its data directory: the role the app's requests run
# as. It owns nothing and cannot bypass row-level security (docs/decisions/0007-...-tenant-isolation.md);
# Flyway, running as the owner, grants it what it needs.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_user="$HOURGLASS_DB_APP_USER" -v app_password="$HOURGLASS_DB_APP_PASSWORD" <<'SQL'
CREATE ROLE :"app_user" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
SQL
