"""Duplicate persons over a real store (SQLite and PostgreSQL): blocking, scoring, the resolver."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from typer.testing import CliRunner, Result

from sviedka.cli import app
from sviedka.model import Gender, NameForm, PartialDate, Person, Verdict
from sviedka.model.ids import new_id
from sviedka.services.records import resolver
from sviedka.services.records.matching import (
    candidate_pairs,
    likely_duplicates,
    propose_pairs,
    score_persons,
)
from sviedka.store import SqlStore
from sviedka.store import schema as t
from sviedka.store.name_keys import PersonFacts, person_facts


def person(*names: str, born: str | None = None, **kw: Any) -> Person:
    forms = tuple(NameForm(full=n, lang="und") for n in names)
    birth = PartialDate.parse(born) if born else None
    return Person(id=new_id(), names=forms, birth_date=birth, **kw)


def add(store: SqlStore, *people: Person) -> None:
    with store.writer() as w:
        for p in people:
            w.add(p, actor="tester", reason="test")


def test_a_pair_written_in_different_scripts_is_proposed(store: SqlStore) -> None:
    be = person("Алесь Бяляцкі", born="1962-09-25")
    latin = person("Ales Bialiatski", born="1962")
    add(store, be, latin, person("Марыя Калеснікава", born="1982"))
    proposals = propose_pairs(store)
    assert [(p.left, p.right) for p in proposals] == [tuple(sorted((be.id, latin.id)))]
    assert proposals[0].score >= 0.7
    assert any("birth dates agree" in w for w in proposals[0].why)


def test_unrelated_persons_are_not_paired(store: SqlStore) -> None:
    add(
        store,
        person("Алесь Бяляцкі"),
        person("Святлана Ціханоўская"),
        person("Сяргей Ціханоўскі"),  # her husband: a shared surname is a candidate, not a match
        person("Andrei Ivanou", born="1980"),
        person("Андрэй Іваноў", born="1955"),  # same name, another generation
    )
    with store.unscoped_view() as view:
        assert len(candidate_pairs(view)) >= 2  # blocked together, then scored apart
    assert propose_pairs(store) == []


def test_judged_not_same_is_not_proposed_again(store: SqlStore) -> None:
    a, b = person("Алесь Бяляцкі"), person("Алесь Беляцкий")
    add(store, a, b)
    assert len(propose_pairs(store)) == 1
    resolver.judge(store, a.id, b.id, Verdict.NOT_SAME, actor="reviewer", reason="test")
    assert propose_pairs(store) == []


def test_clustered_persons_are_not_proposed(store: SqlStore) -> None:
    a, b, c = person("Алесь Бяляцкі"), person("Алесь Беляцкий"), person("Ales Bialiatski")
    add(store, a, b, c)
    assert len(propose_pairs(store)) == 3
    resolver.judge(store, a.id, b.id, Verdict.SAME, actor="reviewer", reason="test")
    # a and b are one cluster now: one proposal between that cluster and c remains
    proposals = propose_pairs(store)
    assert len(proposals) == 1
    assert c.id in (proposals[0].left, proposals[0].right)
    resolver.judge(store, b.id, c.id, Verdict.SAME, actor="reviewer", reason="test")
    assert propose_pairs(store) == []


def test_threshold_and_limit(store: SqlStore) -> None:
    add(
        store,
        person("Алесь Бяляцкі"),
        person("Ales Bialiatski"),
        person("Марыя Калеснікава"),
        person("Maria Kolesnikova"),
    )
    assert len(propose_pairs(store)) == 2
    assert len(propose_pairs(store, limit=1)) == 1
    assert propose_pairs(store, threshold=1.01) == []


def test_birth_dates_and_gender_weigh(store: SqlStore) -> None:
    a = person("Андрэй Іваноў", born="1980-01-02", gender=Gender.MALE)
    same = replace(person("Andrei Ivanou", born="1980-01-02"), gender=Gender.MALE)
    older = person("Andrei Ivanou", born="1950")
    other = person("Andrei Ivanou", born="1980-01-02", gender=Gender.FEMALE)
    assert score_persons(a, same).score > score_persons(a, older).score
    assert score_persons(a, older).score < 0.7
    assert score_persons(a, other).score < score_persons(a, same).score
    assert any("same birth date" in w for w in score_persons(a, same).why)


def test_likely_duplicates_finds_the_person_being_entered(store: SqlStore) -> None:
    known = person("Бяляцкі Алесь Віктаравіч", born="1962-09-25")
    add(store, known, person("Святлана Ціханоўская"))
    with store.unscoped_view() as view:
        found = likely_duplicates(view, ["Ales Bialiatski"], PartialDate.parse("1962-09-25"))
        assert [(pid, score >= 0.9) for pid, score, _ in found] == [(known.id, True)]
        assert likely_duplicates(view, ["Ivan Petrov"], None) == []
        assert likely_duplicates(view, ["Алесь Бяляцкі"], None, limit=0) == []


def test_the_key_index_follows_updates(store: SqlStore) -> None:
    p = person("Алесь Бяляцкі")
    add(store, p)
    with store.writer() as w:
        w.update(replace(p, names=(NameForm(full="Марыя Калеснікава"),)), actor="t")
    with store.unscoped_view() as view:
        assert likely_duplicates(view, ["Ales Bialiatski"], None) == []
        assert [x[0] for x in likely_duplicates(view, ["Maria Kalesnikava"], None)] == [p.id]


def test_the_index_holds_keys_and_ids_only(store: SqlStore) -> None:
    add(store, person("Алесь Бяляцкі", born="1962"))
    with store.unscoped_view() as view:
        rows = view.conn.execute(sa.select(t.name_keys)).all()  # type: ignore[attr-defined]
    assert {r.key for r in rows} == {"f:balack", "fi:balack:a", "fg:balack:alas", "gy:alas:1962"}
    assert not any("Бяляцкі" in r.key for r in rows)


def test_likely_duplicates_inside_an_import_sees_what_the_writer_flushed(store: SqlStore) -> None:
    first = person("Марыя Калеснікава", born="1982-04-24")
    with store.writer() as w:
        w.add(first, actor="importer")
        w.flush()  # type: ignore[attr-defined]
        found = likely_duplicates(w, ["Мария Колесникова"], PartialDate.parse("1982"))
    assert [pid for pid, _, _ in found] == [first.id]


def test_facts_read_from_the_stored_state_equal_the_record(store: SqlStore) -> None:
    full = person("Алесь Бяляцкі", "Ales Bialiatski", born="1962-09", gender=Gender.MALE)
    full = replace(full, region="BY-HM")
    bare = person("Марыя Калеснікава")
    add(store, full, bare)
    with store.unscoped_view() as view:
        found = person_facts(view.conn, [full.id, bare.id, "no-such-id"])  # type: ignore[attr-defined]
    assert found == {
        full.id: PersonFacts(
            ("Алесь Бяляцкі", "Ales Bialiatski"), full.birth_date, Gender.MALE, "BY-HM"
        ),
        bare.id: PersonFacts(("Марыя Калеснікава",), None, Gender.UNKNOWN, None),
    }


# -- the command ---------------------------------------------------------------------------------


def test_match_persons_command_end_to_end(tmp_path: Path) -> None:
    env = {"SVIEDKA_PASSPHRASE": "correct horse battery staple", "SVIEDKA_DATABASE_URL": ""}
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        where = ["--archive", str(tmp_path / "a")]
        return runner.invoke(app, [*where, *args], input=input, env=env, catch_exceptions=False)

    assert runner.invoke(app, ["init", str(tmp_path / "a")], env=env).exit_code == 0
    env["SVIEDKA_PASSPHRASE"] = ""  # writes then skip signing (a second of scrypt each)
    ids = []
    for name in ("Алесь Бяляцкі", "Ales Bialiatski", "Марыя Калеснікава"):
        body = json.dumps({"names": [{"full": name}]})
        ids.append(run("record", "add", "person", "--json", "-", input=body).output.strip())

    text = run("match", "persons")
    assert text.exit_code == 0, text.output
    assert f"sviedka cluster judge {ids[0]} {ids[1]} same" in text.output
    assert "Калеснікава" not in text.output and text.output.endswith("1 pair(s).\n")

    found = json.loads(run("match", "persons", "--json").output)
    assert [(p["left"], p["right"]) for p in found["pairs"]] == [(ids[0], ids[1])]

    assert run("cluster", "judge", ids[0], ids[1], "not-same").exit_code == 0
    assert run("match", "persons").output == "No likely duplicates.\n"

    bad = run("match", "persons", "--threshold", "2")
    assert bad.exit_code == 1 and bad.output.startswith("Error: The threshold")
