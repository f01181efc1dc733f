#!/usr/bin/env bash
# A three-node Trove cluster reached through one node against twemproxy (nutcracker) in front of three
# memcached processes: throughput and latency with the same load generator, interleaved; then the added latency
# of a request Trove forwards to another node against one the node it reaches owns. See docs/benchmarks.md.
#
# Usage: bash bench/cluster-compare.sh
# Environment (defaults in brackets):
#   ROUNDS [3]  DURATION [10] s  WARMUP [2] s  CONNECTIONS [50]  KEYS [100000]  MEGABYTES [1024] (-m of each process)
#   SYSTEMS ["twemproxy trove"]  add trove-r2 for a Trove cluster with the default --replicas 2 (trove: --replicas 1)
#   ONLY        run only the scenarios whose name matches this regex (e.g. ONLY=p1, ONLY=forward) [all]
#   FORWARD [1] 0 skips the forwarded-versus-local latency runs
#   FORWARD_KEYS [10000] keys per owner list  FORWARD_RATIO [9:1]  FORWARD_VALUE_SIZE [32]
#   TWEMPROXY_SERVER_CONNECTIONS [1]  nutcracker's server_connections (connections to each memcached)
#   TROVE_CMD, BENCH_CMD, MEMCACHED_CMD, PIN, PORT_BASE as in compare.sh; NUTCRACKER_CMD [nutcracker]
# Raw results: bench/results/cluster-<time>/ (runs.jsonl, summary.txt, bench.log, one log per process).
set -euo pipefail
cd "$(dirname "$0")/.."

# nutcracker and memcached come from Debian; install whichever is missing.
missing=()
command -v "${NUTCRACKER_CMD:-nutcracker}" >/dev/null 2>&1 || [ -x /usr/sbin/nutcracker ] || missing+=(nutcracker)
[ -x "${MEMCACHED_CMD:-/usr/bin/memcached}" ] || missing+=(memcached)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
  echo "installing ${missing[*]}" >&2
  "${sudo[@]}" apt-get install -y "${missing[@]}" >&2 || { "${sudo[@]}" apt-get update >&2 && "${sudo[@]}" apt-get install -y "${missing[@]}" >&2; }
fi
NUTCRACKER_CMD=${NUTCRACKER_CMD:-$(command -v nutcracker || echo /usr/sbin/nutcracker)}

source bench/lib.sh

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-50}
KEYS=${KEYS:-100000}
MEGABYTES=${MEGABYTES:-1024}
read -ra SYSTEM_LIST <<< "${SYSTEMS:-twemproxy trove}"
FORWARD=${FORWARD:-1}
FORWARD_KEYS=${FORWARD_KEYS:-10000}
FORWARD_RATIO=${FORWARD_RATIO:-9:1}
FORWARD_VALUE_SIZE=${FORWARD_VALUE_SIZE:-32}
TWEMPROXY_SERVER_CONNECTIONS=${TWEMPROXY_SERVER_CONNECTIONS:-1}
RESULTS=${RESULTS:-bench/results/cluster-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$RESULTS"
RESULTS=$(cd "$RESULTS" && pwd)
RUNS="$RESULTS/runs.jsonl"
: > "$RUNS"

# Every process started for the current run; stop_all stops them all.
PIDS=()
BACKEND_PORTS=()
stop_all() {
  local pid i alive
  [ ${#PIDS[@]} -gt 0 ] || return 0
  kill "${PIDS[@]}" 2>/dev/null || true
  for i in $(seq 100); do # SIGTERM, then SIGKILL after 10 s
    alive=0
    for pid in "${PIDS[@]}"; do if kill -0 "$pid" 2>/dev/null; then alive=1; fi; done
    [ "$alive" = 1 ] || break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}
trap stop_all EXIT

build_tools
read -ra TROVE_WORDS <<< "$TROVE_CMD"
log "nutcracker: $NUTCRACKER_CMD ($("$NUTCRACKER_CMD" -V 2>&1 | head -1))"
log "systems:   ${SYSTEM_LIST[*]} (all server processes of a run share CPU 0 when pinned)"

# name value-size pipeline (as compare.sh)
SCENARIOS=(
  "get9set1-v32-p1 32 1"
  "get9set1-v32-p16 32 16"
  "get9set1-v1024-p1 1024 1"
  "get9set1-v1024-p16 1024 16"
)

wanted() { [ -z "${ONLY:-}" ] || [[ $1 =~ $ONLY ]]; }


# Sets PORT to a free TCP port (skipping ports someone listens on) and advances NEXT_PORT. Not a $(...)
# function: a subshell would not advance NEXT_PORT.
free_port() {
  while port_open "$NEXT_PORT"; do NEXT_PORT=$((NEXT_PORT + 1)); done
  PORT=$NEXT_PORT
  NEXT_PORT=$((NEXT_PORT + 1))
}

# Starts "$@" in the background, pinned like compare.sh's servers, logging to $RESULTS/$1-name.log; adds its PID.
spawn() {
  local name=$1; shift
  "${SERVER_PIN[@]}" "$@" >"$RESULTS/$name.log" 2>&1 &
  PIDS+=($!)
}

# Waits until 127.0.0.1:$1 accepts connections (30 s at most).
wait_port() {
  local port=$1 what=$2 i
  for i in $(seq 300); do
    if port_open "$port"; then return 0; fi
    sleep 0.1
  done
  log "$what did not listen on port $port within 30 s"
  return 1
}

# (a) three memcached processes (the settings compare.sh gives memcached) and nutcracker in front of them;
# sets SERVER_PORT to nutcracker's port.
start_twemproxy() {
  local ports=() port command i config stats
  for i in 1 2 3; do
    free_port; port=$PORT
    mapfile -t command < <(server_command memcached "$MEGABYTES" "$port")
    spawn "memcached-$port" "${command[@]}"
    ports+=("$port")
  done
  for port in "${ports[@]}"; do wait_port "$port" memcached || return 1; done
  BACKEND_PORTS=("${ports[@]}")
  free_port; SERVER_PORT=$PORT
  free_port; stats=$PORT
  config="$RESULTS/nutcracker-$SERVER_PORT.yml"
  {
    echo "trove_bench:"
    echo "  listen: 127.0.0.1:$SERVER_PORT"
    echo "  hash: fnv1a_64"
    echo "  distribution: ketama"
    echo "  preconnect: true"
    echo "  auto_eject_hosts: false"
    echo "  server_connections: $TWEMPROXY_SERVER_CONNECTIONS"
    echo "  servers:"
    for port in "${ports[@]}"; do echo "   - 127.0.0.1:$port:1"; done
  } > "$config"
  spawn "nutcracker-$SERVER_PORT" "$NUTCRACKER_CMD" -c "$config" -s "$stats" -a 127.0.0.1 \
    -p "$RESULTS/nutcracker-$SERVER_PORT.pid" -o "$RESULTS/nutcracker-$SERVER_PORT.trace" -v 4
  wait_port "$SERVER_PORT" nutcracker
}

# A single memcached, reached directly (the forward runs' no-hop baseline); sets SERVER_PORT.
start_memcached() {
  local command
  free_port; SERVER_PORT=$PORT
  mapfile -t command < <(server_command memcached "$MEGABYTES" "$SERVER_PORT")
  spawn "memcached-$SERVER_PORT" "${command[@]}"
  BACKEND_PORTS=("$SERVER_PORT")
  wait_port "$SERVER_PORT" memcached
}

# (b) $1 trove nodes (each with compare.sh's settings) on loopback with --replicas $2, all joining the first;
# waits until every node counts $1 live members. Sets SERVER_PORT to node 1's memcached port and NODE_PORTS.
start_trove() {
  local count=$1 replicas=$2 command port gossip first_gossip i members
  NODE_PORTS=()
  first_gossip=
  for i in $(seq "$count"); do
    free_port; port=$PORT
    free_port; gossip=$PORT
    first_gossip=${first_gossip:-$gossip}
    mapfile -t command < <(server_command trove "$MEGABYTES" "$port")
    spawn "trove-$port" "${command[@]}" -l 127.0.0.1 --gossip-port "$gossip" --join "127.0.0.1:$first_gossip" --replicas "$replicas"
    NODE_PORTS+=("$port")
  done
  for port in "${NODE_PORTS[@]}"; do wait_port "$port" trove || return 1; done
  for port in "${NODE_PORTS[@]}"; do
    for i in $(seq 300); do
      members=$(query_stat "$port" "stats cluster" members 2>/dev/null || true)
      [ "$members" = "$count" ] && break
      sleep 0.1
    done
    if [ "$members" != "$count" ]; then
      log "trove node on port $port sees ${members:-no} members, not $count, after 30 s"
      return 1
    fi
  done
  SERVER_PORT=${NODE_PORTS[0]}
  BACKEND_PORTS=("${NODE_PORTS[@]}")
}

# Adds to a run's JSON the curr_items of every process holding data (memcached behind nutcracker, or each Trove
# node): with routing, a loaded key space spreads over all three (twice over with --replicas 2).
with_items() {
  local json=$1 items=() port
  for port in "${BACKEND_PORTS[@]}"; do items+=("$(query_stat "$port" stats curr_items 2>/dev/null || echo null)"); done
  jq -c --argjson items "[$(IFS=,; echo "${items[*]:-}")]" '. + {items_per_process: $items}' <<< "$json"
}

start_system() {
  case $1 in
    twemproxy) start_twemproxy ;;
    trove) start_trove 3 1 ;;
    trove-r2) start_trove 3 2 ;;
    *) log "unknown system $1"; return 1 ;;
  esac
}

throughput_run() {
  local round=$1 system=$2 name=$3 value_size=$4 pipeline=$5 json
  log "round $round: $name on $system"
  if ! start_system "$system"; then stop_all; failed "$round" "$name" "$system"; return; fi
  if json=$(run_bench --load --connections "$CONNECTIONS" --pipeline "$pipeline" --ratio 9:1 --keys "$KEYS" \
      --value-size "$value_size" --duration "$DURATION" --warmup "$WARMUP" --seed "$round"); then
    record "$round" "$name" "$system" "$(with_items "$json")"
  else
    failed "$round" "$name" "$system"
  fi
  stop_all
}

# One connection, pipeline 1: the latency of one request at a time, keys from $3 (a --keys-file) or generated.
latency_run() {
  local round=$1 label=$2 keys_file=$3 json keys=()
  if [ -n "$keys_file" ]; then keys=(--keys-file "$keys_file"); else keys=(--keys "$FORWARD_KEYS"); fi
  if json=$(run_bench --load --connections 1 --pipeline 1 --ratio "$FORWARD_RATIO" "${keys[@]}" \
      --value-size "$FORWARD_VALUE_SIZE" --duration "$DURATION" --warmup "$WARMUP" --seed "$round"); then
    record "$round" forward "$label" "$(with_items "$json")"
  else
    failed "$round" forward "$label"
  fi
}

# Two trove nodes with --replicas 1; through node 1, keys whose primary is node 1 (local) and keys whose primary
# is node 2 (forwarded), in an order alternating by round; then the same single-connection run through twemproxy
# and straight to one memcached, for scale.
forward_runs() {
  local round=$1 local_keys remote_keys order label
  log "round $round: forwarded against local latency"
  if start_trove 2 1; then
    local_keys="$RESULTS/keys-local-$round.txt"
    remote_keys="$RESULTS/keys-forwarded-$round.txt"
    # Default node names are 127.0.0.1:<memcached port>.
    if "${TROVE_WORDS[@]}" keys --node "127.0.0.1:${NODE_PORTS[0]}" --owner "127.0.0.1:${NODE_PORTS[0]}" \
          --count "$FORWARD_KEYS" > "$local_keys" &&
       "${TROVE_WORDS[@]}" keys --node "127.0.0.1:${NODE_PORTS[0]}" --owner "127.0.0.1:${NODE_PORTS[1]}" \
          --count "$FORWARD_KEYS" > "$remote_keys"; then
      if [ $((round % 2)) = 1 ]; then order=(local forwarded); else order=(forwarded local); fi
      for label in "${order[@]}"; do
        if [ "$label" = local ]; then latency_run "$round" trove-local "$local_keys"
        else latency_run "$round" trove-forwarded "$remote_keys"; fi
      done
    else
      log "trove keys failed"
      failed "$round" forward trove-local
      failed "$round" forward trove-forwarded
    fi
  else
    failed "$round" forward trove-local
    failed "$round" forward trove-forwarded
  fi
  stop_all
  if start_twemproxy; then latency_run "$round" twemproxy ""; else failed "$round" forward twemproxy; fi
  stop_all
  if start_memcached; then latency_run "$round" memcached ""; else failed "$round" forward memcached; fi
  stop_all
}

for round in $(seq "$ROUNDS"); do
  # Odd rounds in the given order, even rounds reversed, so drift does not always favour the same system.
  order=("${SYSTEM_LIST[@]}")
  if [ $((round % 2)) = 0 ]; then
    order=(); for ((i = ${#SYSTEM_LIST[@]} - 1; i >= 0; i--)); do order+=("${SYSTEM_LIST[i]}"); done
  fi
  for scenario in "${SCENARIOS[@]}"; do
    read -r name value_size pipeline <<< "$scenario"
    wanted "$name" || continue
    for system in "${order[@]}"; do throughput_run "$round" "$system" "$name" "$value_size" "$pipeline"; done
  done
  if [ "$FORWARD" != 0 ] && wanted forward; then forward_runs "$round"; fi
done

python3 bench/cluster_summarize.py "$RUNS" | tee "$RESULTS/summary.txt"
log "raw results in $RESULTS"
