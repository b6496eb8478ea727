#!/usr/bin/env bash
# WADO-RS side by side with Orthanc 1.10 + DICOMweb plugin: same 1,000-instance CT series in both, same clients, same
# run. Prints series metadata p50, single-frame p50 (curl, connections kept alive) and series retrieve MB/s (http-get.c,
# a client that costs next to no CPU) for each, and the ratios.
# Both servers run inside a private network namespace (only its own loopback exists), so nothing listens outside.
# Not a test: run by hand, once, on an otherwise idle machine. Needs root (unshare), Debian's orthanc,
# orthanc-dicomweb, python3-pydicom, python3-numpy, curl, gcc.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

if [ -z "${DWA_BENCH_NETNS:-}" ]; then
  dotnet build src/DicomWebArchive.Server -c Release -nologo -clp:ErrorsOnly >/dev/null
  exec unshare -n env DWA_BENCH_NETNS=1 bash "$0" "$@"
fi
ip link set lo up

INSTANCES=${INSTANCES:-1000}
ROUNDS_METADATA=${ROUNDS_METADATA:-20}
ROUNDS_FRAMES=${ROUNDS_FRAMES:-300}
ROUNDS_RETRIEVE=${ROUNDS_RETRIEVE:-5}
work=$(mktemp -d /tmp/dwa-bench-XXXX)
gcc -O2 -o "$work/http-get" "$root/test/bench/http-get.c"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "Generating $INSTANCES instances in $work"
/usr/bin/python3 - "$work" "$INSTANCES" <<'PY'
import os, sys
import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

out, count = sys.argv[1], int(sys.argv[2])
study, series = "1.2.826.0.1.3680043.10.999.1", "1.2.826.0.1.3680043.10.999.1.1"
rng = np.random.default_rng(7)
os.makedirs(os.path.join(out, "files"))
uids = []
for i in range(count):
    sop = f"1.2.826.0.1.3680043.10.999.1.1.{i + 1}"
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    meta.MediaStorageSOPInstanceUID = sop
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, sop
    ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
    ds.PatientName, ds.PatientID, ds.PatientBirthDate, ds.PatientSex = "O'Brien^Siobhán", "BENCH-1", "19700101", "F"
    ds.StudyDate, ds.StudyTime, ds.AccessionNumber, ds.StudyDescription = "20240131", "101500", "ACC-1000", "CT chest bench"
    ds.Modality, ds.SeriesNumber, ds.SeriesDescription, ds.InstanceNumber = "CT", 1, "Axial 1000", i + 1
    ds.ImagePositionPatient = [0, 0, float(i)]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.PixelSpacing, ds.SliceThickness = [0.7, 0.7], 1.0
    ds.Rows = ds.Columns = 256
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.RescaleIntercept, ds.RescaleSlope, ds.WindowCenter, ds.WindowWidth = -1024, 1, 40, 400
    ds.PixelData = rng.integers(0, 4096, size=(256, 256), dtype=np.uint16).tobytes()
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.save_as(os.path.join(out, "files", f"{i:05d}.dcm"), write_like_original=False)
    uids.append(sop)
with open(os.path.join(out, "uids.txt"), "w") as f:
    f.write("\n".join(uids) + "\n")
# STOW bodies of 100 instances each.
names = sorted(os.listdir(os.path.join(out, "files")))
for start in range(0, len(names), 100):
    with open(os.path.join(out, f"stow-{start:05d}.bin"), "wb") as body:
        for name in names[start:start + 100]:
            body.write(b"--bench\r\nContent-Type: application/dicom\r\n\r\n")
            body.write(open(os.path.join(out, "files", name), "rb").read())
            body.write(b"\r\n")
        body.write(b"--bench--\r\n")
PY
study=1.2.826.0.1.3680043.10.999.1
series=1.2.826.0.1.3680043.10.999.1.1

echo "Starting DicomWebArchive and Orthanc"
mkdir -p "$work/dwa" "$work/orthanc"
dotnet "$root/src/DicomWebArchive.Server/bin/Release/net10.0/DicomWebArchive.Server.dll" --urls http://127.0.0.1:18181 \
  --Storage:DataDirectory="$work/dwa" --Logging:LogLevel:Default=Warning >"$work/dwa.log" 2>&1 &
pids+=($!)
cat >"$work/orthanc.json" <<JSON
{
  "Name": "bench", "StorageDirectory": "$work/orthanc", "IndexDirectory": "$work/orthanc",
  "HttpPort": 18042, "DicomServerEnabled": false, "RemoteAccessAllowed": false, "AuthenticationEnabled": false,
  "DefaultEncoding": "Utf8", "Plugins": ["/usr/share/orthanc/plugins/libOrthancDicomWeb.so"],
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/" }
}
JSON
Orthanc "$work/orthanc.json" >"$work/orthanc.log" 2>&1 &
pids+=($!)
for url in http://127.0.0.1:18181/health/live http://127.0.0.1:18042/system; do
  for _ in $(seq 1 120); do curl -sf -o /dev/null "$url" && break; sleep 0.5; done
done

dwa=http://127.0.0.1:18181/dicomweb
orthanc=http://127.0.0.1:18042/dicom-web
for base in "$dwa" "$orthanc"; do
  for body in "$work"/stow-*.bin; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: multipart/related; type="application/dicom"; boundary=bench' --data-binary @"$body" "$base/studies")
    [ "$code" = 200 ] || { echo "STOW to $base answered $code"; exit 1; }
  done
done
echo "Stored $INSTANCES instances in each"

# One curl process per measurement series, connections kept alive; prints one time_total per request.
timed() { # accept, urls...
  local accept=$1; shift
  local config="$work/curl.cfg"
  : >"$config"
  for url in "$@"; do printf 'url = "%s"\noutput = "/dev/null"\n' "$url" >>"$config"; done
  curl -s --compressed -H "Accept: $accept" -w '%{time_total} %{size_download} %{http_code}\n' -K "$config"
}
p50() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
check() { awk '$3 != 200 { bad++ } END { if (bad) { print bad " requests failed" > "/dev/stderr"; exit 1 } }'; }

mapfile -t uids <"$work/uids.txt"
frame_urls() { # base
  for i in $(seq 1 "$ROUNDS_FRAMES"); do echo "$1/studies/$study/series/$series/instances/${uids[$(( (i * 7919) % INSTANCES ))]}/frames/1"; done
}
# Series retrieve: "seconds bytes status" per round, ROUNDS_RETRIEVE rounds, each on a new connection.
retrieve() { # port path
  "$work/http-get" 127.0.0.1 "$1" "$2" 'multipart/related; type="application/dicom"' "$ROUNDS_RETRIEVE"
}
best_rate() { awk '{ r = $2 / $1 / 1048576; if (r > best) best = r } END { print best }'; }
# Aggregate MB/s of CLIENTS concurrent series retrievals, each client fetching the series ROUNDS_RETRIEVE times.
parallel_rate() { # port path
  local start end bytes
  start=$(date +%s.%N)
  for c in $(seq 1 "$CLIENTS"); do retrieve "$1" "$2" >"$work/parallel-$c.txt" & done
  wait
  end=$(date +%s.%N)
  cat "$work"/parallel-*.txt | check
  bytes=$(cat "$work"/parallel-*.txt | awk '{ s += $2 } END { print s }')
  awk "BEGIN { print $bytes / ($end - $start) / 1048576 }"
}
CLIENTS=${CLIENTS:-4}
declare -A metadata frame rate parallel
declare -A port=([dwa]=18181 [orthanc]=18042)
for name in dwa orthanc; do
  base=${!name}
  path=${base#http://127.0.0.1:*/}
  path=/$path/studies/$study/series/$series
  timed "application/dicom+json" "$base/studies/$study/series/$series/metadata" >/dev/null   # warm-up
  out=$(timed "application/dicom+json" $(for _ in $(seq 1 "$ROUNDS_METADATA"); do echo "$base/studies/$study/series/$series/metadata"; done))
  check <<<"$out"
  metadata[$name]=$(awk '{ print $1 * 1000 }' <<<"$out" | p50)
  out=$(timed 'multipart/related; type="application/octet-stream"' $(frame_urls "$base"))
  check <<<"$out"
  frame[$name]=$(awk '{ print $1 * 1000 }' <<<"$out" | p50)
  out=$(retrieve "${port[$name]}" "$path")
  check <<<"$out"
  rate[$name]=$(best_rate <<<"$out")
  parallel[$name]=$(parallel_rate "${port[$name]}" "$path")
done

# The ceiling of this client on this machine: the same bytes from a bare server that only calls sendfile().
head -c "$(awk '{ s += $2 } END { print int(s / NR) }' <<<"$out")" /dev/zero >"$work/ceiling.bin"
/usr/bin/python3 - "$work/ceiling.bin" <<'PY' &
import os, socket, sys
server = socket.create_server(("127.0.0.1", 18383))
size = os.path.getsize(sys.argv[1])
while True:
    client, _ = server.accept()
    client.recv(65536)
    client.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n".encode())
    with open(sys.argv[1], "rb") as body:
        client.sendfile(body)
    client.close()
PY
pids+=($!)
sleep 0.5
ceiling=$(retrieve 18383 / | best_rate)

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (ratios are only meaningful on an idle machine)"
printf '\n%-34s %14s %14s %10s\n' "1,000-instance series" "DicomWebArchive" "Orthanc" "ratio"
printf '%-34s %14.2f %14.2f %9.1fx\n' "series metadata p50 (ms)" "${metadata[dwa]}" "${metadata[orthanc]}" "$(awk "BEGIN { print ${metadata[orthanc]} / ${metadata[dwa]} }")"
printf '%-34s %14.3f %14.3f %9.1fx\n' "single frame p50 (ms)" "${frame[dwa]}" "${frame[orthanc]}" "$(awk "BEGIN { print ${frame[orthanc]} / ${frame[dwa]} }")"
printf '%-34s %14.1f %14.1f %9.1fx\n' "series retrieve (MB/s, best of $ROUNDS_RETRIEVE)" "${rate[dwa]}" "${rate[orthanc]}" "$(awk "BEGIN { print ${rate[dwa]} / ${rate[orthanc]} }")"
printf '%-34s %14.1f   (bare sendfile server, same client: the most any server can show here)\n' "series retrieve ceiling (MB/s)" "$ceiling"
printf '%-34s %14.1f %14.1f %9.1fx\n' "series retrieve, $CLIENTS clients (MB/s)" "${parallel[dwa]}" "${parallel[orthanc]}" "$(awk "BEGIN { print ${parallel[dwa]} / ${parallel[orthanc]} }")"
