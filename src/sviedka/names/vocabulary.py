"""Given names: which spellings, in any script, are one name (Ганна = Анна = Hanna = Anna).

Forms are looked up by their :func:`~sviedka.names.phonetic.phonetic` form first, then, for a
spelling the list does not hold (Uladzimier, Katsiaryna), by their folded form, each when
exactly one name has it. Not by skeleton: too many surnames share one with a given name
(Вяраёнак, Вераніка). Folk and short forms that stand for a name on
documents (Алесь, Зміцер) are their own entries or listed as other forms, following the data
file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .data.given import GIVEN
from .phonetic import fold, phonetic, skeleton, skeleton_of

__all__ = ["GivenName", "Patronymic", "given_name", "given_names", "patronymic"]

# On the phonetic form: ‑авіч/‑евич/‑ович, ‑ич (Ильич), ‑аўна/‑евна, ‑ічна/‑ична/‑инична.
_PATRONYMIC = re.compile(
    r"^(?P<stem>[a-z]{2,}?)(?:(?P<m>[aeo]vic|ic)|(?P<f>[aeo]vna|inicna|icna))$"
)


@dataclass(frozen=True)
class Patronymic:
    stem: str  # the skeleton of the father's name as written
    gender: str  # of the person who bears it
    father: GivenName | None  # when exactly one known male name has that skeleton

    @property
    def key(self) -> str:
        base = self.father.key if self.father is not None else self.stem
        return base + ("avac" if self.gender == "m" else "avn")


@dataclass(frozen=True)
class GivenName:
    gender: str  # "m" or "f"
    be: str
    ru: str
    others: tuple[str, ...]

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.be, self.ru, *self.others)

    @property
    def key(self) -> str:
        """The search key every form of this name shares."""
        return skeleton(self.ru)


@cache
def given_names() -> tuple[GivenName, ...]:
    names = []
    for line in GIVEN.strip().splitlines():
        gender, be, ru, others = line.split("|")
        extra = tuple(o.strip() for o in others.split(",") if o.strip())
        names.append(GivenName(gender, be, ru, extra))
    return tuple(names)


def _unique(pairs: list[tuple[str, GivenName]]) -> dict[str, GivenName]:
    seen: dict[str, set[GivenName]] = {}
    for form, name in pairs:
        seen.setdefault(form, set()).add(name)
    return {form: next(iter(s)) for form, s in seen.items() if len(s) == 1}


@cache
def _by_phonetic() -> dict[str, GivenName]:
    return _unique([(phonetic(f), n) for n in given_names() for f in n.forms])


@cache
def _by_fold() -> dict[str, GivenName]:
    return _unique([(fold(phonetic(f)), n) for n in given_names() for f in n.forms])


def given_name(word: str, lacinka: bool | None = None) -> GivenName | None:
    """The given name ``word`` spells, if the vocabulary knows it (and only one fits)."""
    form = phonetic(word, lacinka)
    if not form:
        return None
    return _by_phonetic().get(form) or _by_fold().get(fold(form))


@cache
def _fathers() -> dict[str, set[GivenName]]:
    """Male names by the skeletons of their forms (the stem of a patronymic)."""
    fathers: dict[str, set[GivenName]] = {}
    for name in given_names():
        if name.gender == "m":
            for form in name.forms:
                fathers.setdefault(skeleton(form), set()).add(name)
    return fathers


def patronymic(word: str, lacinka: bool | None = None) -> Patronymic | None:
    """The patronymic ``word`` is (Віктаравіч, Nikolayevna, Ильич), if its stem is a male name.

    Surnames in ‑ович/‑евіч whose stem is no given name (Статкевіч, Lukashevich) are not
    patronymics.
    """
    found = _PATRONYMIC.match(phonetic(word, lacinka))
    if found is None:
        return None
    stem = skeleton_of(found.group("stem"))
    fathers = _fathers().get(stem)
    if not fathers:
        return None
    father = next(iter(fathers)) if len(fathers) == 1 else None
    return Patronymic(stem, "m" if found.group("m") else "f", father)
