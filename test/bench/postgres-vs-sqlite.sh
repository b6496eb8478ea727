#!/usr/bin/env bash
# The index on PostgreSQL against the index on SQLite, in one run on one machine (a benchmark, not a test): QIDO-RS
# latency at scale on identical rows, then STOW-RS throughput into each with the `dicomweb bench` client, and into an
# empty SQLite index beside them (does ingest slow down as the archive grows?).
#   STUDIES=100000 PER_STUDY=10 REPEATS=200 COUNT=1000 ROUNDS=4 test/bench/postgres-vs-sqlite.sh
# Both servers run at once and QIDO-RS requests alternate between them, so that other work on the machine (these are
# shared machines) weighs on both alike. STOW-RS runs in ROUNDS rounds of COUNT new instances into each server, one
# server after the other, the order reversed every round (empty, loaded, PostgreSQL; then PostgreSQL, loaded, empty).
# The SQLite index is filled through SqlIndexStore.AddInstanceAsync (test/DicomWebArchive.Benchmarks load-index), and its
# rows are copied into PostgreSQL with COPY (copy-index: the same rows, ids and audit chain). A throwaway PostgreSQL 15
# cluster runs on a free loopback port with its default durability (fsync on), as SQLite runs with synchronous=FULL.
# WORK=DIR keeps both loaded indexes: a second run with the same WORK only measures, on fresh copies of them.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
bench=$root/test/bench
STUDIES=${STUDIES:-100000}
PER_STUDY=${PER_STUDY:-10}
REPEATS=${REPEATS:-200}
COUNT=${COUNT:-1000}
ROUNDS=${ROUNDS:-4}
PARALLEL=${PARALLEL:-4}
BATCH=${BATCH:-10}
PY=/usr/bin/python3
pgbin=/usr/lib/postgresql/15/bin
corpus=${CORPUS_DIR:-/tmp/dwa-compare-corpus}
work=${WORK:-}
keep=${WORK:+1}
[ -n "$work" ] || work=$(mktemp -d /tmp/dwa-pg-vs-sqlite-XXXX)
mkdir -p "$work"
[ "$(id -u)" = 0 ] && chmod o+x "$work"  # the cluster below it runs as postgres
free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

server_pids=()
pg_data="$work/pg/data"
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_servers() {
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  server_pids=()
}
cleanup() {
  stop_servers
  # Only this cluster, by its data folder.
  [ -f "$pg_data/postmaster.pid" ] && as_postgres "$pgbin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1
  rm -f /dev/shm/dwa-pg-vs-sqlite-$$.db*
  [ -n "$keep" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need=()
[ -x "$pgbin/initdb" ] || need+=(postgresql)
command -v curl >/dev/null || need+=(curl)
$PY -c 'import pydicom, numpy' 2>/dev/null || need+=(python3-pydicom python3-numpy)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The postgresql package would start a cluster of its own; policy-rc.d keeps it from starting services.
  policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy=1; fi
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
  [ -n "$policy" ] && rm -f /usr/sbin/policy-rc.d
fi

echo "Building the server, the dicomweb tool and the loader (Release)"
dotnet build src/DicomWebArchive.Server -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build src/DicomWebArchive.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build test/DicomWebArchive.Benchmarks -c Release -nologo -clp:ErrorsOnly >/dev/null
loader() { dotnet "$root/test/DicomWebArchive.Benchmarks/bin/Release/net10.0/DicomWebArchive.Benchmarks.dll" "$@"; }
# The client's code is compiled optimized at its first call (no tiering): a run of a few seconds would otherwise spend
# part of the shared cores recompiling the client while it measures the server.
dicomweb() { DOTNET_TieredCompilation=0 dotnet "$root/src/DicomWebArchive.Cli/bin/Release/net10.0/dicomweb.dll" "$@"; }

pg_port=$(free_port)
if [ ! -d "$pg_data" ]; then
  mkdir -p "$work/pg"
  [ "$(id -u)" = 0 ] && chown postgres: "$work/pg"
  as_postgres "$pgbin/initdb" -D "$pg_data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$work/pg/initdb.log" 2>&1
fi
as_postgres "$pgbin/pg_ctl" -D "$pg_data" -l "$work/pg/server.log" -w -t 120 \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work/pg" start >/dev/null
echo "PostgreSQL 15 on 127.0.0.1:$pg_port (pid $(head -1 "$pg_data/postmaster.pid"))"
pg_admin="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
psql_admin() { as_postgres psql -h "$work/pg" -p "$pg_port" -U postgres -d postgres -qAt -c "$1"; }

if [ ! -f "$work/sqlite.db" ]; then
  echo "Loading $STUDIES studies x $PER_STUDY instances into SQLite"
  # tmpfs makes the per-instance fsync free while loading; the finished file then moves to disk.
  loader load-index /dev/shm/dwa-pg-vs-sqlite-$$.db "$STUDIES" "$PER_STUDY"
  mv /dev/shm/dwa-pg-vs-sqlite-$$.db "$work/sqlite.db"
fi
if [ "$(psql_admin "SELECT count(*) FROM pg_database WHERE datname = 'dicom'")" = 0 ]; then
  echo "Copying the same rows into PostgreSQL"
  psql_admin "CREATE DATABASE dicom"
  loader copy-index "$work/sqlite.db" "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=dicom"
fi

echo "Corpus for STOW-RS: $((COUNT * ROUNDS)) CT 512x512 16-bit instances in $corpus"
$PY "$bench/make_ct_corpus.py" "$corpus" $((COUNT * ROUNDS))
files=("$corpus"/ct*.dcm)
for round in $(seq 0 $((ROUNDS - 1))); do
  rm -rf "$work/corpus-$round" && mkdir -p "$work/corpus-$round"
  ln -s "${files[@]:$((round * COUNT)):$COUNT}" "$work/corpus-$round/"
done

accession=$(printf 'A%08d' $((STUDIES / 2)))
queries=(
  "/studies?PatientName=Nov*&limit=101"
  "/studies?AccessionNumber=$accession"
  "/studies?StudyDate=20200101-20200131&limit=101"
  "/studies?ModalitiesInStudy=MG&limit=101"
  "/studies?ModalitiesInStudy=OT&limit=101"
  "/studies?limit=101"
  "/studies?PatientName=*nov*&limit=101&offset=0&fuzzymatching=false&includefield=00081030,00080060,00080090,00100030"
  "/studies?PatientID=PID0012345"
  "/studies/1.2.826.0.1.3680043.10.9999.1.4242/series"
  "/studies/1.2.826.0.1.3680043.10.9999.1.4242/series/1.2.826.0.1.3680043.10.9999.2.4242.0/instances"
)

declare -A root
start_server() { # name provider connection-string
  local name=$1 port data
  port=$(free_port)
  data="$work/run-$name"
  rm -rf "$data" && mkdir -p "$data"
  (cd src/DicomWebArchive.Server/bin/Release/net10.0 && DOTNET_ReadyToRun=0 exec dotnet DicomWebArchive.Server.dll --urls "http://127.0.0.1:$port" \
    --Storage:DataDirectory="$data" --Storage:Index:Provider="$2" --Storage:Index:ConnectionString="$3" \
    --Storage:Sweeper:Enabled=false --Logging:LogLevel:Default=Warning) > "$work/$name.log" 2>&1 &
  server_pids+=($!)
  for _ in $(seq 1 240); do curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 0.5; done
  curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" || { echo "$name: not ready"; tail -20 "$work/$name.log"; exit 1; }
  root[$name]="http://127.0.0.1:$port/dicomweb"
}

# Each run measures fresh copies of the loaded indexes, so the STOW-RS of one run is not in the next. A journal left
# by an earlier copy would be replayed into this one: it goes too.
rm -f "$work"/sqlite-run.db* "$work"/empty-run.db*
cp "$work/sqlite.db" "$work/sqlite-run.db"
psql_admin "DROP DATABASE IF EXISTS dicom_run" && psql_admin "CREATE DATABASE dicom_run TEMPLATE dicom"
start_server sqlite Sqlite "Data Source=$work/sqlite-run.db"
start_server postgres PostgreSql "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=dicom_run"
start_server empty Sqlite "Data Source=$work/empty-run.db"

echo "QIDO-RS, $REPEATS timed requests per query and server, alternating; load average $(cut -d' ' -f1-3 /proc/loadavg)"
$PY "$bench/qido_latency.py" "${root[sqlite]},${root[postgres]}" "$REPEATS" "${queries[@]}" > "$work/qido.json"
for round in $(seq 0 $((ROUNDS - 1))); do
  order=(empty sqlite postgres)
  [ $((round % 2)) = 1 ] && order=(postgres sqlite empty)
  for name in "${order[@]}"; do
    echo "$name: STOW-RS round $((round + 1)) of $ROUNDS, $COUNT instances, $PARALLEL connections x $BATCH per request; load average $(cut -d' ' -f1-3 /proc/loadavg)"
    dicomweb bench "${root[$name]}" --corpus "$work/corpus-$round" --parallel "$PARALLEL" --batch "$BATCH" --repeat 20 --json > "$work/$name.$round.bench.json"
  done
done
stop_servers
rm -f "$work"/sqlite-run.db* "$work"/empty-run.db*

echo
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; index: $STUDIES studies / $((STUDIES * PER_STUDY)) instances, SQLite $(du -m "$work/sqlite.db" | cut -f1) MB, PostgreSQL $(psql_admin "SELECT pg_database_size('dicom') / 1048576") MB"
$PY - "$work" "$ROUNDS" "${root[sqlite]}" "${root[postgres]}" <<'PY'
import json, sys
work, rounds, sqlite_root, postgres_root = sys.argv[1:]
both = json.load(open(f"{work}/qido.json"))
qido = {"sqlite": both[sqlite_root], "postgres": both[postgres_root]}
def stow_rate(name):
    runs = [json.load(open(f"{work}/{name}.{r}.bench.json"))["stow"] for r in range(int(rounds))]
    return sum(r["instances"] for r in runs) / sum(r["seconds"] for r in runs), [r["instancesPerSecond"] for r in runs]
stow = {name: stow_rate(name) for name in ("empty", "sqlite", "postgres")}
print(f"{'QIDO-RS query':<72} {'SQLite p50':>10} {'PG p50':>8} {'PG/SQLite':>9} {'n':>4}")
worst = 0
for query, s in qido["sqlite"].items():
    p = qido["postgres"][query]
    ratio = p["p50"] / s["p50"]
    worst = max(worst, ratio)
    assert s["results"] == p["results"], f"{query}: {s['results']} results on SQLite, {p['results']} on PostgreSQL"
    print(f"{query[:72]:<72} {s['p50']:>10.2f} {p['p50']:>8.2f} {ratio:>8.2f}x {s['results']:>4}")
print(f"worst QIDO-RS p50 ratio PostgreSQL/SQLite: {worst:.2f}x")
rounds_text = lambda name: ", ".join(f"{rate:.1f}" for rate in stow[name][1])
print(f"STOW-RS instances/s (all rounds; each round): empty SQLite index {stow['empty'][0]:.1f} ({rounds_text('empty')}), "
      f"loaded SQLite index {stow['sqlite'][0]:.1f} ({rounds_text('sqlite')}), PostgreSQL {stow['postgres'][0]:.1f} ({rounds_text('postgres')})")
print(f"STOW-RS into the loaded SQLite index: {stow['sqlite'][0] / stow['empty'][0]:.0%} of into an empty one; "
      f"PostgreSQL/SQLite (both loaded): {stow['postgres'][0] / stow['sqlite'][0]:.2f}x")
PY
