#!/usr/bin/env bash
# Eviction quality: Trove against memcached 1.6.18 (segmented LRU) under a cache too small for the
# key space. Each run starts a fresh server, fills it by setting every key once (so it is full and
# evicting from the start), then a cache-aside client gets Zipf-distributed keys and sets every key
# that missed. After WARMUP_REQUESTS, the hit ratio of the next REQUESTS requests says how well the
# server keeps the hot keys. Both servers get the same -m, seed and number of requests (counted, not
# timed, so a faster server does not get more warm-up). See docs/benchmarks.md.
#
# Usage: bash bench/hitratio.sh
# Environment (defaults in brackets):
#   MEMORY_MB ["16 32"] -m values to try   ZIPF [0.99]   KEYS [1000000]   VALUE_SIZE [100]
#   ROUNDS [2]  WARMUP_REQUESTS [1500000]  REQUESTS [1500000]  CONNECTIONS [50]  PIPELINE [8]
#   TIME_LIMIT [300] s: a run that takes longer fails
#   TROVE_CMD, BENCH_CMD, MEMCACHED_CMD, PIN, PORT_BASE: as for compare.sh
# Raw results: bench/results/hitratio-<time>/ (runs.jsonl, summary.txt, bench.log, server logs).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

MEMORY_MB=${MEMORY_MB:-16 32}
ZIPF=${ZIPF:-0.99}
KEYS=${KEYS:-1000000}
VALUE_SIZE=${VALUE_SIZE:-100}
ROUNDS=${ROUNDS:-2}
WARMUP_REQUESTS=${WARMUP_REQUESTS:-1500000}
REQUESTS=${REQUESTS:-1500000}
TIME_LIMIT=${TIME_LIMIT:-300}
CONNECTIONS=${CONNECTIONS:-50}
PIPELINE=${PIPELINE:-8}
RESULTS=${RESULTS:-bench/results/hitratio-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$RESULTS"
RUNS="$RESULTS/runs.jsonl"
: > "$RUNS"
trap stop_server EXIT

build_tools

hitratio_run() {
  local round=$1 server=$2 megabytes=$3 scenario="hitratio-m$3" json evictions items
  log "round $round: -m $megabytes on $server"
  if ! start_server "$server" "$megabytes"; then
    jq -nc --argjson round "$round" --arg s "$scenario" --arg server "$server" \
      '{round: $round, scenario: $s, server: $server, failed: true}' >> "$RUNS"
    return
  fi
  if json=$(run_bench --load --ratio 1:0 --fill-on-miss --zipf "$ZIPF" --keys "$KEYS" --value-size "$VALUE_SIZE" \
      --connections "$CONNECTIONS" --pipeline "$PIPELINE" --warmup-requests "$WARMUP_REQUESTS" --requests "$REQUESTS" --duration "$TIME_LIMIT" \
      --load-timeout "$TIME_LIMIT" --seed "$round"); then
    evictions=$(server_stat evictions || true)
    items=$(server_stat curr_items || true)
    jq -c --argjson round "$round" --arg s "$scenario" --arg server "$server" --argjson mb "$megabytes" \
      --arg evictions "${evictions:-?}" --arg items "${items:-?}" \
      '. + {round: $round, scenario: $s, server: $server, address: .server, megabytes: $mb,
            evictions: $evictions, curr_items: $items}' <<< "$json" >> "$RUNS"
  else
    jq -nc --argjson round "$round" --arg s "$scenario" --arg server "$server" \
      '{round: $round, scenario: $s, server: $server, failed: true}' >> "$RUNS"
  fi
  stop_server
}

for round in $(seq "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then order=(memcached trove); else order=(trove memcached); fi
  for megabytes in $MEMORY_MB; do
    for server in "${order[@]}"; do hitratio_run "$round" "$server" "$megabytes"; done
  done
done

python3 bench/summarize.py "$RUNS" | tee "$RESULTS/summary.txt"
log "raw results in $RESULTS"
