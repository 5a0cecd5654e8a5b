#!/usr/bin/env bash
# Throwaway PostgreSQL servers for the store tests and benchmarks.
#
#   bash tools/postgres.sh install      install the Debian package when no server binaries exist
#   bash tools/postgres.sh start DIR    initdb into DIR, start on a free port on 127.0.0.1
#                                       (Unix socket in DIR), print the database URL
#   bash tools/postgres.sh url DIR      print the URL of the server in DIR
#   bash tools/postgres.sh stop DIR     stop the server and delete DIR
#
# The server runs as the 'postgres' OS user when called as root (PostgreSQL refuses root).
# The store tests need none of this: tests/store/conftest.py starts its own cluster the same
# way, or uses $MAPPING_TEST_POSTGRES_URL, e.g.
#   export MAPPING_TEST_POSTGRES_URL="$(bash tools/postgres.sh start /tmp/wn-pg)"
set -euo pipefail

bindir() {
  local found
  found=$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -n 1 || true)
  [ -n "$found" ] || found=$(command -v initdb || true)
  [ -n "$found" ] || { echo "PostgreSQL server binaries not found; run: $0 install" >&2; exit 1; }
  dirname "$found"
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cmd=${1:-}
case "$cmd" in
  install)
    if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then exit 0; fi
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
      postgresql >/dev/null
    ;;
  start)
    dir=${2:?usage: $0 start DIR}
    bin=$(bindir)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir"
    port=$(free_port)
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" \
      start >/dev/null
    echo "$port" > "$dir/port"
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  url)
    dir=${2:?usage: $0 url DIR}
    echo "postgresql://postgres@127.0.0.1:$(cat "$dir/port")/postgres"
    ;;
  stop)
    dir=${2:?usage: $0 stop DIR}
    bin=$(bindir)
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    sed -n '2,13p' "$0" >&2
    exit 2
    ;;
esac
