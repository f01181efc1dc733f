#!/usr/bin/env bash
# Server CPU time per request: starts memcached or Trove on CPU 0 (-t 2 -m 1024), loads the key space, runs the
# load generator on CPU 1 for DURATION seconds and divides the server's user+system CPU ticks by the requests
# answered. Needs the artifacts compare.sh publishes (run it once, or set TROVE_CMD/BENCH_CMD).
#
# Usage: bash bench/cpu-per-op.sh memcached|trove [PIPELINE [VALUE_SIZE]]
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?memcached or trove}; pipeline=${2:-1}; value_size=${3:-32}
port=${PORT:-22990}; duration=${DURATION:-6}
TROVE_CMD=${TROVE_CMD:-artifacts/bench/trove/trove}
BENCH_CMD=${BENCH_CMD:-artifacts/bench/bench/trove-bench}
export DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1
if [ "$kind" = memcached ]; then
  taskset -c 0 /usr/bin/memcached -u "$(id -un)" -p "$port" -t 2 -m 1024 -U 0 -l 127.0.0.1 & pid=$!
else
  taskset -c 0 $TROVE_CMD -p "$port" -t 2 -m 1024 >/dev/null 2>&1 & pid=$!
fi
trap 'kill $pid 2>/dev/null || true' EXIT
sleep 1.5
taskset -c 1 $BENCH_CMD --server "127.0.0.1:$port" --load --connections 50 --pipeline "$pipeline" \
  --value-size "$value_size" --duration 3 --warmup 0 >/dev/null
ticks() { awk '{print $14+$15}' "/proc/$pid/stat"; }
t0=$(ticks)
out=$(taskset -c 1 $BENCH_CMD --server "127.0.0.1:$port" --connections 50 --pipeline "$pipeline" \
  --value-size "$value_size" --duration "$duration" --warmup 0 | grep -E '^ops')
t1=$(ticks)
ops=$(sed -E 's/.*\(([0-9]+) ops.*/\1/' <<< "$out")
rate=$(awk '{print $2}' <<< "$out")
hz=$(getconf CLK_TCK)
python3 -c "print('$kind pipeline=$pipeline value=$value_size ops/s=$rate server CPU per request: %.2f us' % (($t1-$t0)*1e6/$hz/$ops))"
