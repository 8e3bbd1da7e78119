"""Vocabularies: the HURIDOCS micro-thesauri and Sviedka's own lists, loaded at ``init``."""

from __future__ import annotations

from ...model import Vocabulary
from ...policy import CUSTODIAN
from ...store import Store, VocabInfo

__all__ = ["list_vocabularies", "shipped_vocabularies", "show_vocabulary"]


def shipped_vocabularies() -> list[Vocabulary]:
    """Every vocabulary that ships with Sviedka (loaded into each new archive)."""
    from ...vocab import all_vocabularies

    return all_vocabularies()


# Vocabularies are no records: every principal reads them alike, so they are read unscoped.


def list_vocabularies(store: Store) -> list[VocabInfo]:
    with store.view(CUSTODIAN) as view:
        return view.vocabularies()


def show_vocabulary(store: Store, name: str) -> Vocabulary:
    with store.view(CUSTODIAN) as view:
        return view.vocabulary(name)
