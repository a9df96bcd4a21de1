#!/bin/sh
# Initialises the data folder on first start (as the official image does), then runs the server in the foreground.
# The password comes from POSTGRES_PASSWORD_FILE (a mounted secret) or POSTGRES_PASSWORD.
set -eu
user=${POSTGRES_USER:-postgres}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    password_file=$(mktemp)
    if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
        tr -d '\r\n' < "$POSTGRES_PASSWORD_FILE" > "$password_file"
    else
        printf '%s' "${POSTGRES_PASSWORD:-}" > "$password_file"
    fi
    [ -s "$password_file" ] || { echo "Set POSTGRES_PASSWORD_FILE or POSTGRES_PASSWORD" >&2; exit 1; }
    # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS holds several arguments.
    initdb -D "$PGDATA" -U "$user" --pwfile="$password_file" ${POSTGRES_INITDB_ARGS:-}
    rm -f "$password_file"
    echo "host all all all ${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >> "$PGDATA/pg_hba.conf"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql
