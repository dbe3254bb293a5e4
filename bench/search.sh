#!/usr/bin/env bash
# Search benchmark, in process: seeds BENCH_SERVICES (default 50,000) generated services into
# a fresh tantivy index, then times BENCH_QUERIES keyword+facet searches through the
# SearchIndex trait. Target: p95 under 10 ms on a 2-core machine. Figures go to stdout and
# bench/out/search.txt; the index lives in a temporary folder that is removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
cargo bench -p marco --bench search 2>/dev/null | tee bench/out/search.txt
