"""The one form reader: flat text keyed by model paths to record state, each problem under the
path it was sent with, nothing known about any particular field."""

from __future__ import annotations

from datetime import date

import pytest

from sviedka.model import Detention, Event, Organisation, Person, SourceLink
from sviedka.model.codec import load
from sviedka.model.paths import MAX_ROWS, PathError, resolve
from sviedka.services.records import forms as f

ID = "01900000-0000-7000-8000-000000000001"
CODES = {
    "criminal_code_by": {"342", "361-1"},
    "pace_criteria": {"a", "b", "c"},
    "penalty_types": {"deprivation_of_liberty"},
}


def lookups(today: date | None = date(2024, 1, 1)) -> f.Lookups:
    return f.Lookups(
        codes=lambda vocab: CODES.get(vocab, set()),
        record=lambda record_id, kinds: record_id == ID and "organisation" in kinds,
        today=today,
    )


def read(cls: type, values: dict[str, str | None], **options: object) -> f.Reading:
    return f.read_form(cls, values, lookups(), **options)  # type: ignore[arg-type]


def test_paths_build_the_nested_state_that_the_codec_loads() -> None:
    reading = read(
        Detention,
        {
            "person": ID.replace("1", "2", 1),
            "arrest.date": "2021-03",
            "arrest.unit": ID,
            "charges.0.article": "342",
            "charges.0.part": "2",
            "placements.0.facility": ID,
            "placements.0.start": "2021-04-01",
            "recognition.criteria": "a, c",
            "end.mode": "pardon",
            "notes": "  kept  ",
        },
    )
    assert reading.problems == {"person": f.NO_RECORD}  # not an organisation: refused
    assert reading.state == {
        "arrest": {"date": "2021-03", "unit": ID},
        "charges": [{"article": "342", "part": 2}],
        "placements": [{"facility": ID, "start": "2021-04-01"}],
        "end": {"mode": "pardon"},
        "recognition": {"criteria": ["a", "c"]},
        "notes": "kept",
    }
    detention = load(Detention, {**reading.state, "id": ID, "person": ID})
    assert detention.placements[0].start is not None
    assert str(detention.placements[0].start) == "2021-04-01"


def test_each_type_is_coerced_or_refused_with_its_message() -> None:
    reading = read(
        Detention,
        {
            "arrest.date": "27.09.2020",
            "charges.0.added": "2021-02-30",
            "charges.0.article": "999",
            "charges.0.part": "x",
            "charges.1.article": "361-1",
            "charges.1.dropped": "2030",
            "sentences.0.penalty": "deprivation_of_liberty",
            "sentences.0.term_months": "12",
            "end.mode": "escaped",
            "recognition.criteria.0": "z",
            "recognition.by": "\x00",
            "arrest.place": "x" * 301,
        },
        limit=300,
    )
    assert reading.problems == {
        "arrest.date": f.DATE_FORMAT,
        "charges.0.added": f.DATE_REAL,
        "charges.0.article": f.CHOOSE,
        "charges.0.part": f.NUMBER,
        "charges.1.dropped": f.DATE_FUTURE,
        "end.mode": f.CHOOSE,
        "recognition.criteria.0": f.CHOOSE,
        "recognition.by": f.BAD_TEXT,
        "arrest.place": f.TOO_LONG,
    }
    assert reading.state == {
        "charges": [{"article": "361-1"}],
        "sentences": [{"penalty": "deprivation_of_liberty", "term_months": 12}],
    }


def test_yes_no_and_date_ranges_whole_or_by_their_ends() -> None:
    assert read(Event, {"title": "T", "dates": "2020-08/.."}).state["dates"] == "2020-08/.."
    ends = read(Event, {"title": "T", "dates.start": "2020-08-09", "dates.end": "2020-08-12"})
    assert ends.state["dates"] == "2020-08-09/2020-08-12" and ends.problems == {}
    backwards = read(Event, {"title": "T", "dates.start": "2021", "dates.end": "2020"})
    assert backwards.problems == {"dates.end": f.RANGE} and "dates" not in backwards.state
    assert read(Event, {"dates": "2021/2020"}).problems == {"dates": f.RANGE}
    from sviedka.model import Consent

    assert read(Consent, {"given": "yes"}).state == {"given": True}
    assert read(Consent, {"given": "perhaps"}).problems == {"given": f.YES_NO}


def test_ranges_and_required_fields_come_from_the_form_declaration() -> None:
    reading = read(
        Detention,
        {
            "charges.0.part": "21",
            "charges.1.part": "3",
            "sentences.0.term_months": "0",
            "sentences.0.date": "2021",
        },
        ranges={"charges.*.part": (1, 20, "part"), "sentences.*.term_months": (1, 1200, "term")},
        required={"charges.*.article": "article", "arrest.date": "arrest"},
    )
    assert reading.problems == {
        "charges.0.part": "part",
        "charges.1.article": "article",  # a row given in part names what it lacks
        "sentences.0.term_months": "term",
        "sentences.0.penalty": f.REQUIRED,  # required by the model, no message declared
        "arrest.date": "arrest",
    }


def test_unknown_paths_are_refused_by_name() -> None:
    reading = read(
        Person,
        {
            "nickname": "x",
            "names.0.surname": "x",
            "names.0": "x",
            "birth_date.year": "2000",
            "custom": "x",
            "names.-1.full": "x",
            "names.zero.full": "x",
        },
    )
    assert reading.problems == dict.fromkeys(
        (
            "nickname",
            "names.0.surname",
            "names.0",
            "birth_date.year",
            "custom",
            "names.-1.full",
            "names.zero.full",
        ),
        f.UNKNOWN,
    )
    with pytest.raises(PathError, match="is not a field of Person"):
        resolve(Person, "nickname")


def test_rows_keep_their_order_and_gaps_close_problems_keep_the_sent_key() -> None:
    reading = read(
        Organisation,
        {"names.7.full": "Seven", "names.2.full": "Two", "names.9.lang": "be", "kind": "court"},
    )
    assert reading.state["names"] == [{"full": "Two"}, {"full": "Seven"}, {"lang": "be"}]
    assert reading.problems == {"names.9.full": f.REQUIRED}
    assert reading.get("names.1.full") == "Seven"


def test_row_numbers_are_capped_so_a_form_cannot_ask_for_a_huge_list() -> None:
    last = f"charges.{MAX_ROWS - 1}.article"
    sent = {
        last: "342",
        "charges.100000.article": "342",
        "charges.0001.article": "342",
        "charges." + "9" * 5000 + ".article": "342",
    }
    reading = read(Detention, sent)
    assert reading.state == {"charges": [{"article": "342"}]}
    too_many = {k: f.ROWS for k in sent if k != last}
    assert reading.problems == too_many


def test_blank_is_not_given_and_no_date_limit_without_today() -> None:
    reading = f.read_form(SourceLink, {"locator": "  ", "date": "2999"}, lookups(today=None))
    assert (reading.state, reading.problems) == ({"date": "2999"}, {})


def test_a_field_added_to_the_model_is_readable_without_code() -> None:
    """Every init field of every record kind resolves (or is a group), so forms can name it."""
    from dataclasses import fields

    from sviedka.model import KINDS

    for cls in KINDS.values():
        for field in fields(cls):
            try:
                resolve(cls, field.name)
            except PathError as exc:
                assert "group" in str(exc) or "form" in str(exc), (cls, field.name)
