"""Latin spellings of a Cyrillic name by the systems people meet in documents.

* ``bgn-be`` — BGN/PCGN 1979 for Belarusian (Byalyatski, Tsikhanowskaya; ў is w);
* ``national-be`` — the Belarusian national system (Instruction of 2000, adopted by the UN in
  2007): č, š, ž, ŭ, c for ц, ch for х, ie/ia/iu/io after consonants, acute for softness
  (ć, ś, ź, ń, ĺ) — Bialiacki, Cichanoŭskaja;
* ``lacinka-be`` — classic Łacinka: as the national system, but hard л is ł and soft л is l
  (Bialacki, Łukašenka);
* ``passport-be`` — Belarusian passports and Viasna's English (Bialiatski, Aliaksandr,
  Kalesnikava, Tsikhanouskaya, Siarhei): ICAO-like, ў as u, ie/ia/iu/io after consonants;
* ``bgn-ru`` — BGN/PCGN 1947 for Russian (Belyatskiy, Tikhanovskaya, Artëm), apostrophes
  dropped;
* ``passport-ru`` — Russian passports since 2014 (ICAO Doc 9303: Beliatskii, Tikhanovskaia).

Each system is a letter table plus context for iotated vowels (е, ё, ю, я) and the soft sign.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["SYSTEMS", "romanise"]

_VOWELS = set("аеёіиоуыэюяАЕЁІИОУЫЭЮЯ")
_COMMON = {
    "а": "a", "б": "b", "в": "v", "д": "d", "з": "z", "і": "i", "и": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
    "ы": "y", "э": "e", "ъ": "", "'": "", "’": "", "ʼ": "",
}  # fmt: skip
_BGN_BE = {**_COMMON, "г": "h", "ґ": "g", "ж": "zh", "й": "y", "ў": "w", "х": "kh", "ц": "ts",
           "ч": "ch", "ш": "sh", "щ": "shch", "ь": ""}  # fmt: skip
_NATIONAL = {**_COMMON, "г": "h", "ґ": "g", "ж": "ž", "й": "j", "ў": "ŭ", "х": "ch", "ц": "c",
             "ч": "č", "ш": "š", "щ": "šč", "ь": ""}  # fmt: skip
_PASSPORT_BE = {**_COMMON, "г": "h", "ґ": "g", "ж": "zh", "й": "i", "ў": "u", "х": "kh",
                "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": ""}  # fmt: skip
_BGN_RU = {**_COMMON, "г": "g", "ж": "zh", "й": "y", "х": "kh", "ц": "ts", "ч": "ch",
           "ш": "sh", "щ": "shch", "ь": "", "ы": "y"}  # fmt: skip
_PASSPORT_RU = {**_COMMON, "г": "g", "ж": "zh", "й": "i", "х": "kh", "ц": "ts", "ч": "ch",
                "ш": "sh", "щ": "shch", "ь": "", "ъ": "ie"}  # fmt: skip
_SOFTENED = {"з": "ź", "с": "ś", "ц": "ć", "н": "ń", "л": "ĺ"}  # national system, before ь
_IOTATED = {"е": "e", "ё": "o", "ю": "u", "я": "a"}
_SOFT_VOWELS = frozenset("іеёюяь")


def _after_consonant(prev: str) -> bool:
    return bool(prev) and prev not in _VOWELS and prev not in "ьъ'’ʼў" and prev.isalpha()


def _bgn_be(word: str, i: int) -> str | None:
    ch = word[i]
    if ch in _IOTATED:
        return "y" + _IOTATED[ch]
    return _BGN_BE.get(ch)


def _national(word: str, i: int, lacinka: bool = False) -> str | None:
    ch, prev = word[i], word[i - 1] if i else ""
    nxt = word[i + 1] if i + 1 < len(word) else ""
    if ch in _IOTATED:
        if lacinka and prev == "л":
            return _IOTATED[ch]  # soft л is plain l in Łacinka: the vowel needs no i
        return ("i" if _after_consonant(prev) else "j") + _IOTATED[ch]
    if nxt == "ь" and ch in _SOFTENED:
        return "l" if lacinka and ch == "л" else _SOFTENED[ch]
    if lacinka and ch == "л":
        soft = nxt in _SOFT_VOWELS or (nxt == "л" and word[i + 2 : i + 3] in _SOFT_VOWELS)
        return "l" if soft else "ł"  # Ілля → Illa: a doubled soft л is soft throughout
    return _NATIONAL.get(ch)


def _lacinka(word: str, i: int) -> str | None:
    return _national(word, i, lacinka=True)


def _passport_be(word: str, i: int) -> str | None:
    ch, prev = word[i], word[i - 1] if i else ""
    nxt = word[i + 1] if i + 1 < len(word) else ""
    if ch == "е":
        return "e" if _after_consonant(prev) else "ye"  # Kalesnikava, Andreyeva
    if ch in _IOTATED:
        soft = _after_consonant(prev) or prev == "ы"
        return ("i" if soft else "y") + _IOTATED[ch]
    if ch == "й":
        if prev == "ы" and not nxt:
            return ""  # Дзмітрый → Dzmitry, Юрый → Yury
        return "y" if nxt in _VOWELS else "i"
    if ch == "ц" and nxt == "ц":
        return ""  # Таццяна → Tatsiana
    return _PASSPORT_BE.get(ch)


def _bgn_ru(word: str, i: int) -> str | None:
    ch, prev = word[i], word[i - 1] if i else ""
    if ch in ("е", "ё"):
        start = not prev or prev in _VOWELS or prev in "йъь"
        return ("y" if start else "") + ("e" if ch == "е" else "ë")
    if ch in ("ю", "я"):
        return "y" + _IOTATED[ch]
    return _BGN_RU.get(ch)


def _passport_ru(word: str, i: int) -> str | None:
    ch = word[i]
    if ch in ("е", "ё"):
        return "e"
    if ch in ("ю", "я"):
        return "i" + _IOTATED[ch]
    return _PASSPORT_RU.get(ch)


SYSTEMS: dict[str, Callable[[str, int], str | None]] = {
    "passport-be": _passport_be,
    "bgn-be": _bgn_be,
    "national-be": _national,
    "lacinka-be": _lacinka,
    "bgn-ru": _bgn_ru,
    "passport-ru": _passport_ru,
}


def _word(word: str, system: Callable[[str, int], str | None]) -> str:
    lower = word.lower()
    out = []
    for i, ch in enumerate(lower):
        latin = system(lower, i)
        out.append(ch if latin is None else latin)
    text = "".join(out)
    return text[:1].upper() + text[1:] if word[:1].isupper() else text


def romanise(text: str, system: str) -> str:
    """``text`` (Cyrillic) in the Latin spelling of ``system`` (a key of ``SYSTEMS``).

    Letters the system does not cover, and anything not Cyrillic, pass through unchanged.
    """
    rule = SYSTEMS[system]
    parts = text.replace("-", " - ").split(" ")
    return " ".join(_word(p, rule) if p != "-" else p for p in parts).replace(" - ", "-")
