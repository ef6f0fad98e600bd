#!/usr/bin/env bash
# The whole test suite, as the README and CI run it: type check, lint, then every test on a
# real SQLite file and a real PostgreSQL server. Starts a throwaway PostgreSQL cluster on
# loopback unless MEZAME_TEST_PG_URL points at one; installs the Debian packages it needs
# when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${need[*]} from Debian…" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
  else
    echo "the tests need: ${need[*]} (Debian packages). Install them, or set MEZAME_TEST_PG_URL." >&2
    exit 2
  fi
fi

if [ -z "${MEZAME_TEST_PG_URL:-}" ]; then
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  PGPORT=${MEZAME_TEST_PG_PORT:-55439}
  PGROOT=$(mktemp -d /tmp/mezame-test-pg.XXXXXX)
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGROOT"; AS_PG=(runuser -u postgres --); else AS_PG=(); fi
  "${AS_PG[@]}" "$PGBIN/initdb" -D "$PGROOT/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGROOT -c fsync=off -c max_connections=300" start >/dev/null
  trap '"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null; rm -rf "$PGROOT"' EXIT
  export MEZAME_TEST_PG_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres"
fi

npx tsc -p tsconfig.json
npx tsc -p web/tsconfig.json
npx biome lint src bench test
report=$(mktemp /tmp/mezame-vitest.XXXXXX.json)
npx vitest run --reporter=default --reporter=json --outputFile="$report" "$@" || true
node -e '
const r = require(process.argv[1]);
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
process.exit(r.numFailedTests === 0 && r.numTotalTests > 0 && r.success ? 0 : 1);
' "$report"
