"""The checks of a stored log, over plain rows: entries against their leaves, each level of nodes
against the one below, checkpoints against their signatures, custody rows against their entries,
judgements against their log.

Pure: each check takes rows (objects with the columns as attributes) as iterators, in index order,
and yields a ``Finding`` per thing that does not match. ``sviedka.store.ledger.verify`` streams
the rows out of the database and runs these.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from ..errors import IntegrityFailure, Invalid
from ..model.revision import canonical, sha256_hex
from . import merkle
from .note import Verifier, open_checkpoint
from .timestamp import verify_token

__all__ = [
    "Finding",
    "check_checkpoint",
    "check_custody",
    "compare_entries",
    "compare_level",
    "replay_judgements",
]

JUDGEMENT_FIELDS = ("left_id", "right_id", "verdict", "actor", "at", "reason")


class Finding(NamedTuple):
    """One thing that does not match. ``subject`` is an entry or node, a record id or a hash."""

    subject: str
    what: str


# What each kind of entry must contain: its key, and the ref spelt as the entry spells it.
_MARKS = {
    "revision": ('"state_sha256":', '"record":"{ref}"'),
    "custody": ('"custody":', '"sha256":"{ref}"'),
    "judgement": ('"verdict":', '"left_id":"{ref}"'),
    "audit": ('"audit":', '"ref":"{ref}"'),  # services/archive/audit.py: who read what sensitive
}


def compare_entries(rows: Iterator[Any], leaves: Iterator[Any]) -> Iterator[Finding]:
    """Entries (idx, kind, ref, entry, digest) against the stored leaves (idx, hash), both in
    index order: each entry hashes to its digest and its leaf, says what its columns say, and
    none is missing."""
    expected = 0
    for row in rows:
        key, ref = _MARKS.get(row.kind, ("\0", "\0"))
        if key not in row.entry or ref.format(ref=row.ref) not in row.entry:
            yield Finding(f"entry {row.idx}", "its kind or reference column was altered")
        if row.idx != expected:
            yield Finding(f"entry {expected}", f"missing: the next entry is {row.idx}")
            expected = row.idx
        raw = row.entry.encode("utf-8")
        if sha256_hex(raw) != row.digest:
            yield Finding(f"entry {row.idx}", f"altered (entry about {row.ref})")
        leaf = next(leaves, None)
        if leaf is None or leaf.idx != row.idx or leaf.hash != merkle.leaf_hash(raw).hex():
            yield Finding(f"entry {row.idx}", f"does not match its leaf hash (about {row.ref})")
        expected += 1


def compare_level(
    level: int, count: int, children: Iterator[Any], parents: Iterator[Any]
) -> Iterator[Finding]:
    """The ``count`` nodes (idx, hash) of ``level + 1`` are the hashes of their two children on
    ``level``, and there are no more of them."""
    for index in range(count):
        left, right, parent = next(children, None), next(children, None), next(parents, None)
        where = f"node {level + 1}/{index}"
        if left is None or right is None or parent is None:
            yield Finding(where, "missing from the stored tree")
            return
        if (left.idx, right.idx, parent.idx) != (2 * index, 2 * index + 1, index):
            yield Finding(where, "missing from the stored tree")
            return
        expected = merkle.node_hash(bytes.fromhex(left.hash), bytes.fromhex(right.hash))
        if parent.hash != expected.hex():
            yield Finding(where, "altered: it is not the hash of its children")
    if next(parents, None) is not None:
        yield Finding(f"level {level + 1}", "holds nodes beyond the log's size")


def check_checkpoint(
    row: Any, verifiers: Iterable[Verifier | str], size: int, root: Callable[[int], bytes]
) -> Iterator[Finding]:
    """A kept checkpoint (size, root, note, timestamp_token, tsa_chain): its signature, its
    columns, and that the log of ``size`` entries still has its root (``root(n)`` of the log)."""
    where = f"checkpoint {row.size}"
    try:
        checkpoint, _ = open_checkpoint(row.note, verifiers)
    except (ValueError, IntegrityFailure):
        yield Finding(where, "its signature does not verify with the archive's log key")
        return
    if checkpoint.size != row.size or checkpoint.root.hex() != row.root:
        yield Finding(where, "the stored size or root differs from the signed note")
    elif row.size > size:
        yield Finding(where, f"signs {row.size} entries but the log holds {size}: entries lost")
    elif root(row.size) != checkpoint.root:
        yield Finding(where, "the log no longer has the signed root (entries changed)")
    if row.timestamp_token is not None:
        try:
            verify_token(bytes(row.timestamp_token), row.note.encode("utf-8"), row.tsa_chain or "")
        except (IntegrityFailure, Invalid):
            yield Finding(where, "its trusted timestamp does not verify (RFC 3161)")


def check_custody(row: Any) -> Iterator[Finding]:
    """A custody row (id, sha256, kind, entry, digest) is the event it says: its entry hashes to
    its digest and agrees with the columns shown to people (file and kind)."""
    raw = row.entry.encode("utf-8")
    data = json.loads(row.entry)
    said = (data.get("sha256"), data.get("custody"))
    if sha256_hex(raw) != row.digest or said != (row.sha256, row.kind):
        yield Finding(row.sha256, f"custody event {row.id} was altered")


def replay_judgements(log: Iterable[Any], current: Iterable[Any]) -> Iterator[Finding]:
    """Every judgement-log row (in order) is the entry logged for it, and the current judgements
    are what replaying that log gives (no verdict flipped, none deleted or added by hand)."""
    replayed: dict[tuple[str, str], dict[str, Any]] = {}
    for row in log:
        fields = {k: getattr(row, k) for k in JUDGEMENT_FIELDS}
        if sha256_hex(canonical(fields)) != row.digest:
            yield Finding(row.left_id, f"judgement log row {row.id} was altered")
        pair = (row.left_id, row.right_id)
        if row.verdict == "retracted":
            replayed.pop(pair, None)
        else:
            replayed[pair] = fields
    kept = {(r.left_id, r.right_id): {k: getattr(r, k) for k in JUDGEMENT_FIELDS} for r in current}
    for pair in sorted(set(replayed) | set(kept)):
        if replayed.get(pair) != kept.get(pair):
            yield Finding(pair[0], f"the judgement with {pair[1]} differs from its log")
