"""Two archives witnessing each other: cosign, extend only with a proof, refuse rollbacks and
forks, keep cosignatures, and re-check them in verify."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from sviedka.errors import Conflict, IntegrityFailure
from sviedka.ledger.note import Checkpoint, sign_note
from sviedka.model import Vocabulary
from sviedka.policy import CUSTODIAN
from sviedka.services.archive import ledger
from sviedka.services.archive.folder import Archive, init_archive, open_archive
from sviedka.services.archive.keys import ArchiveKeys, unlock_archive
from sviedka.services.records import records as rec
from sviedka.store import schema as t

PASSPHRASE = "witness test passphrase"


Made = tuple[Path, ArchiveKeys]


def make(path: Path, vocabularies: tuple[Vocabulary, ...]) -> Made:
    archive, _ = init_archive(path, vocabularies, custodian="a", passphrase=PASSPHRASE)
    archive.close()
    return path, unlock_archive(path, archive.config.id, "a", PASSPHRASE)


@pytest.fixture(scope="module")
def templates(
    tmp_path_factory: pytest.TempPathFactory, vocabularies: tuple[Vocabulary, ...]
) -> tuple[Made, Made]:
    # Unlocking costs seconds (age's scrypt): do it once, and copy the archives for each test.
    root = tmp_path_factory.mktemp("witness")
    return make(root / "origin", vocabularies), make(root / "witness", vocabularies)


@pytest.fixture
def pair(
    tmp_path: Path, templates: tuple[Made, Made]
) -> Iterator[tuple[Archive, ArchiveKeys, Archive, ArchiveKeys]]:
    opened = []
    for (path, keys), name in zip(templates, ("origin", "witness"), strict=True):
        shutil.copytree(path, tmp_path / name)
        opened.append((open_archive(tmp_path / name), keys))
    (origin, origin_keys), (witness, witness_keys) = opened
    yield origin, origin_keys, witness, witness_keys
    origin.close()
    witness.close()


def grow(archive: Archive, keys: ArchiveKeys, n: int = 3) -> str:
    for i in range(n):
        rec.add_record(archive.store, "person", {"names": [{"full": f"P{i}"}]}, actor="t")
    return ledger.checkpoint(archive, CUSTODIAN, keys).note


def test_a_cosigned_checkpoint_is_kept_and_listed_by_verify(pair: tuple) -> None:  # type: ignore[type-arg]
    origin, okeys, witness, wkeys = pair
    note = grow(origin, okeys)
    cosigned = ledger.cosign(witness, wkeys, note, origin.config.verifier_key, None)
    who, size, _ = ledger.keep_cosignature(origin, cosigned, ledger.cosigner_key(witness))
    assert (who, size) == (witness.config.origin, 3)
    kept, problems = ledger.witnesses(origin)
    assert [(w, n) for w, n, _ in kept] == [(witness.config.origin, 3)] and problems == []


def test_a_larger_tree_needs_a_consistency_proof(pair: tuple) -> None:  # type: ignore[type-arg]
    origin, okeys, witness, wkeys = pair
    key = origin.config.verifier_key
    ledger.cosign(witness, wkeys, grow(origin, okeys), key, None)
    newer = grow(origin, okeys)
    with pytest.raises(Conflict, match="consistency proof"):
        ledger.cosign(witness, wkeys, newer, key, None)
    proof = ledger.consistency(origin, CUSTODIAN, 3, 6)
    assert "cosignature/v1" not in ledger.cosign(witness, wkeys, newer, key, proof)
    with pytest.raises(Conflict, match="rollback"):
        older = ledger.latest(origin, CUSTODIAN)
        ledger.cosign(witness, wkeys, _note_of_size(origin, okeys, 3), key, None)
        del older


def _note_of_size(archive: Archive, keys: ArchiveKeys, size: int) -> str:
    with archive.store.engine.connect() as conn:
        note = conn.scalar(
            sa.select(t.ledger_checkpoints.c.note).where(t.ledger_checkpoints.c.size == size)
        )
    return str(note)


def test_a_fork_is_refused(pair: tuple) -> None:  # type: ignore[type-arg]
    origin, okeys, witness, wkeys = pair
    key = origin.config.verifier_key
    honest = grow(origin, okeys)
    ledger.cosign(witness, wkeys, honest, key, None)
    signer = okeys.signer
    forged = sign_note(Checkpoint(signer.name, 3, b"\x07" * 32).body(), signer.name, signer.key)
    with pytest.raises(IntegrityFailure, match="fork"):
        ledger.cosign(witness, wkeys, forged, key, None)


def test_a_checkpoint_not_signed_by_the_given_key_is_refused(pair: tuple) -> None:  # type: ignore[type-arg]
    origin, okeys, witness, wkeys = pair
    with pytest.raises(IntegrityFailure):
        ledger.cosign(witness, wkeys, grow(origin, okeys), witness.config.verifier_key, None)


def test_a_tampered_kept_cosignature_is_named(pair: tuple) -> None:  # type: ignore[type-arg]
    origin, okeys, witness, wkeys = pair
    cosigned = ledger.cosign(witness, wkeys, grow(origin, okeys), origin.config.verifier_key, None)
    ledger.keep_cosignature(origin, cosigned, ledger.cosigner_key(witness))
    with origin.store.engine.begin() as conn:
        conn.execute(
            sa.update(t.ledger_cosignatures).values(note=cosigned.replace("\n3\n", "\n2\n"))
        )
    _, problems = ledger.witnesses(origin)
    assert [p.what for p in problems] == ["no longer verifies"]
