"""The smaller leaks of issue 12 at the service level: a ledger proof and the statistics' method
are the same whatever the principal may not read. Two archives that differ only in what the
principal may not read give equal answers."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pg_schema import pg_schema
from sviedka.errors import NotFound
from sviedka.ledger.checkpoints import Signer
from sviedka.model import Confidentiality, Vocabulary
from sviedka.model.custody import CustodyEvent, CustodyKind
from sviedka.model.ids import new_id
from sviedka.model.revision import timestamp
from sviedka.policy import Principal, principal_of, visible_levels
from sviedka.services.accounts import Role, User
from sviedka.services.analysis.stats import (
    NOT_SHOWN,
    Breakdown,
    Every,
    Scope,
    flows,
    held_on,
    series,
)
from sviedka.services.archive import ledger
from sviedka.services.archive.folder import Archive, ArchiveConfig
from sviedka.services.records.records import build_record
from sviedka.store import open_store
from sviedka.store.ledger.checkpoints import make_checkpoint
from sviedka.store.ledger.log import LedgerJournal

SIGNER = Signer("test.example/log", Ed25519PrivateKey.generate())
PROVER = principal_of(User("prover-id", "prover", Role.VERIFIER, Confidentiality.INTERNAL))
PUBLIC_VIEWER = principal_of(User("viewer-id", "viewer", Role.VIEWER, Confidentiality.PUBLIC))


@contextmanager
def opened(url: str, path: Path, vocabularies: tuple[Vocabulary, ...]) -> Iterator[Archive]:
    store = open_store(url, journal=LedgerJournal())
    with store.writer() as writer:
        for vocabulary in vocabularies:
            writer.put_vocabulary(vocabulary)
    config = ArchiveConfig("test-archive", "test", store.dialect, "test", "none")
    try:
        yield Archive(path, config, store)
    finally:
        store.close()


@contextmanager
def another_database(db_url: str, path: Path) -> Iterator[str]:
    """A second, empty database on the same backend as ``db_url``."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{path / 'second.db'}"
        return
    with pg_schema(db_url) as url:
        yield url


@pytest.fixture
def two(
    db_url: str, tmp_path: Path, vocabularies: tuple[Vocabulary, ...]
) -> Iterator[tuple[Archive, Archive]]:
    """Two empty archives with the transparency log, on the same backend."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        another_database(db_url, tmp_path) as second,
        opened(db_url, tmp_path / "a", vocabularies) as a,
        opened(second, tmp_path / "b", vocabularies) as b,
    ):
        yield a, b


def add(archive: Archive, kind: str, body: dict[str, Any]) -> str:
    record = build_record(kind, body)
    with archive.store.writer() as writer:
        writer.add(record, actor="test")
    return record.id


def sign(archive: Archive) -> None:
    with archive.store.write_transaction() as conn:
        make_checkpoint(conn, SIGNER)


def refusal(archive: Archive, reader: Principal, ref: str) -> str:
    with pytest.raises(NotFound) as refused:
        ledger.proof_for(archive, reader, ref)
    return str(refused.value)


# -- ledger proofs ----------------------------------------------------------------------------


def test_a_proof_of_a_detention_naming_a_restricted_person_is_refused_as_an_unknown_id(
    two: tuple[Archive, Archive],
) -> None:
    """Archive a: the internal detention is of a restricted person; archive b: of another
    restricted person. The prover sees the detention in both, its person in neither."""
    detention, never_used = new_id(), new_id()
    for archive, name in zip(two, ("Hidden One", "Hidden Two"), strict=True):
        held = add(archive, "person", {"names": [{"full": name}], "confidentiality": "restricted"})
        add(archive, "detention", {"id": detention, "person": held})
        sign(archive)
    a, b = two
    assert refusal(a, PROVER, detention) == refusal(b, PROVER, detention)
    assert refusal(a, PROVER, detention) == f"No record with id {detention}."
    assert refusal(a, PROVER, never_used) == f"No record with id {never_used}."


def test_the_custodian_still_proves_a_detention_naming_a_restricted_person(
    two: tuple[Archive, Archive],
) -> None:
    archive, _ = two
    held = add(archive, "person", {"names": [{"full": "H"}], "confidentiality": "restricted"})
    detention = add(archive, "detention", {"person": held})
    sign(archive)
    assert ledger.proof(archive, detention)["state"]["person"] == held


def test_a_proof_naming_only_records_the_prover_may_read_is_given(
    two: tuple[Archive, Archive],
) -> None:
    archive, _ = two
    held = add(archive, "person", {"names": [{"full": "Visible"}]})
    detention = add(archive, "detention", {"person": held})
    sign(archive)
    subject, bundle = ledger.proof_for(archive, PROVER, detention)
    assert (subject.record.id, bundle["state"]["person"]) == (detention, held)
    assert bundle == ledger.proof(archive, detention)


def test_an_evidence_record_linking_a_restricted_person_is_not_proved(
    two: tuple[Archive, Archive],
) -> None:
    archive, _ = two
    hidden = add(archive, "person", {"names": [{"full": "H"}], "confidentiality": "restricted"})
    evidence = add(archive, "evidence", {"title": "photo", "links": [hidden]})
    sign(archive)
    assert refusal(archive, PROVER, evidence) == f"No record with id {evidence}."


def custody(archive: Archive, sha256: str, kind: CustodyKind, details: dict[str, Any]) -> None:
    with archive.store.writer() as writer:
        writer.add_custody(CustodyEvent(sha256, kind, "test", timestamp(), None, details))


def test_a_file_proof_passes_over_a_custody_event_naming_a_record_the_prover_may_not_read(
    two: tuple[Archive, Archive],
) -> None:
    archive, _ = two
    sha = "ab" * 32
    add(archive, "evidence", {"title": "photo", "sha256": sha})
    hidden = add(
        archive, "evidence", {"title": "photo", "sha256": sha, "confidentiality": "restricted"}
    )
    custody(archive, sha, CustodyKind.INGESTED, {"name": "photo.jpg"})
    custody(archive, sha, CustodyKind.VIEWED, {"via": "api", "evidence": hidden})
    sign(archive)
    _, bundle = ledger.proof_for(archive, PROVER, sha)
    entry = json.loads(base64.b64decode(bundle["entry"]))
    assert (entry["custody"], entry["details"]) == ("ingested", {"name": "photo.jpg"})
    latest = json.loads(base64.b64decode(ledger.proof(archive, sha)["entry"]))
    assert latest["details"] == {"via": "api", "evidence": hidden}  # the custodian's proof


def test_a_file_no_readable_evidence_describes_is_not_proved(
    two: tuple[Archive, Archive],
) -> None:
    archive, _ = two
    sha = "cd" * 32
    add(archive, "evidence", {"title": "x", "sha256": sha, "confidentiality": "confidential"})
    custody(archive, sha, CustodyKind.INGESTED, {"name": "x"})
    sign(archive)
    assert refusal(archive, PROVER, sha) == f"No evidence with sha256 {sha}."


# -- the statistics' method -------------------------------------------------------------------


def prisoner(archive: Archive, level: str, arrested: str) -> None:
    held = add(archive, "person", {"names": [{"full": "P"}], "confidentiality": level})
    body = {"person": held, "arrest": {"date": arrested}, "recognition": {"date": "2021-01"}}
    add(archive, "detention", body | {"confidentiality": level})


def answers(archive: Archive, scope: Scope) -> list[dict[str, Any]]:
    day, start, end = date(2021, 6, 1), date(2021, 1, 1), date(2021, 12, 31)
    return [
        held_on(archive.store, day, scope=scope).as_dict(),
        held_on(archive.store, day, by=Breakdown.YEAR_OF_ARREST, scope=scope).as_dict(),
        series(archive.store, start, end, every=Every.MONTH, scope=scope).as_dict(),
        flows(archive.store, start, end, scope=scope).as_dict(),
    ]


def test_the_method_is_the_same_whatever_a_public_viewer_may_not_see(
    two: tuple[Archive, Archive],
) -> None:
    """Archive a holds public prisoners only; b the same, and internal, confidential and
    restricted ones, with a signed checkpoint."""
    a, b = two
    for archive in two:
        prisoner(archive, "public", "2020-10-01")
    for level in ("internal", "confidential", "restricted"):
        prisoner(b, level, "2021-02-03")
    sign(b)
    scope = Scope(levels=visible_levels(principal_of(PUBLIC_VIEWER)) - {Confidentiality.RESTRICTED})
    assert answers(a, scope) == answers(b, scope)
    method = held_on(b.store, date(2021, 6, 1), scope=scope).method
    assert (method.archive, method.lines()[1]) == (None, f"archive: {NOT_SHOWN}")
    assert answers(a, Scope()) != answers(b, Scope())  # the custodian sees it all, state too
