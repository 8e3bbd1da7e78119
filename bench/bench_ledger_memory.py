"""Ledger hashing in memory: append rate, proof times and full re-verification, at 1 M leaves.

The targets (DESIGN.md, Interfaces): ≥ 50,000 appends/s in batches; proofs < 1 ms; full
verification of 1 M entries < 30 s. No database: this is the ceiling the SQL log can reach.

    .venv/bin/python bench/bench_ledger_memory.py                   # 1,000,000 leaves
    .venv/bin/python bench/bench_ledger_memory.py --leaves 100000 --json

Timed: building entries' leaf hashes and perfect nodes (``append_leaves``, batches of --batch);
one-at-a-time appends through ``appended_nodes`` and a ``get`` callable; inclusion and
consistency proofs from stored nodes for random positions, and their verification; recomputing
the root from every entry (what ``sviedka verify --full`` does apart from reading rows).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence

from sviedka.ledger.merkle import (
    MemoryTree,
    append_leaves,
    appended_nodes,
    consistency_proof,
    frontier_root,
    inclusion_proof,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)


def entries(n: int) -> list[bytes]:
    """Entries about the size of a revision envelope (~250 bytes)."""
    pad = b"x" * 240
    return [pad + i.to_bytes(8, "big") for i in range(n)]


def append_batched(data: list[bytes], batch: int) -> tuple[float, MemoryTree]:
    tree = MemoryTree()
    start = time.perf_counter()
    for i in range(0, len(data), batch):
        tree.extend(data[i : i + batch])
    return time.perf_counter() - start, tree


def append_one_by_one(data: list[bytes]) -> float:
    store: dict[tuple[int, int], bytes] = {}
    get = lambda level, index: store[(level, index)]  # noqa: E731
    start = time.perf_counter()
    for index, entry in enumerate(data):
        for level, idx, value in appended_nodes(index, leaf_hash(entry), get):
            store[(level, idx)] = value
    return time.perf_counter() - start


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e6)
    return times


def summary(times: Sequence[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "median_us": round(statistics.median(ordered), 1),
        "p99_us": round(ordered[int(len(ordered) * 0.99) - 1], 1),
        "max_us": round(ordered[-1], 1),
    }


def proofs(tree: MemoryTree, runs: int, rng: random.Random) -> dict[str, dict[str, float]]:
    n = tree.size
    head = tree.root()
    leaves = tree.levels[0]
    cases = [rng.randrange(n) for _ in range(runs)]
    pairs = [(old, rng.randint(old, n)) for old in (rng.randrange(1, n) for _ in range(runs))]
    made = [inclusion_proof(i, n, tree.get) for i in cases]
    roots = {s: tree.root(s) for pair in pairs for s in pair}
    made_c = [consistency_proof(o, m, tree.get) for o, m in pairs]
    it_i, it_c = iter(cases), iter(pairs)
    it_vi, it_vc = iter(zip(cases, made, strict=True)), iter(zip(pairs, made_c, strict=True))

    def prove_inclusion() -> None:
        inclusion_proof(next(it_i), n, tree.get)

    def prove_consistency() -> None:
        old, new = next(it_c)
        consistency_proof(old, new, tree.get)

    def check_inclusion() -> None:
        i, p = next(it_vi)
        assert verify_inclusion(leaves[i], i, n, p, head)

    def check_consistency() -> None:
        (old, new), p = next(it_vc)
        assert verify_consistency(old, new, roots[old], roots[new], p)

    return {
        "inclusion_proof": summary(timed(prove_inclusion, runs)),
        "consistency_proof": summary(timed(prove_consistency, runs)),
        "verify_inclusion": summary(timed(check_inclusion, runs)),
        "verify_consistency": summary(timed(check_consistency, runs)),
        "root_at_random_size": summary(timed(lambda: tree.root(rng.randint(1, n)), runs)),
    }


def full_verification(data: list[bytes], expected: bytes) -> float:
    """Re-hash every entry and rebuild the root, as a full audit would."""
    start = time.perf_counter()
    _nodes, front = append_leaves(0, [], [leaf_hash(e) for e in data])
    assert frontier_root(front) == expected
    return time.perf_counter() - start


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000, help="leaves per append batch")
    parser.add_argument("--runs", type=int, default=2_000, help="proofs timed of each kind")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    rng = random.Random(20240501)
    data = entries(args.leaves)
    batched, tree = append_batched(data, args.batch)
    single_n = min(args.leaves, 200_000)
    single = append_one_by_one(data[:single_n])
    result = {
        "leaves": args.leaves,
        "append_batched_per_s": round(args.leaves / batched),
        "append_one_by_one_per_s": round(single_n / single),
        "proofs_at_full_size": proofs(tree, args.runs, rng),
        "full_verification_s": round(full_verification(data, tree.root()), 2),
    }
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        print()
        return 0
    print(f"{args.leaves:,} leaves of {len(data[0])} bytes, in memory")
    print(f"  append, batches of {args.batch:,}: {result['append_batched_per_s']:>12,} leaves/s")
    print(f"  append, one by one:      {result['append_one_by_one_per_s']:>12,} leaves/s")
    print(f"  full re-verification:    {result['full_verification_s']:>12} s")
    for name, stats in result["proofs_at_full_size"].items():
        print(f"  {name:<20} median {stats['median_us']:>7} µs   p99 {stats['p99_us']:>7} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
