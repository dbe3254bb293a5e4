#!/usr/bin/env bash
# Benchmark `ocds compile` against the reference merges, and check that the outputs are equal.
#
#   ocds-schema/bench/ocds_compile.sh            # 100,000 releases over 20,000 ocids
#   RELEASES=20000 OCIDS=4000 ocds-schema/bench/ocds_compile.sh
#   SLOW=1 ...                                   # also `ocdskit compile --package --versioned` (~5 min)
#   OCDS=path/to/ocds ...                        # use a prebuilt binary instead of building
#   CHECK_ONLY=1 WORK=dir ...                     # only re-check the outputs of an earlier run
#
# It builds the release binary, makes a throwaway virtualenv (ocdsmerge-rs, ocdsmerge, ocdskit,
# orjson), generates a corpus with gen_releases.py, groups it by ocid (input order kept within an
# ocid), then times each tool with /usr/bin/time -v (wall clock, CPU, peak RSS). The check
# compares parsed JSON per ocid (key order and number spelling differ between tools).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CRATE=$(dirname "$HERE")
ROOT=$(dirname "$CRATE")
RELEASES=${RELEASES:-100000}
OCIDS=${OCIDS:-20000}
WORK=${WORK:-$(mktemp -d /tmp/ocds-bench.XXXXXX)}
SCHEMA="$CRATE/schema/1.1.5/release-schema.json"
SEEDS="$ROOT/../shared/ocds/real"
[ -d "$SEEDS" ] || SEEDS="$CRATE/tests/data/real"
mkdir -p "$WORK"
echo "work dir: $WORK (corpus: $RELEASES releases over $OCIDS ocids, seeds: $SEEDS)"

if [ -z "${OCDS:-}" ]; then
  (cd "$ROOT" && cargo build --release -p ocds-schema --bin ocds)
  OCDS="$ROOT/target/release/ocds"
fi

if [ ! -x "$WORK/venv/bin/python" ]; then
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install --quiet ocdsmerge-rs ocdsmerge ocdskit orjson
fi
PY="$WORK/venv/bin/python"

if [ ! -s "$WORK/grouped.jsonl" ]; then
  python3 "$HERE/gen_releases.py" --releases "$RELEASES" --ocids "$OCIDS" --seed 1 --seeds-dir "$SEEDS" -o "$WORK/releases.jsonl"
  "$PY" - "$WORK/releases.jsonl" "$WORK/grouped.jsonl" <<'PYEOF'
import sys, orjson
groups = {}
with open(sys.argv[1], "rb") as f:
    for line in f:
        if line.strip():
            groups.setdefault(orjson.loads(line)["ocid"], []).append(line)
with open(sys.argv[2], "wb") as out:
    for lines in groups.values():
        out.writelines(lines)
PYEOF
fi

RESULTS="$WORK/results.tsv"
if [ "${CHECK_ONLY:-0}" != 1 ]; then
: > "$RESULTS"
# measure NAME OUTPUT COMMAND...: runs COMMAND > OUTPUT under /usr/bin/time -v.
measure() {
  local name=$1 out=$2
  shift 2
  /usr/bin/time -v -o "$WORK/time.txt" "$@" > "$out"
  local wall cpu rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$WORK/time.txt")
  cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$WORK/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$WORK/time.txt")
  printf '%s\t%s\t%s\t%s\n' "$name" "$wall" "$cpu" "$rss" | tee -a "$RESULTS"
}

IN="$WORK/grouped.jsonl"
echo -e "task\twall_s\tcpu_s\tpeak_rss_MB"
measure "ocds compile --output compiled" "$WORK/ours-compiled.jsonl" "$OCDS" compile --no-progress --output compiled "$IN"
measure "ocds compile --output records --versioned" "$WORK/ours-records.jsonl" "$OCDS" compile --no-progress --output records --versioned "$IN"
measure "ocds compile, no flag (feed order input: found apart, then spilled)" "$WORK/ours-unsorted.jsonl" "$OCDS" compile --no-progress --output compiled "$WORK/releases.jsonl"
measure "ocdsmerge_rs compiled (oracle --engine rs)" "$WORK/rs-compiled.jsonl" "$PY" "$HERE/ocds_merge_oracle.py" --engine rs --schema "$SCHEMA" "$IN"
measure "ocdsmerge compiled (oracle --engine py)" "$WORK/py-compiled.jsonl" "$PY" "$HERE/ocds_merge_oracle.py" --engine py --schema "$SCHEMA" "$IN"
measure "ocdskit compile" "$WORK/kit-compiled.jsonl" sh -c "'$WORK/venv/bin/ocdskit' compile --schema '$SCHEMA' < '$IN'"
measure "ocdsmerge records+versioned (oracle --engine py)" "$WORK/py-records.jsonl" "$PY" "$HERE/ocds_merge_oracle.py" --engine py --schema "$SCHEMA" --output-kind record --versioned "$IN"
measure "ocdsmerge_rs records+versioned (oracle --engine rs)" "$WORK/rs-records.jsonl" "$PY" "$HERE/ocds_merge_oracle.py" --engine rs --schema "$SCHEMA" --output-kind record --versioned "$IN"
if [ "${SLOW:-0}" = 1 ]; then
  measure "ocdskit compile --package --versioned" "$WORK/kit-records.json" sh -c "'$WORK/venv/bin/ocdskit' compile --schema '$SCHEMA' --package --versioned --uri u --published-date 2020-01-01T00:00:00Z --publisher-name p < '$IN'"
fi

fi

echo "checking outputs (parsed JSON, per ocid; one pair in memory at a time)"
"$PY" - "$WORK" <<'PYEOF'
import gc, sys, orjson
work = sys.argv[1]

def load(name):
    with open(f"{work}/{name}", "rb") as f:
        return {d["ocid"]: d for d in (orjson.loads(line) for line in f if line.strip())}

checks = [
    ("compiled == ocdsmerge_rs", "ours-compiled.jsonl", "rs-compiled.jsonl"),
    ("compiled == ocdsmerge", "ours-compiled.jsonl", "py-compiled.jsonl"),
    ("compiled == ocdskit", "ours-compiled.jsonl", "kit-compiled.jsonl"),
    ("unsorted compiled == ocdsmerge", "ours-unsorted.jsonl", "py-compiled.jsonl"),
    ("records+versioned == ocdsmerge", "ours-records.jsonl", "py-records.jsonl"),
]
failed = 0
for name, ours, theirs in checks:
    a, b = load(ours), load(theirs)
    bad = [k for k in b if a.get(k) != b[k]] + [k for k in a if k not in b]
    print(f"{'ok  ' if not bad else 'FAIL'} {name}: {len(b)} ocids, {len(bad)} differ" + (f" (first: {bad[0]})" if bad else ""), flush=True)
    failed += bool(bad)
    del a, b
    gc.collect()
sys.exit(1 if failed else 0)
PYEOF
echo "results: $RESULTS"
# The ratios, last: the fastest reference tool in this run over ours, and our peak memory.
awk -F'\t' '
  $1 == "ocds compile --output compiled" { ours_c = $2; rss_c = $4 }
  $1 == "ocds compile --output records --versioned" { ours_v = $2; rss_v = $4 }
  $1 ~ /^ocds compile, no flag/ { ours_u = $2; rss_u = $4 }
  $1 ~ /^(ocdsmerge_rs|ocdsmerge) compiled|^ocdskit compile$/ { if (best_c == "" || $2 < best_c) { best_c = $2; tool_c = $1 } }
  $1 ~ /records\+versioned|--versioned"?$/ && $1 !~ /^ocds compile/ { if (best_v == "" || $2 < best_v) { best_v = $2; tool_v = $1 } }
  END {
    printf "compiled: %.1fx the fastest reference (%s, %.2f s; ours %.2f s), peak %d MB\n", best_c / ours_c, tool_c, best_c, ours_c, rss_c
    printf "versioned: %.1fx the fastest reference (%s, %.2f s; ours %.2f s), peak %d MB\n", best_v / ours_v, tool_v, best_v, ours_v, rss_v
    printf "feed-ordered, no flag: %.1fx the fastest compiled reference (ours %.2f s), peak %d MB\n", best_c / ours_u, ours_u, rss_u
  }' "$RESULTS"
