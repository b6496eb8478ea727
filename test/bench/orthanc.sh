# Starts and stops Orthanc (the benchmark peer) on loopback. Source it, then:
#   orthanc_start DIR PORT   # installs Debian orthanc + orthanc-dicomweb when missing; DICOMweb at http://127.0.0.1:PORT/dicom-web
#   orthanc_stop
# Orthanc has no bind-address setting; a tiny LD_PRELOAD shim rewrites its wildcard binds to 127.0.0.1.

orthanc_start() {
  local dir=$1 port=$2
  if ! command -v Orthanc >/dev/null 2>&1 || [ ! -f /usr/share/orthanc/plugins/libOrthancDicomWeb.so ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq orthanc orthanc-dicomweb >/dev/null
  fi
  mkdir -p "$dir/storage"
  gcc -shared -fPIC -O2 -o "$dir/bind-loopback.so" "$(dirname "${BASH_SOURCE[0]}")/bind-loopback.c" -ldl
  cat > "$dir/orthanc.json" <<JSON
{
  "Name": "bench",
  "StorageDirectory": "$dir/storage",
  "IndexDirectory": "$dir/storage",
  "HttpPort": $port,
  "DicomPort": $((port + 1)),
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "DefaultEncoding": "Utf8",
  "Plugins": ["/usr/share/orthanc/plugins/libOrthancDicomWeb.so"],
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/" }
}
JSON
  LD_PRELOAD="$dir/bind-loopback.so" Orthanc "$dir/orthanc.json" > "$dir/orthanc.log" 2>&1 &
  ORTHANC_PID=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/system" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "Orthanc did not start; see $dir/orthanc.log" >&2
  return 1
}

orthanc_stop() {
  if [ -n "${ORTHANC_PID:-}" ]; then
    kill "$ORTHANC_PID" 2>/dev/null
    wait "$ORTHANC_PID" 2>/dev/null
    ORTHANC_PID=
  fi
}
