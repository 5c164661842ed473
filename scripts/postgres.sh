#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests and benchmarks (loopback only).
#
#   scripts/postgres.sh start   install Debian's postgresql if missing, create a cluster in
#                               $GG_PG_DIR (default /tmp/groengezond-postgres) owned by user
#                               postgres, start it on 127.0.0.1:$GG_PG_PORT (default 55432),
#                               create the role and database for the tests and print the URL
#   scripts/postgres.sh stop    stop that server (the cluster folder is kept)
#   scripts/postgres.sh url     print the URL only
#
# Idempotent: running `start` twice leaves one running server and prints the same URL.
# Everything but the URL goes to stderr, so `export GG_TEST_POSTGRES_URL=$(scripts/postgres.sh
# start)` works.
set -euo pipefail

PG_DIR="${GG_PG_DIR:-/tmp/groengezond-postgres}"
PG_PORT="${GG_PG_PORT:-55432}"
PG_DB="${GG_PG_DB:-groengezond_test}"
PG_USER="${GG_PG_USER:-groengezond_test}"
PG_PASSWORD="${GG_PG_PASSWORD:-groengezond_test}"
DATA="$PG_DIR/data"
URL="postgresql+psycopg://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"

log() { echo "postgres.sh: $*" >&2; }

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n "$dir" && -x "$dir/initdb" ]] && echo "$dir"
}

as_postgres() {
    if [[ "$(id -un)" == "postgres" ]]; then
        "$@"
    elif [[ "$(id -u)" == "0" ]]; then
        runuser -u postgres -- "$@"
    else
        sudo -u postgres -- "$@"
    fi
}

as_root() {
    if [[ "$(id -u)" == "0" ]]; then "$@"; else sudo -- "$@"; fi
}

install_postgres() {
    if [[ -z "$(pg_bin)" ]]; then
        log "installing Debian's postgresql with apt-get"
        as_root apt-get update -qq >&2
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    fi
    if [[ -z "$(pg_bin)" ]]; then
        log "error: postgresql is still missing after apt-get install"
        exit 1
    fi
}

psql_admin() {
    as_postgres "$(pg_bin)/psql" -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres \
        -v ON_ERROR_STOP=1 -qAt "$@"
}

start() {
    install_postgres
    local bin
    bin=$(pg_bin)
    as_root mkdir -p "$PG_DIR"
    as_root chown postgres:postgres "$PG_DIR"
    as_root chmod 700 "$PG_DIR"
    if [[ ! -f "$DATA/PG_VERSION" ]]; then
        log "creating a cluster in $DATA"
        as_postgres "$bin/initdb" -D "$DATA" -U postgres --auth-local=trust \
            --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >&2
    fi
    if ! as_postgres "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        log "starting the server on 127.0.0.1:$PG_PORT"
        as_postgres "$bin/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 60 start \
            -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c max_connections=300 \
-c fsync=on -c synchronous_commit=on" >&2
    else
        log "already running"
    fi
    if [[ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != "1" ]]; then
        psql_admin -c "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'"
    fi
    if [[ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != "1" ]]; then
        psql_admin -c "CREATE DATABASE $PG_DB OWNER $PG_USER"
    fi
    echo "$URL"
}

stop() {
    local bin
    bin=$(pg_bin || true)
    if [[ -n "$bin" && -f "$DATA/PG_VERSION" ]] \
        && as_postgres "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        as_postgres "$bin/pg_ctl" -D "$DATA" -m fast -w stop >&2
    else
        log "not running"
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) echo "$URL" ;;
    *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
