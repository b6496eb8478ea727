"""Prints `dicomweb bench --json` reports of DicomWebArchive and Orthanc side by side, with ratios, beside the floor
of durable STOW with this client on this machine (`dicomweb bench --stow-only` against test/bench/stow_sink.c, without
and with a SHA-256 of every part) and the disk's durable-write limit (test/bench/durable_writes.py). Ratios say how
many times better DicomWebArchive does: throughput ours / theirs, latency theirs / ours.

Each argument is one round's folder, holding dwa.report.json, orthanc.report.json, sink.report.json,
sink-sha256.report.json and disk.json measured one after the other: STOW is shown round by round (the machine's speed
drifts over minutes, and the figures of a round drift together), then every figure as the median of the rounds, ratios
as the median of the rounds' ratios with their range.

usage: compare_table.py ROUND_DIR...
"""
import json
import os
import statistics
import sys

rounds = []
for folder in sys.argv[1:]:
    load = lambda name: json.load(open(os.path.join(folder, name)))
    rounds.append({"ours": load("dwa.report.json"), "theirs": load("orthanc.report.json"),
                   "sink": load("sink.report.json"), "sink_sha256": load("sink-sha256.report.json"),
                   "disk": load("disk.json")})

stow = lambda r: r["stow"]["instancesPerSecond"]
disk_rate = lambda r: r["disk"]["filesPerSecond"]


def shares(side, of):
    """STOW of one side (ours, theirs, sink, sink_sha256) as a share of another figure (a side, or "disk"), per round."""
    return [stow(r[side]) / (disk_rate(r) if of == "disk" else stow(r[of])) for r in rounds]


def spread(values):
    return f"{statistics.median(values):.0%} ({min(values):.0%}-{max(values):.0%})"

rows = [("STOW-RS instances/s", stow, True, "{:.1f}"),
        ("STOW-RS MB/s", lambda r: r["stow"]["megabytesPerSecond"], True, "{:.1f}"),
        ("STOW-RS server CPU ms/instance", lambda r: r["stow"].get("serverCpuMsPerInstance"), False, "{:.2f}"),
        ("STOW-RS client CPU ms/instance", lambda r: r["stow"]["clientCpuMsPerInstance"], False, "{:.2f}")]
for i, query in enumerate(rounds[0]["ours"]["qido"]):
    for p in ("p50", "p95"):
        rows.append((f"QIDO {query['name']} {p} (ms)", lambda r, i=i, p=p: r["qido"][i][p + "Ms"], False, "{:.2f}"))
rows += [("series metadata p50 (ms)", lambda r: r["seriesMetadata"]["p50Ms"], False, "{:.2f}"),
         ("single frame p50 (ms)", lambda r: r["frame"]["p50Ms"], False, "{:.2f}"),
         ("series retrieve MB/s", lambda r: r["seriesRetrieve"]["megabytesPerSecond"], True, "{:.1f}")]


def ratio(a, b, higher_is_better):
    return (a / b if higher_is_better else b / a) if a and b else float("nan")


first = rounds[0]["ours"]
corpus, timed = first["corpus"], first["stow"]
print(f"Corpus: {corpus['instances']} instances, {corpus['bytes'] / 1048576:.0f} MB; STOW timed on {timed['instances']} "
      f"({timed['parallel']} connections x {timed['batch']} per request); series of {corpus['seriesInstances']} instances; "
      f"{first['repeat']} requests per latency figure; {len(rounds)} round(s)")
print()
print("STOW-RS by round (instances/s; server CPU ms per instance; shares of the same round's floor and disk figure;")
print("floor+SHA: the floor receiver also hashing every part with SHA-256)")
print(f"{'round':>5} {'ours':>8} {'Orthanc':>8} {'ratio':>6} {'CPU ours':>9} {'Orthanc':>8} {'floor':>8} {'floor+SHA':>10}"
      f" {'disk':>8} {'ours/disk':>10} {'ours/floor':>11} {'Orthanc/disk':>13} {'floor/disk':>11} {'floor+SHA/disk':>15}")
for n, r in enumerate(rounds, 1):
    ours, theirs, disk = stow(r["ours"]), stow(r["theirs"]), disk_rate(r)
    floor, hashing = stow(r["sink"]), stow(r["sink_sha256"])
    print(f"{n:>5} {ours:>8.1f} {theirs:>8.1f} {ours / theirs:>5.2f}x {r['ours']['stow']['serverCpuMsPerInstance']:>9.2f}"
          f" {r['theirs']['stow']['serverCpuMsPerInstance']:>8.2f} {floor:>8.1f} {hashing:>10.1f} {disk:>8.1f}"
          f" {ours / disk:>10.0%} {ours / floor:>11.0%} {theirs / disk:>13.0%} {floor / disk:>11.0%} {hashing / disk:>15.0%}")
print()
print(f"{'median of the rounds':34} {'DicomWebArchive':>16} {'Orthanc':>12} {'ratio':>8}  range")
for name, get, higher_is_better, fmt in rows:
    if any(get(r["ours"]) is None or get(r["theirs"]) is None for r in rounds):
        continue
    ratios = [ratio(get(r["ours"]), get(r["theirs"]), higher_is_better) for r in rounds]
    a = statistics.median(get(r["ours"]) for r in rounds)
    b = statistics.median(get(r["theirs"]) for r in rounds)
    print(f"{name:34} {fmt.format(a):>16} {fmt.format(b):>12} {statistics.median(ratios):>7.1f}x"
          f"  {min(ratios):.1f}-{max(ratios):.1f}x")
for i, query in enumerate(first["qido"]):
    found = {(r["ours"]["qido"][i]["results"], r["theirs"]["qido"][i]["results"]) for r in rounds}
    if any(a != b for a, b in found):
        print(f"note: QIDO {query['name']} found {', '.join(f'{a} studies in DicomWebArchive and {b} in Orthanc' for a, b in sorted(found))}")
disk = rounds[0]["disk"]
print(f"Disk durable-write limit: {statistics.median(disk_rate(r) for r in rounds):.1f} files/s, "
      f"{statistics.median(r['disk']['megabytesPerSecond'] for r in rounds):.1f} MB/s median "
      f"({disk['files']} files of {disk['bytes']} bytes, {disk['writers']} writers, fsync each)")
for name, side in (("DicomWebArchive", "ours"), ("Orthanc", "theirs")):
    print(f"{name}: {spread(shares(side, 'disk'))} of the disk's durable-write limit, {spread(shares(side, 'sink'))} of the "
          f"floor, {spread(shares(side, 'sink_sha256'))} of the floor with SHA-256, median (range) of the rounds")
for name, side in (("Floor (stow_sink.c: each part written to a new file and fsynced, nothing else; same client)", "sink"),
                   ("Floor with SHA-256 (the same, hashing each part as it passes)", "sink_sha256")):
    floor = [r[side]["stow"] for r in rounds]
    print(f"{name}: {statistics.median(s['instancesPerSecond'] for s in floor):.1f} instances/s, "
          f"{statistics.median(s['megabytesPerSecond'] for s in floor):.1f} MB/s, "
          f"{spread(shares(side, 'disk'))} of the disk's limit, "
          f"its CPU {statistics.median(s['serverCpuMsPerInstance'] for s in floor):.2f} ms/instance, "
          f"client {statistics.median(s['clientCpuMsPerInstance'] for s in floor):.2f} ms/instance, median of the rounds")
