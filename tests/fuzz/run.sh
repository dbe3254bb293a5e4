#!/usr/bin/env bash
# Fuzz Marco's HTTP API (the JSON API and the /ocds feeds) against the OpenAPI document it serves
# at /api/v1/openapi.json, with schemathesis (pinned in tests/fuzz/requirements.txt).
#
# 1. A throwaway virtualenv in target/fuzz-venv, rebuilt only when requirements.txt changes.
# 2. A fresh data folder: `marco migrate`, `marco seed` (the demo data), then `marco serve` on a
#    free port, stopped on exit.
# 3. `schemathesis run` with every check, every phase and FUZZ_SECONDS (default 150) of budget:
#    fuzzing and stateful testing repeat until the time is spent.
# 4. Reports go to target/fuzz-report/: junit.xml (one test case per API operation), report.json,
#    schemathesis.txt (the console output, with a curl line reproducing each failure) and
#    marco.log. tests/fuzz/summary.py lists the failures and ends with the line
#    `fuzz: N passed, M failed` (API operations); the exit status is non-zero on any failure.
#
# Settings: MARCO_BIN (default target/debug/marco), FUZZ_SECONDS (150), FUZZ_WORKERS (2),
# FUZZ_SEED (random; schemathesis prints the one it used, pass it back to reproduce a run).
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${CARGO_TARGET_DIR:-target}
marco=${MARCO_BIN:-$target/debug/marco}
venv=$(realpath -m "$target/fuzz-venv")
report=$(realpath -m "$target/fuzz-report")
state=$(realpath -m "$target/fuzz-state")
seconds=${FUZZ_SECONDS:-150}
workers=${FUZZ_WORKERS:-2}
[[ -x $marco ]] || { echo "no marco binary at $marco: run cargo build --bin marco first" >&2; exit 2; }
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "FUZZ_SECONDS must be a whole number of seconds" >&2; exit 2; }
[[ $workers =~ ^[1-9][0-9]*$ ]] || { echo "FUZZ_WORKERS must be a whole number" >&2; exit 2; }

# The stamp is a copy of the requirements the venv was built from: any edit rebuilds it, so a
# bumped pin never runs against stale packages.
stamp=$venv/requirements.stamp
if ! cmp -s tests/fuzz/requirements.txt "$stamp" || [[ ! -x $venv/bin/schemathesis ]]; then
  echo "fuzz: installing schemathesis into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/fuzz/requirements.txt
  cp tests/fuzz/requirements.txt "$stamp"
fi

work=$(mktemp -d /tmp/marco-fuzz.XXXXXX)
port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pid=
cleanup() {
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
rm -rf "$report"
mkdir -p "$report"

# Feeds are rate limited per client address and every request here comes from 127.0.0.1: lift
# the limit so the run tests the feeds rather than a wall of 429s. Sign-in and sign-up keep
# their own limits, which the document declares (429).
export MARCO_DATA_DIR=$work/data MARCO_ADDR=127.0.0.1:$port RUST_LOG=warn
export MARCO_FEED_RATE_PER_MINUTE=10000000
# No bulk-file rebuild in the middle of the run: it only competes for the two cores.
export MARCO_BULK_REFRESH_SECS=86400
"$marco" migrate > "$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }
"$marco" seed > "$work/seed.log" 2>&1 || { cat "$work/seed.log" >&2; exit 1; }
# The server log is kept: a 500 found by the fuzzer has its cause there.
"$marco" serve > "$report/marco.log" 2>&1 &
pid=$!
for _ in $(seq 300); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || {
  echo "fuzz: marco serve did not come up on 127.0.0.1:$port" >&2; cat "$report/marco.log" >&2; exit 1; }

# --checks all: server errors, undocumented status codes, content types and headers, response
# schemas, and the negative/positive data checks. --max-time bounds the whole run; the example
# and coverage phases run once, fuzzing and stateful fill the rest of the budget.
# Run from target/fuzz-state: schemathesis and hypothesis keep their state in the working
# directory (.schemathesis/ crash cache; .hypothesis/ examples database, so a failure found once
# is retried first next time), and that must not be the repository.
seed_opt=()
if [[ -n ${FUZZ_SEED:-} ]]; then seed_opt=(--seed "$FUZZ_SEED"); fi

# A read token of the demo manager, so operations behind sign-in (GET /api/v1/me) are exercised
# past their 401; schemathesis' ignored_auth check still proves they refuse requests without it.
token=$(curl -fsS -H 'content-type: application/json' \
  -d '{"email":"manager@marco.example","password":"marco-demo-2026"}' \
  "http://127.0.0.1:$port/api/v1/auth/token" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
echo "fuzz: schemathesis for ${seconds}s with $workers worker(s) against 127.0.0.1:$port"
mkdir -p "$state"
rc=0
# filter_too_much: Hypothesis gives up on an operation when most of the values it draws for a
# path segment cannot be sent in a URL (`/ocds/extensions/{extension}/{file}` failed on it
# once in CI); that says nothing about the API, and every check still runs on what is sent.
config=$(realpath tests/fuzz/schemathesis.toml)
(cd "$state" && exec "$venv/bin/schemathesis" --no-color --config-file "$config" run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --checks all \
  --header "Authorization: Bearer $token" \
  --suppress-health-check filter_too_much \
  --max-time "$seconds" \
  --workers "$workers" \
  --report junit,json --report-junit-path "$report/junit.xml" --report-json-path "$report/report.json" \
  "${seed_opt[@]}") \
  2>&1 | tee "$report/schemathesis.txt" || rc=$?

# The failures and one closing line from the JUnit and JSON reports; non-zero when anything failed.
"$venv/bin/python" tests/fuzz/summary.py "$report" "$rc"
