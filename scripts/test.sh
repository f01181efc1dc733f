#!/usr/bin/env bash
# Installs what the tests need where it is missing, then runs every test.
# Usage: bash scripts/test.sh            (all tests, Release)
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v memcached >/dev/null 2>&1 || need+=(memcached)
python3 -c 'import pymemcache' >/dev/null 2>&1 || need+=(python3-pymemcache)
command -v memccp >/dev/null 2>&1 || command -v memcp >/dev/null 2>&1 || need+=(libmemcached-tools)
# The PLAIN mechanism for libmemcached's SASL client (binary-protocol login tests).
dpkg -s libsasl2-modules >/dev/null 2>&1 || need+=(libsasl2-modules)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi
# The differential tests must fail, not skip, when memcached is missing.
export TROVE_REQUIRE_MEMCACHED=1

dotnet build Trove.slnx -c Release -nologo -clp:ErrorsOnly
log=$(mktemp)
set +e
dotnet test Trove.slnx -c Release --no-build -nologo 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# One closing line over all test projects: "N passed, N failed".
awk '/(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$rc"
