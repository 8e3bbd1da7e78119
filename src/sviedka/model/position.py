"""A post held by a person in an organisation, from–to: a judge of a district court, the head of
a colony, a KGB investigator (FollowTheMoney's ``Occupancy`` of a ``Position``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Record
from .dates import PartialDate
from .vocab import ref_field

__all__ = ["Position"]


@dataclass(frozen=True, kw_only=True)
class Position(Record):
    """A person holding a post in an organisation, from–to, as a source states it."""

    KIND: ClassVar[str] = "position"

    person: str = ref_field("person")
    organisation: str | None = ref_field("organisation", default=None)
    title: str | None = None  # as the source words it, e.g. "судья, председатель"
    title_en: str | None = None  # the source's English wording, when it gives one
    start: PartialDate | None = None
    end: PartialDate | None = None  # empty: still held, or not known to have ended

    def problems(self) -> dict[str, str]:
        if self.organisation is None and self.title is None:
            return {"title": "give the post, the organisation, or both"}
        if self.start and self.end and self.end.certainly_before(self.start):
            return {"end": "ends before it starts"}
        return {}
