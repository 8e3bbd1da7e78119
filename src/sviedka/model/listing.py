"""Listings: designation by the authorities ("extremist", "terrorist") and sanctions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Record
from .dates import PartialDate
from .vocab import ref_field, vocab_field

__all__ = ["Designation", "Sanction"]


@dataclass(frozen=True, kw_only=True)
class Designation(Record):
    """A listing of a person or organisation by the authorities, e.g. as "extremist"."""

    KIND: ClassVar[str] = "designation"

    subject: str = ref_field("person", "organisation")
    list: str = vocab_field("designation_lists")
    authority: str | None = None
    date: PartialDate | None = None
    reference: str | None = None
    removed: PartialDate | None = None


@dataclass(frozen=True, kw_only=True)
class Sanction(Record):
    """A listing on a sanctions list (EU, OFAC, UK, Canada, Switzerland…)."""

    KIND: ClassVar[str] = "sanction"

    authority: str
    programme: str | None = None
    subject: str | None = ref_field("person", "organisation", default=None)
    name_as_listed: str | None = None
    reference: str | None = None  # the list's own id, e.g. an OFAC ent_num
    listed: PartialDate | None = None
    delisted: PartialDate | None = None
