"""The usual other forms of a name: its Belarusian or Russian counterpart and its Latin spellings.

The counterpart in the other language is given only when every word of the name converts with
certainty: given names and surnames the vocabulary lists, and patronymics built on a listed
given name. Belarusian vowels depend on stress (akanne: Калеснікава ↔ Колесникова), so an
unlisted surname is not guessed; its Latin spellings are still given.
"""

from __future__ import annotations

import re
from functools import cache

from .data.surnames import SURNAMES
from .romanise import romanise
from .vocabulary import given_name, patronymic

__all__ = ["detect_language", "name_variants"]

_BE_ONLY = re.compile("[іўэ'’ʼ]", re.IGNORECASE)
_RU_ONLY = re.compile("[иъщ]", re.IGNORECASE)
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = {"be": ("passport-be", "bgn-be", "national-be", "lacinka-be"),
          "ru": ("bgn-ru", "passport-ru")}  # fmt: skip
_PATRONYMIC_ENDINGS = {  # (gender, language) → (after a hard stem, after ‑й/‑ій/‑ь stems)
    ("m", "be"): ("авіч", "евіч"),
    ("f", "be"): ("аўна", "еўна"),
    ("m", "ru"): ("ович", "евич"),
    ("f", "ru"): ("овна", "евна"),
}

_IRREGULAR = {"Ілля": ("Ільіч", "Ільінічна"), "Илья": ("Ильич", "Ильинична")}


def detect_language(text: str) -> str | None:
    """``be`` or ``ru`` when the letters say so (і ў э vs и ъ щ), else None."""
    if _BE_ONLY.search(text):
        return "be"
    if _RU_ONLY.search(text):
        return "ru"
    return None


@cache
def _surnames() -> dict[tuple[str, str], str]:
    pairs: dict[tuple[str, str], str] = {}
    for line in SURNAMES.strip().splitlines():
        be, ru, _ = line.split("|")
        pairs[("be", be.lower())] = ru
        pairs[("ru", ru.lower())] = be
    return pairs


def _patronymic(word: str, source: str, target: str) -> str | None:
    found = patronymic(word)
    if found is None or found.father is None:
        return None
    father = found.father.be if target == "be" else found.father.ru
    if father in _IRREGULAR:
        return _IRREGULAR[father][found.gender == "f"]
    hard, soft = _PATRONYMIC_ENDINGS[(found.gender, target)]
    if target == "ru" and father.endswith(("а", "я")):
        return father[:-1] + ("ич" if found.gender == "m" else "ична")  # Никитич, Саввична
    if father.endswith(("й", "ь")):
        stem = father[:-1]
        stem = stem[:-1] if stem.endswith(("і", "и")) else stem
        return stem + soft
    return (father[:-1] if father.endswith(("а", "я")) else father) + hard


def _convert(word: str, source: str, target: str) -> str | None:
    name = given_name(word)
    if name is not None:
        return name.be if target == "be" else name.ru
    listed = _surnames().get((source, word.lower()))
    if listed is not None:
        return listed
    return _patronymic(word, source, target)


def _counterpart(text: str, source: str) -> str | None:
    target = "ru" if source == "be" else "be"
    out = []
    for word in text.split():
        converted = _convert(word, source, target)
        if converted is None:
            return None
        out.append(converted)
    return " ".join(out)


def name_variants(full: str, lang: str | None = None) -> list[str]:
    """``full`` and its usual other forms, without repeats, ``full`` first.

    For a Cyrillic name: the other language's Cyrillic form (when certain), then the Latin
    spellings of each (passport, BGN/PCGN, national system and Łacinka for Belarusian; BGN/PCGN
    and passport for Russian). ``lang`` says which language ``full`` is in when the letters do
    not (Алесь Знак could be either); left None, both are tried. A Latin name is returned as is.
    """
    full = " ".join(full.split())
    if not _CYRILLIC.search(full):
        return [full] if full else []
    detected = lang or detect_language(full)
    forms = [full]
    for source in [detected] if detected else ["be", "ru"]:
        by_lang = {source: full}
        other = _counterpart(full, source)
        if other is not None:
            by_lang[_other(source)] = other
        forms += [by_lang[k] for k in ("be", "ru") if k in by_lang]
        for language, text in sorted(by_lang.items()):
            forms += [romanise(text, system) for system in _LATIN[language]]
    return list(dict.fromkeys(forms))


def _other(lang: str) -> str:
    return "ru" if lang == "be" else "be"
