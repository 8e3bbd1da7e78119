"""What every record has: id, confidentiality, source links, custom fields, notes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .dates import PartialDate
from .vocab import Confidentiality, Credibility, Reliability, ref_field

__all__ = ["NameForm", "Record", "SourceLink"]


@dataclass(frozen=True, kw_only=True)
class SourceLink:
    """Where a record's facts came from, with the admiralty grades of this link."""

    source: str = ref_field("source")
    reliability: Reliability = Reliability.F
    credibility: Credibility = Credibility.UNKNOWN
    locator: str | None = None  # page, row, timestamp, URL fragment inside the source
    date: PartialDate | None = None  # when the source said it
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class NameForm:
    """One written form of a name. ``lang`` is a BCP 47 tag: ``be``, ``ru``, ``be-Latn``, ``en``."""

    full: str
    lang: str = "und"
    given: str | None = None
    family: str | None = None
    patronymic: str | None = None
    kind: str = "primary"  # primary | alias | maiden | transliteration | former


@dataclass(frozen=True, kw_only=True)
class Record:
    """Base of every record kind. Subclasses set ``KIND``, the name used in the CLI and API."""

    KIND: ClassVar[str] = ""
    SENSITIVE: ClassVar[tuple[str, ...]] = ()  # fields kept apart from the rest of the row

    id: str
    confidentiality: Confidentiality = Confidentiality.INTERNAL
    sources: tuple[SourceLink, ...] = ()
    custom: Mapping[str, Any] = field(default_factory=dict)
    notes: str | None = None
