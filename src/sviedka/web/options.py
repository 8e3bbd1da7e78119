"""The choices the forms offer: vocabulary terms in the page's language, and the courts,
facilities, judges, prosecutors, sources and events the user may read."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import Confidentiality, Involvement, Organisation, Role
from ..services.access import visible_levels
from .labels import ENUMS, enum_label, record_title
from .queries import all_visible, titles

if TYPE_CHECKING:
    from .pages import Page

__all__ = [
    "Options",
    "enum",
    "form_options",
    "levels",
    "organisations",
    "people_in_role",
    "perpetrators",
    "titled",
    "vocab",
]

Options = list[tuple[str, str]]


def _natural(code: str) -> list[object]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code)]


def vocab(page: Page, name: str, *, indent: bool = False) -> Options:
    """A vocabulary's terms, labelled in the page's language (codes in natural order for the
    Criminal Code: 130, 130-1, 342, 361-1)."""
    with page.archive.store.view() as view:
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
    mine = visible_levels(page.me)
    return [
        (level.value, enum_label(page, "confidentiality", level))
        for level in Confidentiality
        if level in mine
    ]


def organisations(page: Page, kind: str) -> Options:
    found = [
        (o.id, record_title(o, page.lang))
        for o in all_visible(page.archive.store, page.me, "organisation")
        if isinstance(o, Organisation) and o.kind.value == kind
    ]
    return sorted(found, key=lambda item: item[1].casefold())


def people_in_role(page: Page, role: Role) -> Options:
    """People recorded as judges (or prosecutors…) in a case the user may read."""
    store, user = page.archive.store, page.me
    ids = {
        i.perpetrator
        for i in all_visible(store, user, "involvement")
        if isinstance(i, Involvement) and i.role is role
    }
    found = [(k, record_title(r, page.lang)) for k, r in titles(store, user, ids).items()]
    return sorted((item for item in found), key=lambda item: item[1].casefold())


def perpetrators(page: Page) -> Options:
    """Everyone recorded as a perpetrator in a case the user may read."""
    store, user = page.archive.store, page.me
    ids = {
        i.perpetrator for i in all_visible(store, user, "involvement") if isinstance(i, Involvement)
    }
    found = [(k, record_title(r, page.lang)) for k, r in titles(store, user, ids).items()]
    return sorted(found, key=lambda item: item[1].casefold())


def titled(page: Page, kind: str, *, newest: int = 300) -> Options:
    records = list(all_visible(page.archive.store, page.me, kind))[-newest:]
    return [(r.id, record_title(r, page.lang)) for r in reversed(records)]


def form_options(page: Page, kind: str) -> dict[str, Options]:
    """Every choice one of the case forms offers."""
    common = {
        "levels": levels(page),
        "sources": titled(page, "source"),
        "reliability": enum(page, "reliability"),
        "credibility": enum(page, "credibility"),
        "regions": vocab(page, "regions_by"),
        "genders": enum(page, "gender"),
        "name_langs": enum(page, "name_lang"),
    }
    if kind == "incident":
        return common | {
            "events": titled(page, "event"),
            "acts": vocab(page, "types_of_acts", indent=True),
            "roles": enum(page, "perpetrator_role"),
            "perpetrators": perpetrators(page),
        }
    return common | {
        "articles": vocab(page, "criminal_code_by"),
        "penalties": vocab(page, "penalty_types"),
        "regimes": vocab(page, "facility_regimes"),
        "facility_types": vocab(page, "facility_types"),
        "courts": organisations(page, "court"),
        "units": organisations(page, "police"),
        "facilities": organisations(page, "penal_facility"),
        "judges": people_in_role(page, Role.JUDGE),
        "prosecutors": people_in_role(page, Role.PROSECUTOR),
    }
