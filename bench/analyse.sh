#!/usr/bin/env bash
# Benchmark `ocds analyse` on 1,000,000 compiled releases, beside `ocds stats` reading the same
# input (the floor: reading and parsing only), with wall time and peak memory.
#
#   bash bench/analyse.sh                      # 1,000,000 compiled releases
#   COMPILED=200000 bash bench/analyse.sh      # fewer
#   OCDS=target/release/ocds WORK=dir ...      # a prebuilt binary, an earlier corpus
#
# The corpus: gen_releases.py makes 100,000 releases over 20,000 ocids (content borrowed from
# real publishers, bids on every process), `ocds compile` compiles them, and the 20,000
# compiled releases are repeated under new ocids until there are COMPILED of them (about
# 4.4 KB each). Target (issue 16): at least 75,000 compiled releases/s for the indicators on an
# idle 2-core machine, with peak memory under 256 MB. Cardinal's `indicators` does about
# 50,000/s on such a machine (13,000/s when it is busy), with 9 MB.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
COMPILED=${COMPILED:-1000000}
WORK=${WORK:-/tmp/marco-analyse-bench}
mkdir -p "$WORK"
if [ -z "${OCDS:-}" ]; then
  (cd "$ROOT" && cargo build --release -p ocds-schema --bin ocds)
  OCDS="$ROOT/target/release/ocds"
fi
SEEDS="$ROOT/../shared/ocds/real"
[ -d "$SEEDS" ] || SEEDS="$ROOT/ocds-schema/tests/data/real"

if [ ! -s "$WORK/compiled-20k.jsonl" ]; then
  python3 "$ROOT/ocds-schema/bench/gen_releases.py" --releases 100000 --ocids 20000 --seed 1 \
    --seeds-dir "$SEEDS" -o "$WORK/releases.jsonl"
  "$OCDS" compile --unsorted --output compiled --no-progress "$WORK/releases.jsonl" > "$WORK/compiled-20k.jsonl"
fi
if [ ! -s "$WORK/compiled-$COMPILED.jsonl" ]; then
  python3 - "$WORK/compiled-20k.jsonl" "$WORK/compiled-$COMPILED.jsonl" "$COMPILED" <<'PYEOF'
import sys
src, dst, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = [l for l in open(src, "rb") if l.strip()]
written = 0
with open(dst, "wb") as out:
    k = 0
    while written < want:
        for line in lines:
            if written == want:
                break
            # A new ocid for each copy: the prefix gains the copy's number.
            out.write(line.replace(b'"ocds-synth0-', b'"ocds-synth%d-' % k))
            written += 1
        k += 1
PYEOF
fi
INPUT="$WORK/compiled-$COMPILED.jsonl"
SIZE=$(du -m "$INPUT" | cut -f1)
echo "input: $COMPILED compiled releases, $SIZE MB ($INPUT)"

# measure NAME COMMAND...: wall seconds and peak RSS (MB) of COMMAND, output discarded.
measure() {
  local name=$1
  shift
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > "$WORK/$name.out"
  read -r secs kb < "$WORK/time.txt"
  local rate
  rate=$(python3 -c "print(round($COMPILED / max($secs, 0.001)))")
  echo "$name: ${secs} s, ${rate} compiled releases/s, peak $((kb / 1024)) MB"
  eval "${name}_secs=$secs; ${name}_rate=$rate; ${name}_mb=$((kb / 1024))"
}
measure wc wc -l "$INPUT"
measure stats "$OCDS" stats --no-progress "$INPUT"
measure cardinal "$OCDS" analyse --no-progress --currency USD --cardinal-only "$INPUT"
measure analyse "$OCDS" analyse --no-progress --currency USD "$INPUT"
python3 - "$WORK/analyse.out" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
counts = {}
for group in ("OCID", "Buyer", "ProcuringEntity", "Tenderer"):
    for flags in r.get(group, {}).values():
        for code in flags:
            counts[code] = counts.get(code, 0) + 1
print("flags:", ", ".join(f"{c} {n}" for c, n in sorted(counts.items())))
PYEOF
echo "reading only: wc -l ${wc_rate}/s; ocds stats (parses every release into a tree) ${stats_rate}/s, peak ${stats_mb} MB"
echo "with Marco's supplier and buyer figures: ${analyse_rate} compiled releases/s, peak ${analyse_mb} MB"
echo "Cardinal's indicators: ${cardinal_rate} compiled releases/s (target 75000), peak ${cardinal_mb} MB (target < 256)"
