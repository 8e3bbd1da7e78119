"""Revisions and their hashes, as a third party recomputes them.

A revision's *state* is the record as JSON (``codec.dump``). Two hashes are kept::

    state_sha256 = SHA-256( JCS(state) )
    sha256       = SHA-256( JCS({"record": id, "seq": n, "actor": …, "at": …, "reason": …,
                                 "state_sha256": …, "prev": previous revision's sha256 or null}) )

JCS is the JSON Canonicalization Scheme, RFC 8785. ``prev`` chains a record's revisions: changing,
removing or reordering any of them breaks every later hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import rfc8785

__all__ = ["Revision", "canonical", "canonical_flat", "envelope", "sha256_hex", "timestamp"]


def canonical(value: Any) -> bytes:
    """RFC 8785 canonical JSON bytes."""
    return bytes(rfc8785.dumps(value))


def canonical_flat(value: Mapping[str, str | int | None]) -> bytes:
    """RFC 8785 bytes of an object whose values are only text, integers and null.

    For such objects JCS is exactly sorted keys, no whitespace and literal UTF-8 with JSON's
    minimal escapes, which the standard library writes many times faster than ``rfc8785``.
    Envelopes are hashed once per revision on write and on verify, so this matters at 1 M.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def timestamp(moment: datetime | None = None) -> str:
    """UTC time as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``; fixed width, so text order is time order."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def envelope(
    record_id: str,
    seq: int,
    actor: str,
    at: str,
    reason: str | None,
    state_sha256: str,
    prev: str | None,
) -> dict[str, Any]:
    return {
        "record": record_id,
        "seq": seq,
        "actor": actor,
        "at": at,
        "reason": reason,
        "state_sha256": state_sha256,
        "prev": prev,
    }


@dataclass(frozen=True)
class Revision:
    record_id: str
    seq: int
    kind: str
    actor: str
    at: str
    reason: str | None
    state: Mapping[str, Any]
    state_sha256: str
    sha256: str
    prev_sha256: str | None

    @classmethod
    def make(
        cls,
        kind: str,
        state: Mapping[str, Any],
        *,
        seq: int,
        actor: str,
        at: str,
        reason: str | None,
        prev: str | None,
        state_bytes: bytes | None = None,
    ) -> Revision:
        """A revision of ``state``; ``state_bytes``, if the caller has them, must be its JCS."""
        record_id = str(state["id"])
        state_hash = sha256_hex(state_bytes if state_bytes is not None else canonical(state))
        env = envelope(record_id, seq, actor, at, reason, state_hash, prev)
        digest = sha256_hex(canonical_flat(env))
        return cls(record_id, seq, kind, actor, at, reason, state, state_hash, digest, prev)

    def entry(self) -> bytes:
        """The bytes a transparency log records for this revision (its canonical envelope)."""
        return canonical_flat(self.envelope())

    def envelope(self) -> dict[str, Any]:
        return envelope(
            self.record_id,
            self.seq,
            self.actor,
            self.at,
            self.reason,
            self.state_sha256,
            self.prev_sha256,
        )

    def problems(self) -> list[str]:
        """What no longer matches: the state's hash, or the revision's own hash."""
        found = []
        if sha256_hex(canonical(dict(self.state))) != self.state_sha256:
            found.append("state does not match state_sha256")
        if sha256_hex(self.entry()) != self.sha256:
            found.append("revision does not match its sha256")
        return found
