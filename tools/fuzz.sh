#!/usr/bin/env bash
# Builds the libFuzzer target (AddressSanitizer + coverage) and fuzzes the C ABI: apsim_call for
# every operation, apsim_validate and apsim_http, from the committed corpus fuzz/corpus.
#
#   tools/fuzz.sh [SECONDS]      (default 60; `make fuzz FUZZ_SECONDS=600`)
#
# New inputs go to a scratch corpus (.build-fuzz/corpus), never into fuzz/corpus. A crash leaves
# its input in .build-fuzz/artifacts; `swift build --product ApsimFuzz && .build/debug/ApsimFuzz
# FILE` replays it without sanitizers. Exits non-zero on any crash or sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
scratch=.build-fuzz
swift build --scratch-path "$scratch" --product ApsimFuzz --sanitize=fuzzer \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DAPSIM_FUZZ 2>&1 | grep -v "Cannot export local symbol" | tail -n 3
bin="$scratch/debug/ApsimFuzz"
mkdir -p "$scratch/corpus" "$scratch/artifacts"
log="$scratch/fuzz.log"
set +e
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 "$bin" -max_total_time="$seconds" -dict=fuzz/apsim.dict \
  -max_len=4096 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
  -artifact_prefix="$scratch/artifacts/" "$scratch/corpus" fuzz/corpus >"$log" 2>&1
rc=$?
set -e
grep -E "^#[0-9]+ +(DONE|INITED)|stat::number_of_executed_units|stat::peak_rss_mb|stat::new_units_added|cov: " "$log" | tail -n 6
if [ $rc -ne 0 ] || grep -qE "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|deadly signal" "$log"; then
  echo "fuzz: FAILED (exit $rc); see $log and $scratch/artifacts"
  grep -m 20 -E "ERROR|SUMMARY|#[0-9]+ 0x" "$log" || true
  exit 1
fi
runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log")
echo "fuzz: ${runs:-?} inputs in ${seconds}s, 0 crashes, 0 sanitizer reports"
