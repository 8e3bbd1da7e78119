"""The counting rules of ``held on``, each on a small archive built here (docs/statistics.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sviedka.model import Confidentiality, Verdict
from sviedka.services.analysis.stats import Breakdown, Scope, held_on
from sviedka.services.records.records import build_record
from sviedka.store import SqlStore

EVERYONE = Scope()


class Book:
    """Writes persons, facilities and detentions from short JSON-like descriptions."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def add(self, kind: str, payload: dict[str, Any]) -> str:
        record = build_record(kind, payload)
        with self.store.writer() as writer:
            writer.add(record, actor="test")
        return record.id

    def person(self, **fields: Any) -> str:
        return self.add("person", {"names": [{"full": "Test Person", "lang": "en"}], **fields})

    def facility(self, name: str, **fields: Any) -> str:
        body = {"names": [{"full": name}], "kind": "penal_facility", **fields}
        return self.add("organisation", body)

    def detention(self, person: str, recognised: str | None = "2020-09", **fields: Any) -> str:
        body: dict[str, Any] = {"person": person, **fields}
        if recognised is not None:
            body.setdefault("recognition", {"date": recognised} if recognised else {})
        return self.add("detention", body)

    def held(self, start: str, end: str | None = None, **fields: Any) -> str:
        """A person arrested on ``start`` and released (served) on ``end``; returns the person."""
        person = self.person()
        body: dict[str, Any] = {"arrest": {"date": start}, **fields}
        if end is not None:
            body["end"] = {"mode": "served", "date": end}
        self.detention(person, **body)
        return person


@pytest.fixture
def book(store: SqlStore) -> Book:
    return Book(store)


def counts(store: SqlStore, on: str, scope: Scope = EVERYONE) -> tuple[int, int, int]:
    row = held_on(store, date.fromisoformat(on), scope=scope).rows[0]
    return row["certain"], row["possible"], row["undated"]


def by(store: SqlStore, on: str, breakdown: Breakdown, **kw: Any) -> dict[str, tuple[int, int]]:
    result = held_on(store, date.fromisoformat(on), by=breakdown, **kw)
    return {row["key"]: (row["certain"], row["possible"]) for row in result.rows}


def test_a_precise_spell_is_held_from_the_arrest_day_to_the_day_before_release(
    book: Book, store: SqlStore
) -> None:
    book.held("2021-03-10", "2022-05-10")
    assert counts(store, "2021-03-09") == (0, 0, 0)
    assert counts(store, "2021-03-10") == (1, 1, 0)
    assert counts(store, "2022-05-09") == (1, 1, 0)
    assert counts(store, "2022-05-10") == (0, 0, 0), "released on D = not held on D"


def test_imprecise_dates_give_certain_and_possible_bounds(book: Book, store: SqlStore) -> None:
    book.held("2021-09", "2023")  # arrested some day in September 2021, released in 2023
    assert counts(store, "2021-08-31") == (0, 0, 0)
    assert counts(store, "2021-09-01") == (0, 1, 0)
    assert counts(store, "2021-09-30") == (1, 1, 0)
    assert counts(store, "2022-12-31") == (1, 1, 0)
    assert counts(store, "2023-01-01") == (0, 1, 0)
    assert counts(store, "2023-12-30") == (0, 1, 0)
    assert counts(store, "2023-12-31") == (0, 0, 0)


def test_an_open_detention_is_held_ever_after(book: Book, store: SqlStore) -> None:
    book.held("2020-08-10")
    assert counts(store, "2020-08-10") == (1, 1, 0)
    assert counts(store, "2031-01-01") == (1, 1, 0)


def test_an_end_without_a_date_is_possibly_but_never_certainly_held(
    book: Book, store: SqlStore
) -> None:
    person = book.person()
    book.detention(person, arrest={"date": "2021-01-01"}, end={"mode": "pardon"})
    assert counts(store, "2020-12-31") == (0, 0, 0)
    assert counts(store, "2021-06-01") == (0, 1, 0)


def test_without_an_arrest_date_the_earliest_placement_or_sentence_starts_the_spell(
    book: Book, store: SqlStore
) -> None:
    sizo = book.facility("SIZO 1")
    person = book.person()
    placements = [{"facility": sizo, "start": "2021-04"}, {"facility": sizo, "start": "2021-06-02"}]
    sentences = [{"penalty": "deprivation_of_liberty", "date": "2021-05-20"}]
    book.detention(person, placements=placements, sentences=sentences)
    assert counts(store, "2021-03-31") == (0, 0, 0)
    assert counts(store, "2021-04-01") == (0, 1, 0)
    assert counts(store, "2021-04-30") == (1, 1, 0)


def test_a_spell_with_no_known_start_is_undated_never_guessed(book: Book, store: SqlStore) -> None:
    open_person, ended_person = book.person(), book.person()
    book.detention(open_person)
    book.detention(ended_person, end={"mode": "served", "date": "2021-06"})
    assert counts(store, "2021-05-01") == (0, 0, 2)
    assert counts(store, "2021-06-15") == (0, 0, 2), "the end may be after the 15th"
    assert counts(store, "2021-07-01") == (0, 0, 1), "certainly released by then"


def test_a_person_with_a_dated_and_an_undated_spell_is_not_also_undated(
    book: Book, store: SqlStore
) -> None:
    person = book.held("2021-01-01")
    book.detention(person)
    assert counts(store, "2021-02-01") == (1, 1, 0)
    assert counts(store, "2020-12-01") == (0, 0, 1)


def test_overlapping_detentions_of_one_person_count_once(book: Book, store: SqlStore) -> None:
    person = book.held("2021-01-01", "2021-12-01")
    book.detention(person, arrest={"date": "2021-06-01"})
    assert counts(store, "2021-07-01") == (1, 1, 0)
    assert counts(store, "2022-01-01") == (1, 1, 0)


def test_persons_judged_the_same_count_once_until_the_judgement_is_retracted(
    book: Book, store: SqlStore
) -> None:
    first, second, third = (book.held("2021-01-01") for _ in range(3))
    with store.writer() as writer:
        writer.judge(first, second, Verdict.SAME, actor="test")
        writer.judge(second, third, Verdict.SAME, actor="test")
    assert counts(store, "2021-02-01") == (1, 1, 0)
    assert by(store, "2021-02-01", Breakdown.GENDER) == {"unknown": (1, 1)}
    with store.writer() as writer:
        writer.retract(second, third, actor="test")
    assert counts(store, "2021-02-01") == (2, 2, 0)


def test_not_same_and_unsure_judgements_do_not_merge(book: Book, store: SqlStore) -> None:
    first, second, third = (book.held("2021-01-01") for _ in range(3))
    with store.writer() as writer:
        writer.judge(first, second, Verdict.NOT_SAME, actor="test")
        writer.judge(first, third, Verdict.UNSURE, actor="test")
    assert counts(store, "2021-02-01") == (3, 3, 0)


def test_only_recognised_political_prisoners_count_unless_all_detentions(
    book: Book, store: SqlStore
) -> None:
    person = book.person()
    book.detention(person, recognised=None, arrest={"date": "2021-01-01"})
    book.held("2021-01-01")
    assert counts(store, "2021-02-01") == (1, 1, 0)
    assert counts(store, "2021-02-01", Scope(all_detentions=True)) == (2, 2, 0)


def test_recognised_by_date_counts_only_recognitions_made_by_then(
    book: Book, store: SqlStore
) -> None:
    book.held("2021-01-01", recognition={"date": "2021-06"})
    book.held("2021-01-01", recognition={})  # recognised, date not known
    dated = Scope(recognised_by_date=True)
    assert counts(store, "2021-03-01") == (2, 2, 0), "today's knowledge by default"
    assert counts(store, "2021-03-01", dated) == (0, 1, 0)
    assert counts(store, "2021-06-15", dated) == (0, 2, 0)
    assert counts(store, "2021-07-01", dated) == (1, 2, 0)


def test_only_what_the_caller_may_see_is_counted(book: Book, store: SqlStore) -> None:
    book.held("2021-01-01")  # internal person and detention (the default)
    book.held("2021-01-01", confidentiality="restricted")
    hidden_person = book.person(confidentiality="confidential")
    book.detention(hidden_person, arrest={"date": "2021-01-01"}, confidentiality="public")
    public = Scope(levels=frozenset({Confidentiality.PUBLIC}))
    usual = Scope(levels=frozenset(Confidentiality) - {Confidentiality.RESTRICTED})
    assert counts(store, "2021-02-01") == (3, 3, 0)
    assert counts(store, "2021-02-01", usual) == (2, 2, 0)
    assert counts(store, "2021-02-01", public) == (0, 0, 0)


def test_a_person_made_confidential_later_drops_out_of_lower_clearances(
    book: Book, store: SqlStore
) -> None:
    person = book.held("2021-01-01")
    internal = Scope(levels=frozenset({Confidentiality.PUBLIC, Confidentiality.INTERNAL}))
    assert counts(store, "2021-02-01", internal) == (1, 1, 0)
    change = {"names": [{"full": "Test Person"}], "confidentiality": "confidential"}
    with store.writer() as writer:
        writer.update(build_record("person", change, person), actor="test")
    assert counts(store, "2021-02-01", internal) == (0, 0, 0)
    assert counts(store, "2021-02-01") == (1, 1, 0)


def test_changing_a_release_date_changes_the_counts_at_once(book: Book, store: SqlStore) -> None:
    person = book.person()
    detention = book.detention(person, arrest={"date": "2021-01-01"})
    assert counts(store, "2022-01-01") == (1, 1, 0)
    payload = {"person": person, "arrest": {"date": "2021-01-01"}, "recognition": {}}
    payload["end"] = {"mode": "pardon", "date": "2021-09-16"}
    with store.writer() as writer:
        writer.update(build_record("detention", payload, detention), actor="test")
    assert counts(store, "2021-09-15") == (1, 1, 0)
    assert counts(store, "2022-01-01") == (0, 0, 0)


def test_charges_in_force_on_the_day_and_dropped_ones_not(book: Book, store: SqlStore) -> None:
    charges = [
        {"article": "342", "added": "2021-01-01", "dropped": "2021-06-01"},
        {"article": "130", "added": "2021-05"},
        {"article": "369"},  # undated: in force for the whole detention
    ]
    book.held("2021-01-01", charges=charges)
    assert by(store, "2021-05-15", Breakdown.ARTICLE) == {
        "342": (1, 1),
        "369": (1, 1),
        "130": (0, 1),
    }
    assert by(store, "2021-06-01", Breakdown.ARTICLE) == {"369": (1, 1), "130": (1, 1)}
    assert by(store, "2020-12-31", Breakdown.ARTICLE) == {}


def test_article_rows_add_up_to_more_than_the_headline(book: Book, store: SqlStore) -> None:
    book.held("2021-01-01", charges=[{"article": "342"}, {"article": "130"}])
    book.held("2021-01-01", charges=[{"article": "342"}])
    book.held("2021-01-01")
    result = held_on(store, date(2021, 2, 1), by=Breakdown.ARTICLE)
    rows = {row["key"]: row["certain"] for row in result.rows}
    assert rows == {"342": 2, "130": 1, "unknown": 1}
    assert result.method.totals == {"certain": 3, "possible": 3, "undated": 0}
    assert sum(rows.values()) == 4


def test_a_transfer_moves_the_person_on_the_transfer_day(book: Book, store: SqlStore) -> None:
    sizo, colony = book.facility("SIZO 1"), book.facility("Colony 15")
    placements = [
        {"facility": sizo, "start": "2021-01-01", "end": "2021-06-01"},
        {"facility": colony, "start": "2021-06-01"},
    ]
    book.held("2021-01-01", placements=placements)
    assert by(store, "2021-05-31", Breakdown.FACILITY) == {sizo: (1, 1)}
    assert by(store, "2021-06-01", Breakdown.FACILITY) == {colony: (1, 1)}


def test_an_imprecise_transfer_puts_the_person_possibly_in_both(
    book: Book, store: SqlStore
) -> None:
    sizo, colony = book.facility("SIZO 1"), book.facility("Colony 15")
    placements = [
        {"facility": sizo, "start": "2021-01-01", "end": "2021-06"},
        {"facility": colony, "start": "2021-06"},
    ]
    book.held("2021-01-01", placements=placements)
    assert by(store, "2021-06-15", Breakdown.FACILITY) == {
        sizo: (0, 1),
        colony: (0, 1),
        "unknown": (1, 0),
    }


def test_facility_labels_and_hidden_facilities(book: Book, store: SqlStore) -> None:
    sizo = book.facility("SIZO 1", confidentiality="public")
    secret = book.facility("Secret site", confidentiality="restricted")
    book.held("2021-01-01", placements=[{"facility": sizo}])
    book.held("2021-01-01", placements=[{"facility": secret}])
    book.held("2021-01-01", confidentiality="public")
    usual = Scope(levels=frozenset(Confidentiality) - {Confidentiality.RESTRICTED})
    result = held_on(store, date(2021, 2, 1), by=Breakdown.FACILITY, scope=usual)
    labels = {row["key"]: row["label"] for row in result.rows}
    assert labels == {
        sizo: "SIZO 1",
        "hidden": "(facility not visible to you)",
        "unknown": "(facility unknown)",
    }
    assert "Secret site" not in result.as_json()


def test_region_gender_and_year_of_arrest(book: Book, store: SqlStore) -> None:
    for region, gender, start in [
        ("BY-HM", "female", "2020-08-10"),
        ("BY-HM", "male", "2021-03"),
        ("BY-BR", "male", "2021"),
    ]:
        person = book.person(region=region, gender=gender)
        book.detention(person, arrest={"date": start})
    book.held("2021-02-01")  # no region, gender unknown
    on = "2022-01-01"
    assert by(store, on, Breakdown.REGION) == {"BY-HM": (2, 2), "BY-BR": (1, 1), "unknown": (1, 1)}
    assert by(store, on, Breakdown.GENDER) == {"male": (2, 2), "female": (1, 1), "unknown": (1, 1)}
    assert by(store, on, Breakdown.YEAR_OF_ARREST) == {"2020": (1, 1), "2021": (3, 3)}


def test_penalty_is_the_latest_sentence_pronounced_by_the_day(book: Book, store: SqlStore) -> None:
    sentences = [
        {"penalty": "fine", "date": "2021-03-01"},
        {"penalty": "deprivation_of_liberty", "date": "2021-07"},
    ]
    book.held("2021-01-01", sentences=sentences)
    book.held("2021-01-01")
    assert by(store, "2021-02-01", Breakdown.PENALTY) == {"unknown": (2, 2)}
    assert by(store, "2021-04-01", Breakdown.PENALTY) == {"fine": (1, 1), "unknown": (1, 1)}
    assert by(store, "2021-07-15", Breakdown.PENALTY) == {
        "fine": (1, 0),
        "deprivation_of_liberty": (0, 1),
        "unknown": (1, 1),
    }
    assert by(store, "2021-08-01", Breakdown.PENALTY) == {
        "deprivation_of_liberty": (1, 1),
        "unknown": (1, 1),
    }
    result = held_on(store, date(2021, 8, 1), by=Breakdown.PENALTY)
    labels = {row["key"]: row["label"] for row in result.rows}
    assert labels == {
        "deprivation_of_liberty": "DEPRIVATION_OF_LIBERTY",
        "unknown": "(no sentence yet)",
    }
