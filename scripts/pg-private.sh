#!/usr/bin/env bash
# A private PostgreSQL 15 for tests and benchmarks: its own data directory, port and socket in
# a temp dir, trust auth over the socket only (no TCP). Prints the database URL on start.
#   scripts/pg-private.sh start [DIR]   # initdb if needed, start, print the URL
#   scripts/pg-private.sh stop  [DIR]
#   scripts/pg-private.sh url   [DIR]
# PG_BIN (default /usr/lib/postgresql/15/bin) and PG_PORT (default 55432) can be overridden.
# When the binaries are missing and we are root, Debian's postgresql-15 is installed with apt-get.
set -euo pipefail
cmd="${1:-start}"
dir="${2:-${TMPDIR:-/tmp}/workbench-pg-$(id -u)}"
port="${PG_PORT:-55432}"
bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
db=workbench
url="postgresql://workbench@/${db}?host=${dir}&port=${port}"

as_owner() {
    # initdb and postgres refuse to run as root: run them as the postgres (or nobody) user.
    if [ "$(id -u)" = 0 ]; then
        local who=postgres
        id "$who" >/dev/null 2>&1 || who=nobody
        runuser -u "$who" -- "$@"
    else
        "$@"
    fi
}

need_binaries() {
    if [ -x "$bin/postgres" ]; then return 0; fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing postgresql-15 with apt-get…" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15 >&2 || true
    fi
    if [ ! -x "$bin/postgres" ]; then
        echo "no PostgreSQL 15 binaries in $bin (and they could not be installed)" >&2
        exit 2
    fi
}

case "$cmd" in
start)
    need_binaries
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
        owner=postgres; id "$owner" >/dev/null 2>&1 || owner=nobody
        chown "$owner" "$dir"; chmod 700 "$dir"
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$dir/data" -U workbench --auth=trust -E UTF8 \
            --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; exit 2; }
    fi
    if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
            -o "-p $port -k $dir -c listen_addresses='' -c fsync=off -c max_connections=200" \
            >/dev/null || { cat "$dir/server.log" >&2; exit 2; }
    fi
    as_owner "$bin/psql" -h "$dir" -p "$port" -U workbench -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
        || as_owner "$bin/createdb" -h "$dir" -p "$port" -U workbench "$db"
    echo "$url"
    ;;
stop)
    if [ -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
url)
    echo "$url"
    ;;
*)
    echo "usage: $0 start|stop|url [DIR]" >&2; exit 64
    ;;
esac
