#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benches: `source scripts/postgres-server.sh` starts one in a temporary
# folder on a free loopback port (initdb + pg_ctl, as a non-root user), exports MATCHING_TEST_POSTGRES (an Npgsql
# connection string to its "postgres" database) and PG_BIN, and stops it and removes the folder when the shell exits.
# Needs the Debian package postgresql (scripts/test.sh installs it).

pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "postgres-server.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
  return 1 2>/dev/null || exit 1
fi
export PG_BIN="$pg_bin"

pg_root="$(mktemp -d /tmp/matching-pg.XXXXXX)"
pg_user="$(id -un)"
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root: the server runs as the postgres user the package creates.
  pg_user=postgres
  chown postgres "$pg_root"
  run_as=(runuser -u postgres --)
fi

# A free loopback port: try random ones until nothing answers there.
pg_port=""
for _ in $(seq 1 50); do
  candidate=$(( 20000 + RANDOM % 40000 ))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then pg_port=$candidate; break; fi
done
[ -n "$pg_port" ] || { echo "postgres-server.sh: no free port found" >&2; return 1 2>/dev/null || exit 1; }

"${run_as[@]}" "$pg_bin/initdb" -D "$pg_root/data" -U matching --auth=trust -E UTF8 --locale=C.UTF-8 >"$pg_root/initdb.log" 2>&1 \
  || { cat "$pg_root/initdb.log" >&2; return 1 2>/dev/null || exit 1; }
"${run_as[@]}" "$pg_bin/pg_ctl" -D "$pg_root/data" -l "$pg_root/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_root -c max_connections=300 -c fsync=on" start >/dev/null \
  || { cat "$pg_root/server.log" >&2; return 1 2>/dev/null || exit 1; }

export MATCHING_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=matching;Database=postgres;Pooling=true;Maximum Pool Size=40"
export MATCHING_TEST_POSTGRES_DATA="$pg_root/data"
echo "postgres-server.sh: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port ($pg_root)"

stop_postgres() {
  "${run_as[@]}" "$PG_BIN/pg_ctl" -D "$pg_root/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$pg_root"
}
