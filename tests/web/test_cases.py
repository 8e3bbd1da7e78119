"""Recording a case in one form: everything saved in one transaction, or nothing and every problem
named by its form field (on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from sviedka.errors import Invalid
from sviedka.model import (
    Act,
    Confidentiality,
    Detention,
    Event,
    Involvement,
    Organisation,
    Person,
    Role,
    VocabTerm,
    Vocabulary,
)
from sviedka.services.records import cases as c
from sviedka.services.records.records import add_record
from sviedka.store import SqlStore

SOURCE = {"source.title": "Relatives' letter", "source.reliability": "B", "source.credibility": "2"}


@pytest.fixture
def acts(store: SqlStore) -> SqlStore:
    terms = (VocabTerm("torture", {"en": "Torture"}), VocabTerm("beating", {"en": "Beating"}))
    with store.writer() as w:
        w.put_vocabulary(Vocabulary("types_of_acts", "acts", "tests", terms))
    return store


def counts(store: SqlStore) -> dict[str, int]:
    kinds = ("person", "organisation", "detention", "involvement", "source", "event", "act")
    with store.unscoped_view() as view:
        return {kind: view.count(kind) for kind in kinds}


def full_case(**changes: str | None) -> dict[str, str | None]:
    """The detention form as sent, keyed by its field names; ``changes`` use ``_`` for ``.``."""
    base = {
        "person.name": "Алесь Вербицкий",
        "person.lang": "ru",
        "person.other_name": "Алесь Вербіцкі",
        "person.other_lang": "be",
        "person.birth_date": "1987-04",
        "person.gender": "male",
        "person.region": "BY-HM",
        **SOURCE,
        "names_lang": "ru",
        "confidentiality": "confidential",
        "arrest.date": "2020-09-27",
        "arrest.place": "Minsk",
        "charges.0.article": "342",
        "charges.0.part": "1",
        "charges.0.added": "2020-09-28",
        "charges.1.article": "",
        "case.number": "1-123/2021",
        "case.court.name": "Суд Ленинского района г. Минска",
        "case.judge.name": "Наталья Ковальчук",
        "case.prosecutor.name": "Игорь Сидоренко",
        "case.verdict_date": "2021-02-18",
        "sentence.penalty": "deprivation_of_liberty",
        "sentence.term_months": "24",
        "sentence.regime": "general",
        "sentence.date": "2021-02-18",
        "facility.name": "СИЗО № 1",
        "facility.type": "sizo",
        "facility.start": "2020-09-29",
    }
    return {**base, **changes}


def without(form: dict[str, str | None], *prefixes: str) -> dict[str, str | None]:
    return {k: v for k, v in form.items() if not k.startswith(prefixes)}


def test_a_detention_form_saves_person_case_court_people_and_links(store: SqlStore) -> None:
    done = c.register_detention(store, full_case(), actor="web:doc")
    with store.unscoped_view() as view:
        detention = view.get(done.main).record
        person = view.get(done.person or "").record
        assert isinstance(detention, Detention) and isinstance(person, Person)
        court = view.get(detention.court_cases[0].court or "").record
        facility = view.get(detention.placements[0].facility).record
        involvements = [s.record for s in view.records("involvement")]
    assert [(n.full, n.lang) for n in person.names] == [
        ("Алесь Вербицкий", "ru"),
        ("Алесь Вербіцкі", "be"),
    ]
    assert str(person.birth_date) == "1987-04" and person.region == "BY-HM"
    assert detention.person == person.id
    assert detention.confidentiality.value == "confidential"
    assert [(ch.article, ch.part, str(ch.added)) for ch in detention.charges] == [
        ("342", 1, "2020-09-28")
    ]
    assert detention.sentences[0].term_months == 24
    assert isinstance(court, Organisation) and court.kind.value == "court"
    assert isinstance(facility, Organisation) and facility.facility is not None
    assert facility.facility.type == "sizo"
    roles = sorted((i.role, i.detention) for i in involvements if isinstance(i, Involvement))
    assert roles == [(Role.JUDGE, done.main), (Role.PROSECUTOR, done.main)]
    assert detention.sources[0].reliability.value == "B"
    assert counts(store) == {
        "person": 3,  # the prisoner, the judge, the prosecutor
        "organisation": 2,
        "detention": 1,
        "involvement": 2,
        "source": 1,
        "event": 0,
        "act": 0,
    }
    assert len(done.created) == 9


def test_every_bad_field_is_named_and_nothing_is_saved(store: SqlStore) -> None:
    case = {
        **without(full_case(), "person.", "charges.", "source.", "facility."),
        "person.birth_date": "1987-13-01",
        "arrest.date": "27.09.2020",
        "charges.0.article": "999",
        "charges.0.part": "x",
        "charges.1.part": "2",
        "sentence.term_months": "0",
        "sentence.regime": "holiday",
        "facility.name": "New colony",
        "facility.type": "",
        "case.verdict_date": "2999",
        "source.url": "ftp://example",
        "confidentiality": "secret",
    }
    with pytest.raises(Invalid) as caught:
        c.register_detention(store, case, actor="web:doc")
    assert caught.value.errors == {
        "person.name": c.PERSON,
        "arrest.date": c.DATE_FORMAT,
        "charges.0.article": c.CHOOSE,
        "charges.0.part": c.PART,
        "charges.1.article": c.ARTICLE,
        "sentence.term_months": c.TERM,
        "sentence.regime": c.CHOOSE,
        "facility.type": c.FACILITY_TYPE,
        "case.verdict_date": c.DATE_FUTURE,
        "source.url": c.URL,
        "source.title": c.SOURCE,
        "confidentiality": c.CHOOSE,
    }
    assert set(counts(store).values()) == {0}


def test_dates_before_the_arrest_and_impossible_dates_are_refused(store: SqlStore) -> None:
    case = {
        **without(full_case(), "person."),
        "person.name": "X",
        "person.birth_date": "2021-02-30",
        "case.verdict_date": "2020-01",
        "facility.start": "2019",
    }
    with pytest.raises(Invalid) as caught:
        c.register_detention(store, case, actor="web:doc")
    assert caught.value.errors == {
        "person.birth_date": c.DATE_REAL,
        "case.verdict_date": c.BEFORE_ARREST,
        "facility.start": c.BEFORE_ARREST,
    }


def test_an_existing_person_court_and_source_are_picked_not_duplicated(store: SqlStore) -> None:
    person = add_record(store, "person", {"names": [{"full": "Ганна"}]}, actor="t").record
    source = add_record(store, "source", {"title": "List"}, actor="t").record
    court = add_record(
        store, "organisation", {"names": [{"full": "Court A"}], "kind": "court"}, actor="t"
    ).record
    case = {
        "person.id": person.id,
        "source.id": source.id,
        "arrest.date": "2021",
        "case.court.name": "court a",  # the same court typed again: found by name
    }
    done = c.register_detention(store, case, actor="web:doc")
    with store.unscoped_view() as view:
        detention = view.get(done.main).record
    assert isinstance(detention, Detention)
    assert detention.person == person.id and done.created == (done.main,)
    assert detention.court_cases[0].court == court.id
    assert counts(store)["organisation"] == 1 and counts(store)["source"] == 1


def test_a_hidden_or_missing_record_cannot_be_picked_and_both_look_the_same(
    store: SqlStore,
) -> None:
    secret = add_record(
        store, "person", {"names": [{"full": "S"}], "confidentiality": "restricted"}, actor="t"
    ).record
    visible = lambda record: record.confidentiality.value != "restricted"  # noqa: E731
    for picked in (secret.id, "01900000-0000-7000-8000-000000000000", "not an id"):
        case = {**without(full_case(), "person."), "person.id": picked}
        with pytest.raises(Invalid) as caught:
            c.register_detention(store, case, actor="web:doc", visible=visible)
        assert caught.value.errors == {"person.id": c.NO_RECORD}
    assert counts(store)["detention"] == 0


def test_a_level_above_what_the_user_may_save_is_refused(store: SqlStore) -> None:
    allowed = {Confidentiality.PUBLIC, Confidentiality.INTERNAL}
    with pytest.raises(Invalid) as caught:
        c.register_detention(store, full_case(), actor="web:doc", levels=allowed)
    assert caught.value.errors == {"confidentiality": c.CHOOSE}
    done = c.register_detention(
        store, full_case(confidentiality="internal"), actor="web:doc", levels=allowed
    )
    with store.unscoped_view() as view:
        assert view.get(done.main).record.confidentiality is Confidentiality.INTERNAL


def test_an_incident_saves_event_victims_acts_and_perpetrators(acts: SqlStore) -> None:
    officer = add_record(acts, "person", {"names": [{"full": "Officer"}]}, actor="t").record
    case = {
        **SOURCE,
        "event.title": "Beating at the Okrestina centre",
        "event.start": "2020-08-10",
        "event.end": "2020-08-12",
        "event.place": "Minsk",
        "victims.0.name": "A",
        "victims.0.lang": "be",
        "victims.0.act_type": "beating",
        "victims.1.name": "B",
        "victims.1.act_type": "torture",
        "victims.1.consequences": "x",
        "victims.2.name": "",  # an empty row is skipped
        "perpetrators.0.id": officer.id,
        "perpetrators.0.role": "officer",
        "perpetrators.1.name": "Unknown commander",
        "perpetrators.1.role": "commander",
    }
    done = c.register_incident(acts, case, actor="web:doc")
    with acts.unscoped_view() as view:
        event = view.get(done.main).record
        acts_saved = [s.record for s in view.records("act")]
        involved = [s.record for s in view.records("involvement")]
    assert isinstance(event, Event) and str(event.dates) == "2020-08-10/2020-08-12"
    assert sorted(a.type for a in acts_saved if isinstance(a, Act)) == ["beating", "torture"]
    assert all(isinstance(a, Act) and a.event == event.id for a in acts_saved)
    pairs = {(i.perpetrator, i.role.value) for i in involved if isinstance(i, Involvement)}
    assert len(involved) == 4 and (officer.id, "officer") in pairs
    assert counts(acts)["person"] == 4  # the officer, two victims, the commander


def test_an_incident_without_victims_or_act_types_is_refused(acts: SqlStore) -> None:
    empty = {**SOURCE, "event.title": "E", "event.end": "2020", "event.start": "2021"}
    with pytest.raises(Invalid) as caught:
        c.register_incident(acts, empty, actor="web:doc")
    assert caught.value.errors == {"victims.0.name": c.VICTIM, "event.end": c.RANGE}
    typeless = {**SOURCE, "victims.0.name": "A"}
    with pytest.raises(Invalid) as caught:
        c.register_incident(acts, typeless, actor="web:doc")
    assert caught.value.errors == {"event.title": c.EVENT, "victims.0.act_type": c.ACT}
    assert set(counts(acts).values()) == {0}


@pytest.mark.parametrize(
    ("level", "expected"),
    [("internal", Confidentiality.PUBLIC), ("confidential", Confidentiality.CONFIDENTIAL)],
)
def test_a_new_court_is_public_unless_the_case_is_protected(
    store: SqlStore, level: str, expected: Confidentiality
) -> None:
    """A court named in a confidential case is not published by the case that named it."""
    done = c.register_detention(store, full_case(confidentiality=level), actor="web:doc")
    with store.unscoped_view() as view:
        detention = view.get(done.main).record
        assert isinstance(detention, Detention)
        court = view.get(detention.court_cases[0].court or "").record
        facility = view.get(detention.placements[0].facility).record
    assert (court.confidentiality, facility.confidentiality) == (expected, expected)
