"""Sviedka's own vocabularies: one hand-written YAML file each in ``vocab/data/``.

The files are read through ``importlib.resources`` so that they work from a wheel as well as from
a checkout. Every file is checked when loaded, because people edit them by hand: a typo fails here
with the file and the term named, instead of later as an unknown code in a writer.

A file looks like this (``parent`` and ``extra`` are optional; ``order`` is the position in the
file and ``level`` the depth below the top, both computed)::

    name: penalty_types            # must match the file name
    title: Types of penalty
    source: Sviedka's own list ...
    terms:
      - code: restriction_of_liberty_home
        parent: restriction_of_liberty
        labels: {en: ..., be: ..., ru: ...}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import yaml

from ..model.vocab import VocabTerm, Vocabulary

__all__ = ["LANGUAGES", "load_builtin", "read_vocabulary"]

LANGUAGES = ("en", "be", "ru")
"""Every term of our own vocabularies has a label in each of these."""

_VOCABULARY_KEYS = {"name", "title", "source", "terms"}
_TERM_KEYS = {"code", "labels", "parent", "extra"}


def load_builtin() -> list[Vocabulary]:
    """All vocabularies in ``vocab/data/*.yaml``, ordered by file name."""
    folder = files(__package__ or "sviedka.vocab") / "data"
    entries = sorted(folder.iterdir(), key=lambda entry: entry.name)
    return [read_vocabulary(entry) for entry in entries if entry.name.endswith(".yaml")]


def read_vocabulary(source: Traversable) -> Vocabulary:
    """Read and check one vocabulary file; a ``pathlib.Path`` works too.

    Raises ``ValueError`` starting with the file name, and naming the term where one is at fault.
    """
    try:
        document = yaml.safe_load(source.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{source.name}: not valid YAML: {exc}") from exc
    return _vocabulary(document, source.name)


def _vocabulary(document: Any, where: str) -> Vocabulary:
    _check_keys(document, required=_VOCABULARY_KEYS, allowed=_VOCABULARY_KEYS, where=where)
    name, title, source = (_text(document, key, where) for key in ("name", "title", "source"))
    if f"{name}.yaml" != where:
        raise ValueError(f"{where}: name {name!r} differs from the file name")
    raw_terms = document["terms"]
    if not isinstance(raw_terms, list) or not raw_terms:
        raise ValueError(f"{where}: terms must be a non-empty list")
    terms = _link([_term(raw, order, where) for order, raw in enumerate(raw_terms)], where)
    return Vocabulary(name=name, title=title, source=source, terms=tuple(terms))


def _term(raw: Any, order: int, where: str) -> VocabTerm:
    """One term as written; ``level`` is filled in by :func:`_link`."""
    code = raw.get("code") if isinstance(raw, dict) else None
    if not isinstance(code, str) or not code:
        found = "nothing" if code is None else repr(code)
        raise ValueError(f"{where}: term #{order + 1}: code must be quoted text, found {found}")
    at = f"{where}: term {code!r}"
    _check_keys(raw, required={"code", "labels"}, allowed=_TERM_KEYS, where=at)
    parent = raw.get("parent")
    if parent is not None and not isinstance(parent, str):
        raise ValueError(f"{at}: parent must be the code of another term, as text")
    extra = raw.get("extra", {})
    if not isinstance(extra, dict) or not all(isinstance(key, str) for key in extra):
        raise ValueError(f"{at}: extra must be a mapping with text keys")
    return VocabTerm(code, _labels(raw["labels"], at), parent, 0, order, extra)


def _labels(raw: Any, at: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ValueError(f"{at}: labels must map a language to text")
    empty = sorted(
        str(lang) for lang, label in raw.items() if not isinstance(label, str) or not label
    )
    if empty:
        raise ValueError(f"{at}: the {', '.join(empty)} label is empty or not text")
    missing = [lang for lang in LANGUAGES if lang not in raw]
    if missing:
        raise ValueError(f"{at}: no label in {', '.join(missing)}")
    return {str(lang): label for lang, label in raw.items()}


def _link(terms: list[VocabTerm], where: str) -> list[VocabTerm]:
    """Check codes are unique and each parent comes earlier; set each term's depth as ``level``.

    Requiring parents first keeps the files readable top-down and rules out cycles.
    """
    levels: dict[str, int] = {}
    linked = []
    for term in terms:
        if term.code in levels:
            raise ValueError(f"{where}: term {term.code!r} appears twice")
        if term.parent is not None and term.parent not in levels:
            raise ValueError(f"{where}: term {term.code!r}: parent {term.parent!r} is not above it")
        levels[term.code] = 0 if term.parent is None else levels[term.parent] + 1
        linked.append(replace(term, level=levels[term.code]))
    return linked


def _check_keys(raw: Any, *, required: set[str], allowed: set[str], where: str) -> None:
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: expected a mapping of {', '.join(sorted(allowed))}")
    missing, unknown = required - raw.keys(), raw.keys() - allowed
    if missing:
        raise ValueError(f"{where}: missing {', '.join(sorted(missing))}")
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")


def _text(document: Mapping[str, Any], key: str, where: str) -> str:
    value = document[key]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: {key} must be non-empty text")
    return value.strip()
