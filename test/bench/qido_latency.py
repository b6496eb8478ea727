"""Times QIDO-RS queries against a DICOMweb root over one keep-alive connection.

usage: qido_latency.py BASE_URL[,BASE_URL...] REPEATS QUERY...   (each QUERY a path plus query string below the root)
Prints one JSON object: {query: {"p50": ms, "p95": ms, "results": n}}. With several roots (comma-separated) the
requests alternate between them, one connection each, so that whatever else loads the machine loads every server
alike; the object is then {root: {query: ...}}.
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse


def timed_get(connection, path):
    start = time.perf_counter()
    connection.request("GET", path, headers={"Accept": "application/dicom+json"})
    response = connection.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status not in (200, 204):
        raise SystemExit(f"{path}: HTTP {response.status} {body[:200]!r}")
    return elapsed, len(json.loads(body)) if body else 0


def main():
    bases, repeats, queries = sys.argv[1].split(","), int(sys.argv[2]), sys.argv[3:]
    urls = [urllib.parse.urlsplit(base) for base in bases]
    connections = [http.client.HTTPConnection(url.hostname, url.port, timeout=60) for url in urls]
    reports = [{} for _ in bases]
    for query in queries:
        timings, counts = [[] for _ in bases], [0 for _ in bases]
        for attempt in range(repeats + 2):
            for server, (url, connection) in enumerate(zip(urls, connections)):
                elapsed, counts[server] = timed_get(connection, url.path + query)
                if attempt >= 2:  # the first two warm caches and connections
                    timings[server].append(elapsed)
        for server, report in enumerate(reports):
            times = sorted(timings[server])
            report[query] = {
                "p50": round(statistics.median(times), 2),
                "p95": round(times[int(len(times) * 0.95) - 1], 2),
                "results": counts[server],
            }
    print(json.dumps(reports[0] if len(bases) == 1 else dict(zip(bases, reports))))


main()
