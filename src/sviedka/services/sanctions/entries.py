"""One entry of a sanctions list, as read from any format: the shape the list tables keep."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from ...model.revision import sha256_hex

__all__ = ["BirthSpan", "ListEntry", "ListedName", "entry_from_json"]


@dataclass(frozen=True)
class ListedName:
    """One name form the list gives. ``kind``: primary, alias (a.k.a.), former (f.k.a.), weak."""

    name: str
    kind: str = "primary"


@dataclass(frozen=True)
class BirthSpan:
    """A birth date as listed (``text``) and the days it may be: "circa 1960" spans years."""

    text: str
    earliest: date
    latest: date

    @property
    def exact(self) -> bool:
        return self.earliest == self.latest


@dataclass(frozen=True)
class ListEntry:
    """A listed person, organisation, vessel or aircraft."""

    ref: str  # the list's own id: OFAC's ent_num, an FtM entity id
    schema: str  # person | organisation | vessel | aircraft
    names: tuple[ListedName, ...]
    authority: str
    programmes: tuple[str, ...] = ()
    birth_dates: tuple[BirthSpan, ...] = ()
    nationalities: tuple[str, ...] = ()  # ISO 3166-1 alpha-2, lower case
    listed: str | None = None  # listing date (ISO, possibly partial) when the list gives it
    gender: str | None = None
    title: str | None = None
    linked_to: tuple[str, ...] = field(default=())

    @property
    def primary(self) -> str:
        return self.names[0].name

    def as_json(self) -> str:
        data = asdict(self)
        data["birth_dates"] = [
            {"text": b.text, "earliest": b.earliest.isoformat(), "latest": b.latest.isoformat()}
            for b in self.birth_dates
        ]
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def digest(self) -> str:
        return sha256_hex(self.as_json().encode("utf-8"))


def entry_from_json(text: str) -> ListEntry:
    data: dict[str, Any] = json.loads(text)
    spans = tuple(
        BirthSpan(b["text"], date.fromisoformat(b["earliest"]), date.fromisoformat(b["latest"]))
        for b in data.pop("birth_dates")
    )
    names = tuple(ListedName(**n) for n in data.pop("names"))
    tuples = ("programmes", "nationalities", "linked_to")
    rest: dict[str, Any] = {k: tuple(v) if k in tuples else v for k, v in data.items()}
    return ListEntry(names=names, birth_dates=spans, **rest)
