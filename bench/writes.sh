#!/usr/bin/env bash
# MARCO_BIN=path skips the build and measures that binary.
#
# Write throughput of the embedded default (SQLite) and of PostgreSQL, for the README's advice
# on when to move: WRITERS signed-in framework managers (default 1, 2 and 6) each copy a
# framework and open the copy in a loop for SECONDS (default 10), against a release build. (More
# than 10 writers meet the per-account sign-in limit: they all sign in as the demo manager.) Each
# copy and each opening is one write transaction (the opening also publishes an OCDS release).
#
#   bash bench/writes.sh                # SQLite, and PostgreSQL when BENCH_POSTGRES_URL is set
#   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres bash bench/writes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${SECONDS_EACH:-10}
writers_list=${WRITERS:-"1 2 6"}
port=18090
work=bench/out/writes
mkdir -p "$work"

if [[ -z ${MARCO_BIN:-} ]]; then
  echo "== building marco (release)"
  cargo build --release --bin marco --quiet
fi
marco=$(realpath "${MARCO_BIN:-${CARGO_TARGET_DIR:-target}/release/marco}")

run_backend() {
  local name=$1 url=$2
  for writers in $writers_list; do
    local data
    data=$(mktemp -d "$work/$name.XXXXXX")
    export MARCO_DATA_DIR=$data MARCO_ADDR=127.0.0.1:$port RUST_LOG=warn
    if [[ -n $url ]]; then export MARCO_DATABASE_URL=$url; else unset MARCO_DATABASE_URL; fi
    "$marco" migrate >/dev/null
    "$marco" seed >/dev/null
    "$marco" serve > "$data/marco.log" 2>&1 &
    local pid=$!
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
    # The demo's open framework ("Cloud Services 2") is the one every manager copies.
    local result
    result=$(python3 bench/writes.py "http://127.0.0.1:$port" "$writers" "$seconds" cloud-services-2)
    echo "   $name, $writers writer(s): $result"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "   errors logged: $(grep -c " ERROR " "$data/marco.log" || true)"
    rm -rf "$data"
  done
}

echo "== SQLite (the embedded default)"
run_backend sqlite ""
if [[ -n ${BENCH_POSTGRES_URL:-} ]]; then
  echo "== PostgreSQL"
  db="marco_bench_writes_$$"
  psql "$BENCH_POSTGRES_URL" -q -c "CREATE DATABASE $db"
  trap 'psql "$BENCH_POSTGRES_URL" -q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
  run_backend postgres "${BENCH_POSTGRES_URL%/*}/$db"
fi
