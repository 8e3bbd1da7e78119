"""The transparency log in SQL: appends/s, inclusion proofs and full verification at 1 M entries.

Appends revision envelopes to the persisted RFC 9162 log in batches, exactly as the writer does
(one transaction per batch, ``LedgerJournal().open(conn)``, ``append`` per entry, ``flush``), then
signs a checkpoint, builds and checks ~1,000 proof bundles, and re-verifies the whole log with
``check_log``. Each figure is printed beside the same computation on ``merkle.MemoryTree`` over
the same entries in the same run. See ``bench/README-ledger.md`` for what is and is not timed.

    .venv/bin/python bench/bench_ledger.py                      # 1 M entries, SQLite and PG
    .venv/bin/python bench/bench_ledger.py --entries 100000 --runs 3 --backends sqlite --json
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fresh_postgres import postgres_database, postgres_problem

from sviedka.ledger import merkle
from sviedka.ledger.checkpoints import CheckpointRecord, Signer
from sviedka.ledger.note import open_checkpoint
from sviedka.model import NameForm, Person
from sviedka.model.ids import new_id
from sviedka.model.revision import canonical_flat, envelope, sha256_hex, timestamp
from sviedka.store import open_store
from sviedka.store import schema as t
from sviedka.store.engine import WRITE
from sviedka.store.ledger.checkpoints import make_checkpoint, proof_bundle
from sviedka.store.ledger.log import LedgerJournal, tree_size
from sviedka.store.ledger.verify import check_log

SEED = 20240501
TARGET_APPENDS = 50_000  # appends/s on SQLite
TARGET_PROOF_MS = 1.0  # per proof generated, and per proof verified (judged on p99)
TARGET_VERIFY_S = 30.0  # full verification of 1 M entries
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
UPDATES = 0.2  # share of revisions that update an earlier record (seq > 1, chained)
ACTORS = ("editor.minsk@viasna.example", "importer:viasna-csv", "volunteer.hrodna@viasna.example")
REASONS = (None, "import: political prisoners list", "court date corrected after verdict")
NAMES = ("Алесь Бяляцкі", "Марыя Калеснікава", "Ihar Losik", "Ксенія Луцкіна", "Павел Севярынец")

Database = Callable[[], AbstractContextManager[str]]


# -- the entries -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Logged:
    """One revision as the writer logs it: the entry bytes and what its ``revisions`` row holds."""

    ref: str
    seq: int
    at: str
    actor: str
    reason: str | None
    state: str
    state_sha256: str
    prev: str | None
    entry: bytes
    digest: str

    def row(self) -> dict[str, Any]:
        """The ``revisions`` row, so that ``check_log`` finds every logged revision."""
        return {
            "record_id": self.ref,
            "seq": self.seq,
            "kind": "person",
            "actor": self.actor,
            "at": self.at,
            "reason": self.reason,
            "state": self.state,
            "sensitive": None,
            "state_sha256": self.state_sha256,
            "sha256": self.digest,
            "prev_sha256": self.prev,
        }


def person_state(rng: random.Random, record_id: str) -> str:
    """A person's state as canonical JSON. Only text values, so sorted-key ``json.dumps`` with
    literal UTF-8 is exactly RFC 8785 here, and much faster than ``rfc8785`` at 1 M."""
    name = {"full": rng.choice(NAMES), "kind": "primary", "lang": "be"}
    state = {"confidentiality": "internal", "gender": "unknown", "id": record_id, "names": [name]}
    return json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def logged(rng: random.Random, ref: str, seq: int, at: str, prev: str | None) -> Logged:
    state = person_state(rng, ref)
    state_hash = sha256_hex(state.encode())
    actor, reason = rng.choice(ACTORS), rng.choice(REASONS)
    entry = canonical_flat(envelope(ref, seq, actor, at, reason, state_hash, prev))
    return Logged(ref, seq, at, actor, reason, state, state_hash, prev, entry, sha256_hex(entry))


def uuid7(rng: random.Random, moment: datetime) -> str:
    """A UUIDv7 as ``model.ids.new_id`` makes them, but reproducible: time-ordered, so new records
    land at the end of the ``ref`` index as they do in an archive."""
    ms = int(moment.timestamp() * 1000)
    value = (ms << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62)
    return str(uuid.UUID(int=value | rng.getrandbits(62)))


def revisions(n: int, seed: int = SEED) -> list[Logged]:
    """N revisions, 80 % of new records and 20 % updates chained to an earlier revision."""
    rng = random.Random(seed)
    start = datetime(2024, 6, 1, tzinfo=UTC)
    heads: dict[str, Logged] = {}
    ids: list[str] = []
    out: list[Logged] = []
    for i in range(n):
        moment = start + timedelta(milliseconds=37 * i)
        at = timestamp(moment)
        if ids and rng.random() < UPDATES:
            head = heads[rng.choice(ids)]
            item = logged(rng, head.ref, head.seq + 1, at, head.digest)
        else:
            item = logged(rng, uuid7(rng, moment), 1, at, None)
            ids.append(item.ref)
        heads[item.ref] = item
        out.append(item)
    return out


# -- databases --------------------------------------------------------------------------------


@contextmanager
def sqlite_database() -> Iterator[str]:
    """A fresh SQLite file in the temporary directory, deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="bench_ledger_") as tmp:
        yield f"sqlite:///{Path(tmp) / 'archive.db'}"


def backend(name: str) -> tuple[Database, str | None]:
    """A factory of fresh databases, and why the backend cannot be used (or None)."""
    if name == "sqlite":
        return sqlite_database, None
    server = os.environ.get("SVIEDKA_BENCH_DATABASE_URL", DEFAULT_PG)
    return (lambda: postgres_database(server)), postgres_problem(server)


@contextmanager
def writing(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A write transaction as ``store.writer()`` opens one (``BEGIN IMMEDIATE`` on SQLite)."""
    with engine.connect() as conn:
        conn = conn.execution_options(**{WRITE: True})
        with conn.begin():
            yield conn


# -- timing helpers ---------------------------------------------------------------------------


def stats_ms(seconds: Sequence[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)]
    return {
        "median_ms": round(statistics.median(ordered) * 1e3, 4),
        "p99_ms": round(p99 * 1e3, 4),
        "max_ms": round(ordered[-1] * 1e3, 4),
    }


def timed(fn: Callable[[], object]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- appends ----------------------------------------------------------------------------------


def append_sql(engine: sa.Engine, data: Sequence[Logged], batch: int) -> float:
    """Seconds to append every entry, one write transaction per batch, as the writer does."""
    start = time.perf_counter()
    for i in range(0, len(data), batch):
        with writing(engine) as conn:
            session = LedgerJournal().open(conn)
            for item in data[i : i + batch]:
                session.append("revision", item.ref, item.entry)
            session.flush()
    return time.perf_counter() - start


def append_memory(data: Sequence[Logged], batch: int) -> tuple[float, merkle.MemoryTree]:
    tree = merkle.MemoryTree()
    start = time.perf_counter()
    for i in range(0, len(data), batch):
        tree.extend([item.entry for item in data[i : i + batch]])
    return time.perf_counter() - start, tree


def store_revisions(engine: sa.Engine, data: Sequence[Logged], batch: int) -> None:
    """Untimed: the ``revisions`` rows the writer would have stored beside the log entries."""
    for i in range(0, len(data), batch):
        with writing(engine) as conn:
            conn.execute(sa.insert(t.revisions), [item.row() for item in data[i : i + batch]])


# -- proofs -----------------------------------------------------------------------------------


@dataclass
class ProofTimes:
    sql: list[float]
    memory: list[float]
    verify: list[float]
    bundle_check: list[float]


def check_bundle(bundle: dict[str, Any], verifier: str) -> bool:
    """What an expert does with a bundle: signature, entry hash, leaf, audit path."""
    checkpoint, _ = open_checkpoint(bundle["checkpoint"], [verifier])
    entry = base64.b64decode(bundle["entry"])
    proof = [base64.b64decode(h) for h in bundle["inclusion_proof"]]
    leaf = merkle.leaf_hash(entry)
    index, size = bundle["leaf_index"], bundle["tree_size"]
    path_ok = merkle.verify_inclusion(leaf, index, size, proof, checkpoint.root)
    return path_ok and sha256_hex(entry) == bundle["sha256"] and size == checkpoint.size


def time_one_proof(
    conn: sa.Connection, ref: str, tree: merkle.MemoryTree, head: CheckpointRecord, vkey: str
) -> tuple[float, float, float, float]:
    sql_s, bundle = timed(lambda: proof_bundle(conn, ref))
    index, size = bundle["leaf_index"], bundle["tree_size"]
    proof = [base64.b64decode(h) for h in bundle["inclusion_proof"]]
    memory_s, expected = timed(lambda: tree.inclusion_proof(index, size))
    if proof != expected:
        raise SystemExit(f"the stored log's proof for entry {index} differs from the memory tree")
    leaf = tree.get(0, index)
    verify_s, ok = timed(lambda: merkle.verify_inclusion(leaf, index, size, proof, head.root))
    check_s, checked = timed(lambda: check_bundle(bundle, vkey))
    if not (ok and checked):
        raise SystemExit(f"the proof bundle for {ref} does not verify")
    return sql_s, memory_s, verify_s, check_s


def time_proofs(
    engine: sa.Engine, refs: Sequence[str], tree: merkle.MemoryTree, signer: Signer
) -> ProofTimes:
    times = ProofTimes([], [], [], [])
    vkey = signer.verifier()
    with engine.connect() as conn, conn.begin():
        head = make_checkpoint(conn, signer)  # idempotent: the checkpoint made after appends
        for ref in refs:
            sql_s, memory_s, verify_s, check_s = time_one_proof(conn, ref, tree, head, vkey)
            times.sql.append(sql_s)
            times.memory.append(memory_s)
            times.verify.append(verify_s)
            times.bundle_check.append(check_s)
    return times


# -- full verification ------------------------------------------------------------------------


def verify_sql(engine: sa.Engine, signer: Signer) -> float:
    with engine.connect() as conn, conn.begin():
        seconds, problems = timed(lambda: list(check_log(conn, [signer.verifier()])))
    if problems:
        shown = "; ".join(f"{p.subject}: {p.what}" for p in problems[:3])
        raise SystemExit(f"check_log found {len(problems)} problems: {shown}")
    return float(seconds)


def verify_memory(data: Sequence[Logged], root: bytes) -> float:
    """Recompute the root from every entry's bytes, as a full audit without a database would."""
    start = time.perf_counter()
    _nodes, front = merkle.append_leaves(0, [], [merkle.leaf_hash(d.entry) for d in data])
    if merkle.frontier_root(front) != root:
        raise SystemExit("recomputing the root from the entries gave another root")
    return time.perf_counter() - start


# -- the whole writer path --------------------------------------------------------------------


def persons(n: int, seed: int = SEED) -> list[Person]:
    rng = random.Random(seed)
    return [
        Person(id=new_id(), names=(NameForm(full=rng.choice(NAMES), lang="be"),)) for _ in range(n)
    ]


def time_writer(url: str, people: Sequence[Person], batch: int, ledger: bool) -> float:
    """Seconds to add every person through ``store.writer()``, ``batch`` per transaction."""
    store = open_store(url, journal=LedgerJournal() if ledger else None)
    try:
        start = time.perf_counter()
        for i in range(0, len(people), batch):
            with store.writer() as w:
                for person in people[i : i + batch]:
                    w.add(person, actor=ACTORS[1], reason=REASONS[1])
        return time.perf_counter() - start
    finally:
        store.close()


def bench_writer(
    fresh: Database, people: Sequence[Person], batch: int, runs: int
) -> dict[str, Any]:
    with_log: list[float] = []
    without: list[float] = []
    for _ in range(runs):
        for ledger, times in ((True, with_log), (False, without)):
            with fresh() as url:
                times.append(time_writer(url, people, batch, ledger))
    n, a, b = len(people), statistics.median(with_log), statistics.median(without)
    return {
        "revisions": n,
        "with_log_per_s": round(n / a),
        "without_log_per_s": round(n / b),
        "log_us_per_revision": round((a - b) / n * 1e6, 1),
        "log_share": round((a - b) / a, 3),
    }


def server_version(engine: sa.Engine) -> str:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return str(conn.exec_driver_sql("SELECT sqlite_version()").scalar())
        return str(conn.exec_driver_sql("SHOW server_version").scalar()).split()[0]


def environment() -> dict[str, Any]:
    return {
        "date": time.strftime("%Y-%m-%d"),
        "python": platform.python_version(),
        "sqlalchemy": sa.__version__,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }


# -- one backend ------------------------------------------------------------------------------


@dataclass
class Memory:
    """The in-memory reference, computed once per run of the script."""

    tree: merkle.MemoryTree
    append_s: float
    verify_s: float


def after_appends(
    engine: sa.Engine, data: Sequence[Logged], memory: Memory, args: argparse.Namespace
) -> dict[str, Any]:
    """Proofs and full verification on the log just written."""
    store_revisions(engine, data, args.batch)
    signer = Signer("sviedka.bench/log", Ed25519PrivateKey.generate())
    with writing(engine) as conn:
        head = make_checkpoint(conn, signer)
        assert tree_size(conn) == len(data) and head.root == memory.tree.root()
    rng = random.Random(SEED + 1)
    refs = [data[rng.randrange(len(data))].ref for _ in range(args.proofs)]
    note(f"  {len(refs):,} proof bundles …")
    proofs = time_proofs(engine, refs, memory.tree, signer)
    note("  full verification (check_log) …")
    verify_s = [verify_sql(engine, signer) for _ in range(args.runs)]
    return {
        "proof_sql": stats_ms(proofs.sql),
        "proof_memory": stats_ms(proofs.memory),
        "verify_inclusion": stats_ms(proofs.verify),
        "bundle_check": stats_ms(proofs.bundle_check),
        "verify_s": round(statistics.median(verify_s), 3),
        "verify_runs_s": [round(s, 2) for s in verify_s],
        "verify_memory_s": round(memory.verify_s, 3),
    }


def bench_backend(
    name: str, fresh: Database, data: list[Logged], memory: Memory, args: argparse.Namespace
) -> dict[str, Any]:
    appends: list[float] = []
    result: dict[str, Any] = {"backend": name, "entries": len(data), "batch": args.batch}
    for run in range(args.runs):
        with fresh() as url:
            store = open_store(url, journal=LedgerJournal())
            try:
                result["server"] = server_version(store.engine)
                note(f"{name}: appending {len(data):,} entries (run {run + 1}/{args.runs}) …")
                appends.append(append_sql(store.engine, data, args.batch))
                if run == args.runs - 1:
                    result |= after_appends(store.engine, data, memory, args)
            finally:
                store.close()
    result["append_runs_s"] = [round(s, 2) for s in appends]
    result["appends_per_s"] = round(len(data) / statistics.median(appends))
    result["appends_memory_per_s"] = round(len(data) / memory.append_s)
    result["verdicts"] = verdicts(result)
    return result


# -- verdicts and output ----------------------------------------------------------------------


def verdicts(r: dict[str, Any]) -> dict[str, str]:
    def judge(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    found = {
        "proof_generation": judge(r["proof_sql"]["p99_ms"] < TARGET_PROOF_MS),
        "proof_verification": judge(r["verify_inclusion"]["p99_ms"] < TARGET_PROOF_MS),
    }
    # The target is for 1 M entries; a smaller log's time is mostly fixed costs, so not judged.
    at_size = r["entries"] >= 1_000_000
    found["full_verify"] = judge(r["verify_s"] < TARGET_VERIFY_S) if at_size else "n/a"
    appends_ok = r["appends_per_s"] >= TARGET_APPENDS
    found["appends"] = judge(appends_ok) if r["backend"] == "sqlite" else "n/a"
    return found


Row = tuple[str, str, str, str, str, str]
TARGETS = {
    "appends": ">= 50,000",
    "proof_generation": "< 1 ms",
    "proof_verification": "< 1 ms",
    "full_verify": "< 30 s, 1 M",
}


def row(label: str, sql: float, memory: float | str, fmt: str, verdict: tuple[str, str]) -> Row:
    """One line of the table; ``SQL/mem`` is how many times slower SQL is than memory."""
    if isinstance(memory, str):
        return (label, format(sql, fmt), memory, "", *verdict)
    slower = memory / sql if label.endswith("/s") else sql / memory if memory else float("inf")
    return (label, format(sql, fmt), format(memory, fmt), f"{slower:,.1f}×", *verdict)


def rows(r: dict[str, Any]) -> list[Row]:
    def judged(key: str) -> tuple[str, str]:
        return TARGETS.get(key, ""), r["verdicts"].get(key, "")

    ps, pm, vi = r["proof_sql"], r["proof_memory"], r["verify_inclusion"]
    none = judged("")
    return [
        row("appends/s", r["appends_per_s"], r["appends_memory_per_s"], ",", judged("appends")),
        row("proof generation, median ms", ps["median_ms"], pm["median_ms"], ".3f", none),
        row(
            "proof generation, p99 ms",
            ps["p99_ms"],
            pm["p99_ms"],
            ".3f",
            judged("proof_generation"),
        ),
        row("proof verification, median ms", vi["median_ms"], "same code", ".3f", none),
        row(
            "proof verification, p99 ms",
            vi["p99_ms"],
            "same code",
            ".3f",
            judged("proof_verification"),
        ),
        row("bundle check with signature, p99 ms", r["bundle_check"]["p99_ms"], "", ".3f", none),
        row("full verify, s", r["verify_s"], r["verify_memory_s"], ".2f", judged("full_verify")),
    ]


def show(r: dict[str, Any], out: TextIO) -> None:
    where = f"{r['backend']} {r['server']}"
    print(f"\n== {where}: {r['entries']:,} entries, {r['batch']:,} per transaction ==", file=out)
    widths = (36, 10, 10, 9, 11, 7)
    header = ("measure", "SQL", "in memory", "SQL/mem", "target", "verdict")
    for line in (header, *rows(r)):
        pairs = enumerate(zip(line, widths, strict=True))
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in pairs).rstrip(), file=out)
    out.flush()


def writer_line(w: dict[str, Any]) -> str:
    return (
        f"writer path, {w['revisions']:,} persons: {w['with_log_per_s']:,} revisions/s with the "
        f"log, {w['without_log_per_s']:,} without; the log costs {w['log_us_per_revision']} µs "
        f"per revision ({w['log_share']:.0%} of the writer's time)"
    )


# -- command line ------------------------------------------------------------------------------


def _backends(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(names) - {"sqlite", "postgres"})
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"use sqlite and/or postgres, not {text!r}")
    return names


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="default 1000000")
    parser.add_argument("--batch", type=int, default=10_000, help="entries per transaction")
    parser.add_argument("--runs", type=int, default=1, help="median of this many runs")
    parser.add_argument("--backends", type=_backends, default="sqlite,postgres")
    parser.add_argument("--proofs", type=int, default=1_000, help="proof bundles timed")
    parser.add_argument(
        "--writer-records", type=int, default=50_000, help="persons for the writer path; 0: skip"
    )
    parser.add_argument(
        "--json", action="store_true", help="one JSON document on stdout; tables go to stderr"
    )
    return parser.parse_args(argv)


def reference(data: Sequence[Logged], batch: int, runs: int) -> Memory:
    """The in-memory tree over the same entries, appended in the same batches; and the time to
    recompute its root from the entries."""
    appends, verifies, tree = [], [], merkle.MemoryTree()
    for _ in range(runs):
        seconds, tree = append_memory(data, batch)
        appends.append(seconds)
        verifies.append(verify_memory(data, tree.root()))
    return Memory(tree, statistics.median(appends), statistics.median(verifies))


def run_backend(
    name: str, data: list[Logged], memory: Memory, args: argparse.Namespace, out: TextIO
) -> dict[str, Any]:
    fresh, problem = backend(name)
    if problem is not None:
        note(f"{name}: skipped ({problem})")
        return {"backend": name, "skipped": problem}
    result = bench_backend(name, fresh, data, memory, args)
    show(result, out)  # before the writer path, so that a failure there loses nothing
    if args.writer_records:
        note(f"{name}: writer path, {args.writer_records:,} persons with and without the log …")
        people = persons(args.writer_records)
        result["writer"] = bench_writer(fresh, people, args.batch, args.runs)
        print(writer_line(result["writer"]), file=out, flush=True)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    env = environment()
    note(", ".join(f"{k} {v}" for k, v in env.items()))
    note(f"building {args.entries:,} revision entries …")
    gc.disable()
    data = revisions(args.entries)
    gc.enable()
    gc.freeze()  # the prebuilt entries are not the garbage collector's work during timing
    note(f"  {len(data):,} entries, median {statistics.median(len(d.entry) for d in data)} bytes")
    memory = reference(data, args.batch, args.runs)
    out = sys.stderr if args.json else sys.stdout
    results = [run_backend(name, data, memory, args, out) for name in args.backends]
    if args.json:
        json.dump(env | {"results": results}, sys.stdout, indent=2)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
