"""Evidence ingest through ``BlobStore.put`` against the simplest correct pipeline, same file.

Creates one file (a 1 MiB block from ``random.Random(42)``, repeated), then times, alternately and
on fresh folders:

* **put**: ``BlobStore(root).put(file, recipients)``, one pass: plaintext SHA-256 while
  encrypting to a temp file, ciphertext SHA-256 while writing, fsync, hard link into
  ``blobs/ab/cd/<sha256>``, fsync of the folders;
* **reference**: ``hashlib.file_digest`` of the file, then ``pyrage.encrypt_file`` (pure Rust, no
  Python in the loop) to an output file, then ``fsync``: two passes over the page-cached file,
  no ciphertext hash, no rename.

Both encrypt to the same two X25519 recipients (archive and recovery). Peak memory is measured
in a fresh child process around one ``put``: ``ru_maxrss`` growth and ``tracemalloc``'s peak.
See ``bench/README-ingest.md``.

    .venv/bin/python bench/bench_ingest.py                          # 1 GiB, 3 runs each
    .venv/bin/python bench/bench_ingest.py --size-mib 256 --runs 5 --json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyrage

from sviedka.vault.blobs import BlobStore
from sviedka.vault.crypto import new_identity

SEED = 42
BLOCK = 1 << 20
TARGET_RATIO = 0.85
TARGET_PEAK_MB = 200


def make_input(path: Path, size_mib: int) -> None:
    """A reproducible file: the same random 1 MiB block, ``size_mib`` times."""
    block = random.Random(SEED).randbytes(BLOCK)
    with path.open("wb") as file:
        for _ in range(size_mib):
            file.write(block)
        file.flush()
        os.fsync(file.fileno())


def time_put(source: Path, work: Path, recipients: list[str]) -> float:
    root = work / "vault"
    started = time.perf_counter()
    with source.open("rb") as stream:
        BlobStore(root).put(stream, recipients)
    elapsed = time.perf_counter() - started
    shutil.rmtree(root)
    return elapsed


def time_reference(source: Path, work: Path, recipients: list[str]) -> float:
    out = work / "reference.age"
    parsed = [pyrage.x25519.Recipient.from_str(r) for r in recipients]
    started = time.perf_counter()
    with source.open("rb") as file:
        hashlib.file_digest(file, "sha256").hexdigest()
    pyrage.encrypt_file(str(source), str(out), parsed)
    fd = os.open(out, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    elapsed = time.perf_counter() - started
    out.unlink()
    return elapsed


def measure_memory(source: str, work: str, recipients: list[str], queue: Any) -> None:
    """Runs in a fresh process: peak RSS growth and Python heap peak of one ``put``."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    with open(source, "rb") as stream:
        BlobStore(Path(work) / "vault").put(stream, recipients)
    _, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put({"rss_before_kib": before, "rss_peak_kib": after, "heap_peak_bytes": heap_peak})


def memory_in_child(source: Path, work: Path, recipients: list[str]) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=measure_memory, args=(str(source), str(work), recipients, queue))
    child.start()
    result: dict[str, Any] = queue.get()
    child.join()
    shutil.rmtree(work / "vault")
    return result


def median_of(runs: int, timers: dict[str, Callable[[], float]]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in timers}
    for run in range(runs):
        for name, timer in timers.items():
            times[name].append(timer())
            print(f"run {run + 1}/{runs} {name}: {times[name][-1]:.2f} s", file=sys.stderr)
    return times


def bench(size_mib: int, runs: int) -> dict[str, Any]:
    recipients = [new_identity()[1], new_identity()[1]]
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as folder:
        work = Path(folder)
        source = work / "input.bin"
        make_input(source, size_mib)
        times = median_of(
            runs,
            {
                "reference": lambda: time_reference(source, work, recipients),
                "put": lambda: time_put(source, work, recipients),
            },
        )
        memory = memory_in_child(source, work, recipients)
    return summarise(size_mib, runs, times, memory)


def summarise(
    size_mib: int, runs: int, times: dict[str, list[float]], memory: dict[str, Any]
) -> dict[str, Any]:
    size = size_mib * BLOCK
    put, reference = statistics.median(times["put"]), statistics.median(times["reference"])
    growth_mb = (memory["rss_peak_kib"] - memory["rss_before_kib"]) * 1024 / 1e6
    ratio = reference / put
    return {
        "size_bytes": size,
        "runs": runs,
        "put_seconds": times["put"],
        "reference_seconds": times["reference"],
        "put_mb_per_s": round(size / put / 1e6, 1),
        "reference_mb_per_s": round(size / reference / 1e6, 1),
        "ratio_put_to_reference": round(ratio, 3),
        "peak_rss_mb": round(memory["rss_peak_kib"] * 1024 / 1e6, 1),
        "rss_growth_mb": round(growth_mb, 1),
        "python_heap_peak_mb": round(memory["heap_peak_bytes"] / 1e6, 2),
        "target": "PASS" if ratio >= TARGET_RATIO and growth_mb < TARGET_PEAK_MB else "FAIL",
    }


def show(s: dict[str, Any]) -> None:
    print(f"file                 {s['size_bytes'] / BLOCK:>10,.0f} MiB, median of {s['runs']}")
    print(f"put                  {s['put_mb_per_s']:>10,.1f} MB/s")
    print(f"reference            {s['reference_mb_per_s']:>10,.1f} MB/s")
    print(f"put / reference      {s['ratio_put_to_reference']:>10.3f}  (target ≥ {TARGET_RATIO})")
    print(f"peak RSS             {s['peak_rss_mb']:>10.1f} MB (whole child process)")
    print(f"RSS growth in put    {s['rss_growth_mb']:>10.1f} MB  (target < {TARGET_PEAK_MB})")
    print(f"Python heap peak     {s['python_heap_peak_mb']:>10.2f} MB  (tracemalloc)")
    print(f"target               {s['target']:>10}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024, help="file size in MiB")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each pipeline")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    args = parser.parse_args(argv)
    summary = bench(args.size_mib, args.runs)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        show(summary)


if __name__ == "__main__":
    main()
