#!/usr/bin/env bash
# Search benchmark (issue 6), two parts:
#  1. In process: seeds BENCH_SERVICES (default 50,000) generated services into a fresh
#     tantivy index, then times BENCH_QUERIES keyword+facet searches through the SearchIndex
#     trait. Target: p95 under 10 ms on a 2-core machine. Prints the indexing time and the
#     index size.
#  2. Over HTTP: the same number of services as real database rows (a live Cloud Services
#     framework, 400 suppliers; `marco bench-catalogue`), indexed by `marco reindex` (timed),
#     then wrk against full /catalogue pages (HTML with facets, highlights and prices),
#     cycling 48 keyword+facet queries. Reports throughput and latency percentiles.
# Figures go to stdout and bench/out/search.txt. The HTTP database is kept in
# bench/out/search-http/ so that a second run skips seeding. SEARCH_IN_PROCESS=0 skips part 1,
# SEARCH_HTTP=0 part 2.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
services=${BENCH_SERVICES:-50000}
seconds=${WRK_SECONDS:-15}
[[ ${SEARCH_IN_PROCESS:-1} == 0 ]] || {
  echo "== in process"
  cargo bench -p marco --bench search 2> bench/out/search-build.log \
    || { tail -30 bench/out/search-build.log; exit 1; }
} | tee bench/out/search.txt

[[ ${SEARCH_HTTP:-1} == 0 ]] && exit 0
if ! command -v wrk >/dev/null; then
  echo "== installing wrk (Debian)"
  apt-get install -y wrk >/dev/null
fi
cargo build --release --bin marco --quiet
marco=${CARGO_TARGET_DIR:-target}/release/marco
data=bench/out/search-http/data-$services
port=18090
export MARCO_DATA_DIR=$data MARCO_ADDR=127.0.0.1:$port RUST_LOG=warn
# wrk sends every request from one address: lift the per-address limits for the run.
export MARCO_FEED_RATE_PER_MINUTE=100000000
{
  echo "== over HTTP ($services services in the database)"
  if [[ ! -f $data/seeded ]]; then
    rm -rf "$data"
    start=$(date +%s.%N)
    "$marco" bench-catalogue "$services" | tail -1
    echo "   seeded in $(echo "$(date +%s.%N) - $start" | bc) s"
    start=$(date +%s.%N)
    "$marco" reindex 2>/dev/null
    echo "   marco reindex (from the database): $(echo "$(date +%s.%N) - $start" | bc) s"
    touch "$data/seeded"
  fi
  echo "   index on disk: $(du -sh "$data/search" | cut -f1)"
  "$marco" serve > bench/out/search-http/marco.log 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.1
  done
  curl -fs "http://127.0.0.1:$port/catalogue?q=backup&lot=cloud-hosting" | grep -o 'id="summary"[^<]*<' | head -1 || true
  # Warm up the page cache and the index readers, then measure.
  wrk -t2 -c4 -d3s -s bench/search-queries.lua "http://127.0.0.1:$port" > /dev/null
  for connections in 1 8; do
    threads=$(( connections < 2 ? 1 : 2 ))
    echo "   wrk -t$threads -c$connections -d${seconds}s (full HTML pages):"
    wrk -t"$threads" -c"$connections" -d"${seconds}"s -s bench/search-queries.lua "http://127.0.0.1:$port" \
      | grep -E "Requests/sec|wrk-json" | sed 's/^/     /'
  done
} | tee -a bench/out/search.txt
