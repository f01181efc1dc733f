#!/usr/bin/env bash
# Shared by compare.sh and hitratio.sh: building the tools, starting and stopping servers.
# Source it; it expects `set -euo pipefail` and the repository root as the working directory.

ARTIFACTS=${ARTIFACTS:-artifacts/bench}
MEMCACHED_CMD=${MEMCACHED_CMD:-/usr/bin/memcached}
PORT_BASE=${PORT_BASE:-22200}
# Pin each server to CPU 0 and the load generator to CPU 1, so neither steals the other's core
# and both servers get exactly one core. PIN=0 turns it off (needs taskset and 2+ CPUs).
if [ -z "${PIN:-}" ]; then
  if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then PIN=1; else PIN=0; fi
fi
if [ "$PIN" = 1 ]; then
  SERVER_PIN=(taskset -c 0)
  BENCH_PIN=(taskset -c 1)
else
  SERVER_PIN=()
  BENCH_PIN=()
fi

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Builds what is missing: the load generator (unless BENCH_CMD is set) and Trove (unless TROVE_CMD is set).
build_tools() {
  if [ -z "${BENCH_CMD:-}" ]; then
    log "publishing the load generator to $ARTIFACTS/bench"
    dotnet publish bench/Trove.Bench.Runner -c Release -o "$ARTIFACTS/bench" -nologo -v quiet >&2
    BENCH_CMD="$ARTIFACTS/bench/trove-bench"
  fi
  if [ -z "${TROVE_CMD:-}" ]; then
    log "publishing Trove to $ARTIFACTS/trove"
    dotnet publish src/Trove -c Release -o "$ARTIFACTS/trove" -nologo -v quiet >&2
    TROVE_CMD="$ARTIFACTS/trove/trove"
  fi
  read -ra BENCH <<< "$BENCH_CMD"
  log "memcached: $MEMCACHED_CMD ($("$MEMCACHED_CMD" -V 2>/dev/null || echo '?'))"
  log "trove:     $TROVE_CMD"
  log "bench:     $BENCH_CMD"
  log "pinning:   $([ "$PIN" = 1 ] && echo 'servers on CPU 0, load generator on CPU 1' || echo off)"
}

# The command of server kind $1 (memcached|trove) with settings "-m $2" on port $3, one word per line.
# A memcached binary (also when it stands in for Trove) gets -l 127.0.0.1 (it listens on every
# interface by default) and, as root, -u root (it refuses to run as root otherwise).
server_command() {
  local kind=$1 megabytes=$2 port=$3 words
  if [ "$kind" = memcached ]; then read -ra words <<< "$MEMCACHED_CMD"; else read -ra words <<< "$TROVE_CMD"; fi
  words+=(-p "$port" -t 2 -m "$megabytes" -U 0)
  if [ "$(basename "${words[0]}")" = memcached ]; then
    words+=(-l 127.0.0.1)
    if [ "$(id -u)" = 0 ]; then words+=(-u root); fi
  fi
  printf '%s\n' "${words[@]}"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

NEXT_PORT=$PORT_BASE
SERVER_PID=
SERVER_PORT=

# Starts server kind $1 with -m $2 on a free port; sets SERVER_PID and SERVER_PORT. Fails if it
# is not listening within 30 s.
start_server() {
  local kind=$1 megabytes=$2 command i
  while port_open "$NEXT_PORT"; do NEXT_PORT=$((NEXT_PORT + 1)); done # taken by someone else
  SERVER_PORT=$NEXT_PORT
  NEXT_PORT=$((NEXT_PORT + 1))
  mapfile -t command < <(server_command "$kind" "$megabytes" "$SERVER_PORT")
  # taskset execs the server, so $! is the server's own PID (what /proc/PID/status must describe).
  "${SERVER_PIN[@]}" "${command[@]}" >"$RESULTS/$kind-$SERVER_PORT.log" 2>&1 &
  SERVER_PID=$!
  for i in $(seq 300); do
    if port_open "$SERVER_PORT"; then return 0; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      log "$kind exited at start: $(tail -3 "$RESULTS/$kind-$SERVER_PORT.log")"
      SERVER_PID=
      return 1
    fi
    sleep 0.1
  done
  log "$kind did not listen on port $SERVER_PORT within 30 s"
  stop_server
  return 1
}

# Stops the server start_server started: SIGTERM, then SIGKILL after 10 s.
stop_server() {
  local i
  [ -n "$SERVER_PID" ] || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  for i in $(seq 100); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

# Runs the load generator against the current server with the given options plus --json; prints
# only its JSON line (the full text goes to $RESULTS/bench.log). Returns its exit code.
run_bench() {
  local out rc=0
  # Inline socket completions cut the load generator's CPU per request (see BenchRunner); set
  # here too so that BENCH_CMD="trove bench" behaves like trove-bench. Never set for the servers.
  out=$(DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "${BENCH_PIN[@]}" "${BENCH[@]}" --server "127.0.0.1:$SERVER_PORT" --json "$@" 2>&1) || rc=$?
  printf '%s\n%s\n' "# ${BENCH[*]} --server 127.0.0.1:$SERVER_PORT $*" "$out" >> "$RESULTS/bench.log"
  if [ "$rc" != 0 ]; then
    log "load generator failed ($rc): $(printf '%s\n' "$out" | tail -2)"
    return "$rc"
  fi
  printf '%s\n' "$out" | grep '^{'
}

# Reads field $2 (e.g. VmRSS) of /proc/$1/status, in kB.
proc_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# Reads one figure of the current server's "stats" reply.
server_stat() {
  local name=$1 line
  exec 3<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  printf 'stats\r\n' >&3
  while IFS= read -r -t 5 line <&3; do
    line=${line%$'\r'}
    [ "$line" = END ] && break
    if [ "${line#STAT "$name" }" != "$line" ]; then printf '%s\n' "${line#STAT "$name" }"; fi
  done
  exec 3<&-
}

# Appends one record to $RUNS (runs.jsonl): the given JSON object's fields, labelled with round, scenario and
# server (the system measured; the load generator's own "server", the address, becomes "address").
record() {
  local round=$1 scenario=$2 server=$3 json=$4
  jq -c --argjson round "$round" --arg scenario "$scenario" --arg server "$server" \
    '. + {round: $round, scenario: $scenario, server: $server, address: .server}' <<< "$json" >> "$RUNS"
}

failed() { record "$1" "$2" "$3" '{"failed": true}'; }

# Prints the value of "STAT $3 ..." in the reply to command $2 on 127.0.0.1:$1.
query_stat() {
  local port=$1 command=$2 name=$3 line
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf '%s\r\n' "$command" >&3
  while IFS= read -r -t 5 line <&3; do
    line=${line%$'\r'}
    [ "$line" = END ] || [ "$line" = ERROR ] && break
    if [ "${line#STAT "$name" }" != "$line" ]; then printf '%s\n' "${line#STAT "$name" }"; fi
  done
  exec 3<&-
}
