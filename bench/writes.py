"""Write throughput of a running Marco: WRITERS signed-in managers each copy a framework and open
the copy, in a loop, for SECONDS. Prints one JSON line: copies, openings, write transactions per
second, latency percentiles and every answer that was not the expected 303.

Run by bench/writes.sh against a release build; needs only the standard library.
"""

import http.cookiejar
import json
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

BASE, WRITERS, SECONDS, SOURCE = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def session():
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    opener.open(BASE + "/sign-in").read()
    csrf = next(c.value for c in jar if c.name == "marco_csrf")
    status, _ = post(opener, "/sign-in", csrf, email="manager@marco.example", password="marco-demo-2026")
    assert status == 303, f"sign-in answered {status}"
    return opener, csrf


def post(opener, path, csrf, **fields):
    body = urllib.parse.urlencode({"csrf_token": csrf, **fields}).encode()
    try:
        with opener.open(urllib.request.Request(BASE + path, data=body)) as r:
            return r.status, r.headers.get("location", "")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("location", "")


results = []
lock = threading.Lock()


def writer(deadline):
    opener, csrf = session()
    mine = {"latencies": [], "unexpected": {}, "copies": 0, "opens": 0}
    while time.monotonic() < deadline:
        start = time.monotonic()
        status, location = post(opener, f"/frameworks/{SOURCE}/copy", csrf)
        mine["latencies"].append(time.monotonic() - start)
        if status != 303:
            mine["unexpected"][status] = mine["unexpected"].get(status, 0) + 1
            continue
        mine["copies"] += 1
        slug = re.match(r"/frameworks/([^?]+)", location).group(1)
        start = time.monotonic()
        status, _ = post(opener, f"/frameworks/{slug}/status", csrf, to="open")
        mine["latencies"].append(time.monotonic() - start)
        if status == 303:
            mine["opens"] += 1
        else:
            mine["unexpected"][status] = mine["unexpected"].get(status, 0) + 1
    with lock:
        results.append(mine)


deadline = time.monotonic() + SECONDS
threads = [threading.Thread(target=writer, args=(deadline,)) for _ in range(WRITERS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
latencies = sorted(l for r in results for l in r["latencies"])
unexpected = {}
for r in results:
    for k, v in r["unexpected"].items():
        unexpected[str(k)] = unexpected.get(str(k), 0) + v
copies = sum(r["copies"] for r in results)
opens = sum(r["opens"] for r in results)


def pct(p):
    return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1) if latencies else None


print(json.dumps({
    "writers": WRITERS, "seconds": SECONDS, "copies": copies, "openings": opens,
    "writesPerSecond": round((copies + opens) / SECONDS, 1),
    "p50ms": pct(0.50), "p95ms": pct(0.95), "p99ms": pct(0.99),
    "unexpected": unexpected,
}))
