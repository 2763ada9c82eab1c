#!/usr/bin/env bash
# Runs every test suite of apsim and prints each runner's summary, then one closing line:
#   total: N passed, N failed
# Suites: Swift Testing (the core), the C tests and examples under valgrind (the ABI), pytest (the
# Python binding), then reliability: the Swift tests under ThreadSanitizer and under
# AddressSanitizer/LeakSanitizer, the C concurrency test natively at full size, and a libFuzzer
# smoke of the C ABI (FUZZ_SECONDS, default 20). Called by `make test`; exits non-zero if any
# suite failed. APSIM_QUICK=1 skips the reliability stages.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
passed=0 failed=0 status=0

stage() {  # stage NAME COMMAND...: runs one suite, keeps its log, echoes its summary lines
  local name=$1; shift
  echo "== $name: $*"
  "$@" >"$logs/$name.log" 2>&1
  local rc=$?
  if [ $rc -ne 0 ]; then
    echo "-- $name failed (exit $rc); last lines of its output:"
    tail -n 40 "$logs/$name.log"
    status=1
  fi
  return $rc
}

# Swift Testing prints "Test run with N tests in M suites passed" or "... failed ... with K issues".
stage swift swift test --disable-xctest
line=$(grep -E "Test run with [0-9]+ tests?" "$logs/swift.log" | tail -n 1)
echo "${line:-swift: no summary line}"
n=$(sed -nE 's/.*Test run with ([0-9]+) tests?.*/\1/p' <<<"$line")
if grep -q "passed after" <<<"$line"; then passed=$((passed + ${n:-0})); else failed=$((failed + ${n:-1})); fi
grep -E "^✘" "$logs/swift.log" | head -n 20

# The C tests print "N passed, N failed" themselves.
stage c make --no-print-directory test-c
grep -E "^[0-9]+ passed, [0-9]+ failed" "$logs/c.log" | while read -r l; do echo "c: $l"; done
while read -r p f; do passed=$((passed + p)); failed=$((failed + f)); done < <(
  sed -nE 's/^([0-9]+) passed, ([0-9]+) failed.*/\1 \2/p' "$logs/c.log")
[ -s "$logs/c.log" ] && ! grep -qE "^[0-9]+ passed" "$logs/c.log" && failed=$((failed + 1))

# pytest: "N passed[, N failed][, ...] in Xs".
stage python make --no-print-directory test-python
line=$(grep -E "[0-9]+ (passed|failed)" "$logs/python.log" | tail -n 1)
echo "pytest: ${line:-no summary line}"
p=$(grep -oE "[0-9]+ passed" <<<"$line" | grep -oE "[0-9]+"); f=$(grep -oE "[0-9]+ (failed|errors?)" <<<"$line" | awk '{s += $1} END {print s + 0}')
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
[ -z "$line" ] && failed=$((failed + 1))

swift_summary() {  # swift_summary NAME: counts a Swift Testing run
  local line n
  line=$(grep -E "Test run with [0-9]+ tests?" "$logs/$1.log" | tail -n 1)
  echo "$1: ${line:-no summary line}"
  n=$(sed -nE 's/.*Test run with ([0-9]+) tests?.*/\1/p' <<<"$line")
  if grep -q "passed after" <<<"$line" && ! grep -qE "WARNING: ThreadSanitizer|ERROR: (Address|Leak)Sanitizer" "$logs/$1.log"; then
    passed=$((passed + ${n:-0}))
  else
    failed=$((failed + ${n:-1})); status=1
    grep -m 10 -E "WARNING: ThreadSanitizer|ERROR: |SUMMARY" "$logs/$1.log" || true
  fi
}

# make install into a temporary prefix, a C program built with pkg-config, the installed apsim.
stage install make --no-print-directory test-install
grep -E "^[0-9]+ passed, [0-9]+ failed" "$logs/install.log" | while read -r l; do echo "install: $l"; done
while read -r p f; do passed=$((passed + p)); failed=$((failed + f)); done < <(
  sed -nE 's/^([0-9]+) passed, ([0-9]+) failed.*/\1 \2/p' "$logs/install.log")
grep -qE "^[0-9]+ passed" "$logs/install.log" || failed=$((failed + 1))

if [ -z "${APSIM_QUICK:-}" ]; then
  stage tsan swift test --disable-xctest --sanitize=thread --scratch-path .build-tsan
  swift_summary tsan
  stage asan env ASAN_OPTIONS=detect_leaks=1 swift test --disable-xctest --sanitize=address --scratch-path .build-asan
  swift_summary asan
  stage stress env APSIM_STRESS_CALLS=5000 tests/c/bin/test_concurrency
  grep -E "^[0-9]+ passed, [0-9]+ failed" "$logs/stress.log" | while read -r l; do echo "stress: $l"; done
  while read -r p f; do passed=$((passed + p)); failed=$((failed + f)); done < <(
    sed -nE 's/^([0-9]+) passed, ([0-9]+) failed.*/\1 \2/p' "$logs/stress.log")
  if stage fuzz tools/fuzz.sh "${FUZZ_SECONDS:-20}"; then
    grep -E "^fuzz:" "$logs/fuzz.log"; passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
fi

echo "total: $passed passed, $failed failed"
[ $failed -eq 0 ] || status=1
exit $status
