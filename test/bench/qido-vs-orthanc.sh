#!/usr/bin/env bash
# QIDO-RS at scale, side by side with Orthanc in the same run (a benchmark, not a test): `dicomweb bench`, the client
# of test/bench/compare-orthanc.sh, times OHIF's study-list queries against indexes of STUDIES studies.
# Our index is filled through the same SqlIndexStore.AddInstanceAsync the store path uses (tiny metadata, no blobs);
# Orthanc gets the same distributions of names, dates and modalities through its REST API, one instance per study.
# The bench then stores one small CT study into each (the values its queries filter on come from that study).
#   STUDIES=100000 PER_STUDY=10 ORTHANC_STUDIES=100000 REPEATS=50 test/bench/qido-vs-orthanc.sh
# WORK=DIR keeps both corpora in DIR: a second run with the same WORK skips loading and only measures.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bench=$root/test/bench
STUDIES=${STUDIES:-100000}
PER_STUDY=${PER_STUDY:-10}
ORTHANC_STUDIES=${ORTHANC_STUDIES:-$STUDIES}
REPEATS=${REPEATS:-50}
PORT=${PORT:-18080}
ORTHANC_PORT=${ORTHANC_PORT:-18042}
PY=/usr/bin/python3
work=${WORK:-}
keep=${WORK:+1}
[ -n "$work" ] || work=$(mktemp -d)
mkdir -p "$work"
server_pid=
# shellcheck source=test/bench/orthanc.sh
source "$bench/orthanc.sh"
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  orthanc_stop
  rm -f /dev/shm/dwa-qido-bench-$$.db*
  [ -n "$keep" ] || rm -rf "$work"
}
trap cleanup EXIT

dotnet build "$root/src/DicomWebArchive.Server" -c Release -nologo -v q >/dev/null
dotnet build "$root/test/DicomWebArchive.Benchmarks" -c Release -nologo -v q >/dev/null

if [ ! -f "$work/data/index.db" ]; then
  echo "Loading $STUDIES studies x $PER_STUDY instances into the index"
  # tmpfs makes the per-instance fsync free while loading; the finished file then moves to disk.
  dotnet "$root/test/DicomWebArchive.Benchmarks/bin/Release/net10.0/DicomWebArchive.Benchmarks.dll" \
    load-index /dev/shm/dwa-qido-bench-$$.db "$STUDIES" "$PER_STUDY"
  mkdir -p "$work/data"
  mv /dev/shm/dwa-qido-bench-$$.db "$work/data/index.db"
fi
index_size=$(du -k "$work/data/index.db" | cut -f1)

DOTNET_ReadyToRun=0 dotnet "$root/src/DicomWebArchive.Server/bin/Release/net10.0/DicomWebArchive.Server.dll" \
  --urls "http://127.0.0.1:$PORT" --Storage:DataDirectory="$work/data" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done

orthanc_start "$work/orthanc" "$ORTHANC_PORT"
if [ ! -f "$work/orthanc/loaded" ]; then
  echo "Loading $ORTHANC_STUDIES studies into Orthanc"
  $PY "$bench/orthanc_load.py" "http://127.0.0.1:$ORTHANC_PORT" "$ORTHANC_STUDIES"
  touch "$work/orthanc/loaded"
fi

dotnet build "$root/src/DicomWebArchive.Cli" -c Release -nologo -v q >/dev/null
# The client's code is compiled optimized at its first call (no tiering): a run of a few seconds would otherwise spend
# part of the shared cores recompiling the client while it measures the server.
dicomweb() { DOTNET_TieredCompilation=0 dotnet "$root/src/DicomWebArchive.Cli/bin/Release/net10.0/dicomweb.dll" "$@"; }
$PY "$bench/make_ct_corpus.py" "$work/probe" 10 >/dev/null
dicomweb bench "http://127.0.0.1:$PORT/dicomweb" --corpus "$work/probe" --repeat "$REPEATS" --json > "$work/ours.json"
dicomweb bench "http://127.0.0.1:$ORTHANC_PORT/dicom-web" --corpus "$work/probe" --repeat "$REPEATS" --json > "$work/theirs.json"

$PY - "$work/ours.json" "$work/theirs.json" <<PY
import json, sys
ours, theirs = (json.load(open(path))["qido"] for path in sys.argv[1:3])
print(f"index: $STUDIES studies / $((STUDIES * PER_STUDY)) instances, {${index_size} / 1024:.0f} MiB on disk; Orthanc: $ORTHANC_STUDIES studies / $ORTHANC_STUDIES instances")
print(f"{'OHIF study list query':<24} {'ours p50':>9} {'p95':>7} {'n':>4} {'orthanc p50':>12} {'p95':>7} {'n':>4} {'ratio p50':>10}")
for o, t in zip(ours, theirs):
    print(f"{o['name']:<24} {o['p50Ms']:>9.2f} {o['p95Ms']:>7.2f} {o['results']:>4} {t['p50Ms']:>12.2f} {t['p95Ms']:>7.2f} {t['results']:>4} {t['p50Ms'] / o['p50Ms']:>9.1f}x")
PY
