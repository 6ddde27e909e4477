#!/bin/sh
# Entrypoint of crossover-postgres (Debian's PostgreSQL, built by docker/build-base-image.sh).
# It honours the subset of the official postgres image's contract the harness relies on, so
# harness/db/docker.ts starts either image the same way:
#   POSTGRES_USER (default postgres), POSTGRES_PASSWORD (required), POSTGRES_DB (default = user),
#   PGDATA; arguments are passed to `postgres` (e.g. `postgres -p 5433 -c listen_addresses=127.0.0.1`).
# On first start it runs initdb (scram-sha-256 over TCP, trust on the container-private socket)
# and creates POSTGRES_DB in single-user mode, so no server ever listens before the real one.
set -eu

if [ "${1#-}" != "$1" ]; then set -- postgres "$@"; fi
if [ "$1" != "postgres" ]; then exec "$@"; fi

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "docker-entrypoint.sh: POSTGRES_PASSWORD must be set" >&2
    exit 1
  fi
  user="${POSTGRES_USER:-postgres}"
  db="${POSTGRES_DB:-$user}"
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb --username="$user" --pwfile="$pwfile" --auth-host=scram-sha-256 --auth-local=trust \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  if [ "$db" != postgres ]; then
    # Identifiers are double-quoted; a quote inside the name would break it (the harness uses hello_world).
    echo "CREATE DATABASE \"$db\"" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
  echo "docker-entrypoint.sh: initialised $PGDATA (user $user, database $db)"
fi

exec "$@"
