"""Prints `dicomweb bench --json` reports of DicomWebArchive and Orthanc side by side, with ratios and the disk's
durable-write limit. Ratios say how many times better DicomWebArchive does: throughput ours / theirs, latency theirs / ours.
With a fourth report (`dicomweb bench --stow-only` against test/bench/stow_sink.c), the floor of durable STOW with this
client on this machine, and each server's share of it.

usage: compare_table.py DWA.json ORTHANC.json DISK.json [SINK.json]
"""
import json
import sys

ours, theirs, disk = (json.load(open(path)) for path in sys.argv[1:4])
sink = json.load(open(sys.argv[4])) if len(sys.argv) > 4 else None

rows = [("STOW-RS instances/s", lambda r: r["stow"]["instancesPerSecond"], True, "{:.1f}"),
        ("STOW-RS MB/s", lambda r: r["stow"]["megabytesPerSecond"], True, "{:.1f}"),
        ("STOW-RS server CPU ms/instance", lambda r: r["stow"].get("serverCpuMsPerInstance"), False, "{:.2f}"),
        ("STOW-RS client CPU ms/instance", lambda r: r["stow"]["clientCpuMsPerInstance"], False, "{:.2f}")]
for i, query in enumerate(ours["qido"]):
    for p in ("p50", "p95"):
        rows.append((f"QIDO {query['name']} {p} (ms)", lambda r, i=i, p=p: r["qido"][i][p + "Ms"], False, "{:.2f}"))
rows += [("series metadata p50 (ms)", lambda r: r["seriesMetadata"]["p50Ms"], False, "{:.2f}"),
         ("single frame p50 (ms)", lambda r: r["frame"]["p50Ms"], False, "{:.2f}"),
         ("series retrieve MB/s", lambda r: r["seriesRetrieve"]["megabytesPerSecond"], True, "{:.1f}")]

corpus, stow = ours["corpus"], ours["stow"]
print(f"Corpus: {corpus['instances']} instances, {corpus['bytes'] / 1048576:.0f} MB; STOW timed on {stow['instances']} "
      f"({stow['parallel']} connections x {stow['batch']} per request); series of {corpus['seriesInstances']} instances; "
      f"{ours['repeat']} requests per latency figure")
print(f"{'':34} {'DicomWebArchive':>16} {'Orthanc':>12} {'ratio':>8}")
for name, get, higher_is_better, fmt in rows:
    a, b = get(ours), get(theirs)
    if a is None or b is None:
        continue
    ratio = (a / b if higher_is_better else b / a) if a and b else float("nan")
    print(f"{name:34} {fmt.format(a):>16} {fmt.format(b):>12} {ratio:>7.1f}x")
for query in ours["qido"]:
    results = [r["qido"][ours["qido"].index(query)]["results"] for r in (ours, theirs)]
    if results[0] != results[1]:
        print(f"note: QIDO {query['name']} found {results[0]} studies in DicomWebArchive, {results[1]} in Orthanc")
print(f"Disk durable-write limit: {disk['filesPerSecond']:.1f} files/s, {disk['megabytesPerSecond']:.1f} MB/s "
      f"({disk['files']} files of {disk['bytes']} bytes, {disk['writers']} writers, fsync each)")
for name, report in (("DicomWebArchive", ours), ("Orthanc", theirs)):
    print(f"{name}: {report['stow']['instancesPerSecond'] / disk['filesPerSecond']:.0%} of the disk's durable-write limit"
          + (f", {report['stow']['instancesPerSecond'] / sink['stow']['instancesPerSecond']:.0%} of the floor" if sink else ""))
if sink:
    s = sink["stow"]
    print(f"Floor (stow_sink.c: each part written to a new file and fsynced, nothing else; same client): "
          f"{s['instancesPerSecond']:.1f} instances/s, {s['megabytesPerSecond']:.1f} MB/s, "
          f"its CPU {s['serverCpuMsPerInstance']:.2f} ms/instance, client {s['clientCpuMsPerInstance']:.2f} ms/instance")
