"""A name as parts: each word with its folded form, its key and what kind of part it is.

Order is not decided here: "Бяляцкі Алесь Віктаравіч" and "Ales Bialiatski" are both just parts;
scoring aligns them. What is decided is what each word *is*, as far as the words alone tell:
a known given name, a patronymic (Віктаравіч, Nikolayevna), an initial ("А."), a particle or a
legal form (bin, al, von, LLC: they weigh little), or another word (a surname, usually).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache

from rigour.names import remove_person_prefixes, replace_org_types_compare
from rigour.text import is_stopword

from .confusables import unmask
from .keys import word_key
from .phonetic import is_lacinka, phonetic, script_of, skeleton_of, words
from .vocabulary import GivenName, given_name, patronymic

__all__ = ["Kind", "Part", "gender_of", "initials", "joined", "parse"]

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


@lru_cache(maxsize=65536)
def initials(part: Part) -> frozenset[str]:
    """The letters an initial for this word may be, as the first letters of skeletons (every
    vowel is ``a``: Е., Ye., E. and Я. all stand for a vowel-initial name): of the word's
    first letter as written (Ц. for Цімур), of the word, and of its given name's other forms
    (В. for Уладзімір, who is Владимир; Н. for Мікалай)."""
    forms = [phonetic(part.text[:1]), part.form]
    if part.given is not None:
        forms += [phonetic(f) for f in part.given.forms]
    return frozenset(skeleton_of(form)[:1] for form in forms if form)


@lru_cache(maxsize=65536)  # words repeat far more than whole names (given names, surnames)
def _part(word: str, lacinka: bool, named: int = 3) -> Part:
    """``named``: how many words of two letters or more the name has; a male patronymic
    (‑авіч, ‑ович) is only taken for one in a name of three (Рэната Лякавіч has a surname)."""
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
    if father is not None and (father.gender == "f" or named >= 3):
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
    """The parts of one full name, in the order written (person prefixes such as Mr. dropped,
    invisible characters and look-alike letters unmasked)."""
    text = remove_person_prefixes(unmask(name).strip())
    text = replace_org_types_compare(text.lower(), generic=True)
    lacinka = is_lacinka(text)
    found = [w for w in words(text) if phonetic(w, lacinka)]
    named = sum(1 for w in found if len(w) > 1)
    return _one_patronymic(tuple(_part(w, lacinka, named) for w in found))


def _one_patronymic(parts: tuple[Part, ...]) -> tuple[Part, ...]:
    """A name has one patronymic: of several candidates (Іван Лукіч Лякавіч) the one right after
    a given name is it, the others are surnames."""
    found = [i for i, p in enumerate(parts) if p.kind == Kind.PATRONYMIC]
    if len(found) < 2:
        return parts
    after = [i for i in found if i > 0 and parts[i - 1].kind == Kind.GIVEN] or found[:1]
    return tuple(
        replace(p, kind=Kind.OTHER, gender=None) if i in found and i != after[0] else p
        for i, p in enumerate(parts)
    )


def joined(a: Part, b: Part) -> Part:
    """Two adjacent words read as one (Jan Daniel → JanDaniel, Plat Onovich → Platonovich)."""
    return _part(a.text + b.text, is_lacinka(a.text + b.text))


def gender_of(parts: tuple[Part, ...]) -> str | None:
    """The gender the name's given names, patronymic and surname agree on, if they do."""
    said = {p.gender for p in parts if p.gender is not None}
    return said.pop() if len(said) == 1 else None
