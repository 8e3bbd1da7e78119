from __future__ import annotations

from typing import Any

import pytest

from sviedka.errors import Invalid
from sviedka.model import KINDS, Detention, EndMode, PartialDate, Person
from sviedka.model.codec import dump, load, references
from sviedka.model.revision import canonical, canonical_flat

DETENTION: dict[str, Any] = {
    "id": "d1",
    "person": "p1",
    "arrest": {"date": "2021-09", "unit": "u1"},
    "charges": [{"article": "342", "part": 1, "added": "2021-09-26"}],
    "placements": [{"facility": "f1", "start": "2021-09-27"}],
    "end": {"mode": "pardon", "date": "2024-07"},
    "recognition": {"criteria": ["b", "d"]},
    "custom": {"tags": ["x"]},
}


def test_load_and_dump_round_trip() -> None:
    d = load(Detention, DETENTION)
    assert d.arrest is not None and d.arrest.date == PartialDate(2021, 9)
    assert d.end is not None and d.end.mode is EndMode.PARDON
    assert dump(d) == DETENTION | {"confidentiality": "internal"}


def test_every_problem_is_reported_at_once_under_its_path() -> None:
    bad = {
        "id": "d1",
        "arrest": {"date": "2021-02-30"},
        "charges": [{"article": 342}, {"part": 2}],
        "end": {"mode": "escaped"},
        "colour": "red",
    }
    with pytest.raises(Invalid) as caught:
        load(Detention, bad)
    assert set(caught.value.errors) == {
        "person",
        "arrest.date",
        "charges[0].article",
        "charges[1].article",
        "end.mode",
        "colour",
    }
    assert "no day 30" in caught.value.errors["arrest.date"]
    assert "served" in caught.value.errors["end.mode"]


def test_wrong_json_types_are_refused() -> None:
    with pytest.raises(Invalid) as caught:
        load(Person, {"id": "p", "names": {"full": "x"}, "citizenship": "BY", "custom": []})
    assert caught.value.errors == {
        "names": "must be a list",
        "citizenship": "must be a list",
        "custom": "must be an object with text keys",
    }


def test_references_list_every_code_and_id_with_its_path() -> None:
    found = {(r.path, r.kind, r.value) for r in references(load(Detention, DETENTION))}
    assert found == {
        ("person", "ref", "p1"),
        ("arrest.unit", "ref", "u1"),
        ("charges[0].article", "vocab", "342"),
        ("placements[0].facility", "ref", "f1"),
        ("recognition.criteria[0]", "vocab", "b"),
        ("recognition.criteria[1]", "vocab", "d"),
    }


def test_every_kind_needs_only_its_required_fields_to_round_trip() -> None:
    minimal = {
        "person": {"names": [{"full": "A"}]},
        "organisation": {"names": [{"full": "A"}]},
        "detention": {"person": "p"},
        "event": {"title": "t"},
        "act": {"victim": "p", "type": "030101000000"},
        "involvement": {"perpetrator": "p", "act": "a"},
        "source": {"title": "t"},
        "information": {"source": "s", "about": "p"},
        "evidence": {"title": "t"},
        "testimony": {"deponent": "p"},
        "intervention": {"kind": "un_appeal"},
        "designation": {"subject": "p", "list": "extremist_formations"},
        "sanction": {"authority": "EU"},
        "position": {"person": "p", "title": "t"},
    }
    assert set(minimal) == set(KINDS)
    for kind, body in minimal.items():
        record = load(KINDS[kind], {"id": "x", **body})
        assert load(KINDS[kind], dump(record)) == record


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "Алесь «Вербіцкі»",
        'quote " back \\ slash',
        "ctrl \x00\x07\b\f\n\r\t\x1f\x7f",
        "😀 \u2028\u2029",
    ],
)
def test_the_fast_envelope_encoding_is_exactly_rfc8785(text: str) -> None:
    value = {"reason": text, "seq": 12, "prev": None, "actor": "a", "Zz": "b", "é": "c"}
    assert canonical_flat(value) == canonical(value)
