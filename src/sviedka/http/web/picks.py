"""Pickers: choose a court, facility, judge, source… already recorded by typing part of its name.

A form field sends what was typed (htmx POSTs it as you type; without JavaScript the form's
"Look up" button does) and gets back a few records the user may read, found by the search index
(levels and compartments in the query, as on the search page). Nothing is loaded in advance, so a
form costs the same with 100 or 100,000 records. The records shown are audited as search hits.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...errors import Invalid
from ...model import Organisation, Record
from ...services.records.search import search
from .queries import titles

if TYPE_CHECKING:
    from .pages import Page

__all__ = ["LIMIT", "Choices", "Picker", "choices", "picker_of", "search_readable"]

LIMIT = 8


@dataclass(frozen=True)
class Picker:
    kinds: tuple[str, ...]
    org_kind: str | None = None  # organisations of this kind only
    text: str = "name"  # the field the name is typed in: ``<field>.<text>``


_PICKERS = {
    "arrest.unit": Picker(("organisation",), "police"),
    "case.court": Picker(("organisation",), "court"),
    "case.judge": Picker(("person",)),
    "case.prosecutor": Picker(("person",)),
    "facility": Picker(("organisation",), "penal_facility"),
    "source": Picker(("source",), text="title"),
    "event": Picker(("event",), text="title"),
}
_PERPETRATOR = Picker(("person", "organisation"))
_ROW = re.compile(r"^perpetrators\.\d{1,2}$")


def picker_of(field: str) -> Picker | None:
    """The picker of a form field (``case.court``, ``perpetrators.0``), if it has one."""
    return _PERPETRATOR if _ROW.match(field) else _PICKERS.get(field)


@dataclass(frozen=True)
class Choices:
    """What a picker shows: the record chosen (if any) and those matching the typed name."""

    field: str
    text_key: str
    chosen: str
    found: tuple[Record, ...]
    looked_up: bool  # a name was typed and looked for

    @property
    def slug(self) -> str:
        return self.field.replace(".", "-")


def choices(page: Page, field: str, values: Mapping[str, str]) -> Choices:
    """The picker's choices for what the form holds (audited: they are shown)."""
    picker = picker_of(field)
    assert picker is not None
    text_key = f"{field}.{picker.text}"
    chosen = values.get(f"{field}.id", "").strip()
    typed = values.get(text_key, "").strip()
    shown = list(titles(page.archive.store, page.principal, [chosen]).values()) if chosen else []
    if typed:
        shown += [r for r in _find(page, picker, typed) if r.id != chosen]
    page.audit("search", shown)
    return Choices(field, text_key, chosen, tuple(shown), bool(typed))


def _find(page: Page, picker: Picker, typed: str) -> list[Record]:
    wanted = LIMIT * 5 if picker.org_kind else LIMIT  # other kinds of organisation are dropped
    try:
        hits = search_readable(page, typed, kinds=picker.kinds, limit=wanted).hits
    except Invalid:  # not a query the index takes (too long, odd characters): nothing found
        return []
    found = titles(page.archive.store, page.principal, [h.id for h in hits])
    records = [found[h.id] for h in hits if h.id in found]
    if picker.org_kind:
        records = [r for r in records if _org_kind(r) == picker.org_kind]
    return records[:LIMIT]


def _org_kind(record: Record) -> str | None:
    return record.kind.value if isinstance(record, Organisation) else None


def search_readable(
    page: Page, text: str, *, kinds: Collection[str] | None, limit: int, **filters: Any
) -> Any:
    """``records.search.search`` as this user may see it. ``Invalid`` for a query the index
    does not take."""
    return search(page.archive.store, page.principal, text, kinds=kinds, limit=limit, **filters)
