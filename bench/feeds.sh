#!/usr/bin/env bash
# Feeds benchmark (issues 5 and 17):
#  1. throughput of GET /ocds/releases?limit=100 with wrk, against nginx serving the same bytes
#     as a static file (target: at least 0.5x nginx), for three pages: the first (a full page,
#     kept in memory after the first request), the partial last page that pollers read (kept
#     until the next release), and full pages at random cursors, which are not kept (the
#     memory for kept pages holds a few hundred of the ~1,000,000 possible cursors) and are
#     read from the log's segment file (backend/src/publish/segment.rs). For information, the
#     same random pages with a filter (since=2000-01-01, which matches every release), which
#     the segment does not serve, rendered from the database;
#  2. time to export COUNT releases to the bulk releases.jsonl.gz (plus the per-year files)
#     from scratch, against `gzip -1` on the same uncompressed bytes (target: at least 0.5x gzip,
#     i.e. the export takes at most twice as long as gzip -1).
#
# The releases are generated and published through `publish` by the hidden `marco bench-seed`
# command, in transactions of 5,000, into a SQLite database in bench/out/feeds/ (kept, so a
# second run with the same COUNT skips seeding).
#
#   COUNT=200000 bash bench/feeds.sh      # default COUNT=1000000; WRK_SECONDS=15
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-1000000}
seconds=${WRK_SECONDS:-15}
work=bench/out/feeds
data=$work/data-$count
marco_port=18080
nginx_port=18081
mkdir -p "$work"

if ! command -v wrk >/dev/null || { ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; }; then
  echo "== installing wrk and nginx (Debian)"
  apt-get install -y wrk nginx >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

echo "== building marco (release)"
cargo build --release --bin marco --quiet
marco=${CARGO_TARGET_DIR:-target}/release/marco
export MARCO_DATA_DIR=$data MARCO_ADDR=127.0.0.1:$marco_port RUST_LOG=warn
# The benchmark hammers the feeds from one address; lift the per-address rate limit, and keep
# the background bulk and analytics jobs from running again while wrk runs.
export MARCO_FEED_RATE_PER_MINUTE=100000000 MARCO_BULK_REFRESH_SECS=86400 MARCO_ANALYTICS_SECS=86400

if [[ ! -f $data/seeded ]]; then
  echo "== publishing $count generated releases (one-off; kept in $data)"
  rm -rf "$data"
  start=$(date +%s.%N)
  "$marco" bench-seed "$count" 2>&1 | awk 'NR % 20 == 0 { print "   " $0; fflush() }'
  echo "   seeded in $(echo "$(date +%s.%N) - $start" | bc) s"
  touch "$data/seeded"
fi

echo "== bulk export of $count releases from scratch"
export_json=$("$marco" bench-export)
echo "   $export_json"
export_s=$(jq -r .releasesSeconds <<<"$export_json")

echo "== gzip -1 on the same bytes"
gzip -dc "$data/bulk/releases.jsonl.gz" > "$work/releases.jsonl"
bytes=$(stat -c %s "$work/releases.jsonl")
cat "$work/releases.jsonl" > /dev/null # warm the page cache, as the export had the database
start=$(date +%s.%N)
gzip -1 -c "$work/releases.jsonl" > "$work/releases.gzip1.gz"
gzip_s=$(echo "$(date +%s.%N) - $start" | bc)
echo "   $bytes bytes uncompressed: gzip -1 ${gzip_s} s, marco export ${export_s} s"
rm -f "$work/releases.jsonl" "$work/releases.gzip1.gz"

echo "== wrk: /ocds/releases?limit=100 (marco) vs the same bytes from nginx"
"$marco" serve > "$work/marco.log" 2>&1 &
marco_pid=$!
nginx_dir=$(mktemp -d /tmp/marco-bench-nginx.XXXXXX)
cleanup() {
  kill "$marco_pid" 2>/dev/null || true
  if [[ -f $nginx_dir/nginx.pid ]]; then kill "$(cat "$nginx_dir/nginx.pid")" 2>/dev/null || true; fi
  rm -rf "$nginx_dir"
}
trap cleanup EXIT
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$marco_port/healthz" >/dev/null && break
  sleep 0.1
done
# Wait for the start-up passes of the jobs: the segment job copies the log into its file (once;
# later starts only check it), and the analytics job reads the whole log.
echo "== waiting for the feed segment to hold $count releases and for the analytics pass"
for _ in $(seq 1800); do
  held=$(cut -d' ' -f1 "$data/feeds/releases.head" 2>/dev/null || echo 0)
  analysed=$(curl -fs "http://127.0.0.1:$marco_port/metrics" | awk '/^marco_job_runs\{job="analytics"\}/ { print $2 }')
  [[ $held -ge $count && ${analysed:-0} -ge 1 ]] && break
  sleep 1
done
echo "   segment: $held releases"
chmod 755 "$nginx_dir"
curl -fs "http://127.0.0.1:$marco_port/ocds/releases?limit=100" > "$nginx_dir/releases.json"
chmod 644 "$nginx_dir/releases.json"
cat > "$nginx_dir/nginx.conf" <<EOF
worker_processes auto;
pid $nginx_dir/nginx.pid;
error_log $nginx_dir/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  client_body_temp_path $nginx_dir/tmp;
  proxy_temp_path $nginx_dir/tmp;
  fastcgi_temp_path $nginx_dir/tmp;
  uwsgi_temp_path $nginx_dir/tmp;
  scgi_temp_path $nginx_dir/tmp;
  server {
    listen 127.0.0.1:$nginx_port;
    root $nginx_dir;
    default_type application/json;
  }
}
EOF
"$nginx_bin" -p "$nginx_dir" -c "$nginx_dir/nginx.conf"
sleep 0.5
page_bytes=$(stat -c %s "$nginx_dir/releases.json")
rps() { wrk -t2 -c16 -d"${seconds}s" "$1" | awk '/Requests\/sec/ { print $2 }'; }
marco_rps=$(rps "http://127.0.0.1:$marco_port/ocds/releases?limit=100")
nginx_rps=$(rps "http://127.0.0.1:$nginx_port/releases.json")
echo "   first page, $page_bytes bytes: marco $marco_rps req/s, nginx $nginx_rps req/s"

# The partial last page: the 50 newest releases.
last_cursor=$((count - 50))
curl -fs "http://127.0.0.1:$marco_port/ocds/releases?cursor=$last_cursor&limit=100" > "$nginx_dir/last.json"
chmod 644 "$nginx_dir/last.json"
last_bytes=$(stat -c %s "$nginx_dir/last.json")
marco_last=$(rps "http://127.0.0.1:$marco_port/ocds/releases?cursor=$last_cursor&limit=100")
nginx_last=$(rps "http://127.0.0.1:$nginx_port/last.json")
echo "   partial last page, $last_bytes bytes: marco $marco_last req/s, nginx $nginx_last req/s"

# random_rps QUERY: requests/s of pages of /ocds/releases?QUERY&cursor=<random>&limit=100.
random_rps() {
  cat > "$nginx_dir/random.lua" <<LUA
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/ocds/releases?$1cursor=" .. math.random(0, $((count - 100))) .. "&limit=100")
end
LUA
  wrk -t2 -c16 -d"${seconds}s" -s "$nginx_dir/random.lua" "http://127.0.0.1:$marco_port" | awk '/Requests\/sec/ { print $2 }'
}
# Full pages at random cursors, almost never kept: read from the segment file.
marco_random=$(random_rps "")
echo "   pages at random cursors (not yet kept): marco $marco_random req/s, against nginx's $nginx_rps req/s for a page of the same size"
# The same with a filter that matches every release: rendered from the database.
marco_filtered=$(random_rps "since=2000-01-01&")
echo "   filtered pages at random cursors (rendered from the database): marco $marco_filtered req/s"

throughput=$(echo "scale=2; $marco_rps / $nginx_rps" | bc)
last_ratio=$(echo "scale=2; $marco_last / $nginx_last" | bc)
random_ratio=$(echo "scale=2; $marco_random / $nginx_rps" | bc)
export_ratio=$(echo "scale=2; $gzip_s / $export_s" | bc)
verdict() { if (( $(echo "$1 >= 0.5" | bc) )); then echo "meets the 0.5x target"; else echo "BELOW the 0.5x target"; fi; }
echo
echo "== feeds: $count releases"
echo "   bulk export speed: ${export_ratio}x gzip -1 ($(verdict "$export_ratio"))"
echo "   first page (kept): ${throughput}x nginx ($(verdict "$throughput"))"
echo "   partial last page: ${last_ratio}x nginx ($(verdict "$last_ratio"))"
echo "   (filtered page rendered from the database: $(echo "scale=2; $marco_filtered / $nginx_rps" | bc)x nginx; no target)"
echo "   page not yet kept (random cursors): ${random_ratio}x nginx ($(verdict "$random_ratio"))"
