#!/usr/bin/env bash
# Benchmark (not a test): `dicomweb bench` against Orthanc 1.10 + its DICOMweb plugin and against DicomWebArchive, in
# one run, on the same machine, corpus and client. Prints both side by side with ratios, and the disk's durable-write
# limit (the same number of files of the same size, 4 writers, an fsync each), which every server that makes each
# instance durable before answering runs into, as both do here (ours fsyncs each blob and commits SQLite with
# synchronous=FULL; Orthanc runs with SyncStorageArea). Beside STOW-RS throughput: each server's CPU time per stored
# instance, and the client's, which shares the machine's cores with the server. And the floor of this machine with this
# client: test/bench/stow_sink.c, a C receiver that only writes each uploaded part to a new file and fsyncs it (no
# parsing, hash or index), measured by the same client in the same way. No server that makes instances durable can
# store faster here than that. And the same receiver computing each part's SHA-256 as it passes (`stow_sink PORT DIR
# sha256`): the floor of a server that also keeps a content hash of every instance, as the archive does.
#
#   test/bench/compare-orthanc.sh                 # 1,000 CT 512x512 16-bit instances (10 series of 100)
#   COUNT=300 PARALLEL=4 BATCH=10 REPEAT=30 ROUNDS=3 test/bench/compare-orthanc.sh
#
# The client asks for gzip/deflate/br as a browser running OHIF does; Orthanc then compresses frames and metadata.
# Both servers listen on 127.0.0.1 only (Orthanc has no bind option: test/bench/bind-loopback.c keeps it there) and
# store into fresh directories. The speed of these virtual machines drifts by 10-20% over minutes, so the measurement
# runs in rounds (ROUNDS, 3 by default): each round measures Orthanc, DicomWebArchive, both floors and the disk one
# after the other (every other round in the reverse order), fresh processes and directories each time, and nothing is
# deleted until the end. STOW is printed round by round, so each ratio and share compares figures taken within the same
# minute, and every figure as the rounds' median.
#
# On ext4 without a journal (the virtual machines these figures come from), creating a file passes over every inode
# freed in the last minutes (up to six), at up to a few hundred microseconds per file: a run that starts soon after
# files were deleted (an earlier run's cleanup, a test suite) measures that. Leave six quiet minutes between runs.
#
# On those machines memory that is freed goes back to the host (free page reporting), and the first touch of a page
# afterwards costs a fault in the host: writing into new page-cache memory runs at about 0.5 GB/s (dd), into reused
# memory at 7 GB/s, so a file server that leaves what it wrote cached pays about a millisecond of CPU per 512 KB
# instance. The archive drops a blob's cached pages once the blob is durable (instances are read again much later
# than they are stored, if at all), and so reuses the same pages; the floor receiver and the disk figure do the same,
# so they stay upper bounds. Orthanc keeps what it wrote cached.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
COUNT=${COUNT:-1000}
PARALLEL=${PARALLEL:-4}
BATCH=${BATCH:-10}
REPEAT=${REPEAT:-20}
ROUNDS=${ROUNDS:-3}
corpus=${CORPUS_DIR:-/tmp/dwa-compare-corpus}
work=$(mktemp -d /tmp/dwa-compare-XXXX)
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

need=()
command -v Orthanc >/dev/null || need+=(orthanc)
[ -f /usr/share/orthanc/plugins/libOrthancDicomWeb.so ] || need+=(orthanc-dicomweb)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
[ -f /usr/include/openssl/evp.h ] || need+=(libssl-dev)
command -v curl >/dev/null || need+=(curl)
/usr/bin/python3 -c 'import pydicom, numpy' 2>/dev/null || need+=(python3-pydicom python3-numpy)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "Building DicomWebArchive and dicomweb (Release)"
dotnet build src/DicomWebArchive.Server -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build src/DicomWebArchive.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
# The client's code is compiled optimized at its first call (no tiering): a run of a few seconds would otherwise spend
# part of the shared cores recompiling the client while it measures the server.
dicomweb() { DOTNET_TieredCompilation=0 dotnet "$root/src/DicomWebArchive.Cli/bin/Release/net10.0/dicomweb.dll" "$@"; }

echo "Corpus: $COUNT CT 512x512 16-bit instances in $corpus"
/usr/bin/python3 test/bench/make_ct_corpus.py "$corpus" "$COUNT"
files=("$corpus"/ct*.dcm)
files=("${files[@]:0:$COUNT}")
mkdir -p "$work/corpus"
ln -s "${files[@]}" "$work/corpus/"

wait_ready() { # url pid log
  for _ in $(seq 1 120); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || { echo "server exited; see $3" >&2; tail -5 "$3" >&2; return 1; }
    sleep 0.5
  done
  echo "not ready: $1" >&2; return 1
}
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }
# Before each measurement: what the one before wrote is on disk (not flushed while the next server is timed), and the
# corpus is in memory.
settle() {
  sync
  cat "${files[@]}" > /dev/null
}
bench() { # url json-out server-pid [option...]
  dicomweb bench "$1" --corpus "$work/corpus" --parallel "$PARALLEL" --batch "$BATCH" --repeat "$REPEAT" --server-pid "$3" "${@:4}" --json > "$2"
}

gcc -shared -fPIC -O2 -o "$work/bind-loopback.so" test/bench/bind-loopback.c -ldl
gcc -O2 -pthread -o "$work/stow_sink" test/bench/stow_sink.c -lcrypto
size=$(( $(cat "${files[@]}" | wc -c) / COUNT ))
echo "Orthanc $(Orthanc --version 2>/dev/null | head -1 | awk '{print $NF}'), DicomWebArchive, the floors (test/bench/stow_sink.c, without and with SHA-256) and the disk, $ROUNDS round(s)"

# After a server was started in the background: waits until READY-URL answers, measures it at BASE-URL into
# NAME.report.json of the round's folder, stops it.
measure_started() { # round-folder name ready-url base-url [bench-option...]
  local pid=$!; pids+=($pid)
  wait_ready "$3" "$pid" "$1/$2.log"
  bench "$4" "$1/$2.report.json" "$pid" "${@:5}"
  stop "$pid"
}

measure_orthanc() { # round-folder
  local out=$1 port
  port=$(free_port)
  mkdir -p "$out/orthanc-storage"
  cat > "$out/orthanc.json" <<JSON
{
  "Name": "bench", "StorageDirectory": "$out/orthanc-storage", "IndexDirectory": "$out/orthanc-storage",
  "HttpPort": $port, "DicomServerEnabled": false, "RemoteAccessAllowed": false, "AuthenticationEnabled": false,
  "DefaultEncoding": "Utf8", "SyncStorageArea": true, "StorageCompression": false,
  "Plugins": ["/usr/share/orthanc/plugins/libOrthancDicomWeb.so"], "DicomWeb": { "Enable": true, "Root": "/dicom-web/" }
}
JSON
  settle
  LD_PRELOAD="$work/bind-loopback.so" Orthanc "$out/orthanc.json" > "$out/orthanc.log" 2>&1 &
  measure_started "$out" orthanc "http://127.0.0.1:$port/system" "http://127.0.0.1:$port/dicom-web"
}

measure_dwa() { # round-folder
  local out=$1 port
  port=$(free_port)
  settle
  # As `dotnet run` (the server's launch settings) and the container image run it: DOTNET_ReadyToRun=0 (README, Benchmarks).
  (cd src/DicomWebArchive.Server/bin/Release/net10.0 && DOTNET_ReadyToRun=0 exec dotnet DicomWebArchive.Server.dll --urls "http://127.0.0.1:$port" \
    --Storage:DataDirectory="$out/dwa-data" --Logging:LogLevel:Default=Warning) > "$out/dwa.log" 2>&1 &
  measure_started "$out" dwa "http://127.0.0.1:$port/health/ready" "http://127.0.0.1:$port/dicomweb"
}

measure_floor() { # round-folder [sha256]
  local out=$1 name=sink${2:+-$2} port
  port=$(free_port)
  mkdir -p "$out/$name"
  settle
  "$work/stow_sink" "$port" "$out/$name" ${2:-} > "$out/$name.log" 2>&1 &
  measure_started "$out" "$name" "http://127.0.0.1:$port/dicomweb/studies" "http://127.0.0.1:$port/dicomweb" --stow-only
}

measure_floor_sha256() { measure_floor "$1" sha256; }

measure_disk() { # round-folder
  settle
  /usr/bin/python3 test/bench/durable_writes.py "$1/disk" "$COUNT" "$size" 4 > "$1/disk.json"
}

# Odd rounds measure in this order, even rounds in the reverse one: a steady drift of the machine's speed during a run
# then favours no server by always measuring it first.
forward=(orthanc dwa floor floor_sha256 disk)
backward=(disk floor_sha256 floor dwa orthanc)
for round in $(seq 1 "$ROUNDS"); do
  out="$work/round$round"
  mkdir -p "$out"
  if (( round % 2 == 1 )); then steps=("${forward[@]}"); else steps=("${backward[@]}"); fi
  for step in "${steps[@]}"; do
    echo "Round $round: $step"
    "measure_$step" "$out"
  done
done

echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (ratios are only meaningful on an idle machine)"
/usr/bin/python3 test/bench/compare_table.py $(for round in $(seq 1 "$ROUNDS"); do echo "$work/round$round"; done)
