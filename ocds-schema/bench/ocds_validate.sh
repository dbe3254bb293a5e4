#!/usr/bin/env bash
# `ocds validate` against the Open Contracting Partnership's libcoveocds and Python's
# jsonschema on the same release package (issue 17): releases per second and peak memory,
# the ratio to the faster of the two printed last.
#
#   bash ocds-schema/bench/ocds_validate.sh              # a package of 2,000 generated releases
#   RELEASES=10000 bash ocds-schema/bench/ocds_validate.sh
#
# The package wraps releases from bench/gen_releases.py (content from real publishers). Each
# tool checks it against the OCDS 1.1.5 release package schema shipped in ocds-schema/schema:
# libcoveocds offline through a "standard" ZIP of those files (tests/libcove/standard_zip.py);
# jsonschema (the library libcoveocds itself uses) with its Draft 4 validator and format
# checker, the package's references resolved from the same files. Extensions are left out of
# all three so that they check the same rules. Python tools run in the virtualenv that
# tests/libcove/run.sh keeps in target/libcove-venv (created here when missing).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RELEASES=${RELEASES:-2000}
WORK=${WORK:-/tmp/ocds-validate-bench}
mkdir -p "$WORK"
target=${CARGO_TARGET_DIR:-$ROOT/target}
venv="$target/libcove-venv"
if ! "$venv/bin/libcoveocds" --help >/dev/null 2>&1; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/tests/libcove/requirements.txt"
fi
(cd "$ROOT" && cargo build --release --quiet -p ocds-schema --bin ocds)
OCDS="$target/release/ocds"
SCHEMA="$ROOT/ocds-schema/schema/1.1.5"
SEEDS="$ROOT/../shared/ocds/real"
[ -d "$SEEDS" ] || SEEDS="$ROOT/ocds-schema/tests/data/real"

PACKAGE="$WORK/package-$RELEASES.json"
if [ ! -s "$PACKAGE" ]; then
  python3 "$ROOT/ocds-schema/bench/gen_releases.py" --releases "$RELEASES" --ocids $((RELEASES / 5 + 1)) \
    --seed 2 --seeds-dir "$SEEDS" -o "$WORK/releases.jsonl" > /dev/null
  python3 - "$WORK/releases.jsonl" "$PACKAGE" <<'PYEOF'
import json, sys
releases = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
package = {"uri": "https://example.org/package.json", "version": "1.1",
           "publishedDate": "2026-12-06T00:00:00Z", "publisher": {"name": "Benchmark"},
           "releases": releases}
json.dump(package, open(sys.argv[2], "w"))
PYEOF
fi
"$venv/bin/python" "$ROOT/tests/libcove/standard_zip.py" "$SCHEMA" "$WORK/standard.zip"
cat > "$WORK/jsonschema_check.py" <<'PYEOF'
import json, sys
from pathlib import Path
import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
schema_dir, package_path = Path(sys.argv[1]), sys.argv[2]
resources = []
for path in schema_dir.glob("*.json"):
    doc = json.loads(path.read_text())
    uri = doc.get("id") or doc.get("$id") or path.name
    resources.append((uri, Resource.from_contents(doc, default_specification=DRAFT4)))
registry = Registry().with_resources(resources)
schema = json.loads((schema_dir / "release-package-schema.json").read_text())
validator = jsonschema.Draft4Validator(schema, registry=registry, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
package = json.load(open(package_path))
errors = sum(1 for _ in validator.iter_errors(package))
print(errors)
PYEOF

# measure NAME COMMAND...: wall seconds and peak RSS (MB) of COMMAND.
declare -A SECS RSS
measure() {
  local name=$1
  shift
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || true
  read -r secs kb < <(tail -1 "$WORK/time.txt")
  SECS[$name]=$secs
  RSS[$name]=$((kb / 1024))
  printf '%-12s %8.2f s %10.0f releases/s %6d MB\n' "$name" "$secs" "$(echo "$RELEASES / $secs" | bc -l)" "${RSS[$name]}"
}
echo "package: $RELEASES releases, $(du -m "$PACKAGE" | cut -f1) MB ($PACKAGE)"
# Every tool reads the package from the page cache: the first one measured would otherwise
# also time the disk.
cat "$PACKAGE" > /dev/null
measure ours "$OCDS" validate --quiet "$PACKAGE"
measure libcoveocds "$venv/bin/libcoveocds" --standard-zip "$WORK/standard.zip" "$PACKAGE"
measure jsonschema "$venv/bin/python" "$WORK/jsonschema_check.py" "$SCHEMA" "$PACKAGE"
echo "errors found: ours $(grep -c . "$WORK/ours.out" || true) lines, jsonschema $(cat "$WORK/jsonschema.out"), libcoveocds $(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1])).get('validation_errors', [])))" "$WORK/libcoveocds.out" 2>/dev/null || echo '?') kinds"
best=libcoveocds
if (( $(echo "${SECS[jsonschema]} < ${SECS[libcoveocds]}" | bc) )); then best=jsonschema; fi
echo "validate: $(echo "scale=1; ${SECS[$best]} / ${SECS[ours]}" | bc)x the faster reference ($best, ${SECS[$best]} s; ours ${SECS[ours]} s, peak ${RSS[ours]} MB)"
