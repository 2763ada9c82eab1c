#!/usr/bin/env python3
"""The file data plane's speed and size (issue 25), side by side in one run:

- the Python ``Mount`` against pyfakefs (the in-memory file system Python tests use) on the same
  tree and operations: stat, listdir, mkdir + rmdir, 4 KiB write + read, rename, remove;
- 1 MiB ``write_bytes`` + ``read_bytes`` through a ``Mount`` against ``pathlib`` on tmpfs (/dev/shm);
- ``nfs:Stat`` of a path 10 deep in a tree of 100,000 files against one of 100;
- ``nfs:List`` of 10,000 entries against 1,000 (linear: about 10x; a directory's names are sorted
  once after it changes, and kept);
- ``nfs:Mount`` with a 50-statement file system policy;
- memory: 100,000 empty files, and a 1 GiB sparse file with 4 KiB written.

    pip install pyfakefs && python3 bench/python/bench_files.py [--repeats 7]

Medians of interleaved repeats; the targets of the issue are printed with PASS/MISS.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time

import apsim

SUBNET = "subnet-0123456789abcdef0"


def world(**config):
    sim = apsim.Simulator(seed=1, lifecycle="instant", data_limit_bytes=1 << 33, **config)
    fs = sim.call("efs:CreateFileSystem", {"CreationToken": "bench"})["FileSystemId"]
    sim.call("efs:CreateMountTarget", {"FileSystemId": fs, "SubnetId": SUBNET})
    return sim, fs


def per_op_us(fn, n):
    start = time.perf_counter()
    for i in range(n):
        fn(i)
    return (time.perf_counter() - start) / n * 1e6


def ops(mod_stat, listdir, mkdir, rmdir, write, read, rename, remove, root):
    """The same operations on any file system: (name, fn(i))."""
    return [
        ("stat", lambda i: mod_stat(root + "/d/f0")),
        ("listdir", lambda i: listdir(root + "/d")),
        ("mkdir+rmdir", lambda i: (mkdir(root + "/x"), rmdir(root + "/x"))),
        ("write+read 4 KiB", lambda i: (write(root + "/d/w", b"x" * 4096), read(root + "/d/w"))),
        ("rename", lambda i: rename(root + "/d/f1", root + "/d/g1") if i % 2 == 0 else rename(root + "/d/g1", root + "/d/f1")),
        ("write+remove", lambda i: (write(root + "/d/r", b"r"), remove(root + "/d/r"))),
    ]


def bench_vs_pyfakefs(repeats, n):
    from pyfakefs.fake_filesystem import FakeFilesystem, FakeOsModule, FakeFileOpen
    sim, fs = world()
    m = sim.mount(fs)
    m.mkdir("/d")
    for i in range(10):
        m.write_bytes(f"/d/f{i}", b"")
    fake = FakeFilesystem()
    fos, fopen = FakeOsModule(fake), FakeFileOpen(fake)
    fos.makedirs("/bench/d")
    for i in range(10):
        with fopen(f"/bench/d/f{i}", "wb"):
            pass

    def fwrite(path, data):
        with fopen(path, "wb") as f:
            f.write(data)

    def fread(path):
        with fopen(path, "rb") as f:
            return f.read()

    ours = ops(m.stat, m.listdir, m.mkdir, m.rmdir, m.write_bytes, m.read_bytes, m.rename, m.remove, "")
    theirs = ops(fos.stat, fos.listdir, fos.mkdir, fos.rmdir, fwrite, fread, fos.rename, fos.remove, "/bench")
    rows = {}
    for (name, a), (_, b) in zip(ours, theirs):
        sa, sb = [], []
        for _ in range(repeats):
            sa.append(per_op_us(a, n))
            sb.append(per_op_us(b, n))
        rows[name] = (statistics.median(sa), statistics.median(sb))
    sim.close()
    return rows


def bench_vs_tmpfs(repeats):
    sim, fs = world()
    m = sim.mount(fs)
    data = os.urandom(1 << 20)
    directory = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
    path = os.path.join(directory, f"apsim-bench-{os.getpid()}")
    from pathlib import Path
    p = Path(path)
    sa, sb = [], []
    for _ in range(repeats):
        sa.append(per_op_us(lambda i: (m.write_bytes("/big", data), m.read_bytes("/big")), 20))
        sb.append(per_op_us(lambda i: (p.write_bytes(data), p.read_bytes()), 20))
    p.unlink()
    sim.close()
    return statistics.median(sa), statistics.median(sb), directory


def deep_stat(files, repeats):
    sim, fs = world()
    deep = "/" + "/".join(f"l{i}" for i in range(10))  # a path 10 deep
    sim.call("nfs:Mount", {"FileSystemId": fs})
    mount = sim.call("nfs:ListMounts")["Mounts"][0]["MountId"]
    sim.call("nfs:Mkdir", {"MountId": mount, "Path": deep, "Parents": True})
    sim.call("nfs:Write", {"MountId": mount, "Path": deep + "/f", "Text": ""})
    for i in range(files):
        sim.call("nfs:Write", {"MountId": mount, "Path": f"/f{i}", "Text": ""})
    request = {"MountId": mount, "Path": deep + "/f"}
    samples = [per_op_us(lambda i: sim.call("nfs:Stat", request), 2000) for _ in range(repeats)]
    sim.close()
    return statistics.median(samples)


def big_list(entries, repeats):
    sim, fs = world()
    mount = sim.call("nfs:Mount", {"FileSystemId": fs})["MountId"]
    sim.call("nfs:Mkdir", {"MountId": mount, "Path": "/d"})
    for i in range(entries):
        sim.call("nfs:Write", {"MountId": mount, "Path": f"/d/f{i:06d}", "Text": ""})
    sim.call("nfs:List", {"MountId": mount, "Path": "/d"})  # the first listing after changes sorts the names once
    samples = [per_op_us(lambda i: sim.call("nfs:List", {"MountId": mount, "Path": "/d"}), 5) for _ in range(repeats)]
    sim.close()
    return statistics.median(samples)


def mount_with_policy(repeats):
    sim, fs = world()
    statements = [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::123456789012:role/r{i}"},
                   "Action": "elasticfilesystem:ClientMount", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
                  for i in range(49)]
    statements.append({"Effect": "Allow", "Principal": "*", "Action": "elasticfilesystem:Client*"})
    sim.call("efs:PutFileSystemPolicy", {"FileSystemId": fs, "Policy": json.dumps({"Statement": statements})})
    empty = lambda i: sim.call("apsim:ListFaults")  # noqa: E731 -- the cost of any call through the binding
    samples, floor = [], []
    for _ in range(repeats):
        samples.append(per_op_us(lambda i: sim.call("nfs:Mount", {"FileSystemId": fs}), 500))
        floor.append(per_op_us(empty, 500))
    sim.close()
    return statistics.median(samples), statistics.median(floor)


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def memory():
    sim, fs = world()
    mount = sim.call("nfs:Mount", {"FileSystemId": fs})["MountId"]
    before = rss_kib()
    for i in range(100_000):
        sim.call("nfs:Write", {"MountId": mount, "Path": f"/f{i}", "Text": ""})
    files = rss_kib() - before
    before = rss_kib()
    sim.call("nfs:Write", {"MountId": mount, "Path": "/sparse", "Offset": (1 << 30) - 4096, "Text": "x" * 4096})
    sparse = rss_kib() - before
    sim.close()
    return files, sparse


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    opts = parser.parse_args()
    r = opts.repeats
    verdicts = []

    def verdict(what, ok, detail):
        verdicts.append((what, "PASS" if ok else "MISS"))
        print(f"  {what:60s} {detail:40s} {'PASS' if ok else 'MISS'}")

    print(f"apsim {apsim.version()}, Python {sys.version.split()[0]}; medians of {r} repeats")
    print("Mount vs pyfakefs, per operation (us): apsim / pyfakefs")
    for name, (a, b) in bench_vs_pyfakefs(r, 2000).items():
        verdict(f"{name}", a <= b, f"{a:8.1f} / {b:8.1f} = {a / b:5.2f}x (<= 1x)")
    a, b, where = bench_vs_tmpfs(r)
    verdict(f"1 MiB write_bytes + read_bytes vs pathlib on {where}", a <= 2 * b, f"{a:8.0f} / {b:8.0f} us = {a / b:5.2f}x (<= 2x)")
    small, large = deep_stat(100, r), deep_stat(100_000, r)
    verdict("nfs:Stat 10 deep: 100,000 files vs 100", large <= 1.1 * small, f"{large:6.1f} / {small:6.1f} us = {large / small:4.2f}x (<= 1.1x)")
    l1, l10 = big_list(1_000, r), big_list(10_000, r)
    verdict("nfs:List 10,000 entries vs 1,000", l10 <= 12 * l1, f"{l10:8.0f} / {l1:8.0f} us = {l10 / l1:5.2f}x (~10x)")
    mount, floor = mount_with_policy(r)
    verdict("nfs:Mount, 50-statement policy (Python; C target 50 us)", mount - floor <= 50,
            f"{mount:6.1f} us, {mount - floor:6.1f} above a bare call")
    files, sparse = memory()
    verdict("memory: 100,000 empty files", files <= 40 * 1024, f"{files / 1024:7.1f} MiB (<= 40 MB)")
    verdict("memory: 1 GiB sparse file with 4 KiB written", sparse <= 64, f"{sparse:7d} KiB (<= 64 KiB)")
    print(f"{sum(v == 'PASS' for _, v in verdicts)} of {len(verdicts)} targets met")


if __name__ == "__main__":
    main()
