#!/usr/bin/env bash
# bench/run.sh -- apsim's benchmark suite: builds the C benchmark, runs it and the Python
# benchmark several times (waiting for a quiet machine before each timed run), then once the
# 1,000-test suite (bench/python/bench_suite.py) and `apsim serve` under load (bench/serve_load.py),
# profiles what misses its target, and prints one table of medians, ratios and PASS/MISS per target
# (the "item" column names the target of issue 19 each row answers: 19.1 ... 19.5; 4 and 5 are the
# earlier scale and durability targets; "ref" rows are references without a target).
#
#   bench/run.sh                          # the table on stdout (about 20 minutes on 2 cores)
#   bench/run.sh --markdown BENCHMARKS.md # also (re)writes BENCHMARKS.md, with the section
#                                         # "## apsim serve vs moto server" of this run's load test
#   bench/run.sh --quick                  # one short run, a 50-test suite, 200 requests per
#                                         # connection, no profiles (a smoke test)
#
# Options: --runs N (default 5: this VM is noisy), --no-profile, --no-suite, --no-serve, --wait SECONDS
# (how long to wait at most for a quiet machine before each timed run, default 600; after that it
# runs anyway and says so). Needs .build/release/libapsim.so (make lib), build/bin/apsim (make cli;
# for the load test), gcc, libjansson-dev, python3 with boto3, moto (and its server extras) and
# pytest; valgrind for the profile. Never builds Swift. Leaves nothing behind but bench/c/bin/.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

RUNS=5
MARKDOWN=""
QUICK=0
PROFILE=1
SUITE=1
SERVE=1
WAIT_LIMIT=600
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS="$2"; shift 2 ;;
        --markdown) MARKDOWN="$2"; shift 2 ;;
        --quick) QUICK=1; RUNS=1; PROFILE=0; shift ;;
        --no-profile) PROFILE=0; shift ;;
        --no-suite) SUITE=0; shift ;;
        --no-serve) SERVE=0; shift ;;
        --wait) WAIT_LIMIT="$2"; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

LIBDIR="$REPO/.build/release"
if [ ! -f "$LIBDIR/libapsim.so" ]; then
    echo "bench/run.sh: $LIBDIR/libapsim.so is missing; build it first with 'make lib'" >&2
    exit 1
fi
CC="${CC:-gcc}"
BIN="$REPO/bench/c/bin"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/apsim-bench-run-XXXXXX")"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
export PYTHONPATH="$REPO/bindings/python${PYTHONPATH:+:$PYTHONPATH}"
export APSIM_LIBRARY="$LIBDIR/libapsim.so"

log() { echo "== $*" >&2; }

# ---- a quiet machine ----------------------------------------------------------------------------
HEAVY='swift-build|swift-frontend|swift-test|valgrind|pytest|apsim serve|serve_load\.py|moto\.server|ThreadedMotoServer'
BUSY_NOTES="$WORK/busy.txt"
: > "$BUSY_NOTES"

cpu_busy_percent() {  # CPU use of the whole machine over one second, in percent
    local a b
    read -r -a a < <(head -1 /proc/stat)
    sleep 1
    read -r -a b < <(head -1 /proc/stat)
    local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) total=0 i
    for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
    [ "$total" -gt 0 ] || { echo 0; return; }
    echo $(( 100 * (total - idle) / total ))
}

WAITED_TOTAL=0
wait_quiet() {  # $1: what is about to run
    local waited=0 heavy busy
    while :; do
        heavy="$(pgrep -af "$HEAVY" 2>/dev/null | grep -v -e "^$$ " -e "^[0-9]* pgrep " | cut -c1-120 || true)"
        busy="$(cpu_busy_percent)"
        if [ -z "$heavy" ] && [ "$busy" -lt 15 ]; then WAITED_TOTAL=$(( WAITED_TOTAL + waited )); return 0; fi
        if [ "$waited" -ge "$WAIT_LIMIT" ]; then
            echo "$1: started on a busy machine after waiting ${waited}s (CPU ${busy}%${heavy:+; running: $(echo "$heavy" | head -1)})" >> "$BUSY_NOTES"
            log "machine still busy after ${waited}s; running $1 anyway"
            WAITED_TOTAL=$(( WAITED_TOTAL + waited ))
            return 0
        fi
        [ "$waited" -eq 0 ] && log "waiting for a quiet machine before $1 (CPU ${busy}%${heavy:+, running: $(echo "$heavy" | head -1)})"
        sleep 9
        waited=$(( waited + 10 ))
    done
}

# While the timed runs go, a watcher notes heavy processes that start meanwhile (it is stopped by
# its PID at the end); a run that overlapped one is named in the report.
watch_heavy() {
    local nap=""
    trap '[ -n "$nap" ] && kill "$nap" 2>/dev/null; exit 0' TERM
    while :; do
        pgrep -af "$HEAVY" 2>/dev/null | grep -v "^[0-9]* pgrep " | cut -c1-100 | sed "s/^/$(date +%s) /" >> "$WORK/heavy.log" || true
        sleep 2 &
        nap=$!
        wait "$nap" || true
    done
}
RUN_WINDOWS="$WORK/windows.txt"
: > "$RUN_WINDOWS"
timed() {  # $1: label; the rest: the command. Records the run's time window.
    local label="$1" t0 rc=0
    shift
    t0=$(date +%s)
    "$@" || rc=$?
    echo "$t0 $(date +%s) $label" >> "$RUN_WINDOWS"
    return $rc
}

# ---- build ---------------------------------------------------------------------------------------
mkdir -p "$BIN"
log "building bench/c/bin/bench_apsim"
"$CC" -std=c99 -O2 -Wall -Wextra -Werror -pthread bench/c/bench_apsim.c -o "$BIN/bench_apsim" \
    -Iinclude -L"$LIBDIR" -Wl,-rpath,"$LIBDIR" -lapsim -ljansson
# The state_file design choice (journal or SQLite); needs libsqlite3-dev, skipped without it.
DURABILITY=0
if echo '#include <sqlite3.h>' | "$CC" -E - > /dev/null 2>&1; then
    "$CC" -std=c99 -O2 -Wall -Wextra -Werror bench/c/bench_durability.c -o "$BIN/bench_durability" -lsqlite3 && DURABILITY=1
else
    log "sqlite3.h not found (apt-get install libsqlite3-dev): no journal-vs-SQLite measurement"
fi

# ---- timed runs ----------------------------------------------------------------------------------
C_ARGS=()
PY_ARGS=()
SUITE_ARGS=(--tests 1000 --repeats 1)
SERVE_ARGS=()
if [ "$QUICK" = 1 ]; then
    C_ARGS=(--iters 2000 --warmup 500)
    PY_ARGS=(--repeats 3 --scale 0.2)
    SUITE_ARGS=(--tests 50 --repeats 1)
    SERVE_ARGS=(--requests 200)
fi
START=$(date +%s)
watch_heavy &
WATCHER=$!
cleanup() { kill "$WATCHER" 2>/dev/null || true; wait "$WATCHER" 2>/dev/null || true; rm -rf "$WORK"; }
for run in $(seq 1 "$RUNS"); do
    sections="efs,fsx,page,threads,state"
    if [ "$run" = 1 ] && [ "$QUICK" = 0 ]; then sections="$sections,rss"; fi
    wait_quiet "C run $run"
    log "C run $run/$RUNS ($sections)"
    timed "C run $run" "$BIN/bench_apsim" "${C_ARGS[@]}" --only "$sections" > "$WORK/c$run.out"
    sed '$d' "$WORK/c$run.out" >&2
    tail -n 1 "$WORK/c$run.out" > "$WORK/c$run.json"
    wait_quiet "Python run $run"
    log "Python run $run/$RUNS"
    timed "Python run $run" python3 bench/python/bench_python.py "${PY_ARGS[@]}" > "$WORK/py$run.out"
    sed '$d' "$WORK/py$run.out" >&2
    tail -n 1 "$WORK/py$run.out" > "$WORK/py$run.json"
    if [ "$DURABILITY" = 1 ]; then
        wait_quiet "durability run $run"
        log "durability run $run/$RUNS (journal vs SQLite WAL)"
        timed "durability run $run" "$BIN/bench_durability" $([ "$QUICK" = 1 ] && echo --reps 60) > "$WORK/d$run.out"
        sed '$d' "$WORK/d$run.out" >&2
        tail -n 1 "$WORK/d$run.out" > "$WORK/d$run.json"
    fi
done

kill "$WATCHER" 2>/dev/null || true
wait "$WATCHER" 2>/dev/null || true
while read -r t0 t1 label; do  # heavy processes seen during a timed run
    seen="$(awk -v a="$t0" -v b="$t1" '$1 >= a && $1 <= b {$1 = ""; $2 = ""; print}' "$WORK/heavy.log" 2>/dev/null | sort -u | head -2 | tr '\n' ';' || true)"
    [ -n "$seen" ] && echo "$label overlapped:$seen" >> "$BUSY_NOTES"
done < "$RUN_WINDOWS"

# ---- once per invocation: the test suite and the load test ---------------------------------------
once() {  # $1: name of the outputs in $WORK; $2: label; the rest: the command, whose last stdout line
          # is one JSON document ($WORK/<name>.json). A failure is noted ($WORK/<name>.status), not fatal.
    local name="$1" label="$2" rc=0
    shift 2
    wait_quiet "$label"
    log "$label"
    "$@" > "$WORK/$name.out" || rc=$?
    sed '$d' "$WORK/$name.out" >&2
    if [ "$rc" = 0 ]; then
        tail -n 1 "$WORK/$name.out" > "$WORK/$name.json"
    else
        echo "it failed with exit code $rc; its output is in this run's log" > "$WORK/$name.status"
        log "$label failed (exit $rc)"
    fi
}
if [ "$SUITE" = 1 ]; then
    once suite "test suite (bench/python/bench_suite.py ${SUITE_ARGS[*]})" \
        python3 bench/python/bench_suite.py "${SUITE_ARGS[@]}"
else
    echo "skipped with --no-suite" > "$WORK/suite.status"
fi
if [ "$SERVE" = 1 ]; then
    once serve "load test (bench/serve_load.py ${SERVE_ARGS[*]})" \
        python3 bench/serve_load.py "${SERVE_ARGS[@]}" --json --markdown "$WORK/serve.md"
else
    echo "skipped with --no-serve" > "$WORK/serve.status"
fi

# ---- profiles (what explains a miss) ---------------------------------------------------------------
if [ "$PROFILE" = 1 ]; then
    wait_quiet "profiles"
    if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
        log "callgrind: bench_apsim --only efs --iters 2000 --warmup 500 --diag 0"
        valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" \
            "$BIN/bench_apsim" --only efs --iters 2000 --warmup 500 --diag 0 > /dev/null 2> "$WORK/callgrind.log"
        callgrind_annotate --inclusive=yes "$WORK/callgrind.out" > "$WORK/callgrind.txt" 2>/dev/null || true
    else
        log "valgrind not found: no callgrind profile"
    fi
fi
ELAPSED=$(( $(date +%s) - START ))

# ---- machine -------------------------------------------------------------------------------------
{
    echo "cores=$(nproc)"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "memory=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "kernel=$(uname -sr)"
    hz="$(grep -h '^CONFIG_HZ=' "/boot/config-$(uname -r)" 2>/dev/null || zcat /proc/config.gz 2>/dev/null | grep '^CONFIG_HZ=' || true)"
    echo "hz=${hz#CONFIG_HZ=}"
    echo "hypervisor=$(lscpu 2>/dev/null | awk -F: '/Hypervisor vendor/ {gsub(/^ +/, "", $2); print $2}' | head -1)"
    echo "container=$(systemd-detect-virt --container 2>/dev/null || true)"
    # (TMPDIR: the swift driver leaves an empty TemporaryDirectory.* behind; let it be in $WORK)
    echo "swift=$(TMPDIR="$WORK" swift --version 2>/dev/null | head -1 || true)"
    echo "cc=$("$CC" --version | head -1)"
    echo "jansson=$(grep -m1 'JANSSON_VERSION ' /usr/include/jansson.h 2>/dev/null | awk '{print $3}' | tr -d '"')"
    echo "valgrind=$(valgrind --version 2>/dev/null || true)"
    echo "date=$(date -u +%Y-%m-%d)"
    echo "elapsed=$ELAPSED"
    echo "waited=$WAITED_TOTAL"
    echo "runs=$RUNS"
    echo "quick=$QUICK"
} > "$WORK/machine.txt"

# ---- the table -----------------------------------------------------------------------------------
python3 - "$WORK" "$RUNS" "$MARKDOWN" <<'PYEOF'
import json
import re
import statistics
import sys
from pathlib import Path

work, runs, markdown = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
c = [json.loads((work / f"c{i}.json").read_text()) for i in range(1, runs + 1)]
py = [json.loads((work / f"py{i}.json").read_text()) for i in range(1, runs + 1)]
dur = [json.loads((work / f"d{i}.json").read_text()) for i in range(1, runs + 1) if (work / f"d{i}.json").exists()]
machine = dict(line.split("=", 1) for line in (work / "machine.txt").read_text().splitlines() if "=" in line)
busy = (work / "busy.txt").read_text().strip()
cg_text = (work / "callgrind.txt").read_text() if (work / "callgrind.txt").exists() else ""


def once(name):
    """The JSON document of a measurement made once per invocation (suite, serve), or None, and
    why there is none."""
    doc, status = work / f"{name}.json", work / f"{name}.status"
    if doc.exists():
        return json.loads(doc.read_text()), ""
    return None, status.read_text().strip() if status.exists() else "not run"


suite, suite_status = once("suite")
serve, serve_status = once("serve")
codecs = py[0].get("codecs") or ["json"]
default_codec = py[0].get("codec_default") or codecs[-1]


def get(doc, path):
    for key in path.split("."):
        doc = doc[key]
    return doc


def values(docs, path):
    """The value at ``path`` of each run that has it."""
    out = []
    for d in docs:
        try:
            out.append(get(d, path))
        except (KeyError, TypeError):
            pass
    return out


def med(docs, path):
    """The median over the runs that have the value; None when none has it."""
    found = values(docs, path)
    return statistics.median(found) if found else None


def runs_of(docs, path, fmt="{:.2f}"):
    return ", ".join(fmt.format(v) for v in values(docs, path))


def us(v):
    if v is None:
        return "n/a"
    return f"{v:,.0f} µs" if v >= 100 else f"{v:.1f} µs" if v >= 10 else f"{v:.2f} µs"


def ms(v):
    return f"{v:,.0f} ms" if v >= 100 else f"{v:.2f} ms"


class Target:
    """A ratio's target: at least or at most ``limit``, written ``text``."""

    def __init__(self, cmp, limit, text):
        self.cmp, self.limit, self.text = cmp, limit, text

    def ok(self, ratio):
        return ratio >= self.limit if self.cmp == ">=" else ratio <= self.limit

    def off_by(self, ratio):
        """The factor between the measured ratio and the target (> 1 for a miss)."""
        return self.limit / ratio if self.cmp == ">=" else ratio / self.limit


def at_least(limit, text=None):
    return Target(">=", limit, text or f"≥ {limit:g}× faster")


def at_most(limit, text=None):
    return Target("<=", limit, text or f"≤ {limit:g}×")


rows = []  # (item, benchmark, apsim, comparison, ratio text, target, verdict)
misses = []  # (item, benchmark, ratio, Target, µs per call the target allows apsim, or None)


def ratio_text(ratios, unit="×"):
    ratio = statistics.median(ratios)
    text = f"**{ratio:.3f}{unit}**" if ratio < 0.1 else f"**{ratio:.2f}{unit}**"
    digits = 3 if ratio < 0.1 else 2 if ratio < 10 else 1
    return text + (f" ({', '.join(f'{r:.{digits}f}' for r in ratios)})" if len(ratios) > 1 else "")


def add(item, name, apsim, comparison, ratios, target, unit="×", allowed=None):
    """A row with a target: the median of the per-run ratios against it, PASS or MISS."""
    ratio = statistics.median(ratios)
    ok = target.ok(ratio)
    if not ok:
        misses.append((item, name, ratio, target, allowed))
    rows.append((item, name, apsim, comparison, ratio_text(ratios, unit), target.text, "PASS" if ok else "MISS"))


def reference(item, name, apsim, comparison, ratios=(), note="reference (no target)", verdict="—"):
    """A row without a target: reported side by side, never PASS or MISS."""
    rows.append((item, name, apsim, comparison, ratio_text(list(ratios)) if ratios else "—", note, verdict))


def per_run_ratios(docs, numerator, denominator):
    """Each run's numerator / denominator (the runs that have both)."""
    out = []
    for d in docs:
        try:
            out.append(get(d, numerator) / get(d, denominator))
        except (KeyError, TypeError, ZeroDivisionError):
            pass
    return out


def py_row(item, name, section, apsim_key, other_key, other_label, target=None, note="reference (no target)",
           apsim_over_other=False):
    """A row comparing two contestants of one section of the Python benchmark: the ratio is the other's
    per-call median over apsim's (how many times faster apsim is), or apsim's over the other's."""
    a_path, o_path = f"{section}.{apsim_key}.median_us", f"{section}.{other_key}.median_us"
    a, o = med(py, a_path), med(py, o_path)
    if a is None or o is None:
        return
    ratios = per_run_ratios(py, a_path, o_path) if apsim_over_other else per_run_ratios(py, o_path, a_path)
    comparison = f"{other_label} {us(o)}"
    if target is None:
        reference(item, name, us(a), comparison, ratios, note)
    else:
        allowed = o * target.limit if apsim_over_other else o / target.limit
        add(item, name, us(a), comparison, ratios, target, allowed=allowed)


# 19.1 boto3 through apsim.mock_aws (the fast path, and the wire path as a reference)
MOCK_PATHS = (("apsim_mock_aws", "`apsim.mock_aws`"), ("apsim_mock_aws_wire", "`apsim.mock_aws(wire=True)`"))
MOCK_OPS = (("create_access_point", "`create_access_point`"),
            ("describe_access_points_100", "`describe_access_points` (100 items)"),
            ("mount_target_pair", "`create_mount_target` + `describe_mount_targets`"))
for key, path in MOCK_PATHS:
    py_row("19.1", f"boto3 `create_access_point` through {path} vs Stubber", "create_access_point", key, "stubber",
           "boto3 + Stubber", at_most(1.25, "≤ 1.25× the Stubber") if key == "apsim_mock_aws" else None,
           apsim_over_other=True)
for section, what in MOCK_OPS:
    for key, path in MOCK_PATHS:
        py_row("19.1", f"boto3 {what} through {path} vs moto", section, key, "moto_boto3", "boto3 through moto",
               at_least(5) if key == "apsim_mock_aws" else None)

# 19.2 the apsim Python client, per JSON codec
CLIENT_OPS = (("create_access_point", "`create_access_point`"), ("describe_access_points", "`describe_access_points` (10 items)"))
for section, what in CLIENT_OPS:
    for codec in codecs:
        py_row("19.2", f"apsim client {what}, {codec} codec, vs moto via boto3", section, f"apsim_client_{codec}",
               "moto_boto3", "moto via boto3", at_least(50))
    py_row("19.2", f"apsim client {what}, {default_codec} codec, vs moto backend", section,
           f"apsim_client_{default_codec}", "moto_backend", "moto backend objects",
           note="reference (an earlier goal, dropped)")


# 19.3 C per call vs the jansson floor
def c_rows(key, label, median_target):
    for stat, target in (("median", median_target), ("p99", at_most(3))):
        a, f = med(c, f"{key}.apsim.{stat}_us"), med(c, f"{key}.floor.{stat}_us")
        add("19.3", f"`{label}` {stat}", us(a), f"jansson floor {us(f)}", values(c, f"{key}.ratio_{stat}"), target,
            allowed=f * target.limit)


c_rows("efs_create_access_point", "apsim_efs_create_access_point", at_most(1, "≤ 1× (at or below the floor)"))
c_rows("fsx_create_and_attach_s3_access_point", "apsim_fsx_create_and_attach_s3_access_point", at_most(3))

# 19.4 a test suite's wall time
if suite:
    reference("19.4", f"test suite: {suite['tests']:,} tests, wall time (`python -m pytest`)",
              f"{suite['apsim_median_s']:.1f} s", f"`moto.mock_aws` {suite['moto_median_s']:.1f} s", suite["ratios"],
              note="report")

# 19.5 apsim serve under load
if serve:
    a_srv, m_srv = serve["servers"].get("apsim serve"), serve["servers"].get("moto server")
    if a_srv and m_srv:
        def errors(result):
            return f" ({result['error_count']:,} errors)" if result.get("error_count") else ""

        reference("19.5", f"`apsim serve` requests per second, {serve['connections']} connections (ratio: apsim's / moto's)",
                  f"{a_srv['rps']:,.0f} req/s{errors(a_srv)}", f"moto server {m_srv['rps']:,.0f} req/s{errors(m_srv)}",
                  [a_srv["rps"] / m_srv["rps"]], note="report")
        for stat in ("p50", "p99"):
            reference("19.5", f"`apsim serve` {stat} latency under load (ratio: moto's / apsim's)", ms(a_srv[stat]),
                      f"moto server {ms(m_srv[stat])}", [m_srv[stat] / a_srv[stat]], note="report")

# References: FSx (which moto lacks) and boto3's own cost
moto_fsx = py[0]["create_and_attach_s3_access_point"]["moto"]
moto_fsx_text = ("moto: " + moto_fsx.get("exception", "?") + " (“" + moto_fsx.get("message", "") + "”)"
                 if not moto_fsx.get("implemented") else "moto implements it")
reference("ref", "apsim client `create_and_attach_s3_access_point`",
          us(med(py, f"create_and_attach_s3_access_point.apsim_client_{default_codec}.median_us")), moto_fsx_text,
          note="report that moto lacks it", verdict="moto lacks it" if not moto_fsx.get("implemented") else "—")
reference("ref", "boto3 `create_and_attach_s3_access_point` through `apsim.mock_aws`",
          us(med(py, "create_and_attach_s3_access_point.apsim_mock_aws.median_us")), moto_fsx_text)
reference("ref", "boto3 with a before-send handler returning a canned response",
          us(med(py, "create_access_point.before_send.median_us")), "(reference: boto3's own cost per call)", note="—")

# 4. Scale
p1, p2 = med(c, "describe_page_100.world_1000.median_us"), med(c, "describe_page_100.world_100000.median_us")
add("4", "DescribeAccessPoints page of 100, 100,000 vs 1,000 APs", us(p2), f"1,000 APs {us(p1)}",
    values(c, "describe_page_100.ratio_median"), at_most(2), allowed=p1 * 2)
rss = med(c, "rss.bytes_per_access_point")
if rss is not None:
    add("4", "resident memory per access point at 1,000,000 APs", f"{rss:,.0f} bytes",
        f"RSS {med(c, 'rss.rss_before') / 2**20:.1f} → {med(c, 'rss.rss_after') / 2**20:,.1f} MiB",
        [v / 1024 for v in values(c, "rss.bytes_per_access_point")], at_most(1, "≤ 1 KiB"), unit=" KiB")
t1, t2 = med(c, "threads.one_thread_calls_per_s"), med(c, "threads.two_threads_calls_per_s")
add("4", "CreateAccessPoint throughput, 2 threads vs 1", f"{t2:,.0f} calls/s", f"1 thread {t1:,.0f} calls/s",
    values(c, "threads.ratio"), at_least(1.5, "≥ 1.5×"))

# 5. Durability
s1, s2 = med(c, "state_file_create.world_1000.median_us"), med(c, "state_file_create.world_100000.median_us")
add("5", "CreateAccessPoint with state_file, 100,000 vs 1,000 resources", us(s2), f"1,000 resources {us(s1)}",
    values(c, "state_file_create.ratio_median"), at_most(2), allowed=s1 * 2)


def table():
    out = ["| item | benchmark | apsim | compared with | ratio (per run) | target | verdict |",
           "|---|---|---|---|---|---|---|"]
    for item, name, a, comp, ratio, target, verdict in rows:
        v = f"**{verdict}**" if verdict == "MISS" else verdict
        out.append(f"| {item} | {name} | {a} | {comp} | {ratio} | {target} | {v} |")
    return "\n".join(out)


def detail_table():
    """More numbers behind the table: p90/p99.9, tails, threads, state file."""
    out = ["| measurement | median of runs |", "|---|---|"]
    for key, label in (("efs_create_access_point", "EFS create"), ("fsx_create_and_attach_s3_access_point", "FSx create")):
        out.append(f"| {label}: apsim p90 / p99 / p99.9 | {us(med(c, key + '.apsim.p90_us'))} / "
                   f"{us(med(c, key + '.apsim.p99_us'))} / {us(med(c, key + '.apsim.p999_us'))} |")
        out.append(f"| {label}: floor p90 / p99 / p99.9 | {us(med(c, key + '.floor.p90_us'))} / "
                   f"{us(med(c, key + '.floor.p99_us'))} / {us(med(c, key + '.floor.p999_us'))} |")
        out.append(f"| {label}: request / response size | {med(c, key + '.request_bytes'):.0f} / "
                   f"{med(c, key + '.response_bytes'):.0f} bytes |")
        out.append(f"| {label}: calls > 2× their median, apsim / floor | {100 * med(c, key + '.tail.slow_fraction'):.2f}% "
                   f"(+{med(c, key + '.tail.slow_excess_median_us'):.0f} µs each, one every "
                   f"{med(c, key + '.tail.slow_spacing_median_ms'):.2f} ms) / {100 * med(c, key + '.tail.floor.slow_fraction'):.2f}%; "
                   f"per second inside calls {med(c, key + '.tail.slow_per_s'):,.0f} / {med(c, key + '.tail.floor.slow_per_s'):,.0f} |")
        out.append(f"| {label}: minor page faults per call (floor) | {med(c, key + '.tail.page_faults_per_call'):.3f} "
                   f"({med(c, key + '.tail.floor_page_faults_per_call'):.3f}) |")
        if med(c, key + ".tail.diag_slow_with_fault") is not None:
            out.append(f"| {label}: calls with a page fault, among slow / other calls (5,000 extra calls) | "
                       f"{100 * med(c, key + '.tail.diag_slow_with_fault'):.0f}% / {100 * med(c, key + '.tail.diag_fast_with_fault'):.0f}% |")
    out.append(f"| DescribeAccessPoints page p99, 1,000 / 100,000 APs | {us(med(c, 'describe_page_100.world_1000.p99_us'))} / "
               f"{us(med(c, 'describe_page_100.world_100000.p99_us'))} (page of {med(c, 'describe_page_100.response_bytes') / 1024:.0f} KiB) |")
    out.append(f"| threads: CPU per call, 1 / 2 threads | {med(c, 'threads.cpu_us_per_call_1'):.1f} / "
               f"{med(c, 'threads.cpu_us_per_call_2'):.1f} µs |")
    out.append(f"| threads: context switches per 1,000 calls, 1 / 2 threads | {med(c, 'threads.switches_per_1000_calls_1'):.1f} / "
               f"{med(c, 'threads.switches_per_1000_calls_2'):.1f} |")
    out.append(f"| threads: CPUs busy with 2 threads (of {machine.get('cores')}) | {med(c, 'threads.cpus_busy_2'):.2f} |")
    if med(c, "threads.separate_worlds.ratio") is not None:
        out.append(f"| threads: 2 threads on a world each (nothing shared: the machine's own scaling) vs 1 thread | "
                   f"{med(c, 'threads.separate_worlds.ratio'):.2f}× (per run: {runs_of(c, 'threads.separate_worlds.ratio')}); "
                   f"{med(c, 'threads.separate_worlds.cpu_us_per_call'):.1f} µs CPU per call, "
                   f"{med(c, 'threads.separate_worlds.cpus_busy'):.2f} CPUs busy |")
    if rss is not None:
        out.append(f"| filling 1,000,000 APs (1 thread) | {med(c, 'rss.creates_per_s'):,.0f} creates/s |")
    out.append(f"| state_file create p99, 1,000 / 100,000 | {us(med(c, 'state_file_create.world_1000.p99_us'))} / "
               f"{us(med(c, 'state_file_create.world_100000.p99_us'))} |")
    out.append(f"| state_file open (load + compact), 1,000 / 100,000 | {med(c, 'state_file_create.open_ms_1000'):.0f} ms / "
               f"{med(c, 'state_file_create.open_ms_100000'):,.0f} ms (files of {med(c, 'state_file_create.state_bytes_1000') / 1024:.0f} KiB / "
               f"{med(c, 'state_file_create.state_bytes_100000') / 2**20:.1f} MiB) |")
    out.append(f"| create without state_file (EFS create median above) | {us(med(c, 'efs_create_access_point.apsim.median_us'))} |")
    return "\n".join(out)




PY_OPS = (("create_access_point", "create_access_point"), ("describe_access_points", "describe_access_points (10 items)"),
          ("describe_access_points_100", "describe_access_points (100 items)"),
          ("mount_target_pair", "create_mount_target + describe_mount_targets"),
          ("create_and_attach_s3_access_point", "create_and_attach_s3_access_point"))


def python_table():
    names = ([(f"apsim_client_{codec}", f"apsim client (`sim.client`, ctypes), {codec} codec") for codec in codecs]
             + [("apsim_mock_aws", "boto3 through `apsim.mock_aws`"),
                ("apsim_mock_aws_wire", "boto3 through `apsim.mock_aws(wire=True)`"),
                ("stubber", "boto3 + botocore Stubber"), ("before_send", "boto3 + before-send canned response"),
                ("moto_boto3", "boto3 through moto (`moto.mock_aws`)"), ("moto_backend", "moto backend objects, direct")])
    out = ["| per call (median) | " + " | ".join(title for _, title in PY_OPS) + " |",
           "|---|" + "---|" * len(PY_OPS)]
    for key, label in names:
        cells = []
        for op, _ in PY_OPS:
            v = med(py, f"{op}.{key}.median_us")
            cells.append(us(v) if v is not None else ("not implemented" if key.startswith("moto") and op.startswith("create_and") else "—"))
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(out)



# ---- profiles ----------------------------------------------------------------------------------
def callgrind_parts():
    """Instructions per call from callgrind_annotate --inclusive (the largest non-recursive entry
    whose name matches), for 2,500 creates and 2,500 floor iterations."""
    if not cg_text:
        return None
    calls = 2500

    def ir(pattern):
        best = 0
        for line in cg_text.splitlines():
            mm = re.match(r"\s*([\d,]+)\s+\([\s\d.]+%\)\s+(.*)", line)
            if mm and re.search(pattern, mm.group(2)) and "'2" not in mm.group(2):
                best = max(best, int(mm.group(1).replace(",", "")))
        return best / calls

    parts = {
        "total": ir(r":apsim_efs_create_access_point \["),
        "validate": ir(r"9ValidatorV8validate"),
        "patterns": ir(r"PatternC7matches"),
        "parse": ir(r"4JSONO5parseyACSS"),
        "serialize": ir(r"4JSONO5write2to"),
        "handler": ir(r"13EFSOperationsO17createAccessPoint"),
        "floor_loads": ir(r":json_loads \["),
        "floor_dumps": ir(r":json_dumps \["),
    }
    return parts if parts["total"] and parts["floor_loads"] else None


cg = callgrind_parts()
b = {k: med(py, f"breakdown.{k}") for k, v in (py[0].get("breakdown") or {}).items() if isinstance(v, (int, float))}


def pct(part, whole):
    return f"{100 * part / whole:.0f}%" if whole else "n/a"




def callgrind_text():
    t = cg["total"]
    floor = cg["floor_loads"] + cg["floor_dumps"]
    json_cost = cg["parse"] + cg["serialize"]
    return "\n".join([
        "**C: callgrind** (`valgrind --tool=callgrind bench/c/bin/bench_apsim --only efs --iters 2000 "
        "--warmup 500 --diag 0`, inclusive instructions per call):\n",
        "| part of one `apsim_efs_create_access_point` | instructions | share |\n|---|---|---|",
        f"| whole call | {t:,.0f} | 100% |",
        f"| request validation (`Validator.validate`) | {cg['validate']:,.0f} | {pct(cg['validate'], t)} |",
        f"| ↳ of which pattern matching (`Pattern.matches`) | {cg['patterns']:,.0f} | {pct(cg['patterns'], t)} |",
        f"| JSON parse of the request (`JSON.parse`) | {cg['parse']:,.0f} | {pct(cg['parse'], t)} |",
        f"| JSON serialization of the response (`JSON.write`) | {cg['serialize']:,.0f} | {pct(cg['serialize'], t)} |",
        f"| the operation under the world's lock (`EFSOperations.createAccessPoint`) | {cg['handler']:,.0f} | {pct(cg['handler'], t)} |",
        f"| floor: jansson `json_loads` + `json_dumps` | {cg['floor_loads']:,.0f} + {cg['floor_dumps']:,.0f} = {floor:,.0f} | "
        f"apsim's call is {t / floor:.2f}× the floor |",
        "",
        f"apsim's own JSON parse and serialization take {json_cost:,.0f} instructions, "
        f"{'fewer' if json_cost < floor else 'more'} than jansson's {floor:,.0f} for the same documents; what "
        f"the floor does not do is validation against the AWS model ({pct(cg['validate'], t)} of the call, "
        f"{pct(cg['patterns'], cg['validate'])} of that the Java-regex pattern matcher) and the operation "
        f"itself ({pct(cg['handler'], t)}).\n"])


CLIENT_STEPS = (("whole apsim client call", "client_{op}_total_{codec}"),
                ("the C call through ctypes (request already encoded; the same for both codecs)", "{op}_c_call"),
                ("`_codec.dumps` of the request", "{op}_encode_{codec}"),
                ("`_codec.loads` of the response", "{op}_decode_{codec}"),
                ("finishing the response (timestamps; none in these outputs, so no walk)", "{op}_timestamps"))


def client_breakdown_text():
    columns = [(op, codec) for op in ("create", "describe") for codec in codecs]
    titles = {"create": "create_access_point", "describe": "describe_access_points (10 items)"}
    out = ["**Python: one call taken apart** (each step timed alone on the same inputs, median µs):\n",
           "| step | " + " | ".join(f"{titles[op]}, {codec}" for op, codec in columns) + " |",
           "|---|" + "---|" * len(columns)]
    for label, key in CLIENT_STEPS:
        cells = [b.get(key.format(op=op, codec=codec)) for op, codec in columns]
        out.append(f"| {label} | " + " | ".join("—" if v is None else f"{v:.1f}" for v in cells) + " |")
    if b.get("describe_bytes"):
        out.append("| response size | " + " | ".join(
            f"{b['describe_bytes']:,.0f} bytes" if op == "describe" else "—" for op, _ in columns) + " |")
    return "\n".join(out) + "\n"


def mock_breakdown_text():
    steps = [
        ("boto3 + Stubber (validate, serialize, canned parsed response)", med(py, "create_access_point.stubber.median_us")),
        (f"`sim.http` (apsim_http with its JSON in and out, {default_codec} codec)", b.get(f"mock_http_{default_codec}")),
        ("↳ of which the C call `apsim_http`", b.get("mock_http_c_call")),
        ("the fast path's parse of the reply (`apsim._fastparse.parse`)", b.get("mock_fastparse")),
        ("botocore's rest-json parser on the reply (the `wire=True` path)", b.get("mock_parse")),
        (f"the whole before-call handler (fast path), timed inside real calls (of {us(b.get('mock_call_timed'))} per call)",
         b.get("mock_handler_in_call")),
        ("whole call through `apsim.mock_aws`", med(py, "create_access_point.apsim_mock_aws.median_us")),
        ("whole call through `apsim.mock_aws(wire=True)`", med(py, "create_access_point.apsim_mock_aws_wire.median_us")),
    ]
    return "\n".join(["| step of boto3 through `apsim.mock_aws` (create_access_point) | µs |", "|---|---|"]
                     + [f"| {label} | {v:.1f} |" for label, v in steps if v is not None]) + "\n"


def profile_text():
    out = []
    if cg:
        out.append(callgrind_text())
    if b:
        out.append(client_breakdown_text())
        out.append(mock_breakdown_text())
    return "\n".join(out) or "No profile in this run (--quick or --no-profile)."


# ---- why the misses ------------------------------------------------------------------------------
def tail_text(name):
    key = "efs_create_access_point" if "efs" in name else "fsx_create_and_attach_s3_access_point"
    hz = machine.get("hz") or "?"
    return (
        f"The tail does not come "
        f"from the library's work: {100 * med(c, key + '.tail.slow_fraction'):.2f}% of apsim's calls take more than "
        f"twice its median (+{med(c, key + '.tail.slow_excess_median_us'):.0f} µs each) and "
        f"{100 * med(c, key + '.tail.floor.slow_fraction'):.2f}% of the floor's take more than twice its own; counted "
        f"per second spent inside the calls, that is {med(c, key + '.tail.slow_per_s'):,.0f}/s for apsim and "
        f"{med(c, key + '.tail.floor.slow_per_s'):,.0f}/s for the floor — the same disturbances from outside (the "
        f"{hz}-Hz timer tick, other interrupts, the host scheduling this VM's vCPUs). A call "
        f"{med(c, key + '.ratio_median'):.1f}× as long as the floor's contains one "
        f"{med(c, key + '.ratio_median'):.1f}× as often, which is enough to put them at apsim's p99 while the floor's "
        f"p99 stays just below them. Growing the world adds little: {med(c, key + '.tail.page_faults_per_call'):.2f} "
        f"minor page faults per call (floor: {med(c, key + '.tail.floor_page_faults_per_call'):.3f}), and in an extra "
        f"pass of 5,000 calls bracketed by getrusage {100 * (med(c, key + '.tail.diag_slow_with_fault') or 0):.0f}% of "
        f"the slow calls had one against {100 * (med(c, key + '.tail.diag_fast_with_fault') or 0):.0f}% of the others. "
        f"So the p99 ratio measures the machine as much as apsim (per run: {runs_of(c, key + '.ratio_p99')}); "
        f"what apsim can do is shorten the median (see the profile), which shortens the exposure with it.")


def client_text(name):
    op = "create" if "create_access_point" in name else "describe"
    full = "create_access_point" if op == "create" else "describe_access_points"
    codec = next((k for k in codecs if f", {k} codec," in name), default_codec)
    total, cc = b.get(f"client_{op}_total_{codec}"), b.get(f"{op}_c_call")
    enc, dec = b.get(f"{op}_encode_{codec}"), b.get(f"{op}_decode_{codec}")
    if not (total and cc and dec):
        return "See the breakdown in the profiles."
    limit = med(py, full + ".moto_boto3.median_us") / 50
    parts = f"the C call {us(cc)}" + (f", `_codec.dumps` of the request {us(enc)}" if enc else "") \
        + f", `_codec.loads` of the response {us(dec)}"
    text = (f"Taken apart (profiles below, each step timed alone), the client call with the {codec} codec takes "
            f"{us(total)}: {parts}, and the rest is ctypes and the client's own few lines.")
    if op == "describe" and dec > limit and b.get("describe_bytes"):
        text += (f" Decoding alone takes {us(dec)}, more than the whole budget: this page of 10 access points is "
                 f"{b['describe_bytes']:,.0f} bytes of JSON, which the {codec} codec decodes at "
                 f"{b['describe_bytes'] / dec:.0f} MB/s.")
    if op == "create":
        text += (f" The C call is measured from Python, with caches cooled by the interpreter between calls; the same "
                 f"call in a tight C loop takes {us(med(c, 'efs_create_access_point.apsim.median_us'))}.")
        if limit > total - cc:
            text += f" The binding's own share ({us(total - cc)}) leaves {us(limit - (total - cc))} for the C call."
    return text


def mock_vs_moto_text():
    stub = med(py, "create_access_point.stubber.median_us")
    m = med(py, "create_access_point.apsim_mock_aws.median_us")
    return (f"boto3's own request path costs {us(stub)} of that (the Stubber row: validation and serialization, no "
            f"response at all); apsim's before-call handler and what botocore does with its answer took the other "
            f"{us(m - stub)} (see the Stubber item and the profile).")


def mock_vs_stubber_text():
    stub = med(py, "create_access_point.stubber.median_us")
    m = med(py, "create_access_point.apsim_mock_aws.median_us")
    http, fast = b.get(f"mock_http_{default_codec}"), b.get("mock_fastparse")
    inside, timed_call = b.get("mock_handler_in_call"), b.get("mock_call_timed")
    if not (http and fast):
        return "See the breakdown in the profiles."
    return (f"The Stubber answers from a queue with an already parsed response: no backend, no parsing. boto3 "
            f"through apsim.mock_aws pays the same request path and then its before-call handler: `sim.http` "
            f"({us(http)} timed alone, of which the C call `apsim_http` {us(b.get('mock_http_c_call'))}), the fast "
            f"path's parse ({us(fast)} timed alone; botocore's parser, the wire path, {us(b.get('mock_parse'))}) and "
            f"the glue; in the run they add {us(m - stub)} per call, where 1.25× the Stubber leaves {us(stub / 4)}."
            + (f" Timed inside real calls the handler takes {us(inside)} (of {us(timed_call)} per call), "
               f"{inside / (http + fast):.1f}× what its two big steps take alone." if inside else ""))


def threads_text():
    return (
        f"Parsing, validation, rendering the response and serialization run outside the world's "
        f"lock, the operation (lookups, dictionary inserts, ID generation) inside it — about "
        f"{pct(cg['handler'], cg['total']) if cg else 'a fifth'} of a call. A waiter spins (up to about the time a call "
        f"holds the lock) before it sleeps in the mutex; with two threads {med(c, 'threads.switches_per_1000_calls_2'):.0f} "
        f"of every 1,000 calls still sleep (1 thread: {med(c, 'threads.switches_per_1000_calls_1'):.1f}), "
        f"{med(c, 'threads.cpus_busy_2'):.2f} of {machine.get('cores')} CPUs are busy, and the CPU per call rises from "
        f"{med(c, 'threads.cpu_us_per_call_1'):.1f} to {med(c, 'threads.cpu_us_per_call_2'):.1f} µs (spinning, and the "
        f"world's cache lines moving between the two cores). The ratio varies between runs on this VM "
        f"(per run: {runs_of(c, 'threads.ratio')}); two threads on a world each, which share nothing, scale "
        f"{med(c, 'threads.separate_worlds.ratio') or 0:.2f}× (per run: {runs_of(c, 'threads.separate_worlds.ratio')}).")


def explanation(item, name):
    """What the numbers of this run say about a miss (the lead engineer adds the why)."""
    if item == "19.3" and "p99" in name:
        return tail_text(name)
    if item == "19.3" and "efs" in name and cg:
        return "The callgrind profile below takes one call apart against the floor's `json_loads` + `json_dumps`."
    if item == "19.2":
        return client_text(name)
    if item == "19.1" and "Stubber" in name:
        return mock_vs_stubber_text()
    if item == "19.1" and "create_access_point" in name:
        return mock_vs_moto_text()
    if item == "4" and "threads" in name:
        return threads_text()
    return ""


def why():
    out = []
    for item, name, ratio, target, allowed in misses:
        line = f"- **{name}** ({item}): {ratio:.2f}× against {target.text}: off by a factor of {target.off_by(ratio):.2f}"
        if allowed is not None:
            line += f" (the target allows at most {us(allowed)})"
        detail = explanation(item, name)
        out.append(line + "." + (" " + detail if detail else ""))
    return "\n".join(out)


def durability_text():
    if not dur:
        return ("Not measured in this run (`bench/c/bench_durability.c` needs libsqlite3-dev). The state file is an "
                "append-only journal fsynced per change, compacted on open and close.")
    rows = ["| storage step of one change (the same 370-byte journal line) | 1,000 in the store | 100,000 in the store | fsync per change |",
            "|---|---|---|---|"]
    labels = {"journal": ("append + fdatasync to a journal file (apsim)", "yes"),
              "sqlite_full": ("SQLite WAL, `synchronous=FULL`", "yes"),
              "sqlite_normal": ("SQLite WAL, `synchronous=NORMAL`", "no (lost on power loss)")}
    for key, (label, sync) in labels.items():
        rows.append(f"| {label} | {us(med(dur, key + '.median_us_1000'))} (p99 {us(med(dur, key + '.p99_us_1000'))}) | "
                    f"{us(med(dur, key + '.median_us_100000'))} (p99 {us(med(dur, key + '.p99_us_100000'))}) | {sync} |")
    j, f = med(dur, "journal.median_us_100000"), med(dur, "sqlite_full.median_us_100000")
    return ("\n".join(rows) + "\n\n"
            f"Measured by `bench/c/bench_durability.c` (SQLite {dur[0].get('sqlite')}, medians of {len(dur)} run(s)), "
            f"the storage step alone with the same bytes, interleaved. Neither design rewrites the world per change "
            f"(100,000 / 1,000: journal {j / med(dur, 'journal.median_us_1000'):.2f}×, SQLite "
            f"{f / med(dur, 'sqlite_full.median_us_1000'):.2f}×). With an fsync per acknowledged change, which the "
            f"state_file rule asks for (issue 4: write, fsync, then answer), the journal's append + fdatasync is "
            f"{f / j:.1f}× faster than an SQLite WAL commit; SQLite is only faster without that fsync, which gives up "
            f"power-loss durability. The journal also keeps libapsim.so self-contained (no libsqlite3 to link or "
            f"ship) and the state file readable: a JSON snapshot in the `ExportState` format plus JSON lines, "
            f"compacted on open and close. So the journal stays.")




def suite_text():
    if not suite:
        return f"Not measured in this run ({suite_status})."
    per_test = {k: 1000 * suite[f"{k}_median_s"] / suite["tests"] for k in ("moto", "apsim")}
    return (f"`bench/python/bench_suite.py --tests {suite['tests']} --repeats {suite['repeats']}` writes one pytest "
            f"module of {suite['tests']:,} tests written as users write them (a decorator gives each test a fresh world; "
            f"the test makes its own boto3 client, creates a file system and three access points, describes them two "
            f"per page and deletes everything) and runs it in a fresh `python -m pytest` process under "
            f"`moto.mock_aws` and under `apsim.mock_aws` ({suite['repeats']} time(s) each, alternating which goes "
            f"first). The wall time includes what a user's run includes: interpreter start, imports, collection. "
            f"moto: {suite['moto_median_s']:.1f} s ({per_test['moto']:.0f} ms per test); apsim: "
            f"{suite['apsim_median_s']:.1f} s ({per_test['apsim']:.0f} ms per test): the apsim suite takes "
            f"{suite['apsim_median_s'] / suite['moto_median_s']:.2f} of moto's time "
            f"({statistics.median(suite['ratios']):.2f}× faster). The issue sets no number for it.")


def serve_text():
    if not serve:
        return (f"Not measured in this run ({serve_status})"
                + (f"; a section `{SERVE_HEADING}` below, if any, is from an earlier run." if markdown else "."))
    return (f"`bench/serve_load.py` ran once in this invocation ({serve['connections']} connections × "
            f"{serve['requests']} requests, {100 - serve['create_percent']}% DescribeAccessPoints, "
            f"{serve['create_percent']}% CreateAccessPoint); its rows are in the table (19.5; latency ratios are "
            f"moto's over apsim's) and its own section, `{SERVE_HEADING}`, is at the end of this file.")


method = f"""Every comparison is measured side by side in one process run: the C benchmark alternates blocks of
apsim calls and floor iterations (and of the two worlds being compared); the Python benchmark
interleaves its contestants repeat by repeat (timeit-style batches with the garbage collector off,
the median of the repeats; the apsim client once per JSON codec, switched with `apsim._codec.use`
between batches). Each cell is the median over {runs} run(s) of those medians; the ratio column gives
each run's ratio, computed within the run. Requests are typical ones: CreateAccessPoint with a unique
client token, PosixUser, RootDirectory with CreationInfo and a Name tag;
CreateAndAttachS3AccessPoint with a unique name and client token on the root volume of a
SINGLE_AZ_HA_2 10240-MBps OpenZFS file system; CreateMountTarget on a file system of its own (one
mount target per Availability Zone per file system: the file systems are made before each batch,
untimed) followed by DescribeMountTargets of that mount target, in a subnet apsim's default open
network accepts as it is and, for moto, in a VPC and subnet made with moto's EC2 in the same
`moto.mock_aws()` block (untimed); every contestant's pair is checked before it is timed. The C
floor is what any JSON-in/JSON-out API must do at least: jansson's `json_loads` of the same request
text plus `json_dumps` of the same response document (one of the library's own responses, parsed
once) plus the frees. The test suite (19.4) and the load test (19.5) run once per invocation, after
the timed runs, so their ratio is that one measurement's."""

machine_lines = [
    f"- {machine.get('cores')} cores: {machine.get('cpu')}"
    + (f", a {machine['hypervisor']} virtual machine" if machine.get("hypervisor") else "")
    + (f" (in a {machine['container']} container)" if machine.get("container") not in (None, "", "none") else ""),
    f"- memory {machine.get('memory')}, kernel {machine.get('kernel')}, CONFIG_HZ={machine.get('hz') or '?'}",
    f"- {machine.get('swift') or 'Swift: unknown'}; {machine.get('cc')}; jansson {machine.get('jansson')}",
    f"- Python {py[0]['python']}, boto3 {py[0]['boto3']}, botocore {py[0]['botocore']}, moto {py[0]['moto']}, "
    f"apsim {py[0]['apsim']}; JSON codecs of the binding: {', '.join(codecs)} (default {default_codec})",
]
if busy:
    machine_lines.append("- **the machine was not quiet for every run:** " + busy.replace("\n", "; "))

verdicts = [r[6] for r in rows if r[6] in ("PASS", "MISS")]
summary = f"{verdicts.count('PASS')} of {len(verdicts)} targets met, {verdicts.count('MISS')} missed"
SERVE_HEADING = "## apsim serve vs moto server"
# Written by hand (the reading of a run's misses); kept as it is when the file is rewritten.
NOTES_HEADING = "## Reading the misses"

report = f"""## Results

Generated by `bench/run.sh --markdown BENCHMARKS.md` (`make bench`) on {machine.get('date')}: {runs} run(s),
{int(machine.get('elapsed', 0)) - int(machine.get('waited', 0))} s of benchmarking (plus {machine.get('waited')} s waiting for a quiet machine). {summary}.

{table()}

Items (the "item" column): 19.1 = boto3 through `apsim.mock_aws`: ≤ 1.25× botocore's Stubber and
≥ 5× faster than moto for create_access_point, ≥ 5× faster than moto for describe_access_points of
100 items and for a create_mount_target + describe_mount_targets pair (the `wire=True` path, which
runs botocore's parser on the HTTP bytes, as a reference); 19.2 = the apsim Python client ≥ 50×
faster than moto via boto3, with each JSON codec; 19.3 = the C create's median at or below the
jansson floor (its p99 and the FSx call within 3×); 19.4 = a test suite's wall time; 19.5 = `apsim
serve` under load against moto's server; 4 = scale and 5 = durability (earlier targets); "ref" and
"reference" rows have no target. The machine's speed varies from run to run (it is a shared VM),
which is why only ratios within a run are compared.

### Machine

{chr(10).join(machine_lines)}

### Method

{method}

### All Python medians

{python_table()}

### More numbers

{detail_table()}

### A test suite's wall time (19.4)

{suite_text()}

### apsim serve under load (19.5)

{serve_text()}

### Durability: an append-only journal, not SQLite (target 5)

{durability_text()}

## Why the misses

{("Each miss with its ratio, the target and the factor between them (from this run's numbers):" + chr(10) + chr(10) + why()) if misses else "Every target is met."}

## Profiles

{profile_text()}"""


def section_of(text, heading):
    """The section of markdown ``text`` that starts with ``heading``, up to the next "## " heading."""
    start = text.find(heading + "\n")
    if start < 0:
        return ""
    following = text.find("\n## ", start + len(heading))
    return text[start:following + 1 if following >= 0 else len(text)].rstrip("\n") + "\n"


print()
print(table())
print()
print(summary)
if markdown:
    path = Path(markdown)
    source = work / "serve.md" if serve else path  # this run's load test, else the file's previous section
    serve_section = section_of(source.read_text(), SERVE_HEADING) if source.exists() else ""
    notes_section = section_of(path.read_text(), NOTES_HEADING) if path.exists() else ""
    header = ("# Benchmarks\n\nHow fast apsim is, measured against moto, botocore's Stubber and the floor of any JSON API. "
              "Run it with `make bench` (that is, `bench/run.sh`); `bench/run.sh --markdown BENCHMARKS.md` rewrites "
              "this file from one full run, the `" + SERVE_HEADING + "` section included (written by "
              "`bench/serve_load.py`, which it runs once; with `--no-serve` the previous section is kept) and "
              "keeping the hand-written `" + NOTES_HEADING + "` section as it is.\n\n")
    path.write_text(header + report.rstrip("\n") + "\n" + ("\n" + notes_section if notes_section else "")
                    + ("\n" + serve_section if serve_section else ""))
    print(f"wrote {path}")
PYEOF
