"""Closed sets the code depends on (``StrEnum``) and the shape of open vocabularies.

Open lists that an archive may extend (Criminal Code articles, facility types, HURIDOCS
micro-thesauri) are vocabularies stored in the archive: a record field names its vocabulary in the
field's metadata (``vocab_field("criminal_code_by")``) and the writer checks every code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "Confidentiality",
    "Credibility",
    "EndMode",
    "Gender",
    "Reliability",
    "Verdict",
    "VocabTerm",
    "Vocabulary",
    "ref_field",
    "vocab_field",
]


class Confidentiality(StrEnum):
    """Who may see a record; ordered from least to most protected."""

    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    RESTRICTED = "restricted"


class Reliability(StrEnum):
    """Admiralty grading of a source: A completely reliable … E unreliable, F cannot be judged."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"


class Credibility(StrEnum):
    """Admiralty grading of one piece of information: 1 confirmed … 5 improbable, 6 cannot judge."""

    CONFIRMED = "1"
    PROBABLE = "2"
    POSSIBLE = "3"
    DOUBTFUL = "4"
    IMPROBABLE = "5"
    UNKNOWN = "6"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class EndMode(StrEnum):
    """How a deprivation of liberty ended; mirrored by the ``release_modes`` vocabulary."""

    SERVED = "served"
    PARDON = "pardon"
    DEPORTATION = "deportation"
    ACQUITTAL = "acquittal"
    DEATH = "death"
    CHARGES_DROPPED = "charges_dropped"
    NON_CUSTODIAL = "non_custodial"
    RELEASED_ON_PAROLE = "parole"
    OTHER = "other"


class Verdict(StrEnum):
    """A resolver's judgement on whether two records describe the same entity."""

    SAME = "same"
    NOT_SAME = "not-same"
    UNSURE = "unsure"


def vocab_field(vocab: str, default: Any = MISSING) -> Any:
    """A field whose value (a code, or a tuple of codes) must exist in vocabulary ``vocab``."""
    return field(default=default, metadata={"vocab": vocab})


def ref_field(*kinds: str, default: Any = MISSING) -> Any:
    """A field holding the id of another record (or a tuple of ids) of one of ``kinds``."""
    return field(default=default, metadata={"ref": kinds})


@dataclass(frozen=True)
class VocabTerm:
    code: str
    labels: Mapping[str, str]
    parent: str | None = None
    level: int = 0
    order: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.code


@dataclass(frozen=True)
class Vocabulary:
    name: str
    title: str
    source: str
    terms: tuple[VocabTerm, ...] = ()
