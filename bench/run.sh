#!/usr/bin/env bash
# `make bench`: every benchmark, one after the other (the machine has 2 cores; running them at
# once would measure the contention). Figures go to stdout; each script says where it keeps
# its work files. Speed and memory targets live here, not in timed tests.
#
#   BENCH=ocds make bench      # only the OCDS compile benchmark
#   BENCH=analyse make bench   # only `ocds analyse` (1M compiled releases, ~4.4 GB of work files)
#   BENCH=feeds make bench     # only the feeds benchmark (wrk vs nginx, bulk export vs gzip -1);
#                              # it seeds 1M releases once (COUNT=200000 for a shorter run)
set -euo pipefail
cd "$(dirname "$0")/.."
only=${BENCH:-all}

if [[ $only == all || $only == ocds ]]; then
  echo "== ocds compile vs the reference merges (ocds-schema/bench/ocds_compile.sh)"
  bash ocds-schema/bench/ocds_compile.sh
fi

if [[ $only == all || $only == search ]]; then
  echo "== search: 50,000 services on tantivy, in process (bench/search.sh)"
  bash bench/search.sh
fi

if [[ $only == all || $only == analyse ]]; then
  echo "== ocds analyse on 1,000,000 compiled releases (bench/analyse.sh)"
  bash bench/analyse.sh
fi

# The feeds benchmark seeds a large database and installs wrk and nginx, so it runs only when
# asked for by name.
if [[ $only == feeds ]]; then
  echo "== feeds: wrk vs nginx, bulk export vs gzip -1 (bench/feeds.sh)"
  bash bench/feeds.sh
fi
