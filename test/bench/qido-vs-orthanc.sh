#!/usr/bin/env bash
# QIDO-RS at scale, side by side with Orthanc in the same run (a benchmark, not a test).
# Our index is filled through the same SqlIndexStore.AddInstanceAsync the store path uses (tiny metadata, no blobs);
# Orthanc gets the same distributions of names, dates and modalities through its REST API, one instance per study.
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

dotnet "$root/src/DicomWebArchive.Server/bin/Release/net10.0/DicomWebArchive.Server.dll" \
  --urls "http://127.0.0.1:$PORT" --Storage:DataDirectory="$work/data" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done

orthanc_start "$work/orthanc" "$ORTHANC_PORT"
if [ ! -f "$work/orthanc/loaded" ]; then
  echo "Loading $ORTHANC_STUDIES studies into Orthanc"
  $PY "$bench/orthanc_load.py" "http://127.0.0.1:$ORTHANC_PORT" "$ORTHANC_STUDIES"
  touch "$work/orthanc/loaded"
fi

accession=$(printf 'A%08d' $((ORTHANC_STUDIES < STUDIES ? ORTHANC_STUDIES / 2 : STUDIES / 2)))
queries=(
  "/studies?PatientName=Nov*&limit=101"
  "/studies?AccessionNumber=$accession"
  "/studies?StudyDate=20200101-20200131&limit=101"
  "/studies?ModalitiesInStudy=MG&limit=101"
  "/studies?ModalitiesInStudy=OT&limit=101"
  "/studies?limit=101"
  "/studies?PatientName=*nov*&limit=101&offset=0&fuzzymatching=false&includefield=00081030,00080060,00080090,00100030"
)
ours=$($PY "$bench/qido_latency.py" "http://127.0.0.1:$PORT/dicomweb" "$REPEATS" "${queries[@]}")
theirs=$($PY "$bench/qido_latency.py" "http://127.0.0.1:$ORTHANC_PORT/dicom-web" "$REPEATS" "${queries[@]}")

$PY - "$ours" "$theirs" <<PY
import json, sys
ours, theirs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"index: $STUDIES studies / $((STUDIES * PER_STUDY)) instances, {${index_size} / 1024:.0f} MiB on disk; Orthanc: $ORTHANC_STUDIES studies / $ORTHANC_STUDIES instances")
print(f"{'query':<60} {'ours p50':>9} {'p95':>7} {'n':>4} {'orthanc p50':>12} {'p95':>7} {'n':>4} {'ratio p50':>10}")
for query, o in ours.items():
    t = theirs[query]
    print(f"{query[:60]:<60} {o['p50']:>9.2f} {o['p95']:>7.2f} {o['results']:>4} {t['p50']:>12.2f} {t['p95']:>7.2f} {t['results']:>4} {t['p50'] / o['p50']:>9.1f}x")
PY
