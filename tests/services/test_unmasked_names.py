"""Names hidden by look-alike letters or invisible characters are found by search and by
duplicate matching, as their plain spelling (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from sviedka.model import Confidentiality, Event, NameForm, PartialDate, Person
from sviedka.model.ids import new_id
from sviedka.policy import CUSTODIAN
from sviedka.services.records.matching import likely_duplicates, propose_pairs
from sviedka.services.records.search import search
from sviedka.store import SqlStore

PLAIN = "Алесь Бяляцкі"
LOOKALIKE = "Аlеs Віаlіаtskі"  # А е В і а are Cyrillic, l s t k Latin: it reads "Ales Bialiatski"
INVISIBLE = "Але\u200dсь\u00ad Бя\u200bляц\u2060кі\ufeff"  # zero-width joiner, space, soft hyphen…
BIDI = "\u202eАлесь\u202c \u200fБяляцкі\u200e"  # right-to-left override, marks
HIDDEN = [LOOKALIKE, INVISIBLE, BIDI]


def person(name: str, born: str | None = None) -> Person:
    return Person(
        id=new_id(),
        names=(NameForm(full=name),),
        birth_date=PartialDate.parse(born) if born else None,
        confidentiality=Confidentiality.INTERNAL,
    )


def add(store: SqlStore, *records: Person | Event) -> None:
    with store.writer() as writer:
        for record in records:
            writer.add(record, actor="t")


def found(store: SqlStore, query: str) -> set[str]:
    results = search(store, CUSTODIAN, query, limit=100)
    return {hit.id for hit in results.hits}


@pytest.mark.parametrize("hidden", HIDDEN, ids=["lookalike", "invisible", "bidi"])
def test_search_finds_the_plain_name_from_a_hidden_spelling(store: SqlStore, hidden: str) -> None:
    plain = person(PLAIN)
    add(store, plain, person("Алесь Міхалевіч"))
    assert found(store, hidden) == {plain.id}


@pytest.mark.parametrize("hidden", HIDDEN, ids=["lookalike", "invisible", "bidi"])
def test_search_finds_a_hidden_name_from_its_plain_spelling(store: SqlStore, hidden: str) -> None:
    masked = person(hidden)
    add(store, masked, person("Алесь Міхалевіч"))
    assert found(store, PLAIN) == {masked.id}
    assert found(store, "Bialiatski") == {masked.id}
    assert found(store, "Бяля") == {masked.id}, "as a prefix while typing"


def test_search_finds_a_hidden_word_in_a_description(store: SqlStore) -> None:
    hidden = Event(id=new_id(), title="Суд", description="Затрыманы Бя\u200bляцкі і Віаlіаtskі")
    add(store, hidden)
    assert found(store, "Бяляцкі") == {hidden.id}
    assert found(store, "Bialiatski") == {hidden.id}


def test_a_hidden_name_is_shown_without_its_invisible_characters(store: SqlStore) -> None:
    add(store, person(BIDI))
    (hit,) = search(store, CUSTODIAN, "Бяляцкі").hits
    assert (hit.title, hit.snippet) == (PLAIN, PLAIN)


@pytest.mark.parametrize("hidden", HIDDEN, ids=["lookalike", "invisible", "bidi"])
def test_likely_duplicates_finds_the_plain_name_from_a_hidden_spelling(
    store: SqlStore, hidden: str
) -> None:
    plain = person(PLAIN, born="1962-09-25")
    add(store, plain, person("Святлана Ціханоўская"))
    with store.unscoped_view() as view:
        duplicates = likely_duplicates(view, [hidden], PartialDate.parse("1962-09-25"))
    assert [(pid, score >= 0.95) for pid, score, _ in duplicates] == [(plain.id, True)]


@pytest.mark.parametrize("hidden", HIDDEN, ids=["lookalike", "invisible", "bidi"])
def test_propose_pairs_pairs_a_hidden_name_with_its_plain_spelling(
    store: SqlStore, hidden: str
) -> None:
    plain, masked = person(PLAIN, born="1962"), person(hidden, born="1962")
    add(store, plain, masked, person("Марыя Калеснікава", born="1982"))
    proposals = propose_pairs(store)
    assert [((p.left, p.right), p.score >= 0.95) for p in proposals] == [
        (tuple(sorted((plain.id, masked.id))), True)
    ]
