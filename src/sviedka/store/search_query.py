"""What a search asks of the index and what the index answers: plain values, shared by the
``View`` contract (``base.py``) and the index (``search.py``), so that neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Filters", "Hits", "RawHit", "SearchTexts", "Term"]

SearchTexts = tuple[tuple[str, ...], tuple[str, ...]]  # a record's indexed names and texts


@dataclass(frozen=True)
class Term:
    """One word or quoted phrase of a query. It matches when any of ``forms`` is in any field or
    any of ``keys`` (the word's search keys) is among a record's name keys. ``prefix``: the
    last word also matches the beginning of a word, as you type; ``unspaced``: a word in a
    script without spaces (Chinese, Thai…), found as a substring."""

    forms: tuple[str, ...]
    keys: tuple[str, ...] = ()
    prefix: bool = False
    unspaced: bool = False


@dataclass(frozen=True)
class Filters:
    """``levels``: the confidentiality values to include; dates are ISO days, and a record is
    in range when some day it is about lies between them (undated records then never are)."""

    levels: frozenset[str]
    kinds: frozenset[str] | None = None
    status: str | None = None
    date_from: str | None = None
    date_to: str | None = None

    @property
    def dated(self) -> bool:
        return self.date_from is not None or self.date_to is not None


@dataclass(frozen=True)
class RawHit:
    """A matching record as the index knows it; ``named``: its names matched the whole query;
    ``doc``: its number in the index (older records have lower numbers)."""

    record_id: str
    kind: str
    title: str
    named: bool
    score: float
    doc: int

    def rank(self) -> tuple[bool, float, int]:
        """Sort key: names first, then by relevance, then oldest first."""
        return (not self.named, -self.score, self.doc)


@dataclass(frozen=True)
class Hits:
    """The best ``need`` hits of the open levels, how many match in all, and every match of the
    closed level (restricted), for the caller to check one by one."""

    best: list[RawHit]
    total: int
    closed: list[RawHit]
