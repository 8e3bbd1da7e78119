"""The store contract: every scenario runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa

from sviedka.errors import Conflict, Invalid, NotFound
from sviedka.model import (
    Charge,
    Detention,
    NameForm,
    Person,
    PersonSensitive,
    Verdict,
    VocabTerm,
    Vocabulary,
)
from sviedka.model.custom import CustomField
from sviedka.model.ids import new_id
from sviedka.model.revision import canonical
from sviedka.store import NoJournal, SqlStore, open_store
from sviedka.store import schema as t
from sviedka.store.migrations import MIGRATIONS, migrate


def person(name: str = "Алесь Вербіцкі", **kw: Any) -> Person:
    return Person(id=new_id(), names=(NameForm(full=name, lang="be"),), **kw)


def add(store: SqlStore, *records: Any) -> None:
    with store.writer() as w:
        for r in records:
            w.add(r, actor="tester", reason="test")


def count(store: SqlStore, table: sa.Table) -> int:
    with store.engine.connect() as conn:
        return int(conn.scalar(sa.select(sa.func.count()).select_from(table)) or 0)


def test_add_then_get_returns_the_same_record(store: SqlStore) -> None:
    p = person(birth_date=None)
    add(store, p)
    with store.unscoped_view() as v:
        got = v.get(p.id)
    assert got.record == p
    assert got.revision == 1


def test_revision_hashes_can_be_recomputed_without_sviedka(store: SqlStore) -> None:
    p = person()
    add(store, p)
    with store.unscoped_view() as v:
        (rev,) = v.history(p.id)
    state_bytes = json.dumps(rev.state, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(state_bytes.encode()).hexdigest() == rev.state_sha256
    envelope = {
        "actor": "tester",
        "at": rev.at,
        "prev": None,
        "reason": "test",
        "record": p.id,
        "seq": 1,
        "state_sha256": rev.state_sha256,
    }
    env_bytes = json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(env_bytes.encode()).hexdigest() == rev.sha256


def test_update_appends_a_chained_revision_and_keeps_the_old_state(store: SqlStore) -> None:
    p = person()
    add(store, p)
    changed = replace(p, names=(*p.names, NameForm(full="Алесь Вербицкий", lang="ru")))
    with store.writer() as w:
        second = w.update(changed, actor="verifier", reason="ru name from the court record")
    with store.unscoped_view() as v:
        first, again = v.history(p.id)
        assert again == second
        assert second.prev_sha256 == first.sha256
        assert [r.problems() for r in (first, second)] == [[], []]
        assert v.get(p.id).record == changed
        assert v.get(p.id, as_of=first.at).record == p
        assert v.get(p.id, as_of=second.at).record == changed


def test_reading_before_a_record_existed_is_not_found(store: SqlStore) -> None:
    p = person()
    add(store, p)
    with store.unscoped_view() as v, pytest.raises(NotFound):
        v.get(p.id, as_of="2000-01-01T00:00:00.000000Z")


def test_an_update_that_changes_nothing_writes_nothing(store: SqlStore) -> None:
    p = person()
    add(store, p)
    with store.writer() as w:
        rev = w.update(p, actor="importer")
    assert rev.seq == 1
    assert count(store, t.revisions) == 1


def test_stale_expected_revision_is_a_conflict_and_writes_nothing(store: SqlStore) -> None:
    p = person()
    add(store, p)
    with store.writer() as w:
        w.update(replace(p, occupation="teacher"), actor="a")
    with pytest.raises(Conflict, match="revision 2, not 1"), store.writer() as w:
        w.update(replace(p, occupation="doctor"), actor="b", expected_revision=1)
    with store.unscoped_view() as v:
        assert v.get(p.id).record.occupation == "teacher"  # type: ignore[attr-defined]
    assert count(store, t.revisions) == 2


def test_adding_an_existing_id_is_a_conflict(store: SqlStore) -> None:
    p = person()
    add(store, p)
    with pytest.raises(Conflict, match=f"already exist.*{p.id}"):
        add(store, replace(p, occupation="other"))
    assert count(store, t.revisions) == 1


def test_update_of_a_missing_record_is_not_found(store: SqlStore) -> None:
    with pytest.raises(NotFound), store.writer() as w:
        w.update(person(), actor="a")


def test_update_cannot_change_the_kind(store: SqlStore) -> None:
    p = person()
    add(store, p)
    with pytest.raises(Invalid, match="is a person"), store.writer() as w:
        w.update(Detention(id=p.id, person=p.id), actor="a")


def test_unknown_vocabulary_code_and_dangling_reference_are_named(store: SqlStore) -> None:
    bad = Detention(id=new_id(), person=new_id(), charges=(Charge(article="999"),))
    with pytest.raises(Invalid) as caught, store.writer() as w:
        w.add(bad, actor="a")
    assert set(caught.value.errors) == {"person", "charges[0].article"}
    assert "criminal_code_by" in caught.value.errors["charges[0].article"]
    assert count(store, t.records) == 0


def test_a_reference_to_the_wrong_kind_is_invalid(store: SqlStore) -> None:
    p = person()
    d = Detention(id=new_id(), person=p.id)
    add(store, p, d)
    with pytest.raises(Invalid) as caught, store.writer() as w:
        w.add(Detention(id=new_id(), person=d.id), actor="a")
    assert caught.value.errors == {"person": f"{d.id} is a detention, not a person"}


def test_a_failure_rolls_back_the_whole_transaction(store: SqlStore) -> None:
    good = [person("A"), person("B")]
    with pytest.raises(Invalid), store.writer() as w:
        for p in good:
            w.add(p, actor="a")
        w.add(Detention(id=new_id(), person="missing"), actor="a")
    assert (count(store, t.records), count(store, t.revisions)) == (0, 0)


def test_records_may_refer_to_records_added_in_the_same_transaction(store: SqlStore) -> None:
    p = person()
    d = Detention(id=new_id(), person=p.id, charges=(Charge(article="342", part=1),))
    add(store, p, d)
    with store.unscoped_view() as v:
        assert v.kinds_of([p.id, d.id, "nope"]) == {p.id: "person", d.id: "detention"}


def test_bulk_adds_beyond_one_batch_are_all_stored_in_order(store: SqlStore) -> None:
    people = [person(f"P{i}") for i in range(2500)]
    add(store, *people)
    with store.unscoped_view() as v:
        assert v.count("person") == 2500
        page = v.records("person", limit=3, offset=2497)
    assert [s.record for s in page] == people[-3:]


def test_sensitive_fields_are_kept_apart_from_the_searchable_data(store: SqlStore) -> None:
    p = person(sensitive=PersonSensitive(address="вул. Прыкладная, 1"))
    add(store, p)
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(t.records).where(t.records.c.id == p.id)).one()
        rev = conn.execute(sa.select(t.revisions)).one()
    assert "Прыкладная" not in row.data and "Прыкладная" not in rev.state
    assert json.loads(row.sensitive) == {"sensitive": {"address": "вул. Прыкладная, 1"}}
    with store.unscoped_view() as v:
        assert v.get(p.id).record == p
        assert v.history(p.id)[0].problems() == []


def test_filters_match_fields_and_custom_fields(db_url: str) -> None:
    declared = {"person": {"party": CustomField("party", "vocab", vocab="parties")}}
    store = open_store(db_url, custom_fields=declared)
    with store.writer() as w:
        w.put_vocabulary(Vocabulary("parties", "Parties", "t", (VocabTerm("bnf", {"en": "BNF"}),)))
        a, b = person("A", custom={"party": "bnf"}), person("B", occupation="teacher")
        w.add(a, actor="x")
        w.add(b, actor="x")
    with store.unscoped_view() as v:
        assert [s.record.id for s in v.records("person", where={"custom.party": "bnf"})] == [a.id]
        assert [s.record.id for s in v.records("person", where={"occupation": "teacher"})] == [b.id]
        assert v.count("person", where={"custom.party": "bnf", "occupation": "teacher"}) == 0
    with pytest.raises(Invalid) as caught, store.writer() as w:
        w.add(person("C", custom={"party": "kgb", "shoe": 42}), actor="x")
    assert set(caught.value.errors) == {"custom.party", "custom.shoe"}
    store.close()


def test_a_bad_filter_path_is_refused(store: SqlStore) -> None:
    with pytest.raises(Invalid), store.unscoped_view() as v:
        v.records("person", where={"data'); drop table records; --": "x"})


def test_judgements_cluster_records_and_retraction_undoes_the_merge(store: SqlStore) -> None:
    a, b, c = person("A"), person("B"), person("C")
    add(store, a, b, c)
    with store.writer() as w:
        w.judge(b.id, a.id, Verdict.SAME, actor="v1", reason="same birth date")
        w.judge(b.id, c.id, Verdict.SAME, actor="v1")
    with store.unscoped_view() as v:
        assert v.cluster(c.id).members == (a.id, b.id, c.id)
        assert v.cluster(c.id).canonical == a.id
    with store.writer() as w:
        w.retract(c.id, b.id, actor="v2", reason="different patronymic")
    with store.unscoped_view() as v:
        assert v.cluster(c.id).members == (c.id,)
        assert v.cluster(a.id).members == (a.id, b.id)
    assert count(store, t.records) == 3  # nothing destroyed
    assert count(store, t.judgement_log) == 3


def test_same_is_refused_when_it_would_join_records_judged_different(store: SqlStore) -> None:
    a, b, c = person("A"), person("B"), person("C")
    add(store, a, b, c)
    with store.writer() as w:
        w.judge(a.id, b.id, Verdict.SAME, actor="v")
        w.judge(a.id, c.id, Verdict.NOT_SAME, actor="v")
    with pytest.raises(Conflict, match="judged not the same"), store.writer() as w:
        w.judge(b.id, c.id, Verdict.SAME, actor="v")


def test_judging_needs_two_existing_records_of_one_kind(store: SqlStore) -> None:
    p = person()
    d = Detention(id=new_id(), person=p.id)
    add(store, p, d)
    with pytest.raises(Invalid), store.writer() as w:
        w.judge(p.id, d.id, Verdict.SAME, actor="v")
    with pytest.raises(NotFound), store.writer() as w:
        w.judge(p.id, new_id(), Verdict.SAME, actor="v")
    with pytest.raises(NotFound), store.writer() as w:
        w.retract(p.id, d.id, actor="v")


def test_vocabulary_reload_updates_labels_and_never_drops_terms(store: SqlStore) -> None:
    with store.writer() as w:
        w.put_vocabulary(Vocabulary("parties", "Parties", "t", (VocabTerm("bnf", {"en": "BPF"}),)))
    with store.unscoped_view() as v:
        terms = v.vocabulary("parties").terms
        assert [(t.code, t.label()) for t in terms] == [("bnf", "BPF"), ("other", "OTHER")]
        with pytest.raises(NotFound, match="vocab list"):
            v.vocabulary("nope")


def test_migrations_are_recorded_and_safe_to_rerun(store: SqlStore) -> None:
    assert migrate(store.engine) == []
    with store.engine.connect() as conn:
        versions = conn.scalars(sa.select(t.migrations_table.c.version)).all()
    assert versions == [m.version for m in MIGRATIONS]


def test_an_older_database_is_brought_up_to_date(store: SqlStore) -> None:
    with store.engine.begin() as conn:  # as a version-1 archive looked
        t.custody_events.drop(conn)
        conn.execute(sa.delete(t.migrations_table).where(t.migrations_table.c.version > 1))
    assert migrate(store.engine) == [m.version for m in MIGRATIONS[1:]]
    assert sa.inspect(store.engine).has_table("custody_events")


def test_a_table_added_after_its_migration_was_recorded_is_created_by_the_next(
    store: SqlStore,
) -> None:
    with store.engine.begin() as conn:  # as a development build before name keys existed
        t.name_keys.drop(conn)
        conn.execute(sa.delete(t.migrations_table).where(t.migrations_table.c.version == 7))
    assert migrate(store.engine) == [7]
    assert sa.inspect(store.engine).has_table("name_keys")


def test_the_journal_receives_each_revision_entry_in_the_transaction(db_url: str) -> None:
    entries: list[tuple[str, bytes]] = []

    class Recorder(NoJournal):
        def open(self, tx: Any) -> Recorder:
            assert tx.in_transaction()
            return self

        def append(self, kind: str, ref: str, entry: bytes) -> None:
            entries.append((kind, entry))

        def flush(self) -> None:
            entries.append(("flush", b""))

    store = open_store(db_url, journal=Recorder())
    p = person()
    add(store, p)
    with store.unscoped_view() as v:
        (rev,) = v.history(p.id)
    assert entries == [("revision", rev.entry()), ("flush", b"")]
    assert hashlib.sha256(entries[0][1]).hexdigest() == rev.sha256
    assert canonical(rev.envelope()) == rev.entry()
    store.close()


def test_a_driver_integrity_error_reaches_people_as_a_conflict(store: SqlStore) -> None:
    p = person()
    with pytest.raises(Conflict, match="nothing was saved"), store.writer() as w:
        w.add(p, actor="a")  # buffered
        row = {"id": p.id, "kind": "person", "confidentiality": "internal", "data": "{}"}
        row |= {"revision": 1, "sha256": "0" * 64, "created_at": "x", "updated_at": "x"}
        w.conn.execute(sa.insert(t.records), row)  # type: ignore[attr-defined]
    assert count(store, t.records) == 0
