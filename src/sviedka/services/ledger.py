"""The transparency log for people: checkpoints, proofs, checks against a saved checkpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import IntegrityFailure, Invalid
from ..ledger import merkle
from ..ledger.checkpoints import CheckpointRecord
from ..ledger.note import cosigner_key as note_cosigner_key
from ..ledger.note import open_checkpoint, parse_verifier_key
from ..ledger.timestamp import tsa_chain_pem
from ..store import Problem
from ..store.ledger.checkpoints import (
    consistency_bundle,
    latest_checkpoint,
    make_checkpoint,
    proof_bundle,
)
from ..store.ledger.log import getter_for, tree_root, tree_size
from ..store.ledger.witness import (
    add_cosignature,
    check_cosignatures,
    cosign_checkpoint,
    cosignatures,
)
from .archive import Archive
from .keys import ArchiveKeys

__all__ = [
    "check_against",
    "checkpoint",
    "configure_tsa",
    "consistency",
    "cosign",
    "cosigner_key",
    "keep_cosignature",
    "latest",
    "proof",
    "witnesses",
]


def checkpoint(archive: Archive, keys: ArchiveKeys) -> CheckpointRecord:
    """Sign the log's current head (or return the checkpoint of that size if it exists)."""
    with archive.store.write_transaction() as conn:
        return make_checkpoint(conn, keys.signer)


def latest(archive: Archive) -> CheckpointRecord | None:
    with archive.store.engine.connect() as conn:
        return latest_checkpoint(conn)


def proof(archive: Archive, ref: str) -> dict[str, Any]:
    """A proof bundle for the latest entry about a record id or a file's sha256."""
    with archive.store.engine.connect() as conn:
        return proof_bundle(conn, ref)


def consistency(archive: Archive, old: int, new: int) -> dict[str, Any]:
    with archive.store.engine.connect() as conn:
        return consistency_bundle(conn, old, new)


def check_against(archive: Archive, note_file: Path) -> list[Problem]:
    """Whether the archive is a consistent extension of a checkpoint saved earlier (e.g. one a
    partner holds): same signer, nothing lost, the old tree a prefix of today's."""
    try:
        text = note_file.read_text(encoding="utf-8")
        old, _ = open_checkpoint(text, [archive.config.verifier_key])
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise Invalid(f"{note_file} is not a checkpoint of this archive: {exc}") from None
    except IntegrityFailure:
        return [Problem(f"checkpoint {note_file.name}", "not signed by this archive's log key")]
    with archive.store.engine.connect() as conn:
        size = tree_size(conn)
        if old.size > size:
            return [Problem(f"checkpoint {old.size}", f"the log now holds only {size} entries")]
        if old.size == 0:
            return []
        coords = merkle.consistency_nodes(old.size, size)
        steps = merkle.consistency_proof(old.size, size, getter_for(conn, coords))
        head = tree_root(conn, size)
    if not merkle.verify_consistency(old.size, size, old.root, head, steps):
        return [Problem(f"checkpoint {old.size}", "today's log is not an extension of it")]
    return []


def cosigner_key(archive: Archive) -> str:
    """This archive's key as a witness (C2SP cosignature/v1): give it to the archives you cosign
    for, so that they can check your cosignatures."""
    verifier = parse_verifier_key(archive.config.verifier_key)
    return note_cosigner_key(verifier.name, verifier.public_key)


def cosign(
    archive: Archive, keys: ArchiveKeys, note: str, origin_key: str, proof: dict[str, Any] | None
) -> str:
    """As a witness, check another archive's checkpoint and cosign it."""
    with archive.store.write_transaction() as conn:
        return cosign_checkpoint(conn, keys.signer, note, origin_key, proof)


def keep_cosignature(archive: Archive, note: str, witness_key: str) -> tuple[str, int, str]:
    """Keep a witness's cosignature of one of this archive's checkpoints."""
    with archive.store.write_transaction() as conn:
        return add_cosignature(conn, archive.config.verifier_key, note, witness_key)


def witnesses(archive: Archive) -> tuple[list[tuple[str, int, str]], list[Problem]]:
    """Who cosigned which sizes, and any cosignature that no longer holds."""
    with archive.store.engine.connect() as conn:
        kept = cosignatures(conn)
        return kept, list(check_cosignatures(conn, archive.config.verifier_key))


def configure_tsa(archive: Archive, url: str, chain_pem: str) -> None:
    """Ask this timestamping authority for a token with every new checkpoint. ``chain_pem`` is
    its CA chain, published by the TSA; tokens are checked against it now and in ``verify``."""
    chain = tsa_chain_pem(chain_pem)
    if not url.startswith(("https://", "http://")):
        raise Invalid("The TSA URL must start with https:// or http://.")
    with archive.store.writer() as writer:
        writer.set_meta("tsa_url", url)
        writer.set_meta("tsa_chain", chain)
