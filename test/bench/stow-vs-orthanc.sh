#!/usr/bin/env bash
# Benchmark (not a test): STOW-RS throughput of DicomWebArchive against Orthanc + its DICOMweb plugin, on the same
# machine, corpus and client, in the same run. Prints instances/s, MB/s and the ratio.
#
#   test/bench/stow-vs-orthanc.sh            # 1,000 CT 512x512 instances, 4 clients, 10 instances per request
#   COUNT=2000 CLIENTS=4 BATCH=10 test/bench/stow-vs-orthanc.sh
#
# Both servers make data durable before answering: ours fsyncs every blob and commits SQLite with synchronous=FULL;
# Orthanc runs with SyncStorageArea. Each server stores into a fresh directory and is measured alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
COUNT=${COUNT:-1000}
CLIENTS=${CLIENTS:-4}
BATCH=${BATCH:-10}
work=${BENCH_DIR:-/tmp/dwa-bench}
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
orthanc_port=${ORTHANC_PORT:-$(free_port)}
orthanc_dicom_port=$(free_port)
dwa_port=${DWA_PORT:-$(free_port)}
boundary=dwa-bench-4f1c9e

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work/orthanc-storage" "$work/dwa-data"
}
trap cleanup EXIT

need=()
command -v Orthanc >/dev/null || need+=(orthanc)
[ -f /usr/share/orthanc/plugins/libOrthancDicomWeb.so ] || need+=(orthanc-dicomweb)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v curl >/dev/null || need+=(curl)
command -v bc >/dev/null || need+=(bc)
/usr/bin/python3 -c 'import pydicom, numpy' 2>/dev/null || need+=(python3-pydicom python3-numpy)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

mkdir -p "$work"
echo "Corpus: $COUNT CT 512x512 16-bit instances (+$BATCH for warming up) in $work/corpus"
/usr/bin/python3 test/bench/make_ct_corpus.py "$work/corpus" $((COUNT + BATCH))
all=("$work/corpus"/ct*.dcm)
files=("${all[@]:0:$COUNT}")
warmup=("${all[@]:$COUNT:$BATCH}")
total_bytes=$(cat "${files[@]}" | wc -c)

# Multipart bodies are built once so the client does no work but sending.
multipart() {
  for f in "$@"; do
    printf -- '--%s\r\nContent-Type: application/dicom\r\n\r\n' "$boundary"; cat "$f"; printf '\r\n'
  done
  printf -- '--%s--\r\n' "$boundary"
}
rm -rf "$work/batches"; mkdir -p "$work/batches"
for ((i = 0; i < ${#files[@]}; i += BATCH)); do
  multipart "${files[@]:i:BATCH}" > "$work/batches/$(printf '%05d' $((i / BATCH))).mpr"
done
multipart "${warmup[@]}" > "$work/warmup.mpr"

gcc -shared -fPIC -O2 -o "$work/bind-loopback.so" test/bench/bind-loopback.c -ldl

wait_ready() { # url pid log
  for _ in $(seq 1 120); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || { echo "server exited; see $3" >&2; tail -5 "$3" >&2; return 1; }
    sleep 0.5
  done
  echo "not ready: $1" >&2; return 1
}

# Sends one untimed batch (JIT, caches, first files), then every batch with $CLIENTS concurrent curl clients;
# prints seconds elapsed, fails unless every request got 200.
upload() {
  local url=$1 start end
  curl -sf -o /dev/null -H "Content-Type: multipart/related; type=\"application/dicom\"; boundary=$boundary" --data-binary @"$work/warmup.mpr" "$url"
  start=$(date +%s.%N)
  find "$work/batches" -name '*.mpr' | sort | xargs -P "$CLIENTS" -I{} curl -s -o /dev/null -w '%{http_code}\n' \
    -H "Content-Type: multipart/related; type=\"application/dicom\"; boundary=$boundary" -H 'Accept: application/dicom+json' \
    --data-binary @{} "$url" > "$work/codes.txt"
  end=$(date +%s.%N)
  local ok; ok=$(grep -c '^200$' "$work/codes.txt" || true)
  local sent; sent=$(wc -l < "$work/codes.txt")
  if [ "$ok" != "$sent" ]; then echo "$url: only $ok of $sent requests answered 200: $(sort "$work/codes.txt" | uniq -c | tr '\n' ' ')" >&2; return 1; fi
  echo "$end - $start" | bc -l
}

report() { # name seconds
  printf '%-16s %8.1f s %10.1f instances/s %8.1f MB/s\n' "$1" "$2" "$(echo "$COUNT / $2" | bc -l)" "$(echo "$total_bytes / 1048576 / $2" | bc -l)"
}

echo "Orthanc $(Orthanc --version 2>/dev/null | head -1 | awk '{print $NF}') on 127.0.0.1:$orthanc_port"
rm -rf "$work/orthanc-storage"; mkdir -p "$work/orthanc-storage"
cat > "$work/orthanc.json" <<JSON
{
  "Name": "bench", "StorageDirectory": "$work/orthanc-storage", "IndexDirectory": "$work/orthanc-storage",
  "HttpPort": $orthanc_port, "DicomPort": $orthanc_dicom_port, "RemoteAccessAllowed": false, "AuthenticationEnabled": false,
  "DefaultEncoding": "Utf8", "SyncStorageArea": true, "StorageCompression": false,
  "Plugins": ["/usr/share/orthanc/plugins/libOrthancDicomWeb.so"], "DicomWeb": { "Enable": true, "Root": "/dicom-web/" }
}
JSON
LD_PRELOAD="$work/bind-loopback.so" Orthanc "$work/orthanc.json" > "$work/orthanc.log" 2>&1 &
pids+=($!); orthanc_pid=$!
wait_ready "http://127.0.0.1:$orthanc_port/system" "$orthanc_pid" "$work/orthanc.log"
orthanc_s=$(upload "http://127.0.0.1:$orthanc_port/dicom-web/studies")
kill "$orthanc_pid"; wait "$orthanc_pid" 2>/dev/null || true

echo "DicomWebArchive (Release) on 127.0.0.1:$dwa_port"
dotnet build src/DicomWebArchive.Server -c Release -nologo -clp:ErrorsOnly >/dev/null
rm -rf "$work/dwa-data"
(cd src/DicomWebArchive.Server/bin/Release/net10.0 && exec dotnet DicomWebArchive.Server.dll --urls "http://127.0.0.1:$dwa_port" \
  --Storage:DataDirectory="$work/dwa-data" --Logging:LogLevel:Default=Warning) > "$work/dwa.log" 2>&1 &
pids+=($!); dwa_pid=$!
wait_ready "http://127.0.0.1:$dwa_port/health/ready" "$dwa_pid" "$work/dwa.log"
dwa_s=$(upload "http://127.0.0.1:$dwa_port/dicomweb/studies")
kill "$dwa_pid"; wait "$dwa_pid" 2>/dev/null || true

echo
echo "$COUNT instances, $((total_bytes / 1048576)) MB, $CLIENTS clients, $BATCH instances per request"
report Orthanc "$orthanc_s"
report DicomWebArchive "$dwa_s"
printf 'Ratio (DicomWebArchive / Orthanc instances/s): %.2fx\n' "$(echo "$orthanc_s / $dwa_s" | bc -l)"
