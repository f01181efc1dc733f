#!/usr/bin/env bash
# Trove against memcached 1.6.18: throughput and p99 latency in four scenarios, and resident
# memory after loading 1,000,000 items. Every run gets a freshly started server with the same
# settings (-t 2 -m 1024 -U 0); rounds alternate which server goes first. See docs/benchmarks.md.
#
# Usage: bash bench/compare.sh
# Environment (defaults in brackets):
#   ROUNDS [3]  DURATION [10] s  WARMUP [2] s  CONNECTIONS [50]  KEYS [100000]
#   MEM_ITEMS [1000000]  MEM_VALUE_SIZE [100]
#   TROVE_CMD   how to start Trove, without settings [publish src/Trove, use its `trove`];
#               TROVE_CMD=memcached makes memcached stand in for Trove (a sanity check)
#   BENCH_CMD   the load generator [publish bench/Trove.Bench.Runner, use `trove-bench`];
#               e.g. BENCH_CMD="artifacts/bench/trove/trove bench"
#   MEMCACHED_CMD [/usr/bin/memcached]  PIN [1 if taskset and 2 CPUs]  PORT_BASE [22200]
#   ONLY        run only the scenarios whose name matches this regex (e.g. ONLY=p1) [all]
#   MEMORY [1]  0 skips the resident-memory runs
# Raw results: bench/results/compare-<time>/ (runs.jsonl, summary.txt, bench.log, server logs).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-50}
KEYS=${KEYS:-100000}
MEM_ITEMS=${MEM_ITEMS:-1000000}
MEM_VALUE_SIZE=${MEM_VALUE_SIZE:-100}
MEGABYTES=1024
RESULTS=${RESULTS:-bench/results/compare-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$RESULTS"
RUNS="$RESULTS/runs.jsonl"
: > "$RUNS"
trap stop_server EXIT

build_tools

# name value-size pipeline
SCENARIOS=(
  "get9set1-v32-p1 32 1"
  "get9set1-v32-p16 32 16"
  "get9set1-v1024-p1 1024 1"
  "get9set1-v1024-p16 1024 16"
)


throughput_run() {
  local round=$1 server=$2 name=$3 value_size=$4 pipeline=$5 json
  log "round $round: $name on $server"
  if ! start_server "$server" "$MEGABYTES"; then failed "$round" "$name" "$server"; return; fi
  if json=$(run_bench --load --connections "$CONNECTIONS" --pipeline "$pipeline" --ratio 9:1 --keys "$KEYS" \
      --value-size "$value_size" --duration "$DURATION" --warmup "$WARMUP" --seed "$round"); then
    record "$round" "$name" "$server" "$json"
  else
    failed "$round" "$name" "$server"
  fi
  stop_server
}

memory_run() {
  local round=$1 server=$2 idle json rss hwm items
  log "round $round: memory ($MEM_ITEMS x $MEM_VALUE_SIZE B) on $server"
  if ! start_server "$server" "$MEGABYTES"; then failed "$round" memory "$server"; return; fi
  sleep 1
  idle=$(proc_kb "$SERVER_PID" VmRSS)
  if json=$(run_bench --load-only --connections "$CONNECTIONS" --keys "$MEM_ITEMS" --value-size "$MEM_VALUE_SIZE"); then
    sleep 2 # let background work (LRU crawler, GC) settle before reading
    rss=$(proc_kb "$SERVER_PID" VmRSS)
    hwm=$(proc_kb "$SERVER_PID" VmHWM)
    items=$(server_stat curr_items || true)
    record "$round" memory "$server" "$(jq -c --argjson idle "$idle" --argjson rss "$rss" --argjson hwm "$hwm" \
      --arg items "${items:-}" '{idle_rss_kb: $idle, rss_kb: $rss, hwm_kb: $hwm, curr_items: $items} + .' <<< "$json")"
  else
    failed "$round" memory "$server"
  fi
  stop_server
}

for round in $(seq "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then order=(memcached trove); else order=(trove memcached); fi
  for scenario in "${SCENARIOS[@]}"; do
    read -r name value_size pipeline <<< "$scenario"
    if [ -n "${ONLY:-}" ] && ! [[ $name =~ $ONLY ]]; then continue; fi
    for server in "${order[@]}"; do throughput_run "$round" "$server" "$name" "$value_size" "$pipeline"; done
  done
  if [ "${MEMORY:-1}" != 0 ]; then
    for server in "${order[@]}"; do memory_run "$round" "$server"; done
  fi
done

python3 bench/summarize.py "$RUNS" | tee "$RESULTS/summary.txt"
log "raw results in $RESULTS"
