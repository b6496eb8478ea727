#!/usr/bin/env bash
# Benchmark (not a test): `dicomweb bench` against DicomWebArchive on the filesystem blob store and on the Azure blob
# store (Azurite, the Azure Storage emulator, on loopback), one after the other, same machine, corpus and client.
# Prints STOW throughput and single-frame latency side by side, with every other figure of both reports.
#
#   test/bench/blobs-azurite.sh                   # 500 CT 512x512 16-bit instances (5 series of 100)
#   COUNT=1000 PARALLEL=4 BATCH=10 REPEAT=50 test/bench/blobs-azurite.sh
#
# Azurite keeps blobs in files of its own without fsync; the filesystem store fsyncs every blob before answering.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
COUNT=${COUNT:-500}
PARALLEL=${PARALLEL:-4}
BATCH=${BATCH:-10}
REPEAT=${REPEAT:-50}
corpus=${CORPUS_DIR:-/tmp/dwa-compare-corpus}
work=$(mktemp -d /tmp/dwa-blobs-bench-XXXX)
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

azurite_main="$root/test/.tools/node_modules/azurite/dist/src/blob/main.js"
[ -f "$azurite_main" ] || npm install --prefix "$root/test/.tools" --no-audit --no-fund --silent azurite@3.35.0 >/dev/null
/usr/bin/python3 -c 'import pydicom, numpy' 2>/dev/null || {
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pydicom python3-numpy >/dev/null
}

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
run() { # name, then the server's blob settings
  local name=$1; shift
  local port; port=$(free_port)
  (cd src/DicomWebArchive.Server/bin/Release/net10.0 && DOTNET_ReadyToRun=0 exec dotnet DicomWebArchive.Server.dll --urls "http://127.0.0.1:$port" \
    --Storage:DataDirectory="$work/$name-data" --Logging:LogLevel:Default=Warning "$@") > "$work/$name.log" 2>&1 &
  local pid=$!; pids+=($pid)
  wait_ready "http://127.0.0.1:$port/health/ready" "$pid" "$work/$name.log"
  dicomweb bench "http://127.0.0.1:$port/dicomweb" --corpus "$work/corpus" --parallel "$PARALLEL" --batch "$BATCH" --repeat "$REPEAT" --json > "$work/$name.json"
  stop "$pid"
}

echo "DicomWebArchive on the filesystem"
run filesystem

azurite_port=$(free_port)
node "$azurite_main" --blobHost 127.0.0.1 --blobPort "$azurite_port" --location "$work/azurite" \
  --loose --skipApiVersionCheck --disableProductStyleUrl --disableTelemetry > "$work/azurite.log" 2>&1 &
azurite_pid=$!; pids+=($azurite_pid)
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$azurite_port/devstoreaccount1?comp=list" && break; sleep 0.5; done
echo "DicomWebArchive on Azure Blob Storage (Azurite $(node "$azurite_main" --version 2>/dev/null || echo 3.35.0) on 127.0.0.1:$azurite_port)"
# The emulator's well-known development account and key (public, the same in every Azurite).
run azure --Storage:Blobs:Provider=Azure --Storage:Blobs:Azure:Container=bench \
  "--Storage:Blobs:Azure:ConnectionString=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$azurite_port/devstoreaccount1;"

echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
/usr/bin/python3 - "$work/filesystem.json" "$work/azure.json" <<'PY'
import json, sys
fs, az = (json.load(open(p)) for p in sys.argv[1:3])
corpus = fs["corpus"]
print(f"Corpus: {corpus['instances']} instances, {corpus['bytes'] / 1048576:.0f} MB; "
      f"{fs['stow']['parallel']} connections x {fs['stow']['batch']} per request; {fs['repeat']} requests per latency figure")
rows = [("STOW-RS instances/s", lambda r: r["stow"]["instancesPerSecond"], "{:.1f}"),
        ("STOW-RS MB/s", lambda r: r["stow"]["megabytesPerSecond"], "{:.1f}"),
        ("single frame p50 (ms)", lambda r: r["frame"]["p50Ms"], "{:.2f}"),
        ("single frame p95 (ms)", lambda r: r["frame"]["p95Ms"], "{:.2f}"),
        ("series metadata p50 (ms)", lambda r: r["seriesMetadata"]["p50Ms"], "{:.2f}"),
        ("series retrieve MB/s", lambda r: r["seriesRetrieve"]["megabytesPerSecond"], "{:.1f}")]
print(f"{'':28} {'FileSystem':>12} {'Azurite':>12}")
for name, get, fmt in rows:
    print(f"{name:28} {fmt.format(get(fs)):>12} {fmt.format(get(az)):>12}")
PY
