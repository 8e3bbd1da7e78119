"""One spelling-independent form per word, whatever the script it was written in.

``phonetic("Бяляцкі") == phonetic("Беляцкий") == phonetic("Bialiatski") == "bjaljacki"``-like
strings are not the goal; the goal is that the *differences* between Belarusian and Russian
Cyrillic and the usual romanisations fold away in the steps below, so that :func:`skeleton` (the
search key) is equal for all of them and a string distance on :func:`phonetic` is small.

The internal alphabet is lower-case Latin; ``'`` marks softness (ь, apostrophe, acute in Łacinka)
until it has softened a preceding ц; ``w`` stands for ў (and Latin u after a vowel, Polish w).

Steps, each a table or a rule a reader can check:

1. Cyrillic letters by a table (Belarusian, Russian and Ukrainian letters); Latin runs by
   multigraphs (``shch``, ``kh``, ``zh``, ``ts``…). Łacinka and the Belarusian national system are
   recognised by their diacritics (č š ž ŭ ć ś ź ń ĺ ł), and there ``ch`` is х, not ч.
2. ``ts`` → ``c``; ц before a front vowel or a soft sign → ``t`` (цеканне: Ціханоўская ↔
   Тихановская, Кацярына ↔ Екатерина); ``dz`` → ``d`` (дзеканне: Дзмітрый ↔ Дмитрий).
3. Folding what romanisations lose or confuse: č→c, š→s, ž→z, g→h (г is h in Belarusian
   romanisations and g in Russian ones; х is h or kh), ў/w/u-after-a-vowel → v (Ціханоўская ↔
   Tsikhanouskaya ↔ Тихановская), a leading u before a consonant → v (Уладзімір ↔ Владимир).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rigour.text.translit import ascii_text

__all__ = ["fold", "is_lacinka", "phonetic", "script_of", "skeleton", "skeleton_of", "words"]

CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "ё": "jo", "є": "je",
    "ж": "ž", "з": "z", "и": "i", "і": "i", "ї": "ji", "й": "j", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ў": "w", "ф": "f",
    "х": "h", "ц": "c", "ч": "č", "ш": "š", "щ": "šč", "ъ": "", "ы": "y", "ь": "'", "э": "e",
    "ю": "ju", "я": "ja",
}  # fmt: skip

# Łacinka and the national system: diacritics that only they use among our romanisations.
_LACINKA_MARKS = frozenset("čšžŭćśźńĺł")
_LACINKA = {"ł": "l", "ŭ": "w", "ć": "c'", "ś": "s'", "ź": "z'", "ń": "n'", "ĺ": "l'", "ch": "h"}
# Latin multigraphs (longest first), for English, BGN/PCGN, passport, German and Polish styles.
_LATIN = {
    "shch": "šč", "sch": "š", "tsch": "č", "tch": "č", "dzh": "dž", "zh": "ž", "kh": "h",
    "sh": "š", "ch": "č", "ts": "c", "tz": "c", "cz": "č", "sz": "š", "ph": "f", "ck": "k",
    "x": "ks", "q": "k", "w": "w", "’": "'", "ʼ": "'", "`": "'",
}  # fmt: skip
# c before a hard vowel or a consonant is k in English spellings (Victor, Nicolai); outside
# Łacinka ц is written ts/tz, or c before a front vowel.
_HARD_C = r"c(?=[aoulmnprstvbdfgz]|$)"
_SLAVIC_CK = re.compile(r"(?:i|y|a|ij|iy|yj|ii|ich|aja|aya|aia|oj|oy|ie|e)$")
_LATIN_RE = re.compile("|".join([*sorted(map(re.escape, _LATIN), key=len, reverse=True), _HARD_C]))
_LACINKA_RE = re.compile("|".join(sorted(map(re.escape, _LACINKA), key=len, reverse=True)))
_VOWELS = "aeiouyj"
_KEEP = frozenset("čšžw'")
_FOLD = str.maketrans({"č": "c", "š": "s", "ž": "z", "g": "h", "w": "v"})
_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")


def is_lacinka(word: str) -> bool:
    return any(ch in _LACINKA_MARKS for ch in word.lower())


def _latin(run: str, lacinka: bool) -> str:
    if lacinka:
        run = _LACINKA_RE.sub(lambda m: _LACINKA[m.group()], run)
    return "".join(ch if ch in _KEEP else _ascii_letters(ch) for ch in _multigraphs(run, lacinka))


def _multigraphs(run: str, lacinka: bool) -> str:
    def replace(m: re.Match[str]) -> str:
        found = m.group()
        if found == "ck" and _SLAVIC_CK.match(run, m.end()):
            return "ck"  # -cki, -cka, -cky: ц+к as in Polish and Czech spellings (Sawicki)
        if found == "c":
            return "c" if lacinka else "k"
        return _LATIN[found]

    return _LATIN_RE.sub(replace, run)


def _ascii_letters(text: str) -> str:
    if text.isascii():
        return "".join(c for c in text if c.isalpha() or c == "'")
    return "".join(c for c in ascii_text(text).lower() if c.isalpha())


def script_of(word: str) -> str:
    """The script of a word's first letter: "cyrillic", "latin" or "other"."""
    return _script(word[0]) if word else "latin"


def _script(ch: str) -> str:
    if "\u0400" <= ch <= "\u04ff":
        return "cyrillic"
    if ch.isascii() or unicodedata.name(ch, "").startswith("LATIN") or ch in "’ʼ`":
        return "latin"
    return "other"


def _script_runs(word: str) -> list[tuple[str, str]]:
    """Split into (script, run) pieces so that each run gets its own rules."""
    runs: list[tuple[str, str]] = []
    for ch in word:
        script = _script(ch)
        if runs and runs[-1][0] == script:
            runs[-1] = (script, runs[-1][1] + ch)
        else:
            runs.append((script, ch))
    return runs


def _run(script: str, run: str, lacinka: bool) -> str:
    if script == "cyrillic":
        return "".join(CYRILLIC.get(ch, "") for ch in run)
    if script == "other":  # Greek, Georgian, Arabic, CJK…: rigour's transliteration, then ours
        run = ascii_text(run).lower()
    return _latin(run, lacinka)


@lru_cache(maxsize=65536)
def phonetic(word: str, lacinka: bool | None = None) -> str:
    """The folded form of one word (no spaces), lower-case ASCII letters only.

    ``lacinka`` says whether the name the word belongs to is in Łacinka or the national system
    (then ``ch`` is х); None decides from the word's own letters.
    """
    word = unicodedata.normalize("NFC", word.lower())
    lacinka = is_lacinka(word) if lacinka is None else lacinka
    text = "".join(_run(script, run, lacinka) for script, run in _script_runs(word))
    text = re.sub(r"([a-zčšž])\1+", r"\1", text)  # Таццяна, Ілля, Анна
    text = re.sub(r"y(?=[aeou])|^i(?=[aeou])", "j", text)  # ya, ye, Iu, Ia: iotated vowels
    text = re.sub(r"^j(?=e)", "", text)  # initial е: Yevgeniy, Evgenii
    text = text.replace("ts", "c")
    # цеканне: ць, ці, ця, цю, цё (and ts/c + i in Latin) stand for Russian ть, ти, тя…; це is
    # left alone, being hard ц in Russian (Цепкало) and spelt tse for both in passports.
    text = re.sub(r"c(?=[ij'])", "t", text)
    text = text.replace("dz", "d")  # дзеканне
    text = re.sub(r"(?<=[aeo])u(?![aeiouy])", "w", text)  # ŭ written u: -ou, -au
    text = re.sub(r"^u(?=[^aeiouyj'])", "w", text)  # Уладзімір ↔ Владимир
    text = text.translate(_FOLD).replace("'", "")
    return re.sub(r"([a-z])\1+", r"\1", text)


_FRONT = re.compile(r"[jiy]*e|[jiy]+[ao]")
_BACK = re.compile(r"[jiy]*u")
_HIGH = re.compile(r"[iyj]+")
# Belarusian ц ч ш ж р are hard: Russian е after them is а or э (Цапкала ↔ Цепкало,
# Чарнышоў ↔ Чернышёв, Шаўчэнка ↔ Шевченко).
_HARD_E = re.compile(r"(?<=[cszr])e")


@lru_cache(maxsize=65536)
def fold(form: str) -> str:
    """A phonetic form with the vowel differences between Belarusian and Russian folded away.

    я/е/ё/э and their spellings (ia, ya, je, ie, jo…) → e (яканне, ё written e); ю/у → u;
    о → a (akanne); і/и/ы/й → i; e after c, s, z, r → a (those are hard in Belarusian).
    Unlike :func:`skeleton`, different vowels that no correspondence explains stay different:
    Losik (lasik) is not Lysiuk (lisuk).
    """
    form = _FRONT.sub("e", form)
    form = _BACK.sub("u", form)
    form = _HIGH.sub("i", form.replace("o", "a"))
    form = _HARD_E.sub("a", re.sub(r"([a-z])\1+", r"\1", form))
    return re.sub(r"([a-z])\1+", r"\1", form)


def skeleton(word: str, lacinka: bool | None = None) -> str:
    """The search key of one word: its phonetic form, vowels merged, the ending dropped.

    Every run of vowels becomes one ``a`` (akanne, я/е, і/и/ы, iotation spellings all fold), and a
    final run of vowels is dropped (‑ка↔‑ко, ‑скі↔‑ский↔‑sky↔‑skaya, ‑ов↔‑ова): feminine and
    masculine forms of a surname share a key, as do the languages.
    """
    return skeleton_of(phonetic(word, lacinka))


def skeleton_of(form: str) -> str:
    """:func:`skeleton` of a phonetic form."""
    merged = re.sub(f"[{_VOWELS}]+", "a", form)
    return merged[:-1] if len(merged) > 1 and merged.endswith("a") else merged


def words(text: str) -> list[str]:
    """The letter words of ``text`` (apostrophes inside a word kept: Мар'я, Vorob'yev)."""
    return _WORD.findall(text)
