#!/usr/bin/env bash
# Catalogue orders through the buyer's JSON API (issue 13): CLIENTS (default 16) clients place
# ORDERS (default 10,000) orders with one Idempotency-Key each against a release build on the
# embedded default (SQLite), and on PostgreSQL when BENCH_POSTGRES_URL is set. Every order is
# within the buyer's own limit, so each is sent to its supplier and its OCDS award published in
# the same transaction. Prints orders/s and p50/p95/p99 latency, then checks that the database
# holds one order and one published release per acknowledged order.
#
#   bash bench/orders.sh
#   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres bash bench/orders.sh
#   MARCO_BIN=target/release/marco ORDERS=2000 bash bench/orders.sh
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${CLIENTS:-16}
orders=${ORDERS:-10000}
port=18091
work=bench/out/orders
mkdir -p "$work"

if [[ -z ${MARCO_BIN:-} ]]; then
  echo "== building marco (release)"
  cargo build --release --bin marco --quiet
fi
marco=$(realpath "${MARCO_BIN:-${CARGO_TARGET_DIR:-target}/release/marco}")

run_backend() {
  local name=$1 url=$2
  local data
  data=$(mktemp -d "$work/$name.XXXXXX")
  export MARCO_DATA_DIR=$data MARCO_ADDR=127.0.0.1:$port RUST_LOG=warn
  # The benchmark's own client sends every request from one address: lift the API rate limits
  # that would otherwise answer 429 (the feed limit is the only one configurable).
  export MARCO_FEED_RATE_PER_MINUTE=100000000 MARCO_BULK_REFRESH_SECS=86400
  if [[ -n $url ]]; then export MARCO_DATABASE_URL=$url; else unset MARCO_DATABASE_URL; fi
  "$marco" migrate >/dev/null
  "$marco" seed >/dev/null
  "$marco" serve > "$data/marco.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  local before
  before=$(curl -fs "http://127.0.0.1:$port/api/v1/status" >/dev/null && echo ok)
  [[ $before == ok ]] || { echo "marco did not start"; cat "$data/marco.log"; exit 1; }
  local result
  result=$(python3 bench/orders.py "http://127.0.0.1:$port" "$clients" "$orders")
  echo "   $name: $result"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "   errors logged: $(grep -c " ERROR " "$data/marco.log" || true)"
  if [[ -z $url ]]; then
    python3 - "$data/marco.db" "$result" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
placed = json.loads(sys.argv[2])["orders"]
orders = db.execute("select count(*) from orders where cost_centre = 'CC-BENCH'").fetchone()[0]
published = db.execute("select count(*) from releases r join orders o on o.ocid = r.ocid "
                       "where o.cost_centre = 'CC-BENCH'").fetchone()[0]
print(f"   check: {placed} acknowledged, {orders} orders stored, {published} award releases published")
sys.exit(0 if placed == orders == published else 1)
PY
  fi
  rm -rf "$data"
}

echo "== SQLite (the embedded default): $orders orders, $clients clients"
run_backend sqlite ""
if [[ -n ${BENCH_POSTGRES_URL:-} ]]; then
  echo "== PostgreSQL: $orders orders, $clients clients"
  db="marco_bench_orders_$$"
  psql "$BENCH_POSTGRES_URL" -q -c "CREATE DATABASE $db"
  trap 'psql "$BENCH_POSTGRES_URL" -q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
  run_backend postgres "${BENCH_POSTGRES_URL%/*}/$db"
fi
