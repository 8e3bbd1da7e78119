"""Small text rules the importer shares: how names are compared and which language a name is in."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["clean", "name_lang", "name_parts", "normalise"]

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[.,;:\"'«»“”„()\[\]’ʼ`-]+")
_BE_ONLY = frozenset("іўІЎ'’ʼ")  # letters and the apostrophe that Russian spelling does not use
_RU_ONLY = frozenset("ищъИЩЪ")  # letters that Belarusian spelling does not use
_PATRONYMIC = re.compile(r"(віч|вич|ич|вна|ўна|ична|чна)$")


def clean(value: object) -> str:
    """A cell as text: NFC, no surrounding or repeated spaces (sheets are full of them)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip()


def normalise(text: str) -> str:
    """The form two names are compared in: case, punctuation, spaces and ё/е ignored.

    Exact after that: "Іванова А.В." and "иванова а. в." are equal; Belarusian and Russian
    spellings of one name are not (that is the resolver's job, not the importer's)."""
    folded = clean(text).casefold().replace("ё", "е")
    return _SPACES.sub(" ", _PUNCT.sub(" ", folded)).strip()


@lru_cache(maxsize=4096)  # officials' and facilities' names come back on many rows
def name_lang(name: str) -> str:
    """A BCP 47 tag for a name as written: ``be`` or ``ru`` when letters only one of the two
    languages uses decide it, else the script alone (``und-Cyrl``, ``und-Latn``, ``und``)."""
    scripts = {_script(ch) for ch in name if ch.isalpha()}
    if scripts == {"Cyrl"}:
        letters = set(name)
        be, ru = bool(letters & _BE_ONLY), bool(letters & _RU_ONLY)
        if be != ru:
            return "be" if be else "ru"
        return "und-Cyrl"
    if scripts == {"Latn"}:
        return "und-Latn"
    return "und"


def name_parts(name: str) -> dict[str, str]:
    """A name as a ``NameForm``'s fields: as written, its language, and family, given name and
    patronymic when it is three words ending in a patronymic."""
    parts = name.split(" ")
    form = {"full": name, "lang": name_lang(name)}
    if len(parts) == 3 and _PATRONYMIC.search(parts[2].casefold()):
        form |= dict(zip(("family", "given", "patronymic"), parts, strict=True))
    return form


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if name.startswith("CYRILLIC"):
        return "Cyrl"
    return "Latn" if name.startswith("LATIN") else "other"
