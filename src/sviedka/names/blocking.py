"""Blocking keys: the few keys under which a person is filed so that likely duplicates are
found by looking keys up, not by comparing everyone with everyone.

Two people are candidates when they share a key. A person gets, for each name form:

* ``f:SURNAME`` — the search key of each word that is not a known given name, a patronymic or an
  initial (the surname, as far as the words tell; both words when it is unclear);
* ``fi:SURNAME:I`` — the same with each letter an initial for the given name may be
  (:func:`~.parse.initials`; an initial counts): finds "А. Бяляцкі" for "Ales Bialiatski" when
  ``f:`` is too common;
* ``fg:SURNAME:GIVEN`` — the surname's and the given name's keys: finer still, for the commonest
  surnames, where every vowel-initial given name (all share the letter ``a``) is too many;
* ``gy:GIVEN:YEAR`` — the given name's key and the birth year: finds a surname spelt beyond
  recognition, or changed on marriage.

Keys are built from :func:`~sviedka.names.keys.word_key`, so they change with ``KEYS_VERSION``.
"""

from __future__ import annotations

from collections.abc import Iterable

from .parse import Kind, initials, parse

__all__ = ["blocking_keys"]


def _form_keys(full: str, birth_year: int | None) -> set[str]:
    parts = [p for p in parse(full) if p.key]
    family = [p for p in parts if p.kind == Kind.OTHER] or [
        p for p in parts if p.kind in (Kind.GIVEN, Kind.PATRONYMIC)
    ]  # no other word: a surname that is also a given name (Платон), so any of them
    given = [p for p in parts if p.kind in (Kind.GIVEN, Kind.INITIAL) and p not in family]
    if not given:  # "Bialiatski Ales" with the given name unknown: any other word may be it
        given = [p for p in family if len(family) > 1]
    keys = {f"f:{p.key}" for p in family}
    for surname in family:
        others = [g for g in given if g is not surname]
        keys |= {f"fi:{surname.key}:{letter}" for g in others for letter in initials(g)}
        keys |= {f"fg:{surname.key}:{g.key}" for g in others if g.kind != Kind.INITIAL}
    if birth_year is not None:
        keys |= {f"gy:{g.key}:{birth_year}" for g in given if g.kind == Kind.GIVEN}
    return keys


def blocking_keys(names: Iterable[str], birth_year: int | None = None) -> set[str]:
    """Every blocking key of a person with these name forms (and birth year, when known)."""
    keys: set[str] = set()
    for full in names:
        keys |= _form_keys(full, birth_year)
    return {k for k in keys if len(k) <= 80}
