"""The archive's shape as a reader is told it: the record kinds with their fields, and the
vocabularies (``vocab``). Each asks the policy first: ``Forbidden`` without ``read``."""

from __future__ import annotations

import dataclasses

from ...model import KINDS, Vocabulary
from ...policy import Permission, Principal, require
from ...store import Store, VocabInfo
from .vocab import list_vocabularies, show_vocabulary

__all__ = ["kinds", "vocabularies", "vocabulary"]


def kinds(principal: Principal) -> dict[str, list[str]]:
    """Every record kind and its fields, by kind."""
    require(principal, Permission.READ)
    return {kind: [f.name for f in dataclasses.fields(cls)] for kind, cls in sorted(KINDS.items())}


def vocabularies(store: Store, principal: Principal) -> list[VocabInfo]:
    """The vocabularies and how many terms each has."""
    require(principal, Permission.READ)
    return list_vocabularies(store)


def vocabulary(store: Store, principal: Principal, name: str) -> Vocabulary:
    """One vocabulary and its terms."""
    require(principal, Permission.READ)
    return show_vocabulary(store, name)
