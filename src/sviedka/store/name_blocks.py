"""The name matcher's reads through a view (``services.records.matching``): the persons sharing
a blocking key, the facts it scores, and the resolver's judgements. A scoped view
(``store.view(principal)``) finds, sizes and scores only the persons its scope admits, so that a
duplicate warning never tells whether a name exists where the principal may not look.

The SQL is in ``name_keys.py`` (the index's own module); this one applies the view's scope."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..model import Verdict
from .base import View
from .name_keys import PersonFacts, blocks, judged_pairs, key_members, person_facts
from .reading import admitted_ids_of, condition, connection

__all__ = ["PersonFacts", "facts", "judgements", "members", "shared_keys"]


def members(view: View, keys: Iterable[str], *, most: int) -> dict[str, list[str]]:
    """The persons the view admits under each of ``keys``, leaving out keys with more than
    ``most`` of them."""
    return key_members(connection(view), keys, most=most, among=admitted_ids_of(view))


def shared_keys(view: View, *, most: int) -> Iterator[tuple[str, list[str]]]:
    """Every key shared by 2 to ``most`` persons the view admits, with them, in key order."""
    return blocks(connection(view), most=most, among=admitted_ids_of(view))


def facts(view: View, ids: Iterable[str]) -> dict[str, PersonFacts]:
    """What the matcher scores of those of ``ids`` the view admits, by id."""
    return person_facts(connection(view), ids, where=condition(view))


def judgements(view: View) -> list[tuple[str, str, Verdict]]:
    """Every judgement in force (left, right, verdict), whoever may read its records: which
    pairs are settled is the resolver's state, and a proposal is shown only when the view
    admits both of its persons."""
    return judged_pairs(connection(view))
