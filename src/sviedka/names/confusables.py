"""Text as a reader sees it: invisible characters dropped, look-alike letters folded.

"Аlеs Віаlіаtskі" reads as Ales Bialiatski, but six of its ten letters are Cyrillic; "Але‍сь"
reads as Алесь, but a zero-width joiner cuts it in two. Without :func:`unmask` neither meets its
plain spelling in search keys, blocking keys or the search index. Two steps:

1. **Invisible characters go**: every format character (category Cf: zero-width space and
   joiners, soft hyphen, bidi controls, the byte order mark…) and every other default-ignorable
   code point (variation selectors, the combining grapheme joiner, Hangul fillers), as UTS #39's
   skeleton drops them. The list is fixed here, not read from the running Python, so that keys
   do not change with its Unicode version (``tests/names/test_confusables.py`` compares them).
2. **A word mixing Latin and Cyrillic letters is written in one of them**, letter by letter
   through :data:`HOMOGLYPHS`. Which one: the script with more letters that only it has (no
   look-alike in the other: l, s, t, k; б, л, ц, к); on a tie, the one with more letters.
   Counting all letters would turn Віаlіаtskі (6 Cyrillic, 4 Latin) into Cyrillic "Віаліаtskі";
   counting the letters only one script can write reads it as the Latin word it looks like.
   Letters with no look-alike stay as they are, and so do letters with diacritics (ё, ў, ë):
   the table maps whole letters, and a Latin y followed by a combining breve becomes у with
   it, which is ў. Words in one script are never changed: Cyrillic "Сос" stays Cyrillic.

:data:`HOMOGLYPHS` is the part of Unicode's confusables (``confusables.txt``, UTS #39) between
basic Latin and the Belarusian, Russian and Ukrainian alphabets, one letter for one: Serbian and
Macedonian ј, ѕ are left out (we read neither), and so are confusables whose partner has another
shape in the other case (к is a small capital ĸ, not k). The table is ours, not ICU's at run
time, for the same reason as the invisible characters; the test checks each pair against ICU.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["HOMOGLYPHS", "INVISIBLE", "unmask"]

# Cyrillic letter → Latin letter that looks the same (same case, except Ь, which looks like b).
HOMOGLYPHS = {
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ь": "b",
    "а": "a", "г": "r", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
}  # fmt: skip
_TO_LATIN = str.maketrans(HOMOGLYPHS)
_TO_CYRILLIC = str.maketrans({latin: cyrillic for cyrillic, latin in HOMOGLYPHS.items()})

# Format characters (Cf) and default-ignorable code points of Unicode 14/15, as ranges.
_INVISIBLE_BMP = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5"
    "\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\ufff0-\ufffb"
)
_INVISIBLE_ASTRAL = (
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff"
)
INVISIBLE = _INVISIBLE_BMP + _INVISIBLE_ASTRAL
_INVISIBLE = re.compile(f"[{INVISIBLE}]+")
# A first look, 3-4 times faster than _INVISIBLE on text with none: a list of ranges beyond the
# Basic Multilingual Plane makes a regex slow, one range does not.
_MAYBE_INVISIBLE = re.compile(f"[{_INVISIBLE_BMP}\U00010000-\U0010ffff]")
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"  # letters only
_CYRILLIC = "\u0400-\u0481\u048a-\u052f"
_MARKS = "\u0300-\u036f"  # combining marks: a Latin y and a breve is one letter
_WORD = re.compile(f"(?:[^\\W\\d_]|[{_MARKS}])+")
# Where a Latin letter meets a Cyrillic one (a letter, its marks, a letter of the other script),
# searched for in the text and in it reversed, starting on the text's rarer script: a search
# costs about one attempt per letter it may start on.
_FROM_LATIN = re.compile(f"[{_LATIN}][{_MARKS}]*[{_CYRILLIC}]")
_FROM_CYRILLIC = re.compile(f"[{_CYRILLIC}][{_MARKS}]*[{_LATIN}]")
_LATIN_LETTER = re.compile(f"[{_LATIN}]")
_CYRILLIC_LETTER = re.compile(f"[{_CYRILLIC}]")


def unmask(text: str) -> str:
    """``text`` without invisible characters, each word mixing Latin and Cyrillic letters in
    one script. Idempotent; ASCII text is returned as it is."""
    if text.isascii():
        return text
    if _MAYBE_INVISIBLE.search(text) is not None:
        text = _INVISIBLE.sub("", text)
    if not _has_seam(text):
        return text
    return _WORD.sub(_one_script, text)


def _has_seam(text: str) -> bool:
    mostly_ascii = len(text.encode()) < 1.5 * len(text)  # Cyrillic letters take 2 bytes
    seam = _FROM_CYRILLIC if mostly_ascii else _FROM_LATIN
    return seam.search(text) is not None or seam.search(text[::-1]) is not None


def _one_script(found: re.Match[str]) -> str:
    word = found.group()
    if not _has_seam(word):
        return word
    letters = unicodedata.normalize("NFC", word)
    latin = [c for c in letters if _LATIN_LETTER.match(c)]
    cyrillic = [c for c in letters if _CYRILLIC_LETTER.match(c)]
    only_latin = sum(1 for c in latin if ord(c) not in _TO_CYRILLIC)
    only_cyrillic = sum(1 for c in cyrillic if ord(c) not in _TO_LATIN)
    if (only_latin, len(latin)) > (only_cyrillic, len(cyrillic)):
        letters = letters.translate(_TO_LATIN)
    elif (only_latin, len(latin)) < (only_cyrillic, len(cyrillic)):
        letters = letters.translate(_TO_CYRILLIC)
    return unicodedata.normalize("NFC", letters)
