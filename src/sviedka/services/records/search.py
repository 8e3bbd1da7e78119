"""Search across records: names in any script, descriptions, testimony and notes, filtered by
kind, dates, status and what the caller may see. The index is ``store/search.py``.

A query is words and "quoted phrases". Each word matches itself (without diacritics, in any
case) or any of its search keys, so that Бяляцкі, Беляцкий and Bialiatski find each other; the
last word also matches as the beginning of a word while it is being typed (from three letters,
and not after a trailing space). Every word must match. Records whose names match come first,
then the rest by relevance.

What the principal may see is decided in the query, never after it: the levels of its read
scope are counted and shown in SQL; a restricted record appears only when the scope reaches
``restricted`` and the record is granted to it (or the scope opens every compartment). The
total counts the open levels in SQL and adds the restricted records it may read, so a record
the principal may not see changes neither the page nor the total.
"""

from __future__ import annotations

import heapq
import itertools
import re
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date

from ...errors import Invalid, Unavailable
from ...model import KINDS, Confidentiality, EndMode, InterventionStatus, PartialDate
from ...model.codec import check_text
from ...policy import CUSTODIAN, Permission, Principal, ReadScope, read_scope, require
from ...store import SqlStore, Store, View
from ...store.listings import granted_restricted
from ...store.search import Filters, RawHit, SearchIndex, Term
from ...store.search_text import fold, is_unspaced, words

__all__ = [
    "MAX_LIMIT",
    "MAX_OFFSET",
    "STATUSES",
    "SearchHit",
    "SearchResults",
    "parse_query",
    "search",
    "searchable_kinds",
]

MAX_QUERY = 500  # characters
MAX_TERMS = 16
MAX_LIMIT = 100
MAX_OFFSET = 10_000
MIN_PREFIX = 3  # shorter last words match whole words only: "а…" would match everything
STATUSES = frozenset(
    {
        "held",
        "listed",
        "delisted",
        *(m.value for m in EndMode),
        *(s.value for s in InterventionStatus),
    }
)
_RESTRICTED = Confidentiality.RESTRICTED.value
_SNIPPET = 160  # characters around the first match
DateLike = str | date | PartialDate


@dataclass(frozen=True)
class SearchHit:
    """One record found. ``snippet`` is plain text around the first match (never from a
    sensitive field); ``highlights`` are (start, end) offsets of the matched words in it."""

    id: str
    kind: str
    title: str
    snippet: str
    score: float
    name_match: bool
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class SearchResults:
    hits: tuple[SearchHit, ...]
    total: int
    limit: int
    offset: int


def search(
    store: Store,
    principal: Principal,
    query: str,
    *,
    kinds: Collection[str] | None = None,
    date_from: DateLike | None = None,
    date_to: DateLike | None = None,
    status: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Records matching ``query`` that ``principal`` may read, best first, and how many in
    all; ``Forbidden`` unless it may read. Its read scope (``policy.read_scope``: levels,
    compartments, record kinds) is applied in the index's own query."""
    require(principal, Permission.READ)
    scope = read_scope(principal)
    index = _search_index(store)
    terms = parse_query(query, index.word_keys)
    filters = _filters(kinds, date_from, date_to, status, scope.levels)
    _check_page(limit, offset)
    if scope.kinds is not None:
        wanted = (filters.kinds or frozenset(KINDS)) & scope.kinds
        if not wanted:
            return SearchResults((), 0, limit, offset)
        filters = replace(filters, kinds=wanted)
    visible = _visible(store, principal, scope)
    # Unscoped on purpose: the principal's levels and grants scope the hits in the index's own
    # query, and the texts are read for those hits only
    with store.view(CUSTODIAN) as view:
        raw, total = _page(view, terms, filters, visible, limit, offset)
        texts = view.search_texts([h.record_id for h in raw])
    pattern = _pattern(terms)
    hits = tuple(_hit(h, *texts[h.record_id], pattern) for h in raw)
    return SearchResults(hits, total, limit, offset)


def searchable_kinds(principal: Principal) -> frozenset[str]:
    """The record kinds the principal may search; ``Forbidden`` unless it may read (the search
    page starts here, before anything is asked)."""
    require(principal, Permission.READ)
    kinds = read_scope(principal).kinds
    return frozenset(KINDS) if kinds is None else kinds


def _visible(store: Store, principal: Principal, scope: ReadScope) -> Callable[[str], bool] | None:
    """Which restricted records the principal may read: every one when its scope opens them
    without a grant (the custodian), else those granted to it or its groups (None: none)."""
    if Confidentiality.RESTRICTED in scope.open_levels:
        return lambda _id: True
    if not scope.compartments:
        return None
    with store.view(principal) as view:
        return granted_restricted(view).__contains__


def _page(
    view: View,
    terms: Sequence[Term],
    filters: Filters,
    visible: Callable[[str], bool] | None,
    limit: int,
    offset: int,
) -> tuple[list[RawHit], int]:
    """The page and the total, restricted records merged in only as ``visible`` allows."""
    closed = visible is not None and _RESTRICTED in filters.levels
    found = view.search_hits(terms, filters, need=offset + limit, closed=closed)
    allowed = [hit for hit in found.closed if visible is not None and visible(hit.record_id)]
    merged = heapq.merge(found.best, sorted(allowed, key=RawHit.rank), key=RawHit.rank)
    return list(itertools.islice(merged, offset, offset + limit)), found.total + len(allowed)


def _search_index(store: Store) -> SearchIndex:
    if isinstance(store, SqlStore):
        for index in store.indexes:
            if isinstance(index, SearchIndex):
                return index
    raise Unavailable("This store keeps no search index (it was opened without it).")


# -- the query --------------------------------------------------------------------------------


def parse_query(text: str, keys: Callable[[str], Sequence[str]]) -> list[Term]:
    """The terms of a query: words (each with its search ``keys``) and "quoted phrases".

    FTS syntax means nothing here: ``*``, ``OR``, ``NEAR(`` and stray quotes are plain words or
    nothing. ``Invalid`` if no letter or digit is left, or the query is too long."""
    _check_query(text)
    pieces = text.split('"')
    if len(pieces) % 2 == 0:  # an unclosed quote marks nothing
        pieces[-2:] = [pieces[-2] + " " + pieces[-1]]
    terms: list[Term] = []
    for i, piece in enumerate(pieces):
        found = words(piece)
        if i % 2 and len(found) > 1 and not any(map(is_unspaced, found)):
            terms.append(Term((" ".join(found),)))
        else:
            terms.extend(_word(w, keys) for w in found)
    if not terms:
        raise Invalid("Nothing to search for.", {"query": "has no letters or digits"})
    if len(terms) > MAX_TERMS:
        raise Invalid("The query is too long.", {"query": f"use at most {MAX_TERMS} words"})
    return _with_prefix(terms, typing_last=text[-1].isalnum())


def _check_query(text: str) -> None:
    if not isinstance(text, str) or not text.strip():
        raise Invalid("Nothing to search for.", {"query": "is empty"})
    if len(text) > MAX_QUERY:
        raise Invalid("The query is too long.", {"query": f"use at most {MAX_QUERY} characters"})
    try:
        check_text(text)
    except ValueError as exc:
        raise Invalid("The query is not valid text.", {"query": str(exc)}) from None


def _word(word: str, keys: Callable[[str], Sequence[str]]) -> Term:
    if is_unspaced(word):
        return Term((word,), unspaced=True)
    own = fold(word)
    return Term((word,), tuple(k for k in dict.fromkeys(keys(word)) if fold(k) != own))


def _with_prefix(terms: list[Term], *, typing_last: bool) -> list[Term]:
    last = terms[-1]
    long_enough = len(last.forms[0]) >= MIN_PREFIX and " " not in last.forms[0]
    if typing_last and long_enough and not last.unspaced:
        # A key is shorter than its word ("Lia" → "la"): a short key as a beginning would
        # match half the names, so a word being typed keeps only keys long enough.
        keys = tuple(key for key in last.keys if len(key) >= MIN_PREFIX)
        terms[-1] = replace(last, keys=keys, prefix=True)
    return terms


# -- filters ----------------------------------------------------------------------------------


def _filters(
    kinds: Collection[str] | None,
    date_from: DateLike | None,
    date_to: DateLike | None,
    status: str | None,
    levels: Collection[Confidentiality],
) -> Filters:
    errors: dict[str, str] = {}
    unknown = sorted(set(kinds or ()) - set(KINDS))
    if unknown:
        errors["kind"] = f"unknown kind; kinds: {', '.join(sorted(KINDS))}"
    if status is not None and status not in STATUSES:
        errors["status"] = f"unknown status; statuses: {', '.join(sorted(STATUSES))}"
    start, end = _day(date_from, "date_from", errors, last=False), _day(date_to, "date_to", errors)
    if start and end and start > end:
        errors["date_to"] = "is before date_from"
    if errors:
        raise Invalid("The search filters are not valid.", errors)
    return Filters(
        levels=frozenset(level.value for level in levels),
        kinds=frozenset(kinds) if kinds else None,
        status=status,
        date_from=start,
        date_to=end,
    )


def _day(
    value: DateLike | None, field: str, errors: dict[str, str], *, last: bool = True
) -> str | None:
    """The ISO day a date filter means: the first possible day of ``from``, the last of ``to``."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        parsed = value if isinstance(value, PartialDate) else PartialDate.parse(value)
    except ValueError as exc:
        errors[field] = str(exc)
        return None
    return (parsed.latest() if last else parsed.earliest()).isoformat()


def _check_page(limit: int, offset: int) -> None:
    errors = {}
    if not 1 <= limit <= MAX_LIMIT:
        errors["limit"] = f"must be from 1 to {MAX_LIMIT}"
    if not 0 <= offset <= MAX_OFFSET:
        errors["offset"] = f"must be from 0 to {MAX_OFFSET}; narrow the search instead"
    if errors:
        raise Invalid("Bad page.", errors)


# -- hits and snippets ------------------------------------------------------------------------


def _hit(
    raw: RawHit, names: Sequence[str], texts: Sequence[str], pattern: re.Pattern[str] | None
) -> SearchHit:
    snippet = _snippet(names, texts, pattern, raw.named)
    marks = tuple(m.span() for m in pattern.finditer(fold(snippet))) if pattern else ()
    return SearchHit(raw.record_id, raw.kind, raw.title, snippet, raw.score, raw.named, marks)


def _pattern(terms: Sequence[Term]) -> re.Pattern[str] | None:
    """Finds the query's words in folded text (each form's first word; the last as a prefix)."""
    options = []
    for term in terms:
        for form in term.forms:
            first = words(fold(form))[:1]
            if first:
                end = "" if term.prefix or term.unspaced else r"(?![^\W_])"
                start = "" if term.unspaced else r"(?<![^\W_])"
                options.append(start + re.escape(first[0]) + end)
    return re.compile("|".join(options)) if options else None


def _snippet(
    names: Sequence[str], texts: Sequence[str], pattern: re.Pattern[str] | None, named: bool
) -> str:
    ordered = (*names, *texts) if named else (*texts, *names)
    fields = [unicodedata.normalize("NFC", f) for f in ordered]  # fold() keeps NFC lengths
    for text in fields if pattern else ():
        assert pattern is not None
        found = pattern.search(fold(text))
        if found:
            return _window(text, found.start(), found.end())
    if named or not fields:  # found by a search key: the names say why
        return " · ".join(names)[: _SNIPPET * 2]
    return _window(fields[0], 0, 0)


def _window(text: str, start: int, end: int) -> str:
    """About ``_SNIPPET`` characters of ``text`` around ``start:end``, cut at spaces."""
    lo = max(0, start - _SNIPPET // 3)
    hi = min(len(text), max(end, lo + _SNIPPET))
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space > end else hi
    body = " ".join(text[lo:hi].split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")
