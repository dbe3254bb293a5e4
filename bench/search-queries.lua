-- wrk script for bench/search.sh: cycles through keyword+facet catalogue searches (the
-- same mix of common words, typos and prefixes as the in-process benchmark, on the lots
-- and filters of the Cloud Services content file), one full HTML page each.
local words = { "kubernetes", "cloud+hosting", "backup", "analitycs", "secure+email",
  "identity", "monitoring", "data+migration", "accessibility", "kube", "payrol",
  "sovereign+cloud" }
local filters = { "lot=cloud-software", "categories=backup", "lot=cloud-hosting",
  "data-location=chile" }
local paths = {}
for i, w in ipairs(words) do
  for j, f in ipairs(filters) do
    local sort = ((i + j) % 3 == 0) and "&sort=price_asc" or ""
    paths[#paths + 1] = "/catalogue?q=" .. w .. "&" .. f .. sort
  end
end
local n = 0
request = function()
  n = n % #paths + 1
  return wrk.format("GET", paths[n])
end
done = function(summary, latency, requests)
  io.write(string.format("wrk-json {\"requests\": %d, \"seconds\": %.3f, \"errors\": %d, " ..
    "\"non2xx\": %d, \"p50_ms\": %.2f, \"p95_ms\": %.2f, \"p99_ms\": %.2f, \"max_ms\": %.2f}\n",
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
