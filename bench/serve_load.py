#!/usr/bin/env python3
"""Load benchmark: `apsim serve` against moto's server mode, with the same requests.

Both servers run on free loopback ports in the same run, each in its own process. One setup
connection creates two EFS file systems ("reads" with 20 access points, "writes" empty), then
CONNECTIONS keep-alive connections (threads spread over a few client processes) send REQUESTS
requests each: DescribeAccessPoints of the "reads" file system, and CreateAccessPoint on the
"writes" file system with a unique client token for CREATE_PERCENT of them. Requests are built
by hand in the rest-json wire format with a fixed (fake) SigV4 Authorization header, so both
servers get identical bytes apart from the file system IDs; moto accepts any signature and routes
by the credential scope's service.

Prints a markdown table of requests per second and p50/p99 latency per server, and the errors
each server answered (moto does not validate and may answer differently). With --markdown FILE,
writes or updates the "## apsim serve vs moto server" section of FILE (created if absent).

    python3 bench/serve_load.py                       # 32 connections x 2000 requests
    python3 bench/serve_load.py --requests 200        # a quick smoke run
    python3 bench/serve_load.py --markdown BENCHMARKS.md
    python3 bench/serve_load.py --json                # also one JSON line last (bench/run.sh)

Bounded: every server start, request and stop has a timeout, and --deadline stops a server's run
after that many seconds (the results are then marked partial). Loopback only.
"""
import argparse
import collections
import datetime
import http.client
import json
import multiprocessing
import os
import platform
import re
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECTION = "## apsim serve vs moto server"
HOST = "127.0.0.1"
READ_ACCESS_POINTS = 20
# A fixed SigV4-shaped header: apsim takes the account and region from it, moto the service.
AUTHORIZATION = ("AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/elasticfilesystem/aws4_request, "
                 "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0" * 64)
HEADERS = {"Authorization": AUTHORIZATION, "X-Amz-Date": "20240101T000000Z", "Content-Type": "application/json"}

MOTO_MAIN = """
import sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print("moto serving on port", server.get_host_and_port()[1], flush=True)
sys.stdin.read()  # until the benchmark closes our stdin
server.stop()
"""


# ---------------------------------------------------------------------------------------------
# Servers


def read_line(proc, timeout):
    fd, line, deadline = proc.stdout.fileno(), b"", time.monotonic() + timeout
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no ready line within {timeout} s (got {line!r})")
        if select.select([fd], [], [], left)[0]:
            byte = os.read(fd, 1)
            if not byte:
                raise RuntimeError(f"the server exited before its ready line (got {line!r})")
            line += byte
    return line.decode()


class Server:
    """A server process that prints one ready line with its port, then serves until stopped."""

    def start(self, command, ready, timeout, **popen):
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, **popen)
        try:
            match = re.fullmatch(ready, read_line(self.proc, timeout))
            if not match:
                raise RuntimeError("unexpected ready line")
            self.port = int(match.group(1))
        except BaseException:
            self.kill()
            raise

    def ask_to_stop(self):
        raise NotImplementedError

    def stop(self):
        """Asks the server to stop; the exit code (it is killed if it does not exit within 30 s)."""
        if self.proc.poll() is None:
            self.ask_to_stop()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc.stdout.close()
        return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


class Apsim(Server):
    def __init__(self, cli, quota):
        self.name = "apsim serve"
        version = subprocess.run([cli, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
        self.label = f"apsim serve {version}"
        self.start([cli, "serve", "--host", HOST, "--port", "0", "--seed", "1", "--access-points-per-file-system",
                    str(quota)], r"apsim \S+ serving on http://127\.0\.0\.1:(\d+)\n", 30, stdin=subprocess.DEVNULL)
        try:
            wait_healthy(self.port)
        except BaseException:
            self.kill()
            raise

    def ask_to_stop(self):
        self.proc.send_signal(signal.SIGTERM)


class Moto(Server):
    def __init__(self):
        import moto

        self.name = "moto server"
        self.label = f"moto {moto.__version__} server"
        self.start([sys.executable, "-c", MOTO_MAIN], r"moto serving on port (\d+)\n", 60, stdin=subprocess.PIPE)

    def ask_to_stop(self):
        self.proc.stdin.close()  # the child stops its server and exits


def wait_healthy(port, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/_apsim/health")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("the server did not answer its health check")
        time.sleep(0.05)


# ---------------------------------------------------------------------------------------------
# Requests


def create_file_system(token):
    return "POST", "/2015-02-01/file-systems", json.dumps({"CreationToken": token})


def create_access_point(token, fs_id):
    return "POST", "/2015-02-01/access-points", json.dumps({"ClientToken": token, "FileSystemId": fs_id})


def describe_access_points(fs_id):
    return "GET", f"/2015-02-01/access-points?FileSystemId={fs_id}&MaxResults=100", None


def send(conn, request):
    method, path, body = request
    conn.request(method, path, body=body, headers=HEADERS)
    response = conn.getresponse()
    data = response.read()
    return response.status, data


def setup(port):
    """The two file systems: (reads, writes)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    ids = []
    for token in ("bench-reads", "bench-writes"):
        status, data = send(conn, create_file_system(token))
        if status not in (200, 201):
            raise RuntimeError(f"CreateFileSystem answered {status}: {data[:300]!r}")
        ids.append(json.loads(data)["FileSystemId"])
    for i in range(READ_ACCESS_POINTS):
        status, data = send(conn, create_access_point(f"read-{i}", ids[0]))
        if status != 200:
            raise RuntimeError(f"CreateAccessPoint answered {status}: {data[:300]!r}")
    conn.close()
    return ids


def error_key(status, data):
    try:
        doc = json.loads(data)
        code = doc.get("ErrorCode") or doc.get("__type") or doc.get("Error", {}).get("Code") or "?"
    except (ValueError, AttributeError):
        code = "unparsed body"
    return f"{status} {code}"


def client_process(args):
    """One client process: a thread per connection. Returns its latencies (seconds), counts and errors."""
    port, connections, requests, create_percent, reads_fs, writes_fs, start_at, deadline = args
    lock = threading.Lock()
    latencies, errors = [], collections.Counter()
    counts, samples = collections.Counter(), {}

    def run(conn_id):
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        mine, my_errors, my_counts = [], collections.Counter(), collections.Counter()
        while time.time() < start_at:
            time.sleep(0.001)
        for i in range(requests):
            if time.monotonic() > deadline:
                my_counts["stopped by the deadline"] += 1
                break
            create = (i * 37 + conn_id * 11) % 100 < create_percent
            request = create_access_point(f"c{conn_id}-{i}", writes_fs) if create else describe_access_points(reads_fs)
            if conn.sock is None:  # http.client connects (again) on this request
                my_counts["connections opened"] += 1
            started = time.perf_counter()
            try:
                status, data = send(conn, request)
            except (OSError, http.client.HTTPException) as e:
                mine.append(time.perf_counter() - started)
                my_errors[f"transport {type(e).__name__}"] += 1
                conn.close()
                continue
            mine.append(time.perf_counter() - started)
            my_counts["creates" if create else "reads"] += 1
            if status != 200:
                key = error_key(status, data)
                my_errors[key] += 1
                if key not in samples:
                    samples[key] = " ".join(data[:300].decode("utf-8", "replace").split())
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.update(my_errors)
            counts.update(my_counts)

    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in connections]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, dict(errors), dict(counts), samples, time.time()


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def drive(server, opts):
    reads_fs, writes_fs = setup(server.port)
    procs = max(1, min(opts.procs, opts.connections))
    groups = [list(range(opts.connections))[i::procs] for i in range(procs)]
    start_at = time.time() + 1.0  # every process is up and connected by then
    deadline = time.monotonic() + 1.0 + opts.deadline
    # time.monotonic is per boot, so it is comparable across processes on one machine.
    jobs = [(server.port, g, opts.requests, opts.create_percent, reads_fs, writes_fs, start_at, deadline) for g in groups]
    with multiprocessing.get_context("spawn").Pool(procs) as pool:
        results = pool.map_async(client_process, jobs).get(timeout=opts.deadline + 120)
    latencies, errors, counts, samples = [], collections.Counter(), collections.Counter(), {}
    end = 0.0
    for lat, err, cnt, smp, finished in results:
        latencies.extend(lat)
        errors.update(err)
        counts.update(cnt)
        samples = {**smp, **samples}
        end = max(end, finished)
    elapsed = end - start_at
    latencies.sort()
    return {
        "server": server.label, "requests": len(latencies), "elapsed": elapsed,
        "rps": len(latencies) / elapsed if elapsed > 0 else float("nan"),
        "p50": percentile(latencies, 50) * 1000, "p99": percentile(latencies, 99) * 1000,
        "errors": dict(errors), "samples": samples, "error_count": sum(errors.values()), "reads": counts["reads"],
        "creates": counts["creates"], "connections": counts["connections opened"],
        "partial": counts["stopped by the deadline"] > 0,
    }


# ---------------------------------------------------------------------------------------------
# Report


def table(results):
    lines = ["| server | requests | reads / creates | errors | req/s | p50 ms | p99 ms | TCP connections |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['server']}{' (partial: deadline)' if r['partial'] else ''} | {r['requests']} | "
                     f"{r['reads']} / {r['creates']} | {r['error_count']} | {r['rps']:.0f} | {r['p50']:.2f} | "
                     f"{r['p99']:.2f} | {r['connections']} |")
    return "\n".join(lines)


def errors_text(results):
    lines = []
    for r in results:
        detail = ", ".join(f"{k}: {v}" for k, v in sorted(r["errors"].items())) or "none"
        lines.append(f"- {r['server']}: errors {detail}.")
        for key, body in sorted(r.get("samples", {}).items()):
            shown = body[:160].replace("`", "'")
            lines.append(f"  First `{key}` body: `{shown}`")
    return "\n".join(lines)


def section(results, opts, procs):
    try:
        import moto
        moto_version = moto.__version__
    except ImportError:
        moto_version = "not installed"
    today = datetime.date.today().isoformat()
    return f"""{SECTION}

`python3 bench/serve_load.py --connections {opts.connections} --requests {opts.requests}` ({today}, {os.cpu_count()} cores,
Python {platform.python_version()}, moto {moto_version}): {opts.connections} keep-alive connections
(threads in {procs} client processes on the same machine) x {opts.requests} requests each, after one
setup connection creates two file systems and {READ_ACCESS_POINTS} access points. Of the requests,
{100 - opts.create_percent}% are DescribeAccessPoints of the file system with {READ_ACCESS_POINTS} access points
and {opts.create_percent}% are CreateAccessPoint on the other file system with unique client tokens, sent
as identical rest-json bytes (hand-built with http.client, a fixed fake SigV4 header) to both servers.
Latency is per request on the client, from sending to the last byte of the response.

{table(results)}

{errors_text(results)}

Notes: the clients run on the same cores as the server, so a fast server is measured at the speed
of the Python clients (a lower bound). moto's server (werkzeug, threaded) answers every request
with `Connection: close`, so its clients open a TCP connection per request ("TCP connections");
apsim keeps each connection for all of its requests. moto does not validate requests nor
paginate DescribeAccessPoints, and does not refuse repeated client tokens.
"""


def update_markdown(path, text):
    path = Path(path)
    if not path.exists():
        path.write_text("# Benchmarks\n\n" + text)
        return
    content = path.read_text()
    start = content.find(SECTION + "\n")
    if start < 0:
        path.write_text(content.rstrip("\n") + "\n\n" + text)
        return
    following = content.find("\n## ", start + len(SECTION))
    rest = content[following + 1:] if following >= 0 else ""
    path.write_text(content[:start] + text + ("\n" + rest if rest else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--requests", type=int, default=2000, help="requests per connection")
    parser.add_argument("--create-percent", type=int, default=10)
    parser.add_argument("--procs", type=int, default=min(8, os.cpu_count() or 2),
                        help="client processes the connections are spread over (default: one per core, "
                             "the fastest on a 2-core machine)")
    parser.add_argument("--deadline", type=float, default=600, help="seconds per server before it is cut short")
    parser.add_argument("--apsim", default=os.environ.get("APSIM_CLI") or str(REPO / "build" / "bin" / "apsim"))
    parser.add_argument("--skip-moto", action="store_true")
    parser.add_argument("--markdown", metavar="FILE", help="write or update the section in this markdown file")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON document of the results as the last line of stdout (bench/run.sh reads it)")
    opts = parser.parse_args()
    if not (0 <= opts.create_percent <= 100 and opts.connections > 0 and opts.requests > 0):
        parser.error("--connections and --requests must be positive, --create-percent from 0 to 100")
    if not os.access(opts.apsim, os.X_OK):
        parser.error(f"the apsim executable is missing at {opts.apsim} (make cli, or --apsim PATH)")

    quota = READ_ACCESS_POINTS + opts.connections * opts.requests + 1
    factories = [lambda: Apsim(opts.apsim, quota)] + ([] if opts.skip_moto else [Moto])
    results, names = [], []
    for factory in factories:
        server = factory()
        names.append(server.name)
        try:
            print(f"{server.label}: port {server.port}, {opts.connections} connections x {opts.requests} requests ...",
                  file=sys.stderr, flush=True)
            result = drive(server, opts)
        finally:
            rc = server.stop()
        if isinstance(server, Apsim) and rc != 0:
            result["errors"][f"exit code {rc} after SIGTERM"] = 1
            result["error_count"] += 1
        print(f"  {result['rps']:.0f} req/s, p50 {result['p50']:.2f} ms, p99 {result['p99']:.2f} ms, "
              f"{result['error_count']} errors", file=sys.stderr, flush=True)
        results.append(result)

    procs = max(1, min(opts.procs, opts.connections))
    print(table(results))
    print()
    print(errors_text(results))
    if opts.markdown:
        update_markdown(opts.markdown, section(results, opts, procs))
        print(f"\nwrote the section to {opts.markdown}", file=sys.stderr)
    if opts.json:
        print(json.dumps({"bench": "serve", "connections": opts.connections, "requests": opts.requests,
                          "create_percent": opts.create_percent, "servers": dict(zip(names, results))},
                         separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
