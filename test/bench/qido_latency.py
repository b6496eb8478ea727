"""Times QIDO-RS queries against a DICOMweb root over one keep-alive connection.

usage: qido_latency.py BASE_URL REPEATS QUERY...   (each QUERY a path plus query string below the root)
Prints one JSON object: {query: {"p50": ms, "p95": ms, "results": n}}.
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse


def main():
    base, repeats, queries = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    report = {}
    for query in queries:
        timings, count = [], 0
        for attempt in range(repeats + 2):
            start = time.perf_counter()
            connection.request("GET", url.path + query, headers={"Accept": "application/dicom+json"})
            response = connection.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - start) * 1000
            if response.status not in (200, 204):
                raise SystemExit(f"{query}: HTTP {response.status} {body[:200]!r}")
            if attempt >= 2:  # the first two warm caches and connections
                timings.append(elapsed)
            count = len(json.loads(body)) if body else 0
        timings.sort()
        report[query] = {
            "p50": round(statistics.median(timings), 2),
            "p95": round(timings[int(len(timings) * 0.95) - 1], 2),
            "results": count,
        }
    print(json.dumps(report))


main()
