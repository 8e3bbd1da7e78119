"""Chain of custody: every event in an evidence file's life, appended, never edited."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .revision import canonical

__all__ = ["CustodyEvent", "CustodyKind"]


class CustodyKind(StrEnum):
    COLLECTED = "collected"  # who/when/where, as stated by the collector
    INGESTED = "ingested"
    VIEWED = "viewed"
    EXPORTED = "exported"
    TRANSFERRED = "transferred"
    VERIFIED = "verified"
    REENCRYPTED = "reencrypted"  # the ciphertext was rewritten to a new archive key


@dataclass(frozen=True)
class CustodyEvent:
    """One event for the file with plaintext hash ``sha256``."""

    sha256: str
    kind: CustodyKind
    actor: str
    at: str
    reason: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def data(self) -> dict[str, Any]:
        return {
            "custody": self.kind.value,
            "sha256": self.sha256,
            "actor": self.actor,
            "at": self.at,
            "reason": self.reason,
            "details": dict(self.details),
        }

    def entry(self) -> bytes:
        """The bytes the transparency log records for this event (canonical JSON)."""
        return canonical(self.data())
