"""The transparency log for people: checkpoints, proofs, checks against a saved checkpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...errors import IntegrityFailure, Invalid, NotFound, Unavailable
from ...ledger import merkle
from ...ledger.checkpoints import CheckpointRecord
from ...ledger.note import cosigner_key as note_cosigner_key
from ...ledger.note import open_checkpoint, parse_verifier_key
from ...ledger.timestamp import tsa_chain_pem
from ...model.ids import is_record_id
from ...policy import Permission, Principal, read_scope, require
from ...store import Problem, Stored, View
from ...store.ledger.checkpoints import (
    consistency_bundle,
    latest_checkpoint,
    make_checkpoint,
    proof_bundle,
)
from ...store.ledger.log import getter_for, tree_root, tree_size
from ...store.ledger.witness import (
    add_cosignature,
    check_cosignatures,
    cosign_checkpoint,
    cosignatures,
)
from ...store.reading import connection
from ...store.scoped import scoped
from .folder import Archive
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
    "proof_for",
    "witnesses",
]


def checkpoint(
    archive: Archive, principal: Principal, keys: ArchiveKeys | None
) -> CheckpointRecord:
    """Sign the log's current head (or return the checkpoint of that size if it exists), with
    the audit events queued until now in it; ``Forbidden`` unless the principal may sign,
    ``Unavailable`` without the archive keys."""
    require(principal, Permission.CHECKPOINT)
    if keys is None:
        raise Unavailable("The server was started without the archive keys; it cannot sign.")
    archive.store.sequence(if_waiting=True)
    with archive.store.write_transaction() as conn:
        return make_checkpoint(conn, keys.signer)


def latest(archive: Archive, principal: Principal) -> CheckpointRecord | None:
    """The latest signed checkpoint, if any; ``Forbidden`` unless the principal may read."""
    require(principal, Permission.READ)
    with archive.store.engine.connect() as conn:
        return latest_checkpoint(conn)


def proof(archive: Archive, ref: str) -> dict[str, Any]:
    """A proof bundle for the latest entry about a record id or a file's sha256."""
    with archive.store.engine.connect() as conn:
        return proof_bundle(conn, ref)


def proof_for(archive: Archive, reader: Principal, ref: str) -> tuple[Stored, dict[str, Any]]:
    """A proof for ``reader``, and the record it is about (for the audit): a record's latest
    revision, or the latest custody event of a file that an Evidence record they may read
    describes. Neither may name a record the reader may not read: a custody event that does is
    passed over for an earlier one; a revision that does is refused, with the very ``NotFound``
    of an id never used. (Masking the name is no way out: a masked state no longer hashes to
    the logged entry, and the entry's state hash would still confirm a guessed id.)"""
    require(reader, Permission.PROOF)
    # The whole store next to the reader's scope, on purpose: an entry that names a record the
    # reader may not read must be seen to be refused (the log itself is not scoped)
    with archive.store.unscoped_view() as view:
        readable = scoped(view, read_scope(reader))
        if len(ref) == 64:
            subject = _readable_file(readable, ref)
            known = {subject.record.id}

            def shown(entry: str) -> bool:
                return _names_only_readable(view, readable, json.loads(entry), known)

            return subject, proof_bundle(connection(view), ref, shown=shown)
        subject = readable.get(ref)
        bundle = proof_bundle(connection(view), ref)
        if not _names_only_readable(view, readable, bundle.get("state"), {ref}):
            raise NotFound(f"No record with id {ref}.")
        return subject, bundle


def _readable_file(readable: View, sha256: str) -> Stored:
    """An Evidence record describing the file that the reader may read (as the downloads ask)."""
    for stored in readable.records("evidence", where={"sha256": sha256}, limit=1):
        return stored
    raise NotFound(f"No evidence with sha256 {sha256}.")


def _names_only_readable(view: View, readable: View, value: Any, known: set[str]) -> bool:
    """Whether every record id in a JSON value (as a whole string) that names a record
    (``view``: all of them) is one the reader may read (``readable``: their scope)."""
    named = set(_record_ids(value)) - known
    return set(view.kinds_of(named)) <= set(readable.kinds_of(named))


def _record_ids(value: Any) -> Iterator[str]:
    if isinstance(value, str) and is_record_id(value):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _record_ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from _record_ids(item)


def consistency(archive: Archive, principal: Principal, old: int, new: int) -> dict[str, Any]:
    """A proof that the log at size ``old`` is a prefix of the log at size ``new``; ``Forbidden``
    unless the principal may ask for proofs."""
    require(principal, Permission.PROOF)
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
