"""Orders through the buyer's API of a running Marco: CLIENTS threads share one write token of
the demo buyer and place ORDERS orders in all, each with its own Idempotency-Key, each within
the buyer's own approval limit so it is sent to its supplier (and its OCDS award published)
in the same transaction. Prints one JSON line: orders placed, orders per second, latency
percentiles in milliseconds, and every answer that was not 201.

Run by bench/orders.sh against a release build; needs only the standard library.
"""

import http.client
import json
import sys
import threading
import time
import urllib.parse
import uuid

BASE, CLIENTS, ORDERS = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
url = urllib.parse.urlsplit(BASE)


def request(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers={"content-type": "application/json", **(headers or {})})
    response = conn.getresponse()
    return response.status, response.read()


setup = http.client.HTTPConnection(url.hostname, url.port)
status, raw = request(setup, "POST", "/api/v1/auth/token", {
    "email": "buyer@compras.demo.gob.cl", "password": "marco-demo-2026", "scopes": ["read", "write"]})
assert status == 200, f"token: {status} {raw[:200]!r}"
token = json.loads(raw)["access_token"]
auth = {"authorization": f"Bearer {token}"}
# The cheapest available, priced service of the demo's cloud framework: one unit of it is
# within the buyer's own CLP 1,000,000 limit.
status, raw = request(setup, "GET", "/api/v1/catalogue/services?framework=cloud-services-1&sort=price_asc&per_page=20")
assert status == 200, f"catalogue: {status}"
services = [s for s in json.loads(raw)["services"]
            if s["available"] and s["price"] and float(s["price"]["amount"]) < 900_000]
assert services, "no cheap service in the demo catalogue"
requested = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 30 * 86400))

latencies = []
unexpected = {}
lock = threading.Lock()
counter = iter(range(ORDERS))


def client():
    conn = http.client.HTTPConnection(url.hostname, url.port)
    mine, odd = [], {}
    while True:
        with lock:
            n = next(counter, None)
        if n is None:
            break
        service = services[n % len(services)]
        body = {"items": [{"service": service["id"], "quantity": "1"}],
                "delivery_address": "Teatinos 120, Santiago", "cost_centre": "CC-BENCH",
                "requested_date": requested}
        start = time.perf_counter()
        status, raw = request(conn, "POST", "/api/v1/orders", body,
                              {**auth, "idempotency-key": str(uuid.uuid4())})
        mine.append(time.perf_counter() - start)
        if status != 201:
            odd[status] = odd.get(status, 0) + 1
            if len(odd) == 1 and odd[status] == 1:
                print(f"unexpected {status}: {raw[:300]!r}", file=sys.stderr)
    with lock:
        latencies.extend(mine)
        for k, v in odd.items():
            unexpected[k] = unexpected.get(k, 0) + v


started = time.perf_counter()
threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.perf_counter() - started
latencies.sort()


def pct(p):
    return round(1000 * latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 1)


placed = len(latencies) - sum(unexpected.values())
print(json.dumps({
    "clients": CLIENTS, "orders": placed, "seconds": round(elapsed, 1),
    "orders_per_second": round(placed / elapsed, 1),
    "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99), "max_ms": round(1000 * latencies[-1], 1),
    "unexpected": unexpected,
}))
