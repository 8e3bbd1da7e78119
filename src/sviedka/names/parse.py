"""A name as parts: each word with its folded form, its key and what kind of part it is.

Order is not decided here: "Бяляцкі Алесь Віктаравіч" and "Ales Bialiatski" are both just parts;
scoring aligns them. What is decided is what each word *is*, as far as the words alone tell:
a known given name, a patronymic (Віктаравіч, Nikolayevna), an initial ("А."), a particle or a
legal form (bin, al, von, LLC: they weigh little), or another word (a surname, usually).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from rigour.names import remove_person_prefixes, replace_org_types_compare
from rigour.text import is_stopword

from .keys import word_key
from .phonetic import is_lacinka, phonetic, script_of, words
from .vocabulary import GivenName, given_name, patronymic

__all__ = ["Kind", "Part", "gender_of", "joined", "parse"]

# Legal forms after rigour's generic replacement (Corporation → corp, Aktiengesellschaft → jsc).
_LEGAL = frozenset({"llc", "jsc", "corp", "ltd", "plc", "inc", "co", "gmbh", "sa", "ag", "lp"})
_PARTICLES = frozenset({"bin", "ibn", "bint", "abu", "ben", "van", "der", "da", "di", "du"})


class Kind(StrEnum):
    GIVEN = "given"
    PATRONYMIC = "patronymic"
    INITIAL = "initial"
    PARTICLE = "particle"
    OTHER = "other"


@dataclass(frozen=True)
class Part:
    text: str  # as written (lower case)
    form: str  # phonetic
    key: str
    kind: Kind
    given: GivenName | None = None
    gender: str | None = None
    script: str = "latin"  # "cyrillic", "latin" or "other": typing slips stay within one

    @property
    def initial(self) -> str:
        return self.form[:1]


def _part(word: str, lacinka: bool) -> Part:
    form = phonetic(word, lacinka)
    key = word_key(word, lacinka)
    script = script_of(word)
    if len(word) == 1:
        return Part(word, form, key, Kind.INITIAL, script=script)
    if word in _LEGAL or word in _PARTICLES or is_stopword(word):
        return Part(word, form, key, Kind.PARTICLE, script=script)
    name = given_name(word, lacinka)
    if name is not None:
        return Part(word, form, key, Kind.GIVEN, name, name.gender, script)
    father = patronymic(word, lacinka)
    if father is not None:
        return Part(word, form, key, Kind.PATRONYMIC, None, father.gender, script)
    return Part(word, form, key, Kind.OTHER, None, _surname_gender(form), script)


def _surname_gender(form: str) -> str | None:
    """Slavic surname endings that say the bearer's gender (‑ова/‑ава, ‑ская, ‑ина; ‑ов, ‑скі)."""
    if form.endswith(("ova", "eva", "ava", "ina", "yna", "skaja", "ckaja", "aja")):
        return "f"
    if form.endswith(("ov", "ev", "av", "in", "yn", "ski", "skij", "cki", "ckij", "skyj")):
        return "m"
    return None


@lru_cache(maxsize=65536)
def parse(name: str) -> tuple[Part, ...]:
    """The parts of one full name, in the order written (person prefixes such as Mr. dropped)."""
    text = remove_person_prefixes(name.strip())
    text = replace_org_types_compare(text.lower(), generic=True)
    lacinka = is_lacinka(text)
    return tuple(_part(w, lacinka) for w in words(text) if phonetic(w, lacinka))


def joined(a: Part, b: Part) -> Part:
    """Two adjacent words read as one (Jan Daniel → JanDaniel, Plat Onovich → Platonovich)."""
    return _part(a.text + b.text, is_lacinka(a.text + b.text))


def gender_of(parts: tuple[Part, ...]) -> str | None:
    """The gender the name's given names, patronymic and surname agree on, if they do."""
    said = {p.gender for p in parts if p.gender is not None}
    return said.pop() if len(said) == 1 else None
