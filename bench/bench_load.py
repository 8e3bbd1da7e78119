"""Load on the API: concurrent clients reading records and statistics from `sviedka serve`.

Builds an archive on a fresh PostgreSQL schema (persons and detentions at mixed confidentiality
levels), starts `sviedka serve --workers 2` on it as a separate process on loopback, and drives
it from this process with N concurrent asyncio clients (httpx) for D seconds: reads of one
record, pages of a list, and `held on` statistics, as a documenter with a confidential clearance
(so confidential reads are audited, as in real use). Then, as the reference measured in the same
run, the same clients call `/api/v1/health` (no database work beyond a ping, no auth) for D/4
seconds, and then each kind of read alone for D/4 seconds. Prints requests/s, p50/p99 latency
and errors per kind, the ratio to the reference, and the server's CPU time (both workers, from
/proc) per read, per health request and per request of each kind alone.

    .venv/bin/python bench/bench_load.py                       # 50 clients, 60 s, 2 workers
    .venv/bin/python bench/bench_load.py --clients 20 --seconds 10 --json

Targets (issue 12, at 10 clients): zero errors, p99 < 150 ms for reads, <= 2 ms of server CPU
per read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from fresh_postgres import postgres_database, postgres_problem

from sviedka.http.tokens import create_token
from sviedka.services.accounts import add_user
from sviedka.services.archive.folder import init_archive
from sviedka.services.records.records import build_record
from sviedka.services.records.vocab import shipped_vocabularies

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSPHRASE = "bench passphrase, not a secret"
LEVELS = ["public"] * 2 + ["internal"] * 7 + ["confidential"]  # 10 % audited reads
Request = tuple[str, str]  # (kind, path)
ERRORS: Counter[str] = Counter()  # what went wrong, by kind and status or exception


def build(path: Path, url: str, persons: int, rng: random.Random) -> tuple[list[str], str]:
    """The archive: facilities, persons and one detention each; returns person ids and a token."""
    archive, _ = init_archive(
        path, shipped_vocabularies(), custodian="bench", passphrase=PASSPHRASE, database_url=url
    )
    with archive:
        ids = _populate(archive.store, persons, rng)
        add_user(archive.store, "reader", "bench reader password", role="documenter",
                 clearance="confidential")  # fmt: skip
        token, _ = create_token(archive.store, "reader", ["read"], timedelta(days=1))
    return ids, token


def _populate(store: Any, persons: int, rng: random.Random) -> list[str]:
    facility = build_record(
        "organisation",
        {"names": [{"full": "SIZO 1"}], "kind": "penal_facility", "facility": {"type": "sizo"}},
    )
    ids = []
    with store.writer() as writer:
        writer.add(facility, actor="bench")
        for i in range(persons):
            level = rng.choice(LEVELS)
            person = build_record(
                "person",
                {"names": [{"full": f"Person {i}", "lang": "en"}], "confidentiality": level},
            )
            arrested = date(2020, 8, 9) + timedelta(days=rng.randrange(1500))
            detention = {
                "person": person.id,
                "arrest": {"date": arrested.isoformat()},
                "charges": [{"article": rng.choice(["342", "361-1", "130", "369"])}],
                "placements": [{"facility": facility.id, "start": arrested.isoformat()}],
                "recognition": {"date": (arrested + timedelta(days=30)).isoformat()},
                "confidentiality": level,
            }
            writer.add(person, actor="bench")
            writer.add(build_record("detention", detention), actor="bench")
            ids.append(person.id)
    return ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(path: Path, url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = os.environ | {"SVIEDKA_DATABASE_URL": url, "SVIEDKA_ARCHIVE": str(path)}
    command = [str(Path(sys.executable).parent / "sviedka"), "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--rate-limit", "0", "--no-web"]
    log = open(path.parent / "server.log", "wb")  # noqa: SIM115  (closed with the process)
    # A session of its own, so that stop_server ends the workers too.
    return subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)


def stop_server(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_ready(base: str, seconds: float = 300) -> None:
    """Until health answers: a loaded machine (or migrations queued behind other archives' on
    one PostgreSQL server) can hold a start up for minutes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not start; see server.log beside the archive")


def group_cpu_seconds(group: int) -> float:
    """CPU time (user + system) used so far by the processes of a process group (Linux)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp; utime and stime follow at 11 and 12
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def read_mix(ids: list[str], only: str | None = None) -> Callable[[random.Random], Request]:
    """The read mix, or only its reads of one kind (``only``)."""

    def choose(rng: random.Random) -> Request:
        while True:
            kind, path = one(rng)
            if only is None or kind == only:
                return kind, path

    def one(rng: random.Random) -> Request:
        roll = rng.random()
        if roll < 0.5:
            return "record", f"/api/v1/records/{rng.choice(ids)}"
        if roll < 0.8:
            offset = rng.randrange(max(1, len(ids) - 20))
            return "list", f"/api/v1/records?kind=person&limit=20&offset={offset}"
        day = date(2020, 9, 1) + timedelta(days=rng.randrange(1500))
        return "stats", f"/api/v1/stats/held?on={day.isoformat()}"

    return choose


async def drive(
    base: str, token: str, clients: int, seconds: float, choose: Callable[[random.Random], Request]
) -> dict[str, list[float | None]]:
    """Run ``clients`` loops for ``seconds``; latencies (s) per kind, None for an error."""
    found: dict[str, list[float | None]] = defaultdict(list)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as http:
        stop = time.monotonic() + seconds

        async def client(seed: int) -> None:
            rng = random.Random(seed)
            while time.monotonic() < stop:
                kind, path = choose(rng)
                started = time.perf_counter()
                try:
                    status = (await http.get(path)).status_code
                    why = None if status == 200 else f"{kind}: HTTP {status}"
                except httpx.HTTPError as exc:
                    why = f"{kind}: {type(exc).__name__}"
                found[kind].append(time.perf_counter() - started if why is None else None)
                if why is not None:
                    ERRORS[why] += 1

        await asyncio.gather(*(client(i) for i in range(clients)))
    return found


def summary(found: dict[str, list[float | None]], seconds: float) -> dict[str, Any]:
    def one(values: list[float | None]) -> dict[str, Any]:
        good = sorted(v for v in values if v is not None)
        cuts = statistics.quantiles(good, n=100) if len(good) > 1 else [float("nan")] * 99
        return {
            "requests": len(values),
            "errors": len(values) - len(good),
            "rps": round(len(values) / seconds, 1),
            "p50_ms": round(cuts[49] * 1000, 1),
            "p99_ms": round(cuts[98] * 1000, 1),
        }

    result = {kind: one(values) for kind, values in sorted(found.items())}
    result["all"] = one([v for values in found.values() for v in values])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    server = os.environ.get("SVIEDKA_BENCH_DATABASE_URL", DEFAULT_PG)
    if problem := postgres_problem(server):
        raise SystemExit(f"PostgreSQL is needed: {problem}")
    report = run(server, args)
    print(json.dumps(report, indent=2) if args.json else text(report))


def run(server: str, args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(42)
    with (
        tempfile.TemporaryDirectory(prefix="sviedka-load-") as tmp,
        postgres_database(server) as url,
    ):
        path = Path(tmp) / "archive"
        print(f"building {args.persons} persons and detentions …", file=sys.stderr)
        ids, token = build(path, url, args.persons, rng)
        port = free_port()
        process = start_server(path, url, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base)
            print(f"{args.clients} clients for {args.seconds:g} s …", file=sys.stderr)
            cpu = group_cpu_seconds(process.pid)
            reads = asyncio.run(drive(base, token, args.clients, args.seconds, read_mix(ids)))
            cpu = group_cpu_seconds(process.pid) - cpu
            health_cpu = group_cpu_seconds(process.pid)
            health = asyncio.run(
                drive(
                    base, "", args.clients, args.seconds / 4, lambda _: ("health", "/api/v1/health")
                )
            )
            health_cpu = group_cpu_seconds(process.pid) - health_cpu
            per_kind = {
                kind: _cpu_per_request(process.pid, base, token, args, read_mix(ids, kind))
                for kind in ("record", "list", "stats")
            }
        finally:
            stop_server(process)
    return {
        "clients": args.clients,
        "seconds": args.seconds,
        "workers": args.workers,
        "persons": args.persons,
        "reads": summary(reads, args.seconds),
        "reference_health": summary(health, args.seconds / 4)["all"],
        "server_cpu_ms_per_read": round(cpu * 1000 / max(1, sum(map(len, reads.values()))), 2),
        "server_cpu_ms_per_health": round(health_cpu * 1000 / max(1, len(health["health"])), 2),
        "server_cpu_ms_per_kind": per_kind,
        "errors": dict(ERRORS),
        "load_average": os.getloadavg(),
    }


def _cpu_per_request(
    group: int, base: str, token: str, args: argparse.Namespace, choose: Callable[..., Request]
) -> float:
    """Server CPU per request (ms) for the same clients reading one kind only, S/4 seconds."""
    cpu = group_cpu_seconds(group)
    found = asyncio.run(drive(base, token, args.clients, args.seconds / 4, choose))
    cpu = group_cpu_seconds(group) - cpu
    return round(cpu * 1000 / max(1, sum(map(len, found.values()))), 2)


def text(report: dict[str, Any]) -> str:
    lines = [
        f"{report['clients']} clients, {report['seconds']:g} s, {report['workers']} workers, "
        f"PostgreSQL, {report['persons']} persons + detentions",
        f"{'kind':8} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}",
    ]
    rows = report["reads"] | {"health (reference)": report["reference_health"]}
    for kind, row in rows.items():
        lines.append(
            f"{kind:8} {row['requests']:>9} {row['errors']:>7} {row['rps']:>8} "
            f"{row['p50_ms']:>8} {row['p99_ms']:>8}"
        )
    every = report["reads"]["all"]
    ratio = every["p99_ms"] / max(report["reference_health"]["p99_ms"], 0.1)
    per, health = report["server_cpu_ms_per_read"], report["server_cpu_ms_per_health"]
    verdict = "met" if every["errors"] == 0 and every["p99_ms"] < 150 and per <= 2 else "NOT met"
    lines.append(f"p99 of reads / p99 of health: {ratio:.1f}x")
    lines.append(f"errors: {report['errors'] or 'none'}")
    lines.append(
        f"server CPU per read (both workers, user + system): {per} ms, so about "
        f"{2000 / per:.0f} reads/s on two cores of its own (PostgreSQL and the client apart); "
        f"per health request (the reference): {health} ms"
    )
    kinds = ", ".join(f"{k} {v} ms" for k, v in report["server_cpu_ms_per_kind"].items())
    lines.append(f"server CPU per request, each kind alone (S/4 s each): {kinds}")
    load = " ".join(f"{value:.1f}" for value in report["load_average"])
    lines.append(f"load average of the machine at the end (1, 5, 15 min): {load}")
    lines.append(f"target (zero errors, p99 < 150 ms and <= 2 ms server CPU per read): {verdict}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
