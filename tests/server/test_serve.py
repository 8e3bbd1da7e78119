"""`sviedka serve` for real: uvicorn in a process of its own on loopback, one worker on SQLite
with the keys unlocked, two workers on PostgreSQL; its log lines are JSON without data."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from serverkit import PASSPHRASE

from sviedka.http.tokens import create_token
from sviedka.model import Vocabulary
from sviedka.services import accounts
from sviedka.services.archive.audit import events
from sviedka.services.archive.folder import init_archive, open_archive
from sviedka.services.records import records

SVIEDKA = str(Path(sys.executable).parent / "sviedka")
NAME = "Тацяна Невядомая"


@dataclass(frozen=True)
class Served:
    base: str  # the server's URL
    token: str  # a documenter's, with a confidential clearance
    person: str  # a confidential person's id
    log: Path  # what the server wrote on stdout and stderr
    path: Path  # the archive
    database_url: str | None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(
    database: str | None,
    tmp_path_factory: pytest.TempPathFactory,
    vocabularies: tuple[Vocabulary, ...],
) -> Iterator[Served]:
    path = tmp_path_factory.mktemp("serve") / "archive"
    made, _ = init_archive(
        path, vocabularies, custodian="custodian", passphrase=PASSPHRASE, database_url=database
    )
    with made:
        accounts.add_user(
            made.store,
            "reader",
            "a long enough password",
            role="documenter",
            clearance="confidential",
        )
        token, _ = create_token(made.store, "reader", ["read", "evidence"], timedelta(hours=1))
        body = {"names": [{"full": NAME}], "confidentiality": "confidential"}
        person = records.add_record(made.store, "person", body, actor="t").record.id
    port = free_port()
    workers = "1" if database is None else "2"
    env = os.environ | {
        "SVIEDKA_ARCHIVE": str(path),
        "SVIEDKA_DATABASE_URL": database or "",
        "SVIEDKA_CUSTODIAN": "custodian",
        "SVIEDKA_PASSPHRASE": PASSPHRASE,
    }
    command = [SVIEDKA, "serve", "--port", str(port), "--workers", workers, "--unlock", "--no-web"]
    log = path.parent / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=out, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, process)
        yield Served(base, token, person, log, path, database)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120  # two workers unlocking the keys on a busy machine
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("sviedka serve did not answer")


def test_the_served_api_answers_and_audits(served: Served) -> None:
    base, token, person = served.base, served.token, served.person
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers) as client:
        answers = [client.get(f"/api/v1/records/{person}") for _ in range(6)]
        assert {a.status_code for a in answers} == {200}
        assert {a.json()["data"]["names"][0]["full"] for a in answers} == {NAME}
        upload = client.post("/api/v1/evidence", content=b"served bytes" * 1000)
        assert upload.status_code == 201, upload.text
        download = client.get(f"/api/v1/evidence/{upload.json()['sha256']}/content")
        assert download.status_code == 200 and download.content == b"served bytes" * 1000
    with open_archive(served.path, database_url=served.database_url) as archive:
        reads = [e for e in events(archive.store, ref=person) if e.action == "read"]
    assert len(reads) >= 6 and {e.user for e in reads} == {"reader"}


def test_the_log_is_json_lines_without_names_or_ids(served: Served) -> None:
    base, token, person, log = served.base, served.token, served.person, served.log
    httpx.get(f"{base}/api/v1/records/{person}", headers={"Authorization": f"Bearer {token}"})
    time.sleep(0.5)
    text = log.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    assert {"/api/v1/records/{record_id}", "/api/v1/health"} <= {line["route"] for line in lines}
    assert NAME not in text and person not in text
