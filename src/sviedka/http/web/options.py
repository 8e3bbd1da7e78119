"""The choices the forms offer: vocabulary terms in the page's language, levels, and the penal
facilities of the people list's filter. Courts, judges, sources, events… are not offered in
advance but found as one types (``picks``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ...model import Confidentiality
from ...policy import redact, visible_levels
from .labels import ENUMS, enum_label, record_title

if TYPE_CHECKING:
    from .pages import Page

__all__ = [
    "Options",
    "enum",
    "form_options",
    "levels",
    "organisations",
    "vocab",
]

Options = list[tuple[str, str]]


def _natural(code: str) -> list[object]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code)]


def vocab(page: Page, name: str, *, indent: bool = False) -> Options:
    """A vocabulary's terms, labelled in the page's language (codes in natural order for the
    Criminal Code: 130, 130-1, 342, 361-1)."""
    with page.archive.store.view(page.principal) as view:
        terms = view.vocabulary(name).terms
    if name == "criminal_code_by":
        terms = tuple(sorted(terms, key=lambda term: _natural(term.code)))
        return [(term.code, f"{term.code} — {term.label(page.lang)}") for term in terms]
    pad = "\u2003"  # an em space per level, so the hierarchy shows inside a select
    return [(t.code, f"{pad * t.level if indent else ''}{t.label(page.lang)}") for t in terms]


def enum(page: Page, group: str) -> Options:
    return [(code, page.gettext(text)) for code, text in ENUMS[group].items()]


def levels(page: Page) -> Options:
    """The levels a case may be saved at from a form: within the user's clearance (a restricted
    case is granted to its author when saved)."""
    mine = visible_levels(page.principal)
    return [
        (level.value, enum_label(page, "confidentiality", level))
        for level in Confidentiality
        if level in mine
    ]


def organisations(page: Page, kind: str, *, limit: int = 500) -> Options:
    """Organisations of one kind (penal facilities for the people list's filter: a few hundred
    at most), by name; the confidential ones shown are audited."""
    with page.archive.store.view(page.principal) as view:
        found = view.records("organisation", where={"kind": kind}, limit=limit)
    records = [redact(page.principal, s.record) for s in found]
    page.audit("list", records)
    named = [(r.id, record_title(r, page.lang)) for r in records]
    return sorted(named, key=lambda item: item[1].casefold())


def form_options(page: Page, kind: str, allowed: Iterable[Confidentiality]) -> dict[str, Options]:
    """Every choice one of the case forms offers (``allowed``: the levels it may be saved at,
    ``records.guarded.recording_levels``)."""
    common = {
        "levels": [(level.value, enum_label(page, "confidentiality", level)) for level in allowed],
        "reliability": enum(page, "reliability"),
        "credibility": enum(page, "credibility"),
        "regions": vocab(page, "regions_by"),
        "genders": enum(page, "gender"),
        "name_langs": enum(page, "name_lang"),
    }
    if kind == "incident":
        return common | {
            "acts": vocab(page, "types_of_acts", indent=True),
            "roles": enum(page, "perpetrator_role"),
        }
    return common | {
        "articles": vocab(page, "criminal_code_by"),
        "penalties": vocab(page, "penalty_types"),
        "regimes": vocab(page, "facility_regimes"),
        "facility_types": vocab(page, "facility_types"),
    }
