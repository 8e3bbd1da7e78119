"""What a record puts in the search index, and how text is cut into words and folded.

Pure functions, no SQL: the index (``search.py``) stores what ``document`` returns; the
search service uses ``fold`` and ``words`` to find the matched words again for snippets.

Names and texts are unmasked before they are indexed or cut into words
(:func:`~sviedka.names.confusables.unmask`): invisible characters (zero-width spaces and
joiners, soft hyphens, bidi controls) are dropped and a word mixing Latin and Cyrillic
look-alike letters ("Віаlіаtskі") is written in one script, in the index and in queries alike,
so that neither hides a word from search. The index stores the unmasked text (FTS5 reads its
words from there), which is also what titles and snippets show.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..model import DateRange, Detention, NameForm, PartialDate, Record
from ..names.confusables import unmask

__all__ = [
    "FIRST",
    "LAST",
    "SearchDoc",
    "document",
    "filter_words",
    "fold",
    "is_unspaced",
    "tag",
    "words",
]

FIRST, LAST = "0001-01-01", "9999-12-31"
YEARS = 30  # a record about more years than this (or an open range) is tagged "ylong"
_WORD = re.compile(r"[^\W_]+")
# Scripts written without spaces between words: Thai, Lao, Myanmar, Khmer, kana, CJK.
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\U00020000-\U0003134f]"
)
_TEXT_FIELDS = (
    "title",
    "title_en",
    "place",
    "description",
    "summary",
    "consequences",
    "transcript",
    "outcome",
    "authority",
    "programme",
    "reference",
    "captured_place",
)
# (start, end, whether a missing end is open): positions, listings, interventions.
_RANGES = (
    ("start", "end", True),
    ("listed", "delisted", True),
    ("date", "removed", True),
    ("date", "response_date", False),
)


# -- words ------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    lower = char.lower()
    parts = unicodedata.normalize("NFD", lower)
    marked = len(parts) > 1 and all(unicodedata.combining(c) for c in parts[1:])
    if marked and (parts[0].isascii() or "LATIN" in unicodedata.name(parts[0], "")):
        return parts[0]
    return lower if len(lower) == 1 else char  # one for one: offsets in folded text hold


def fold(text: str) -> str:
    """Lower case, without the diacritics of Latin letters: what FTS5's ``unicode61
    remove_diacritics 2`` does (é→e, š→s, while ł, й, ў stay), so that PostgreSQL and Python
    compare words as SQLite does. Of NFC text, the result has the same length."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in unicodedata.normalize("NFC", text))


def words(text: str) -> list[str]:
    """The words of ``text`` unmasked: runs of letters and digits (as FTS5's ``unicode61``
    splits)."""
    return _WORD.findall(unmask(text))


def is_unspaced(text: str) -> bool:
    """Whether ``text`` has letters of a script written without spaces between words."""
    return _UNSPACED.search(text) is not None


# -- what a record puts in the index ----------------------------------------------------------


@dataclass(frozen=True)
class SearchDoc:
    """What the index holds for one record: ``names`` are name forms as written, ``texts`` the
    other indexed fields in display order, ``span`` the first and last possible ISO day."""

    record_id: str
    kind: str
    confidentiality: str
    title: str
    names: tuple[str, ...]
    texts: tuple[str, ...]
    status: str | None = None
    span: tuple[str, str] | None = None


def document(record: Record) -> SearchDoc:
    """The searchable part of ``record``, unmasked. Never a sensitive field
    (``Person.sensitive``)."""
    names = _names(record)
    return SearchDoc(
        record_id=record.id,
        kind=record.KIND,
        confidentiality=record.confidentiality.value,
        title=unmask(_title(record, names))[:200],
        names=names,
        texts=tuple(unmask(text) for text in _texts(record)),
        status=_status(record),
        span=_span(record),
    )


def _names(record: Record) -> tuple[str, ...]:
    forms = getattr(record, "names", ())
    found = [f.full for f in forms if isinstance(f, NameForm)]
    listed = getattr(record, "name_as_listed", None)  # a sanction: the name as the list has it
    if isinstance(listed, str):
        found.append(listed)
    return tuple(dict.fromkeys(name for name in map(unmask, found) if name.strip()))


def _texts(record: Record) -> Iterator[str]:
    for name in _TEXT_FIELDS:
        value = getattr(record, name, None)
        if isinstance(value, str) and value.strip():
            yield value
    if isinstance(record, Detention):
        for case in record.court_cases:
            yield from (v for v in (case.number, case.outcome) if v)
        yield from (s.text for s in record.sentences if s.text)
    if record.notes:
        yield record.notes
    yield from _custom_texts(record.custom)


def _custom_texts(custom: Mapping[str, Any]) -> Iterator[str]:
    """String values of custom fields (text, and vocab codes, URLs and dates, which are text too:
    the index does not see the archive's declarations)."""
    for value in custom.values():
        for item in value if isinstance(value, list | tuple) else (value,):
            if isinstance(item, str) and item.strip():
                yield item


def _title(record: Record, names: tuple[str, ...]) -> str:
    if names:
        return names[0]
    for attr in ("title", "summary"):
        value = getattr(record, attr, None)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    parts = [getattr(record, a, None) for a in ("type", "kind", "role", "list", "status")]
    if isinstance(record, Detention) and record.arrest is not None:
        parts = [record.arrest.date, record.arrest.place]
    return " · ".join(str(p) for p in parts if p is not None and str(p))


def _status(record: Record) -> str | None:
    """A kind's own status: an intervention's, a detention's end mode ("held" while open), a
    sanction's or designation's "listed" / "delisted"."""
    if isinstance(record, Detention):
        return "held" if record.end is None else record.end.mode.value
    status = getattr(record, "status", None)
    if status is not None:
        return str(status)
    if record.KIND in ("sanction", "designation"):
        ended = getattr(record, "delisted", None) or getattr(record, "removed", None)
        return "listed" if ended is None else "delisted"
    return None


def _span(record: Record) -> tuple[str, str] | None:
    start, end = _bounds(record)
    if start is None and end is None:
        return None
    return (
        start.earliest().isoformat() if start else FIRST,
        end.latest().isoformat() if end else LAST,
    )


def _bounds(record: Record) -> tuple[PartialDate | None, PartialDate | None]:
    """The dates a record is about (not when it was entered): a person or organisation has none.
    An end not (yet) known is open, except for an intervention, dated by its request."""
    if isinstance(record, Detention):
        return (record.arrest.date if record.arrest else None), (
            record.end.date if record.end else None
        )
    dates = getattr(record, "dates", None)
    if isinstance(dates, DateRange):
        return dates.start, dates.end
    for first, last, open_end in _RANGES:
        begin = getattr(record, first, None)
        if isinstance(begin, PartialDate) and hasattr(record, last):
            stop = getattr(record, last)
            return begin, stop if isinstance(stop, PartialDate) else (None if open_end else begin)
    for single in ("date", "received", "captured_at", "collected_at"):
        day = _day(getattr(record, single, None))
        if day is not None:
            return day, day
    return None, None


def _day(value: Any) -> PartialDate | None:
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, str):
        try:
            return PartialDate.parse(value[:10])
        except ValueError:
            return None
    return None


def tag(prefix: str, value: str) -> str:
    """One word for a filter value: ``tag("s", "charges_dropped") == "schargesdropped"``."""
    return prefix + "".join(c for c in value.lower() if c.isalnum())


def filter_words(doc: SearchDoc) -> list[str]:
    """The filters as words (kind, level, status, years, kind with year: ``keventy2021``),
    for FTS5's ``tags`` column."""
    found = [tag("k", doc.kind), tag("l", doc.confidentiality)]
    if doc.status:
        found.append(tag("s", doc.status))
    if doc.span is not None:
        first, last = int(doc.span[0][:4]), int(doc.span[1][:4])
        if FIRST in doc.span or LAST in doc.span or last - first > YEARS:
            found.append("ylong")
        else:  # and kind with year: "events of 2021" is then one word, not two to intersect
            years = [f"y{year}" for year in range(first, last + 1)]
            found += years + [found[0] + year for year in years]
    return found
