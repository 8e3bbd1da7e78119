"""Criminal Code articles as sheets write them, to (article, part) pairs.

``342 ч.1``, ``ч. 1 ст. 342``, ``361-1, 361-4``, ``Art. 130 part 3``, ``ст.342 ч.2; 130 ч.3``,
``ч.1,2 ст.342``. A part written after an article belongs to it; a part written before an article
marked ``ст.``/``арт.``/``art.`` (or with no article before it) belongs to the next one.
``split_articles`` only reads the writing; whether an article is in the criminal_code_by
vocabulary is the form reader's check (``rows``), as for any vocabulary field.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

__all__ = ["ArticleProblem", "Charged", "parse_articles", "split_articles", "unknown_articles"]

_TOKEN = re.compile(
    r"""
    (?P<part>(?:ч|част[а-яіў]*|p|pt|part|parts)\.?\s*
        (?P<parts>\d{1,2}(?![\d‑–-])(?:\s*(?:,|і|и|and|&)\s*\d{1,2}(?![\d‑–-]))*))
    | (?P<marker>(?:ст|стат[а-яіў]*|арт|артыкул[а-яіў]*|art|article)\b\.?)
    | (?P<article>\d{2,3}(?:\s*[‑–-]\s*\d{1,2}|[¹²³⁴⁵])?)(?!\d)
    | (?P<sep>[,;/+]|\s(?:і|и|and)\s)
    | (?P<ignore>\s+|[.()]|ук|кк|рб|cc|criminal\s+code|of|the|по|па)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_SUPERSCRIPT = {"¹": "-1", "²": "-2", "³": "-3", "⁴": "-4", "⁵": "-5"}


@dataclass(frozen=True)
class Charged:
    article: str
    part: int | None = None


class ArticleProblem(ValueError):
    """The cell cannot be read, or names articles the vocabulary does not have (``unknown``)."""

    def __init__(self, message: str, unknown: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.unknown = unknown


def parse_articles(text: str, known: Collection[str]) -> list[Charged]:
    """The charges written in ``text``; ``ArticleProblem`` names what is wrong."""
    charges = split_articles(text)
    unknown = tuple(dict.fromkeys(c.article for c in charges if c.article not in known))
    if unknown:
        raise unknown_articles(unknown)
    return charges


def split_articles(text: str) -> list[Charged]:
    """The charges written in ``text``, each once, in order; ``ArticleProblem`` if unreadable.
    The articles are not checked against the vocabulary."""
    return list(dict.fromkeys(_assemble(_tokens(text))))


def unknown_articles(codes: tuple[str, ...]) -> ArticleProblem:
    """The problem of a cell naming articles the criminal_code_by vocabulary does not have."""
    return ArticleProblem(
        f"unknown article(s) {', '.join(codes)}: not in the criminal_code_by vocabulary", codes
    )


def _tokens(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ArticleProblem("could not read the articles (e.g. write 342 ч.1 or ч. 1 ст. 342)")
        kind = match.lastgroup or "ignore"
        if kind != "ignore":
            found.append((kind, match.group("parts") if kind == "part" else match.group(kind)))
        position = match.end()
    return found


def _assemble(tokens: list[tuple[str, str]]) -> list[Charged]:
    charges: list[Charged] = []
    pending: list[int] = []  # parts waiting for the article they come before
    open_article: str | None = None  # the last article, while it has no part yet
    for i, (kind, value) in enumerate(tokens):
        if kind == "article":
            code = _code(value)
            charges += [Charged(code, p) for p in pending] or [Charged(code)]
            open_article = None if pending else code
            pending = []
        elif kind == "part":
            parts = [int(n) for n in re.findall(r"\d+", value)]
            marked_next = i + 1 < len(tokens) and tokens[i + 1][0] == "marker"
            if open_article is not None and not marked_next:
                charges.remove(Charged(open_article))
                charges += [Charged(open_article, p) for p in parts]
                open_article = None
            else:
                pending = parts
    if pending:
        raise ArticleProblem("a part is written without its article")
    if not charges:
        raise ArticleProblem("no article number found")
    return charges


def _code(value: str) -> str:
    for mark, suffix in _SUPERSCRIPT.items():
        value = value.replace(mark, suffix)
    return re.sub(r"\s*[‑–-]\s*", "-", value)
