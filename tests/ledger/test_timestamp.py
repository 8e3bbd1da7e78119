"""RFC 3161 timestamps for checkpoints, against a local TSA that `openssl ts` runs.

The module fixture builds a root CA, a TSA certificate (critical extendedKeyUsage timeStamping),
a code-signing certificate and an unrelated second root, then serves `openssl ts -reply` over HTTP
on 127.0.0.1. Its ``mode`` makes it misbehave on purpose; the ``tsa`` fixture resets it after each
test.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa
from rfc3161_client import decode_timestamp_response

from sviedka.errors import IntegrityFailure, Invalid, Unavailable
from sviedka.ledger.note import Checkpoint
from sviedka.ledger.timestamp import request_token, tsa_chain_pem, verify_token
from sviedka.model import Vocabulary
from sviedka.policy import CUSTODIAN
from sviedka.services.archive import ledger
from sviedka.services.archive.folder import Archive, init_archive
from sviedka.services.archive.keys import ArchiveKeys, unlock_archive
from sviedka.services.archive.verify import verify_archive
from sviedka.services.records import records as rec
from sviedka.store import Stored
from sviedka.store import schema as t

OPENSSL = "/usr/bin/openssl"
PASSPHRASE = "timestamp test passphrase"

CONFIG = Path(__file__).parent / "tsa" / "openssl.cnf"
EC_KEY = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"  # fast to make, unlike RSA
CHECKPOINT = Checkpoint("example.org/sviedka", 7, bytes(range(32))).body().encode("utf-8")
HTTP_ERROR_BODY = b"stack trace with secrets"


@dataclass
class LocalTsa:
    dir: Path
    url: str = ""
    where: str = ""
    mode: str = "honest"
    last_answer: bytes = b""

    def openssl(self, command: str) -> None:
        """Run ``openssl <command>`` in the TSA's folder; every file name in it is relative."""
        subprocess.run([OPENSSL, *command.split()], cwd=self.dir, check=True, capture_output=True)

    def pem(self, name: str) -> str:
        return (self.dir / f"{name}.pem").read_text()

    def answer(self, query: bytes) -> tuple[int, bytes]:
        """What the TSA sends back for ``query`` in the current mode: (HTTP status, body)."""
        if self.mode == "http_error":
            return 500, HTTP_ERROR_BODY
        if self.mode == "garbage":
            return 200, b"<html>Please log in to the hotel wifi</html>"
        if self.mode == "other_data":
            query = with_digest(query, hashlib.sha256(b"other data").digest())
        if self.mode == "other_nonce":
            self.openssl(f"ts -query -digest {digest_of(query).hex()} -sha256 -cert -out query.tsq")
        else:
            (self.dir / "query.tsq").write_bytes(query)
        section = "tsa_sha512_only" if self.mode == "refuse" else "tsa_honest"
        self.openssl(
            f"ts -reply -config openssl.cnf -section {section} -queryfile query.tsq"
            " -inkey tsa.key -signer tsa.pem -chain root.pem -out reply.tsr"
        )
        self.last_answer = (self.dir / "reply.tsr").read_bytes()
        return 200, self.last_answer


def digest_of(query: bytes) -> bytes:
    # In a SHA-256 TimeStampReq the first OCTET STRING of 32 bytes (04 20) is the digest: the
    # version, the OID and the NULL before it cannot contain those two bytes.
    at = query.index(b"\x04\x20") + 2
    return query[at : at + 32]


def with_digest(query: bytes, digest: bytes) -> bytes:
    return query.replace(digest_of(query), digest, 1)


def make_ca(tsa: LocalTsa, name: str) -> None:
    tsa.openssl(
        f"req -x509 -new {EC_KEY} -keyout {name}.key -out {name}.pem -subj /CN={name}"
        " -days 2 -config openssl.cnf -extensions root_ca"
    )


def issue(tsa: LocalTsa, name: str, profile: str) -> None:
    tsa.openssl(
        f"req -new {EC_KEY} -keyout {name}.key -out {name}.csr -subj /CN={name} -config openssl.cnf"
    )
    tsa.openssl(
        f"x509 -req -in {name}.csr -CA root.pem -CAkey root.key -out {name}.pem -days 1"
        f" -extfile openssl.cnf -extensions {profile}"
    )


def handler_for(tsa: LocalTsa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            status, body = tsa.answer(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(status)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def local_tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTsa]:
    tsa = LocalTsa(tmp_path_factory.mktemp("tsa"))
    (tsa.dir / "serial").write_text("01\n")
    shutil.copy(CONFIG, tsa.dir / "openssl.cnf")
    make_ca(tsa, "root")
    make_ca(tsa, "other-root")
    issue(tsa, "tsa", "tsa_cert")
    issue(tsa, "code-signer", "code_signing_cert")
    server = HTTPServer(("127.0.0.1", 0), handler_for(tsa))
    port = server.server_address[1]
    tsa.url, tsa.where = f"http://127.0.0.1:{port}/tsr", f"127.0.0.1:{port}"
    # A short poll interval, so that shutdown at the end takes milliseconds, not half a second.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("no_proxy", "127.0.0.1")  # a developer's http_proxy must not see these
        yield tsa
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def tsa(local_tsa: LocalTsa) -> Iterator[LocalTsa]:
    yield local_tsa
    local_tsa.mode = "honest"


@pytest.fixture(scope="module")
def token(local_tsa: LocalTsa) -> bytes:
    return request_token(local_tsa.url, CHECKPOINT)


def flipped(raw: bytes, at: int) -> bytes:
    changed = bytearray(raw)
    changed[at] ^= 0x01
    return bytes(changed)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# -- round trip ----------------------------------------------------------------------------------


def test_round_trip_returns_the_tsa_time_in_utc(tsa: LocalTsa, token: bytes) -> None:
    stamped = verify_token(token, CHECKPOINT, tsa.pem("root"))
    assert stamped.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - stamped) < timedelta(minutes=1)


def test_request_returns_the_tsa_bytes_unchanged(tsa: LocalTsa) -> None:
    assert request_token(tsa.url, CHECKPOINT) == tsa.last_answer


def test_verify_accepts_certificates_in_openssl_order(tsa: LocalTsa, token: bytes) -> None:
    # OpenSSL writes the signer first, so the certificate SET OF is not sorted as DER wants;
    # rfc3161-client alone refuses such a token.
    with pytest.raises(ValueError, match="InvalidSetOrdering"):
        decode_timestamp_response(token)
    assert verify_token(token, CHECKPOINT, tsa.pem("root"))


def test_openssl_accepts_the_same_token(tsa: LocalTsa, token: bytes) -> None:
    (tsa.dir / "checkpoint.txt").write_bytes(CHECKPOINT)
    (tsa.dir / "stored.tsr").write_bytes(token)
    tsa.openssl("ts -verify -data checkpoint.txt -in stored.tsr -CAfile root.pem")


# -- verify_token failures -----------------------------------------------------------------------


def test_verify_rejects_other_data(tsa: LocalTsa, token: bytes) -> None:
    with pytest.raises(IntegrityFailure) as failure:
        verify_token(token, CHECKPOINT + b"\n", tsa.pem("root"))
    assert str(failure.value) == "The timestamp token is for other data (message imprint mismatch)."


def test_verify_detects_one_flipped_byte_in_the_signature(tsa: LocalTsa, token: bytes) -> None:
    # OpenSSL adds no unsigned attributes, so the response ends with the signature value.
    with pytest.raises(IntegrityFailure, match="invalid signature or certificate chain"):
        verify_token(flipped(token, len(token) - 1), CHECKPOINT, tsa.pem("root"))


def test_verify_detects_one_flipped_byte_in_the_signed_time(tsa: LocalTsa, token: bytes) -> None:
    stamped = verify_token(token, CHECKPOINT, tsa.pem("root")).strftime("%Y%m%d%H%M%SZ").encode()
    with pytest.raises(IntegrityFailure, match="invalid signature or certificate chain"):
        verify_token(flipped(token, token.index(stamped) + 13), CHECKPOINT, tsa.pem("root"))


def test_verify_rejects_a_token_from_an_unrelated_ca(tsa: LocalTsa, token: bytes) -> None:
    with pytest.raises(IntegrityFailure, match="invalid signature or certificate chain"):
        verify_token(token, CHECKPOINT, tsa.pem("other-root"))


def test_verify_rejects_a_signer_without_timestamping_usage(tsa: LocalTsa, token: bytes) -> None:
    with pytest.raises(IntegrityFailure) as failure:
        verify_token(resigned_by_code_signer(tsa, token), CHECKPOINT, tsa.pem("root"))
    assert str(failure.value) == (
        "The timestamp token is not signed with a timestamping certificate "
        "(critical extendedKeyUsage timeStamping)."
    )


def resigned_by_code_signer(tsa: LocalTsa, token: bytes) -> bytes:
    """The token's own TSTInfo, signed with the code-signing key, as a granted response."""
    (tsa.dir / "stored.tsr").write_bytes(token)
    tsa.openssl("ts -reply -in stored.tsr -token_out -out token.der")
    tsa.openssl("cms -verify -noverify -binary -inform DER -in token.der -out tstinfo.der")
    tsa.openssl(
        "cms -sign -binary -nodetach -in tstinfo.der -signer code-signer.pem"
        " -inkey code-signer.key -econtent_type id-smime-ct-TSTInfo -md sha256 -nosmimecap"
        " -outform DER -out resigned.der"
    )
    body = b"\x30\x03\x02\x01\x00" + (tsa.dir / "resigned.der").read_bytes()  # status: granted
    return b"\x30\x82" + len(body).to_bytes(2, "big") + body


def test_verify_rejects_bytes_that_are_not_a_response(tsa: LocalTsa, token: bytes) -> None:
    with pytest.raises(IntegrityFailure) as failure:
        verify_token(token[:100], CHECKPOINT, tsa.pem("root"))
    assert str(failure.value) == ("The timestamp token is damaged or not a DER timestamp response.")


def test_verify_reports_an_unusable_stored_chain(tsa: LocalTsa, token: bytes) -> None:
    with pytest.raises(IntegrityFailure) as failure:
        verify_token(token, CHECKPOINT, tsa.pem("tsa"))
    assert str(failure.value) == (
        "The stored TSA certificate chain is unusable: no root (self-signed) certificate; "
        "include the TSA's root CA."
    )


# -- request_token failures ----------------------------------------------------------------------


def test_request_raises_unavailable_for_a_closed_port() -> None:
    with pytest.raises(
        Unavailable, match=r"Could not reach the timestamp authority at 127\.0\.0\.1"
    ):
        request_token(f"http://127.0.0.1:{closed_port()}/tsr", CHECKPOINT, timeout=2)


def test_request_raises_unavailable_on_http_error_without_the_body(tsa: LocalTsa) -> None:
    tsa.mode = "http_error"
    with pytest.raises(Unavailable) as failure:
        request_token(tsa.url, CHECKPOINT)
    assert str(failure.value) == (
        f"The timestamp authority at {tsa.where} answered HTTP 500. "
        "Try again later, or check the TSA URL."
    )


def test_request_raises_unavailable_when_the_tsa_refuses(tsa: LocalTsa) -> None:
    tsa.mode = "refuse"
    with pytest.raises(Unavailable, match=r"did not grant a timestamp \(status rejection\)"):
        request_token(tsa.url, CHECKPOINT)


def test_request_rejects_a_token_for_other_data(tsa: LocalTsa) -> None:
    tsa.mode = "other_data"
    with pytest.raises(IntegrityFailure) as failure:
        request_token(tsa.url, CHECKPOINT)
    assert str(failure.value) == (
        f"The timestamp authority at {tsa.where} answered with a token for other data "
        "(message imprint mismatch). Do not use this TSA until that is explained."
    )


def test_request_rejects_a_token_with_another_nonce(tsa: LocalTsa) -> None:
    tsa.mode = "other_nonce"
    with pytest.raises(IntegrityFailure, match=r"for another request \(nonce mismatch\)"):
        request_token(tsa.url, CHECKPOINT)


def test_request_rejects_an_answer_that_is_not_a_response(tsa: LocalTsa) -> None:
    tsa.mode = "garbage"
    with pytest.raises(IntegrityFailure) as failure:
        request_token(tsa.url, CHECKPOINT)
    assert str(failure.value) == (
        f"The answer from the timestamp authority at {tsa.where} is damaged or not a DER "
        "timestamp response."
    )


def test_request_refuses_urls_that_are_not_http() -> None:
    with pytest.raises(Invalid) as failure:
        request_token("file:///etc/passwd", CHECKPOINT)
    assert failure.value.errors == {"tsa_url": "must be an http:// or https:// URL"}


# -- the stored chain ----------------------------------------------------------------------------


def test_tsa_chain_pem_drops_text_and_duplicates(tsa: LocalTsa) -> None:
    published = f"Our root, valid until 2040:\n{tsa.pem('root')}\n{tsa.pem('root')}"
    assert tsa_chain_pem(published) == tsa.pem("root")


def test_tsa_chain_pem_requires_the_root(tsa: LocalTsa) -> None:
    with pytest.raises(Invalid) as failure:
        tsa_chain_pem(tsa.pem("tsa"))
    assert failure.value.errors == {
        "tsa_chain": "no root (self-signed) certificate; include the TSA's root CA"
    }


def test_tsa_chain_pem_refuses_what_is_not_pem() -> None:
    with pytest.raises(Invalid) as failure:
        tsa_chain_pem("hello")
    assert failure.value.errors == {"tsa_chain": "not PEM certificates"}


# -- wired into the archive's checkpoints ------------------------------------------------------


@contextmanager
def timestamped(
    tmp_path: Path, vocabularies: tuple[Vocabulary, ...], url: str, chain: str
) -> Iterator[tuple[Archive, ArchiveKeys, Stored]]:
    """A new archive with a TSA configured and one record written, its keys unlocked."""
    archive, _ = init_archive(tmp_path / "a", vocabularies, custodian="a", passphrase=PASSPHRASE)
    with archive:
        keys = unlock_archive(archive.path, archive.config.id, "a", PASSPHRASE)
        ledger.configure_tsa(archive, url, chain)
        person = rec.add_record(archive.store, "person", {"names": [{"full": "x"}]}, actor="t")
        yield archive, keys, person


def test_checkpoints_carry_a_verified_token_that_openssl_accepts(
    tsa: LocalTsa, tmp_path: Path, vocabularies: tuple[Vocabulary, ...]
) -> None:
    with timestamped(tmp_path, vocabularies, tsa.url, tsa.pem("root")) as (archive, keys, person):
        made = ledger.checkpoint(archive, CUSTODIAN, keys)
        assert made.timestamp_token is not None
        bundle = ledger.proof(archive, person.record.id)
        assert verify_archive(archive).ok
        (tmp_path / "note.txt").write_bytes(made.note.encode())
        (tmp_path / "reply.tsr").write_bytes(base64.b64decode(bundle["timestamp"]["response"]))
        (tmp_path / "chain.pem").write_text(bundle["timestamp"]["tsa_chain"])
        checked = subprocess.run(
            [
                OPENSSL,
                "ts",
                "-verify",
                "-data",
                "note.txt",
                "-in",
                "reply.tsr",
                "-CAfile",
                "chain.pem",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert checked.returncode == 0, checked.stderr
        with archive.store.engine.begin() as conn:
            conn.execute(
                sa.update(t.ledger_checkpoints)
                .where(t.ledger_checkpoints.c.size == made.size)
                .values(
                    timestamp_token=flipped(made.timestamp_token, len(made.timestamp_token) - 5)
                )
            )
        problems = verify_archive(archive).problems
        assert [(p.subject, p.what) for p in problems] == [
            (f"checkpoint {made.size}", "its trusted timestamp does not verify (RFC 3161)")
        ]


def test_an_unreachable_tsa_leaves_the_checkpoint_signed_but_untimestamped(
    tsa: LocalTsa, tmp_path: Path, vocabularies: tuple[Vocabulary, ...]
) -> None:
    url = f"http://127.0.0.1:{closed_port()}/tsr"
    with timestamped(tmp_path, vocabularies, url, tsa.pem("root")) as (archive, keys, _):
        made = ledger.checkpoint(archive, CUSTODIAN, keys)
        assert made.timestamp_token is None and verify_archive(archive).ok


def test_the_standalone_verifier_checks_the_timestamp_with_openssl(
    tsa: LocalTsa, tmp_path: Path, vocabularies: tuple[Vocabulary, ...]
) -> None:
    with timestamped(tmp_path, vocabularies, tsa.url, tsa.pem("root")) as (archive, keys, person):
        ledger.checkpoint(archive, CUSTODIAN, keys)
        bundle = ledger.proof(archive, person.record.id)
        key = archive.config.verifier_key
    tool = Path(__file__).resolve().parents[2] / "tools" / "sviedka_verify.py"

    def check(data: dict[str, object]) -> subprocess.CompletedProcess[str]:
        (tmp_path / "proof.json").write_text(json.dumps(data))
        command = [sys.executable, str(tool), str(tmp_path / "proof.json"), "--key", key]
        return subprocess.run(command, capture_output=True, text=True)

    good = check(bundle)
    assert good.returncode == 0 and "PASS  6 timestamp" in good.stdout, good.stdout
    token = base64.b64decode(bundle["timestamp"]["response"])
    bad = bundle | {
        "timestamp": bundle["timestamp"]
        | {"response": base64.b64encode(flipped(token, len(token) - 5)).decode()}
    }
    failed = check(bad)
    assert failed.returncode == 1 and "FAIL  6 timestamp" in failed.stdout
