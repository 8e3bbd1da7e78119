"""The vocabularies Sviedka ships: its own lists and the HURIDOCS micro-thesauri.

Our own lists are YAML files in ``data/`` (see :mod:`.builtin`). The HURIDOCS micro-thesauri are
read once from the OpenEvSys SQL dumps by ``tools/build_vocab.py`` and bundled as
``data/huridocs.json.gz``, so the package needs neither the dumps nor a SQL parser at run time.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from importlib.resources import files

from ..model.vocab import Vocabulary
from .builtin import load_builtin
from .huridocs import parse_huridocs, read_bundle

__all__ = ["all_vocabularies", "huridocs_vocabularies", "load_builtin", "parse_huridocs"]

HURIDOCS_BUNDLE = "huridocs.json.gz"


def huridocs_vocabularies() -> list[Vocabulary]:
    """The HURIDOCS micro-thesauri from the bundled file, one vocabulary per list."""
    return list(_bundled_huridocs())


@cache
def _bundled_huridocs() -> tuple[Vocabulary, ...]:
    # Cached: about 4,500 terms, and every archive opened in a process needs the same ones.
    data = (files(__name__) / "data" / HURIDOCS_BUNDLE).read_bytes()
    return tuple(read_bundle(data))


def all_vocabularies() -> list[Vocabulary]:
    """Our own vocabularies, then the HURIDOCS ones; a record field names one of them."""
    vocabularies = [*load_builtin(), *huridocs_vocabularies()]
    counts = Counter(vocab.name for vocab in vocabularies)
    clashes = sorted(name for name, count in counts.items() if count > 1)
    if clashes:
        raise ValueError(f"vocabulary names used twice: {', '.join(clashes)}")
    return vocabularies
