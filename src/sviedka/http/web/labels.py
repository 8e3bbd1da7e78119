"""How things are named on the pages: enum values, roles, name forms, vocabulary terms, dates.

Enum values get a translatable label here (marked ``N_``, translated where shown); vocabulary
terms carry their own labels in English, Belarusian and Russian (HURIDOCS terms fall back to
English where the thesaurus has no Belarusian label); a person's name is shown in the form that
matches the page's language when there is one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ...model import NameForm, Record
from ...policy import Permission
from ...services.evidence import safe_name
from ...services.records.cases import N_

if TYPE_CHECKING:
    from .pages import Page

__all__ = [
    "ENUMS",
    "display_name",
    "enum_label",
    "navigation",
    "record_title",
    "role_label",
    "template_globals",
    "term_label",
]

ENUMS: dict[str, dict[str, str]] = {
    "confidentiality": {
        "public": N_("Public"),
        "internal": N_("Internal"),
        "confidential": N_("Confidential"),
        "restricted": N_("Restricted"),
    },
    "gender": {
        "female": N_("Female"),
        "male": N_("Male"),
        "other": N_("Other"),
        "unknown": N_("Unknown"),
    },
    "role": {
        "viewer": N_("Viewer"),
        "documenter": N_("Documenter"),
        "verifier": N_("Verifier"),
        "coordinator": N_("Coordinator"),
        "admin": N_("Administrator"),
    },
    "perpetrator_role": {
        "judge": N_("Judge"),
        "prosecutor": N_("Prosecutor"),
        "investigator": N_("Investigator"),
        "officer": N_("Officer"),
        "commander": N_("Commander"),
        "facility_head": N_("Head of the facility"),
        "facility_staff": N_("Facility staff"),
        "medical_staff": N_("Medical staff"),
        "official": N_("Official"),
        "other": N_("Other"),
    },
    "reliability": {
        "A": N_("A: completely reliable"),
        "B": N_("B: usually reliable"),
        "C": N_("C: fairly reliable"),
        "D": N_("D: not usually reliable"),
        "E": N_("E: unreliable"),
        "F": N_("F: reliability cannot be judged"),
    },
    "credibility": {
        "1": N_("1: confirmed by other sources"),
        "2": N_("2: probably true"),
        "3": N_("3: possibly true"),
        "4": N_("4: doubtful"),
        "5": N_("5: improbable"),
        "6": N_("6: truth cannot be judged"),
    },
    "status": {
        "held": N_("Held now"),
        "released": N_("Released"),
        "unknown": N_("Not known"),
    },
    "verdict": {"same": N_("Same"), "not-same": N_("Not the same"), "unsure": N_("Unsure")},
    "custody": {
        "collected": N_("Collected"),
        "ingested": N_("Stored in the vault"),
        "viewed": N_("Viewed"),
        "exported": N_("Exported or downloaded"),
        "transferred": N_("Transferred"),
        "verified": N_("Verified"),
        "reencrypted": N_("Re-encrypted"),
    },
    "kind": {
        "person": N_("Person"),
        "organisation": N_("Organisation"),
        "detention": N_("Detention"),
        "event": N_("Event"),
        "act": N_("Act"),
        "involvement": N_("Involvement"),
        "source": N_("Source"),
        "information": N_("Information"),
        "evidence": N_("Evidence"),
        "testimony": N_("Testimony"),
        "intervention": N_("Intervention"),
        "designation": N_("Designation"),
        "sanction": N_("Sanction"),
    },
    "name_lang": {
        "be": N_("Belarusian"),
        "ru": N_("Russian"),
        "en": N_("English"),
        "be-Latn": N_("Belarusian, Latin script"),
        "und": N_("Other or not known"),
    },
}

# Which name form to show first, by page language.
_NAME_ORDER = {
    "be": ("be", "ru", "be-Latn", "en"),
    "ru": ("ru", "be", "be-Latn", "en"),
    "en": ("en", "be-Latn", "be", "ru"),
}


def display_name(names: Iterable[NameForm], lang: str) -> str:
    forms = list(names)
    if not forms:
        return "—"
    order = _NAME_ORDER.get(lang, ())
    ranked = sorted(forms, key=lambda n: order.index(n.lang) if n.lang in order else len(order))
    return ranked[0].full


def record_title(record: Record, lang: str) -> str:
    """A short title for any record: its name, its title, or its kind and id."""
    names = getattr(record, "names", None)
    if names:
        return display_name(names, lang)
    title = getattr(record, "title", None)
    if isinstance(title, str) and title:
        return title
    arrest = getattr(record, "arrest", None)
    if arrest is not None and arrest.date is not None:
        return str(arrest.date)
    return record.id[:8]


def enum_label(page: Page, group: str, value: Any) -> str:
    code = getattr(value, "value", value)
    text = ENUMS.get(group, {}).get(str(code))
    return page.gettext(text) if text else str(code)


def role_label(page: Page, role: Any) -> str:
    return enum_label(page, "role", role)


def navigation(page: Page) -> list[tuple[str, str]]:
    """The menu: only the pages the user's role may open (the routes check it again)."""
    items = [
        ("/", N_("Dashboard"), Permission.READ),
        ("/people", N_("People"), Permission.READ),
        ("/record", N_("Record a case"), Permission.CREATE),
        ("/evidence", N_("Evidence"), Permission.READ),
        ("/search", N_("Search"), Permission.READ),
        ("/imports", N_("Imports"), Permission.IMPORT),
        ("/admin", N_("Admin"), Permission.MANAGE_USERS),
    ]
    return [(href, page.gettext(label)) for href, label, needs in items if page.can(needs)]


def term_label(terms: Mapping[str, Any], code: str | None, lang: str) -> str:
    if not code:
        return ""
    term = terms.get(code)
    return str(term.label(lang)) if term is not None else code


def template_globals(lang: str) -> dict[str, Callable[..., str]]:
    return {
        "display_name": lambda names: display_name(names, lang),
        "record_title": lambda record: record_title(record, lang),
        "short_time": lambda at: (at or "")[:16].replace("T", " "),
        "file_name": lambda name: safe_name(name) if name else "",  # without bidi tricks
    }
