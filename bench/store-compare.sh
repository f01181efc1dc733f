#!/usr/bin/env bash
# Store mode (issue 5): Trove's durable mode against its cache mode and against Redis with an append-only file, on
# the same machine, interleaved over rounds. See docs/benchmarks.md, "Store mode".
#
#   set       set-only throughput: Trove cache mode, Trove --mode store --fsync everysec, Redis appendfsync everysec
#             (values of VALUE_SIZES bytes, pipeline depths PIPELINES); target store/cache >= 0.5
#   always    set-only, pipeline 1: Trove --fsync always (with fsyncs per second) against Redis appendfsync always
#   recovery  RECOVERY_ITEMS items loaded, SIGTERM, restart: items replayed per second (target >= 1,000,000)
#   rewrite   REWRITE_KEYS keys set REWRITE_PASSES times, then wait for compaction: log bytes per live byte
#   pause     get:set 1:1 at pipeline 1 with compaction forced to run often, against the same without compaction:
#             p99, p99.9 and the longest request
#
# Usage: bash bench/store-compare.sh          (about 15 minutes with the defaults)
# Environment (defaults in brackets):
#   ROUNDS [3]  DURATION [8] s  WARMUP [2] s  CONNECTIONS [50]  KEYS [100000]  MEGABYTES [1024] (-m of every Trove)
#   VALUE_SIZES ["100 1024"]  PIPELINES ["1 16"]  ALWAYS_VALUE_SIZE [100]
#   REDIS [1]  0 skips Redis (otherwise redis-server and redis-tools are installed with apt-get when missing)
#   RECOVERY_ITEMS [1000000]  RECOVERY_VALUE_SIZE [100]  RECOVERY_KEY_LENGTH [32]
#   REWRITE_KEYS [100000]  REWRITE_VALUE_SIZE [1024]  REWRITE_PASSES [10]  REWRITE_SETTLE [60] s at most
#   PAUSE_KEYS [20000]  PAUSE_VALUE_SIZE [1024]  PAUSE_SEGMENT_BYTES [4194304]  PAUSE_MINIMUM_BYTES [4194304]
#   ONLY        run only the scenarios whose name matches this regex (e.g. ONLY=recovery, ONLY='^set-v100') [all]
#   DATA_ROOT   where data directories are made (deleted after each run) [$RESULTS/data]
#   TROVE_CMD, BENCH_CMD, PIN, PORT_BASE as in compare.sh
# Raw results: bench/results/store-<time>/ (runs.jsonl, summary.txt, bench.log, redis.log, one log per server).
set -euo pipefail
cd "$(dirname "$0")/.."

REDIS=${REDIS:-1}
if [ "$REDIS" = 1 ] && ! { command -v redis-server && command -v redis-benchmark; } >/dev/null 2>&1; then
  sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
  echo "installing redis-server redis-tools" >&2
  "${sudo[@]}" apt-get install -y redis-server redis-tools >&2 \
    || { "${sudo[@]}" apt-get update >&2 && "${sudo[@]}" apt-get install -y redis-server redis-tools >&2; }
fi

source bench/lib.sh

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-50}
KEYS=${KEYS:-100000}
MEGABYTES=${MEGABYTES:-1024}
read -ra VALUE_SIZE_LIST <<< "${VALUE_SIZES:-100 1024}"
read -ra PIPELINE_LIST <<< "${PIPELINES:-1 16}"
ALWAYS_VALUE_SIZE=${ALWAYS_VALUE_SIZE:-100}
RECOVERY_ITEMS=${RECOVERY_ITEMS:-1000000}
RECOVERY_VALUE_SIZE=${RECOVERY_VALUE_SIZE:-100}
RECOVERY_KEY_LENGTH=${RECOVERY_KEY_LENGTH:-32}
REWRITE_KEYS=${REWRITE_KEYS:-100000}
REWRITE_VALUE_SIZE=${REWRITE_VALUE_SIZE:-1024}
REWRITE_PASSES=${REWRITE_PASSES:-10}
REWRITE_SETTLE=${REWRITE_SETTLE:-60}
PAUSE_KEYS=${PAUSE_KEYS:-20000}
PAUSE_VALUE_SIZE=${PAUSE_VALUE_SIZE:-1024}
PAUSE_SEGMENT_BYTES=${PAUSE_SEGMENT_BYTES:-4194304}
PAUSE_MINIMUM_BYTES=${PAUSE_MINIMUM_BYTES:-4194304}
RESULTS=${RESULTS:-bench/results/store-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$RESULTS"
RESULTS=$(cd "$RESULTS" && pwd)
DATA_ROOT=${DATA_ROOT:-$RESULTS/data}
mkdir -p "$DATA_ROOT"
RUNS="$RESULTS/runs.jsonl"
: > "$RUNS"
DATA_DIR=
cleanup() { stop_server; if [ -n "$DATA_DIR" ]; then rm -rf "$DATA_DIR"; fi; }
trap cleanup EXIT

build_tools
if [ "$REDIS" = 1 ]; then log "redis:     $(redis-server --version)"; fi
log "data:      $DATA_ROOT ($(df -h "$DATA_ROOT" | awk 'NR == 2 { print $1 ", " $4 " free" }'))"

now() { date +%s.%N; }

wanted() { [ -z "${ONLY:-}" ] || [[ $1 =~ $ONLY ]]; }

# A key prefix that makes the load generator's keys (prefix + the key number zero-padded to the digits of
# count - 1) exactly $2 bytes long: the prefix $1 followed by zeros.
key_prefix() {
  local prefix=$1 length=$2 last=$(( $3 - 1 ))
  local digits=${#last}
  while [ $(( ${#prefix} + digits )) -lt "$length" ]; do prefix+=0; done
  printf '%s' "$prefix"
}
# redis-benchmark -r N names its keys key:<12 digits>: 16 bytes. Trove's set runs use keys of the same length.
SET_PREFIX=$(key_prefix key: 16 "$KEYS")

# Picks a free port for the next server as SERVER_PORT.
pick_port() {
  while port_open "$NEXT_PORT"; do NEXT_PORT=$((NEXT_PORT + 1)); done
  SERVER_PORT=$NEXT_PORT
  NEXT_PORT=$((NEXT_PORT + 1))
}

# Starts "$@" (which must listen on SERVER_PORT) pinned like lib.sh's servers, logging to $RESULTS/$1-PORT.log after
# the label $1; sets SERVER_PID and STARTUP_S (seconds until the port accepted connections). 120 s at most: a
# store-mode node replays its log before it listens.
launch() {
  local label=$1 started i
  shift
  started=$(now)
  "${SERVER_PIN[@]}" "$@" >"$RESULTS/$label-$SERVER_PORT.log" 2>&1 &
  SERVER_PID=$!
  for i in $(seq 1200); do
    if port_open "$SERVER_PORT"; then
      STARTUP_S=$(awk -v a="$started" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      log "$label exited at start: $(tail -3 "$RESULTS/$label-$SERVER_PORT.log")"
      SERVER_PID=
      return 1
    fi
    sleep 0.1
  done
  log "$label did not listen on port $SERVER_PORT within 120 s"
  stop_server
  return 1
}

# Starts Trove on a new port: cache mode for policy "cache", else store mode with --fsync $1 in a new DATA_DIR (or
# in DATA_DIR as it is when $2 is "keep"). Further environment settings (TROVE_STORE__...) come from STORE_ENV.
start_trove() {
  local policy=$1 keep=${2:-} command
  pick_port
  mapfile -t command < <(server_command trove "$MEGABYTES" "$SERVER_PORT")
  if [ "$policy" != cache ]; then
    if [ "$keep" != keep ]; then DATA_DIR=$(mktemp -d "$DATA_ROOT/trove-XXXXXX"); fi
    command+=(--mode store --data-dir "$DATA_DIR" --fsync "$policy")
  fi
  launch "trove-$policy" env "${STORE_ENV[@]}" "${command[@]}"
}
STORE_ENV=()

drop_data() { if [ -n "$DATA_DIR" ]; then rm -rf "$DATA_DIR"; DATA_DIR=; fi; }

# Prints the value of "STAT $2 ..." in the current server's reply to command $1 (e.g. "stats store").
stat_of() { query_stat "$SERVER_PORT" "$1" "$2"; }

# One set-only run against Trove with policy cache|everysec|always.
trove_set_run() {
  local round=$1 name=$2 policy=$3 value_size=$4 pipeline=$5 json f0 f1 t0 t1 log_bytes
  log "round $round: $name on trove-$policy"
  if ! start_trove "$policy"; then failed "$round" "$name" "trove-$policy"; drop_data; return; fi
  f0=0; [ "$policy" = cache ] || f0=$(stat_of "stats store" fsyncs)
  t0=$(now)
  if json=$(run_bench --connections "$CONNECTIONS" --pipeline "$pipeline" --ratio 0:1 --keys "$KEYS" --key-prefix "$SET_PREFIX" \
      --value-size "$value_size" --duration "$DURATION" --warmup "$WARMUP" --seed "$round"); then
    t1=$(now)
    f1=0; log_bytes=0
    if [ "$policy" != cache ]; then f1=$(stat_of "stats store" fsyncs); log_bytes=$(stat_of "stats store" log_bytes); fi
    record "$round" "$name" "trove-$policy" "$(jq -c --argjson f "$((f1 - f0))"  --argjson s "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
      --argjson lb "$log_bytes" '. + {fsyncs: $f, fsync_window_s: $s, fsyncs_per_sec: (if $s > 0 then $f / $s else null end), log_bytes: $lb}' <<< "$json")"
  else
    failed "$round" "$name" "trove-$policy"
  fi
  stop_server
  drop_data
}

# Requests per redis-benchmark run, per scenario: redis-benchmark counts requests, not seconds, so each run asks
# for what the last run of the scenario served in DURATION seconds (first run: a guess by pipeline depth).
declare -A REDIS_REQUESTS=()

# One redis-benchmark set-only run against redis-server with appendfsync $3, AOF on, RDB snapshots off.
redis_set_run() {
  local round=$1 name=$2 fsync=$3 value_size=$4 pipeline=$5 requests csv line json rps
  log "round $round: $name on redis-$fsync"
  pick_port
  DATA_DIR=$(mktemp -d "$DATA_ROOT/redis-XXXXXX")
  if ! launch "redis-$fsync" redis-server --port "$SERVER_PORT" --bind 127.0.0.1 --appendonly yes --appendfsync "$fsync" \
      --save '' --dir "$DATA_DIR" --daemonize no; then
    failed "$round" "$name" "redis-$fsync"; drop_data; return
  fi
  requests=${REDIS_REQUESTS[$name]:-}
  if [ -z "$requests" ]; then
    if [ "$pipeline" -gt 1 ]; then requests=2000000; elif [ "$fsync" = always ]; then requests=100000; else requests=400000; fi
  fi
  printf '# redis-benchmark -p %s -t set -c %s -P %s -d %s -r %s -n %s --csv\n' "$SERVER_PORT" "$CONNECTIONS" "$pipeline" \
    "$value_size" "$KEYS" "$requests" >> "$RESULTS/redis.log"
  if csv=$("${BENCH_PIN[@]}" redis-benchmark -p "$SERVER_PORT" -t set -c "$CONNECTIONS" -P "$pipeline" -d "$value_size" \
      -r "$KEYS" -n "$requests" --csv 2>>"$RESULTS/redis.log"); then
    printf '%s\n' "$csv" >> "$RESULTS/redis.log"
    line=$(printf '%s\n' "$csv" | grep '^"SET"' | tr -d '"')
    # test,rps,avg_latency_ms,min_latency_ms,p50_latency_ms,p95_latency_ms,p99_latency_ms,max_latency_ms
    json=$(awk -F, -v n="$requests" -v c="$CONNECTIONS" -v p="$pipeline" -v v="$value_size" -v k="$KEYS" '{
      printf "{\"ops_per_sec\": %s, \"avg_us\": %s, \"p50_us\": %s, \"p99_us\": %s, \"max_us\": %s, \"ops\": %s, \"connections\": %s, \"pipeline\": %s, \"value_size\": %s, \"keys\": %s, \"get_weight\": 0, \"set_weight\": 1}\n",
        $2, $3 * 1000, $5 * 1000, $7 * 1000, $8 * 1000, n, c, p, v, k }' <<< "$line")
    record "$round" "$name" "redis-$fsync" "$json"
    rps=$(jq -r '.ops_per_sec' <<< "$json")
    REDIS_REQUESTS[$name]=$(awk -v r="$rps" -v d="$DURATION" 'BEGIN { n = int(r * d); print (n < 10000 ? 10000 : n) }')
  else
    log "redis-benchmark failed"
    failed "$round" "$name" "redis-$fsync"
  fi
  stop_server
  drop_data
}

# Loads RECOVERY_ITEMS items into a store-mode node, stops it with SIGTERM and starts it again on the same directory.
recovery_run() {
  local round=$1 prefix json log_bytes segments items seconds curr
  log "round $round: recovery of $RECOVERY_ITEMS items"
  prefix=$(key_prefix recovery: "$RECOVERY_KEY_LENGTH" "$RECOVERY_ITEMS")
  if ! start_trove everysec; then failed "$round" recovery trove-everysec; drop_data; return; fi
  if ! json=$(run_bench --load-only --connections "$CONNECTIONS" --keys "$RECOVERY_ITEMS" --key-prefix "$prefix" \
      --value-size "$RECOVERY_VALUE_SIZE"); then
    failed "$round" recovery trove-everysec; stop_server; drop_data; return
  fi
  stop_server # SIGTERM: a clean shutdown (the writer writes and fsyncs what was appended)
  log_bytes=$(du -sb "$DATA_DIR" | cut -f1)
  segments=$(find "$DATA_DIR" -name 'log-*.trv' | wc -l)
  if ! start_trove everysec keep; then failed "$round" recovery trove-everysec; drop_data; return; fi
  items=$(stat_of "stats store" recovery_items)
  seconds=$(stat_of "stats store" recovery_seconds)
  curr=$(stat_of stats curr_items)
  record "$round" recovery trove-everysec "$(jq -c --argjson items "$items" --argjson s "$seconds" --argjson curr "$curr" \
    --argjson startup "$STARTUP_S" --argjson lb "$log_bytes" --argjson seg "$segments" --argjson kl "$RECOVERY_KEY_LENGTH" \
    '{keys: .keys, value_size: .value_size, key_length: $kl, loaded_keys: .loaded_keys, load_s: .load_s, load_errors: .load_errors,
      log_bytes: $lb, log_segments: $seg, recovery_items: $items, recovery_seconds: $s, curr_items: $curr, startup_s: $startup,
      items_per_sec: (if $s > 0 then $items / $s else null end)}' <<< "$json")"
  stop_server
  drop_data
}

# Sets REWRITE_KEYS keys REWRITE_PASSES times into a store-mode node with default compaction settings, waits until
# the log stops changing (compaction checks every 5 s), and records log bytes against live bytes.
rewrite_run() {
  local round=$1 prefix pass json log_bytes last same waited compactions engine_bytes segments
  log "round $round: rewrite $REWRITE_KEYS keys x $REWRITE_PASSES"
  prefix=$(key_prefix rewrite: 16 "$REWRITE_KEYS")
  if ! start_trove everysec; then failed "$round" rewrite trove-everysec; drop_data; return; fi
  for pass in $(seq "$REWRITE_PASSES"); do
    if ! json=$(run_bench --load-only --connections "$CONNECTIONS" --keys "$REWRITE_KEYS" --key-prefix "$prefix" \
        --value-size "$REWRITE_VALUE_SIZE" --seed "$pass"); then
      failed "$round" rewrite trove-everysec; stop_server; drop_data; return
    fi
  done
  last=-1; same=0; waited=0
  while [ "$waited" -lt "$REWRITE_SETTLE" ] && [ "$same" -lt 7 ]; do
    sleep 1; waited=$((waited + 1))
    log_bytes=$(stat_of "stats store" log_bytes)
    if [ "$log_bytes" = "$last" ] && ! find "$DATA_DIR" -name '*.tmp' | grep -q .; then same=$((same + 1)); else same=0; fi
    last=$log_bytes
  done
  compactions=$(stat_of "stats store" compactions)
  segments=$(stat_of "stats store" log_segments)
  engine_bytes=$(stat_of stats bytes)
  record "$round" rewrite trove-everysec "$(jq -c --argjson lb "$log_bytes" --argjson c "$compactions" --argjson seg "$segments" \
    --argjson eb "$engine_bytes" --argjson passes "$REWRITE_PASSES" --argjson w "$waited" \
    '{keys: .keys, value_size: .value_size, key_length: 16, passes: $passes, load_errors: .load_errors,
      log_bytes: $lb, log_segments: $seg, compactions: $c, engine_bytes: $eb, settle_s: $w,
      live_bytes: (.keys * (16 + .value_size)), written_bytes: ($passes * .keys * (16 + .value_size)),
      log_per_live: ($lb / (.keys * (16 + .value_size))), log_per_engine_bytes: (if $eb > 0 then $lb / $eb else null end)}' <<< "$json")"
  stop_server
  drop_data
}

# get:set 1:1 at pipeline 1 on a store-mode node whose compaction runs often ("compacting": small segments, a
# small minimum, a check every second) or never ("quiet": the same with an unreachable minimum).
pause_run() {
  local round=$1 variant=$2 minimum json compactions
  log "round $round: pause ($variant)"
  if [ "$variant" = compacting ]; then minimum=$PAUSE_MINIMUM_BYTES; else minimum=1000000000000000; fi
  STORE_ENV=(TROVE_STORE__SEGMENTSIZEBYTES="$PAUSE_SEGMENT_BYTES" TROVE_STORE__COMPACTIONMINIMUMBYTES="$minimum"
    TROVE_STORE__COMPACTIONCHECKSECONDS=1)
  if ! start_trove everysec; then STORE_ENV=(); failed "$round" pause "trove-$variant"; drop_data; return; fi
  STORE_ENV=()
  if json=$(run_bench --load --connections "$CONNECTIONS" --pipeline 1 --ratio 1:1 --keys "$PAUSE_KEYS" \
      --value-size "$PAUSE_VALUE_SIZE" --duration "$DURATION" --warmup "$WARMUP" --seed "$round"); then
    compactions=$(stat_of "stats store" compactions)
    record "$round" pause "trove-$variant" "$(jq -c --argjson c "$compactions" '. + {compactions: $c}' <<< "$json")"
  else
    failed "$round" pause "trove-$variant"
  fi
  stop_server
  drop_data
}

for round in $(seq "$ROUNDS"); do
  # Odd rounds in the listed order, even rounds reversed, as compare.sh.
  if [ $((round % 2)) = 1 ]; then set_order=(cache everysec redis); always_order=(trove redis); pause_order=(quiet compacting)
  else set_order=(redis everysec cache); always_order=(redis trove); pause_order=(compacting quiet); fi
  for value_size in "${VALUE_SIZE_LIST[@]}"; do
    for pipeline in "${PIPELINE_LIST[@]}"; do
      name="set-v$value_size-p$pipeline"
      wanted "$name" || continue
      for system in "${set_order[@]}"; do
        case $system in
          redis) if [ "$REDIS" = 1 ]; then redis_set_run "$round" "$name" everysec "$value_size" "$pipeline"; fi ;;
          *) trove_set_run "$round" "$name" "$system" "$value_size" "$pipeline" ;;
        esac
      done
    done
  done
  name="always-v$ALWAYS_VALUE_SIZE-p1"
  if wanted "$name"; then
    for system in "${always_order[@]}"; do
      if [ "$system" = redis ]; then
        if [ "$REDIS" = 1 ]; then redis_set_run "$round" "$name" always "$ALWAYS_VALUE_SIZE" 1; fi
      else
        trove_set_run "$round" "$name" always "$ALWAYS_VALUE_SIZE" 1
      fi
    done
  fi
  if wanted pause; then for variant in "${pause_order[@]}"; do pause_run "$round" "$variant"; done; fi
  if wanted recovery; then recovery_run "$round"; fi
  if wanted rewrite; then rewrite_run "$round"; fi
done

python3 bench/store_summarize.py "$RUNS" | tee "$RESULTS/summary.txt"
log "raw results in $RESULTS"
