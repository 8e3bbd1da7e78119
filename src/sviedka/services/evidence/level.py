"""The level of an evidence file, and what an ingest may link it to.

A file shows what the records it is linked to hold (a prisoner's injuries, a witness's face), so
its Evidence record is at least as protected as the most protected of them: the level is set
from the record's first revision, and raised whenever a link to a more protected record is
added. A principal may ask for a higher level, never a lower one. Links and the source must be
records the principal may reach; one it may not is reported exactly like one that does not
exist, and nothing is stored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from ...errors import Invalid
from ...model import Confidentiality, Evidence, Record
from ...policy import LEVELS
from ...store import View
from .principal import Principal, highest, reaches, writable_levels

__all__ = ["Collection", "Placement", "floor_of", "place", "raised_to_links"]

_LINKABLE: frozenset[str] = frozenset(
    next(f.metadata["ref"] for f in dataclasses.fields(Evidence) if f.name == "links")
)
_SOURCE = frozenset({"source"})


@dataclass(frozen=True)
class Collection:
    """What the collector states about a file, what to link it to, and the level asked for
    (``None``: the level of the most protected linked record, at least ``internal``)."""

    links: tuple[str, ...] = ()
    source: str | None = None
    collected_by: str | None = None
    collected_at: str | None = None
    collected_place: str | None = None
    note: str | None = None
    confidentiality: Confidentiality | None = None


@dataclass(frozen=True)
class Placement:
    """``floor``: the most protected linked record's level (None without links)."""

    floor: Confidentiality | None
    asked: Confidentiality | None

    @property
    def new_level(self) -> Confidentiality:
        """The level of a new Evidence record."""
        return highest(self.asked or Confidentiality.INTERNAL, self.floor)

    def raised(self, current: Confidentiality) -> Confidentiality:
        """The level of an existing Evidence record given these links: never lower."""
        return highest(current, self.floor, self.asked)


def place(view: View, who: Principal, collection: Collection) -> Placement:
    """Check the links, the source and the level asked for against what ``who`` may reach;
    ``Invalid`` (nothing to store) if any is wrong."""
    errors = _link_errors(view, who, collection.links)
    if collection.source and _problem(view, who, collection.source, _SOURCE):
        errors["source"] = f"no source with id {collection.source}"
    fine = [ref for i, ref in enumerate(collection.links) if f"links[{i}]" not in errors]
    floor = floor_of(view, fine)
    asked = collection.confidentiality
    if asked is not None and asked not in writable_levels(who):
        errors["confidentiality"] = "above your clearance"
    elif asked is not None and floor is not None and _below(asked, floor):
        errors["confidentiality"] = f"at least {floor}: the file shows a {floor} record"
    if errors:
        raise Invalid("The evidence cannot be stored as asked; nothing was stored.", errors)
    return Placement(floor, asked)


def floor_of(view: View, links: Iterable[str]) -> Confidentiality | None:
    """The level of the most protected of the linked records that exist."""
    levels = [found.record.confidentiality for ref in links if (found := view.find(ref))]
    return highest(*levels) if levels else None


def raised_to_links(view: View, who: Principal, record: Record) -> Record:
    """An Evidence record written through the records API, at least at the level of the linked
    records the writer may reach (those out of reach were refused or kept as stored)."""
    if not isinstance(record, Evidence):
        return record
    found = [ref for ref in record.links if not _problem(view, who, ref, _LINKABLE)]
    level = highest(record.confidentiality, floor_of(view, found))
    return dataclasses.replace(record, confidentiality=level)


def _link_errors(view: View, who: Principal, links: tuple[str, ...]) -> dict[str, str]:
    found = {f"links[{i}]": _problem(view, who, ref, _LINKABLE) for i, ref in enumerate(links)}
    return {path: problem for path, problem in found.items() if problem}


def _problem(view: View, who: Principal, ref: str, kinds: frozenset[str]) -> str | None:
    """What is wrong with a reference: a record out of reach reads as one that does not exist."""
    found = view.find(ref)
    if found is None or not reaches(view, who, found.record):
        return f"no record with id {ref}"
    if found.record.KIND not in kinds:
        return f"a {found.record.KIND}: give a {' or '.join(sorted(kinds))}"
    return None


def _below(level: Confidentiality, floor: Confidentiality) -> bool:
    return LEVELS.index(level) < LEVELS.index(floor)
