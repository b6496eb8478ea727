#!/usr/bin/env bash
# The one test command: installs what the tests need, builds, runs every test project,
# and ends with "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

need=()
command -v dcm2json >/dev/null 2>&1 || need+=(dcmtk)
[ -d /usr/lib/python3/dist-packages/pydicom/data/test_files ] || need+=(python3-pydicom)
/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || need+=(python3-numpy)
/usr/bin/python3 -c 'import PIL' >/dev/null 2>&1 || need+=(python3-pil)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null || { echo "apt-get install failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
fi

# Real clients for the WADO-RS tests: Chromium (apt), dicomweb-client, xhr2, playwright-core and the prebuilt OHIF viewer (npm).
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || echo "apt-get install chromium failed"
fi
tools="$root/test/.tools"
mkdir -p "$tools"
for package in dicomweb-client@0.11.3 xhr2@0.2.1 playwright-core@1.65.1; do
  [ -d "$tools/node_modules/${package%@*}" ] || npm install --prefix "$tools" --no-audit --no-fund --silent "$package" >/dev/null || echo "npm install $package failed"
done
# The tarball is kept: the tests of `dicomweb viewer fetch` serve it as a registry would.
ohif="$tools/ohif"
if [ ! -f "$ohif/ohif-app-3.13.2.tgz" ]; then
  mkdir -p "$ohif" && (cd "$ohif" && npm pack --silent @ohif/app@3.13.2 >/dev/null) || echo "npm pack @ohif/app failed"
fi
if [ ! -f "$ohif/package/dist/index.html" ] && [ -f "$ohif/ohif-app-3.13.2.tgz" ]; then
  (cd "$ohif" && tar xzf ohif-app-3.13.2.tgz) || echo "unpacking @ohif/app failed"
fi

# A throwaway PostgreSQL 15 for the index's integration tests: its own cluster under a temporary folder, on a free
# loopback port, stopped (only this one, by its data folder) when this script exits, whatever the tests did.
pgbin=/usr/lib/postgresql/15/bin
if [ ! -x "$pgbin/initdb" ]; then
  echo "Installing postgresql"
  export DEBIAN_FRONTEND=noninteractive
  # The package would start a cluster of its own; policy-rc.d keeps it from starting services while it installs.
  policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy=1; fi
  apt-get install -y -qq postgresql >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; } || echo "apt-get install postgresql failed"
  [ -n "$policy" ] && rm -f /usr/sbin/policy-rc.d
fi
pg_failed=0
pg_dir=
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_postgres() {
  if [ -n "$pg_dir" ] && [ -f "$pg_dir/data/postmaster.pid" ]; then
    as_postgres "$pgbin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1
  fi
  [ -n "$pg_dir" ] && rm -rf "$pg_dir"
}
# Azurite, the Azure Blob Storage emulator, for the blob store's tests on Azure: from npm into test/.tools, on a free
# loopback port with a temporary folder, stopped by its PID when this script exits.
azurite_pid=
azurite_dir=
stop_azurite() {
  if [ -n "$azurite_pid" ]; then kill "$azurite_pid" 2>/dev/null; wait "$azurite_pid" 2>/dev/null; fi
  [ -n "$azurite_dir" ] && rm -rf "$azurite_dir"
}
trap 'stop_postgres; stop_azurite' EXIT
trap 'exit 130' INT TERM
if [ -x "$pgbin/initdb" ]; then
  pg_dir=$(mktemp -d /tmp/dwa-postgres-XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres: "$pg_dir"
  pg_port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if as_postgres "$pgbin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$pg_dir/initdb.log" 2>&1 &&
     as_postgres "$pgbin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
       -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off -c max_connections=300" start >/dev/null; then
    export DWA_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
    echo "PostgreSQL 15 on 127.0.0.1:$pg_port (pid $(head -1 "$pg_dir/data/postmaster.pid"))"
  else
    echo "PostgreSQL did not start:"; cat "$pg_dir/initdb.log" "$pg_dir/server.log" 2>/dev/null | tail -20
    pg_failed=1
  fi
else
  pg_failed=1
fi
azurite_main="$tools/node_modules/azurite/dist/src/blob/main.js"
[ -f "$azurite_main" ] || npm install --prefix "$tools" --no-audit --no-fund --silent azurite@3.35.0 >/dev/null || echo "npm install azurite failed"
if [ -f "$azurite_main" ]; then
  azurite_dir=$(mktemp -d /tmp/dwa-azurite-XXXXXX)
  azurite_port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  node "$azurite_main" --blobHost 127.0.0.1 --blobPort "$azurite_port" --location "$azurite_dir/data" \
    --loose --skipApiVersionCheck --disableProductStyleUrl --disableTelemetry >"$azurite_dir/log" 2>&1 &
  azurite_pid=$!
  for _ in $(seq 1 60); do
    curl -s -o /dev/null "http://127.0.0.1:$azurite_port/devstoreaccount1?comp=list" && break
    kill -0 "$azurite_pid" 2>/dev/null || break
    sleep 0.5
  done
  if curl -s -o /dev/null "http://127.0.0.1:$azurite_port/devstoreaccount1?comp=list"; then
    # The emulator's well-known development account and key (public, the same in every Azurite).
    export DWA_TEST_AZURITE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$azurite_port/devstoreaccount1;"
    echo "Azurite on 127.0.0.1:$azurite_port (pid $azurite_pid)"
  else
    echo "Azurite did not start: the blob store tests on Azure are reported as skipped"; tail -20 "$azurite_dir/log" 2>/dev/null
    stop_azurite; azurite_pid=; azurite_dir=
  fi
else
  echo "Azurite is not installed: the blob store tests on Azure are reported as skipped"
fi
[ -n "${DWA_TEST_SQLSERVER:-}" ] || echo "DWA_TEST_SQLSERVER is not set: the index tests on SQL Server are reported as skipped"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if ! dotnet build DicomWebArchive.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

results="$root/test/.results"
rm -rf "$results"
status=0
for project in test/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" || status=1
done

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  t=$(sed -E 's/.* total="([0-9]+)".*/\1/' <<<"$counters")
  p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
  f=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
  e=$(sed -E 's/.* error="([0-9]+)".*/\1/' <<<"$counters")
  passed=$((passed + p)); failed=$((failed + f + e)); skipped=$((skipped + t - p - f - e))
done
expected=$(ls test/*.Tests/*.Tests.csproj | wc -l)
if [ "$files" -lt "$expected" ]; then
  echo "$((expected - files)) test project(s) produced no results"
  failed=$((failed + expected - files)); status=1
fi
if [ "$pg_failed" -gt 0 ]; then
  echo "the PostgreSQL integration tests could not run"
  failed=$((failed + 1)); status=1
fi
[ "$failed" -gt 0 ] && status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
