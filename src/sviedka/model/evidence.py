"""Evidence (metadata of a vault file) and testimony."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .base import Record
from .dates import PartialDate
from .vocab import ref_field

__all__ = ["Consent", "Evidence", "Testimony"]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_LINKABLE = ("person", "organisation", "detention", "event", "act", "testimony", "intervention")


@dataclass(frozen=True, kw_only=True)
class Evidence(Record):
    """What a file shows and where it came from; the bytes live in the vault under ``sha256``."""

    KIND: ClassVar[str] = "evidence"
    # What the vault knows of the file: set by the evidence ingest and its description from a
    # working copy (services/evidence), never by a generic record edit.
    VAULT_FIELDS: ClassVar[tuple[str, ...]] = (
        "sha256",
        "size",
        "media_type",
        "original_name",
        "extracted",
        "phash",
        "thumbnail",
        "near_duplicates",
        "extraction_problems",
    )

    title: str
    sha256: str | None = None
    media_type: str | None = None
    size: int | None = None
    description: str | None = None
    captured_at: str | None = None  # ISO 8601 timestamp as stated by the collector or the file
    captured_place: str | None = None
    device: str | None = None
    collected_by: str | None = None
    collected_at: str | None = None
    provenance_url: str | None = None
    original_name: str | None = None  # as given at ingest: metadata, never used as a path
    links: tuple[str, ...] = ref_field(*_LINKABLE, default=())
    # Derived after ingest from a working copy, never from the evidentiary copy:
    extracted: Mapping[str, Any] = field(default_factory=dict)
    phash: str | None = None
    thumbnail: str | None = None  # sha256 of the (encrypted) thumbnail blob, a working copy
    near_duplicates: tuple[str, ...] = ()  # sha256 of evidence whose image looks the same
    extraction_problems: Mapping[str, str] = field(default_factory=dict)

    def problems(self) -> dict[str, str]:
        if self.sha256 is not None and not _SHA256.match(self.sha256):
            return {"sha256": "must be 64 lower-case hexadecimal characters"}
        return {}


@dataclass(frozen=True, kw_only=True)
class Consent:
    """What the deponent agreed to, when, and whether they withdrew it."""

    given: bool
    date: PartialDate | None = None
    scope: str | None = None  # e.g. "internal use only", "publication without name"
    withdrawn: PartialDate | None = None


@dataclass(frozen=True, kw_only=True)
class Testimony(Record):
    """A statement by a victim or witness."""

    KIND: ClassVar[str] = "testimony"

    deponent: str = ref_field("person")
    role: str = "witness"  # victim | witness | relative | lawyer | other
    interviewer: str | None = None
    date: PartialDate | None = None
    language: str | None = None
    consent: Consent | None = None
    transcript: str | None = None
    about: tuple[str, ...] = ref_field("event", "act", "detention", "person", default=())
    evidence: tuple[str, ...] = ref_field("evidence", default=())
