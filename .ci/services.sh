#!/usr/bin/env bash
# Start the PostgreSQL server the service tests use for the multi-replica backend
# (huey's PostgresHuey queue + the SQLAlchemy intake tables).
#
# Idempotent and fast when already done: installs postgresql from Debian only if its
# binaries are missing, creates a throw-away cluster under $TRIAGE_PG_DIR once, starts it
# on 127.0.0.1:$TRIAGE_PG_PORT if it is not answering, and creates the test database.
# Prints what it did and, last, the URL to export:
#   export TRIAGE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:54329/triage_test
set -euo pipefail

PORT="${TRIAGE_PG_PORT:-54329}"
DIR="${TRIAGE_PG_DIR:-/tmp/triage-pg}"
DB="${TRIAGE_PG_DB:-triage_test}"

say() { echo "[services] $*"; }

find_pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

if ! BIN="$(find_pg_bin)"; then
  say "postgresql not installed: apt-get install -y postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
  BIN="$(find_pg_bin)"
else
  say "postgresql already installed ($BIN)"
fi

# initdb and postgres refuse to run as root: use the postgres system user when we are root.
run_pg() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  say "postgresql already answering on 127.0.0.1:$PORT"
else
  if [ ! -f "$DIR/PG_VERSION" ]; then
    say "creating cluster in $DIR"
    mkdir -p "$DIR"
    [ "$(id -u)" = "0" ] && chown postgres:postgres "$DIR"
    run_pg "$BIN/initdb" -D "$DIR" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  say "starting postgresql on 127.0.0.1:$PORT"
  run_pg "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 30 \
    -o "-h 127.0.0.1 -p $PORT -k /tmp -c fsync=off -c max_connections=200" start >/dev/null
fi

if ! "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc \
  "select 1 from pg_database where datname='$DB'" | grep -q 1; then
  say "creating database $DB"
  "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
else
  say "database $DB exists"
fi

say "export TRIAGE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$PORT/$DB"
