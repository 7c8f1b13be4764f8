#!/usr/bin/env bash
# Checks docker-compose.yml the way CI does, without a Docker engine:
#   1. every file the compose file builds from or mounts exists;
#   2. with the example settings of infra/docker/env.example, `docker-compose config -q` accepts it;
#   3. with no settings at all, compose refuses, naming a missing secret.
# Needs docker-compose (Debian's 1.29: apt-get install -y docker-compose). Exits non-zero on failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

if ! command -v docker-compose >/dev/null 2>&1; then
  echo "validate-compose: docker-compose is not installed (apt-get install -y docker-compose)." >&2
  exit 2
fi

missing=0
for file in \
  infra/docker/app.Dockerfile \
  infra/docker/payara-preboot.asadmin \
  infra/docker/proxy.conf \
  infra/docker/postgres-init/10-app-role.sh \
  infra/keycloak/hourglass-realm.json; do
  if [[ ! -f "$file" ]]; then
    echo "validate-compose: docker-compose.yml refers to $file, which does not exist." >&2
    missing=1
  fi
done
[[ $missing -eq 0 ]] || exit 1

# The example settings, exported and also named as the env file, so that a developer's own .env
# can neither mask a missing variable nor change the outcome.
set -a
# shellcheck source=env.example
. "$here/env.example"
set +a
if ! docker-compose -f docker-compose.yml --env-file "$here/env.example" config -q; then
  echo "validate-compose: docker-compose.yml is not valid with infra/docker/env.example." >&2
  exit 1
fi

# Without settings, the ${VAR:?message} guards must stop compose before anything starts.
no_settings="$(mktemp)"
trap 'rm -f "$no_settings"' EXIT
refusal="$(env -i PATH="$PATH" HOME="${HOME:-/tmp}" \
  docker-compose -f docker-compose.yml --env-file "$no_settings" config -q 2>&1)" && {
  echo "validate-compose: docker-compose.yml was accepted without any secrets; keep the \${VAR:?...} guards." >&2
  exit 1
}
if ! grep -q "in .env" <<<"$refusal"; then
  echo "validate-compose: docker-compose.yml failed without settings, but not on a missing secret:" >&2
  echo "$refusal" >&2
  exit 1
fi

echo "validate-compose: docker-compose.yml is valid; it refuses to start without its secrets."
