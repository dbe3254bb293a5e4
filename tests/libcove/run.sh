#!/usr/bin/env bash
# Second opinion on Marco's OCDS (issue 5): the Open Contracting Partnership's Data Review Tool
# library, libcoveocds, checks every release package of the demo data that `make run` loads.
#
# 1. A throwaway virtualenv in target/libcove-venv with the pinned libcoveocds
#    (tests/libcove/requirements.txt, from PyPI; reused by later runs).
# 2. The "standard" ZIP libcoveocds needs offline, built from ocds-schema/schema/1.1.5/.
# 3. A fresh data folder: `marco seed` (the demo frameworks publish their releases), then
#    `marco serve`; the feed /ocds/releases is read page by page through links.next.
# 4. A self-check first: a known-bad package must fail, so the oracle is really checking.
# 5. libcoveocds on each page: any validation error or closed-codelist miss fails the run.
# 6. `ocds validate` (Marco's own validator) on the pages and on every record package.
#
# Uses the marco binary of the current build (MARCO_BIN, default target/debug/marco).
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${CARGO_TARGET_DIR:-target}
marco=${MARCO_BIN:-$target/debug/marco}
venv=$(realpath -m "$target/libcove-venv")
[[ -x $marco ]] || { echo "no marco binary at $marco: run cargo build --bin marco first" >&2; exit 2; }

if ! "$venv/bin/libcoveocds" --help >/dev/null 2>&1; then
  echo "libcove: installing libcoveocds into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/libcove/requirements.txt
fi

work=$(mktemp -d /tmp/marco-libcove.XXXXXX)
port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pid=
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
"$venv/bin/python" tests/libcove/standard_zip.py ocds-schema/schema/1.1.5 "$work/standard.zip"

# The oracle must be able to fail: a package with a bad date, tag and tender status is refused.
cp tests/libcove/bad-release-package.json "$work/bad.json"
(cd "$work" && "$venv/bin/libcoveocds" --standard-zip "$work/standard.zip" bad.json > bad.cove.json)
if "$venv/bin/python" tests/libcove/check.py "$work/bad.cove.json" "self-check" >/dev/null; then
  echo "libcove: the self-check package passed; libcoveocds is not checking anything" >&2
  exit 1
fi

export MARCO_DATA_DIR=$work/data MARCO_ADDR=127.0.0.1:$port RUST_LOG=warn
export MARCO_BULK_REFRESH_SECS=86400
"$marco" seed
"$marco" serve > "$work/marco.log" 2>&1 &
pid=$!
for _ in $(seq 200); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done

next="http://127.0.0.1:$port/ocds/releases?limit=1000"
pages=0
while [[ -n $next ]]; do
  page=$work/page-$pages.json
  curl -fsS "$next" -o "$page"
  count=$("$venv/bin/python" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["releases"]))' "$page")
  [[ $count == 0 ]] && break
  (cd "$work" && "$venv/bin/libcoveocds" --standard-zip "$work/standard.zip" "$page" > "$work/cove-$pages.json")
  "$venv/bin/python" tests/libcove/check.py "$work/cove-$pages.json" "release package $pages"
  next=$("$venv/bin/python" -c 'import json, sys; print((json.load(open(sys.argv[1])).get("links") or {}).get("next") or "")' "$page")
  pages=$((pages + 1))
done
[[ $pages -gt 0 ]] || { echo "libcove: the demo published no releases" >&2; exit 1; }
echo "libcove: $pages release package(s) of the demo data, 0 errors"

# Marco's own validator (1.1.5 schema plus the declared extensions) on the same release
# packages and on the record package of every contracting process.
ocds=${OCDS_BIN:-$(dirname "$marco")/ocds}
"$ocds" validate --quiet "$work"/page-*.json
records=0
for ocid in $("$venv/bin/python" -c 'import json, sys
seen = []
for path in sys.argv[1:]:
    for r in json.load(open(path))["releases"]:
        if r["ocid"] not in seen:
            seen.append(r["ocid"])
print("\n".join(seen))' "$work"/page-*.json); do
  curl -fsS "http://127.0.0.1:$port/ocds/records/$ocid" -o "$work/record.json"
  "$ocds" validate --quiet "$work/record.json" > /dev/null || {
    "$ocds" validate "$work/record.json"; echo "ocds validate: the record of $ocid has errors" >&2; exit 1; }
  records=$((records + 1))
done
echo "ocds validate: $pages release package(s) and $records record packages, 0 errors"
