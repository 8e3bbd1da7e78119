"""``sviedka serve`` for real (uvicorn on loopback, SQLite): a client on this machine that sends
``X-Forwarded-For`` is still counted as itself, unless SVIEDKA_TRUSTED_PROXIES names it. uvicorn
alone believes the header from any local client; a locked-out address then logged in by
naming another."""

from __future__ import annotations

import hashlib
import hmac
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from serverkit import PASSPHRASE, PASSWORD
from test_serve import SVIEDKA, _wait, free_port

from sviedka.model import Vocabulary
from sviedka.model.revision import timestamp
from sviedka.services import accounts
from sviedka.services.accounts import LOCKOUT
from sviedka.services.archive.folder import init_archive, open_archive
from sviedka.store import schema as t

SPOOFED = "203.0.113.9"


@pytest.fixture(scope="module")
def locked(tmp_path_factory: pytest.TempPathFactory, vocabularies: tuple[Vocabulary, ...]) -> Path:
    """An archive with a user, and the loopback address locked out."""
    path = tmp_path_factory.mktemp("proxies") / "archive"
    made, _ = init_archive(path, vocabularies, custodian="custodian", passphrase=PASSPHRASE)
    with made:
        accounts.add_user(made.store, "px-user", PASSWORD, role="viewer")
        secret = accounts.lockout_secret(made.store)
        key = hmac.new(secret, b"ip:127.0.0.1", hashlib.sha256).hexdigest()
        rows = [{"key": key, "at": timestamp()}] * LOCKOUT.per_address
        with made.store.engine.begin() as conn:
            conn.execute(sa.insert(t.login_failures), rows)
    return path


def serve(path: Path, trusted: str) -> Iterator[str]:
    port = free_port()
    env = os.environ | {
        "SVIEDKA_ARCHIVE": str(path),
        "SVIEDKA_DATABASE_URL": "",
        "SVIEDKA_TRUSTED_PROXIES": trusted,
        "FORWARDED_ALLOW_IPS": "*",  # uvicorn's own setting: must change nothing
    }
    command = [SVIEDKA, "serve", "--port", str(port), "--no-web", "--rate-limit", "0"]
    log = path.parent / f"server-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=out, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, process)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def login_status(base: str) -> int:
    body = {"username": "px-user", "password": PASSWORD}
    headers = {"X-Forwarded-For": SPOOFED}
    return httpx.post(f"{base}/api/v1/auth/login", json=body, headers=headers).status_code


@pytest.mark.parametrize(("trusted", "status"), [("", 429), ("127.0.0.1", 200)])
def test_the_forwarded_address_is_believed_only_from_a_trusted_proxy(
    locked: Path, trusted: str, status: int
) -> None:
    for base in serve(locked, trusted):
        assert login_status(base) == status
    with open_archive(locked) as archive:
        accounts.unlock(archive.store, "px-user")
