"""The three catalogues are complete: every string of the templates, the web code, the case
forms' and the form reader's messages is in each, translated in Belarusian and Russian with the
same placeholders, and nothing stale is left in them. Extraction is the one ``pybabel extract``
does (babel.cfg)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

from sviedka.http.web.i18n import LANGUAGES, catalogue_path, from_accept_language, pick_language

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "sviedka"
WEB = PACKAGE / "http" / "web"
# the case forms' messages, and the form reader's that they show
CASES = [PACKAGE / "services" / "records" / name for name in ("cases.py", "forms.py")]
KEYWORDS = {"_": None, "gettext": None, "N_": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def extracted() -> set[str]:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    found = {
        message
        for _, _, message, _, _ in extract_from_dir(
            str(WEB), method_map, keywords=KEYWORDS, comment_tags=()
        )
    }
    for path in CASES:
        found |= {m for _, m, _, _ in extract_from_file("python", str(path), keywords=KEYWORDS)}
    assert all(isinstance(m, str) for m in found), "no plural forms are used"
    return {str(m) for m in found}


@pytest.fixture(scope="module")
def source_messages() -> set[str]:
    messages = extracted()
    assert len(messages) > 300  # the extraction itself works
    return messages


def catalogue(lang: str) -> dict[str, str]:
    with catalogue_path(lang).open("rb") as po:
        cat = read_po(po, locale=lang)
    assert not any(m.fuzzy for m in cat if m.id), f"{lang}: fuzzy entries"
    return {str(m.id): str(m.string) for m in cat if m.id}


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_string_is_in_each_catalogue_and_nothing_stale(
    lang: str, source_messages: set[str]
) -> None:
    found = catalogue(lang)
    assert sorted(source_messages - set(found)) == [], f"{lang}: not in the catalogue"
    assert sorted(set(found) - source_messages) == [], f"{lang}: stale entries"


@pytest.mark.parametrize("lang", ["be", "ru"])
def test_belarusian_and_russian_are_fully_translated(lang: str) -> None:
    found = catalogue(lang)
    untranslated = sorted(k for k, v in found.items() if not v.strip())
    assert untranslated == []
    for msgid, text in found.items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(text)), msgid
    copied = [k for k, v in found.items() if v == k and re.search(r"[A-Za-z]{4}", k)]
    assert len(copied) < 5, f"{lang}: left in English: {copied}"


def test_domain_terms_are_the_usual_ones() -> None:
    be, ru = catalogue("be"), catalogue("ru")
    assert be["Recognised as a political prisoner"] == "Прызнаны палітвязнем"
    assert ru["Recognised as a political prisoner"] == "Признан политзаключённым"
    assert be["Article"] == "Артыкул" and ru["Article"] == "Статья"
    assert "пакаранне" in be["Choose the penalty."].lower()


def test_the_language_is_the_users_then_the_cookies_then_the_browsers() -> None:
    assert pick_language("be", "ru", "en") == "be"
    assert pick_language(None, "ru", "be") == "ru"
    assert pick_language(None, None, "de-DE,de;q=0.9,ru;q=0.8,be;q=0.7") == "ru"
    assert pick_language(None, "xx", "fr") == "en"
    assert from_accept_language("en;q=0.1, be-BY") == "be"
    assert from_accept_language("ru;q=0, en;q=bad") is None
