"""Languages: gettext catalogues for English, Belarusian and Russian, and which one to use.

The catalogues are the ``.po`` files under ``locale/``; they are compiled in memory with Babel the
first time a language is used, so no binary ``.mo`` file is kept in the repository. The language
is the user's own setting, else the ``sviedka_lang`` cookie (set by the switcher before login),
else the browser's ``Accept-Language``, else English.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

__all__ = [
    "COOKIE",
    "DEFAULT",
    "LANGUAGES",
    "LOCALE_DIR",
    "catalogue_path",
    "from_accept_language",
    "pick_language",
    "translations",
]

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "sviedka"
DEFAULT = "en"
COOKIE = "sviedka_lang"
# The language names are written in their own language, as every switcher should show them.
LANGUAGES: dict[str, str] = {"en": "English", "be": "Беларуская", "ru": "Русский"}


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> Translations:
    """The compiled catalogue of ``lang`` (read once per process)."""
    with catalogue_path(lang).open("rb") as po:
        catalogue = read_po(po, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def from_accept_language(header: str | None) -> str | None:
    """The first of our languages in an ``Accept-Language`` header, by quality then order."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else None


def pick_language(setting: str | None, cookie: str | None, accept: str | None) -> str:
    """The user's setting, else the cookie, else the browser's preference, else English."""
    for choice in (setting, cookie):
        if choice in LANGUAGES:
            return str(choice)
    return from_accept_language(accept) or DEFAULT
