#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server, then remove the server.
#
#   scripts/with-postgres.sh .venv/bin/pytest -q
#
# The server lives in a temporary directory, listens on 127.0.0.1 on a free port and trusts local
# connections. The command sees TRACKER_TEST_DATABASE_URI (and the PG* variables, for psql).
# The server is stopped and its directory removed however the command ends; the script exits with
# the command's status. PG_BIN overrides where initdb and pg_ctl are found.
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 COMMAND [ARG...]" >&2
    exit 2
fi

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
if [[ ! -x "$PG_BIN/initdb" ]]; then
    echo "$0: no PostgreSQL server in $PG_BIN (apt-get install postgresql, or set PG_BIN)" >&2
    exit 1
fi

# The server refuses to run as root, so root runs it as the postgres user.
as_server_user=()
if [[ $(id -u) -eq 0 ]]; then
    as_server_user=(runuser -u postgres --)
fi

workdir=$(mktemp -d -t tracker-pg.XXXXXX)
if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$workdir"
fi

stop_server() {
    if [[ -f "$workdir/data/postmaster.pid" ]]; then
        (cd "$workdir" && "${as_server_user[@]}" "$PG_BIN/pg_ctl" stop -D "$workdir/data" -m immediate -w) \
            >/dev/null 2>&1 || true
    fi
    rm -rf "$workdir"
}
trap stop_server EXIT
# Signals end the script through its EXIT trap; bash runs it once the running command has exited
# (Ctrl-C reaches that command too, since it runs in the foreground).
trap 'exit 130' INT
trap 'exit 143' TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

# cd first: the postgres user may not be allowed into the caller's directory.
cd "$workdir"
"${as_server_user[@]}" "$PG_BIN/initdb" -D "$workdir/data" -U postgres -A trust \
    -E UTF8 --locale=C.UTF-8 >"$workdir/initdb.log" 2>&1 \
    || { cat "$workdir/initdb.log" >&2; exit 1; }

# Durability is pointless for a database that is deleted afterwards; skipping it saves time.
"${as_server_user[@]}" "$PG_BIN/pg_ctl" start -D "$workdir/data" -l "$workdir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $workdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null || { cat "$workdir/server.log" >&2; exit 1; }
cd "$OLDPWD"

export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATABASE=tracker_test
"$PG_BIN/createdb" tracker_test
export TRACKER_TEST_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:$port/tracker_test"

status=0
"$@" || status=$?
exit "$status"
