"""Who said it, and what they said about which record (HURIDOCS source and information)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from .base import Record
from .dates import PartialDate
from .vocab import Credibility, Reliability, ref_field, vocab_field

__all__ = ["Information", "Source", "SourceKind"]


class SourceKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"
    PUBLICATION = "publication"
    WEBSITE = "website"
    OFFICIAL_DOCUMENT = "official_document"
    COURT_RECORD = "court_record"
    DATASET = "dataset"
    OTHER = "other"


@dataclass(frozen=True, kw_only=True)
class Source(Record):
    """Who said it: a person, organisation, publication, website, court record, dataset."""

    KIND: ClassVar[str] = "source"

    title: str
    kind: SourceKind = SourceKind.OTHER
    url: str | None = None
    person: str | None = ref_field("person", default=None)
    organisation: str | None = ref_field("organisation", default=None)
    material: str | None = vocab_field("types_of_source_material", default=None)
    reliability: Reliability = Reliability.F  # the usual grade of this source


@dataclass(frozen=True, kw_only=True)
class Information(Record):
    """One report by a source about one record, graded on its own."""

    KIND: ClassVar[str] = "information"

    source: str = ref_field("source")
    about: str = ref_field(
        "person", "organisation", "detention", "event", "act", "involvement", "intervention"
    )
    reliability: Reliability = Reliability.F
    credibility: Credibility = Credibility.UNKNOWN
    received: PartialDate | None = None
    language: str | None = None
    connection: str | None = vocab_field("source_connection_to_information", default=None)
    summary: str | None = None
