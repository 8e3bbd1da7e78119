"""Decoded records kept between reads (``store/decoded.py``), on SQLite and PostgreSQL: a new
revision is never served stale, an altered kind is still caught, and the cache is bounded."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from sviedka.errors import IntegrityFailure
from sviedka.model import NameForm, Person
from sviedka.model.codec import dump
from sviedka.model.ids import new_id
from sviedka.store import SqlStore
from sviedka.store import decoded as cache
from sviedka.store import schema as t


def _person(name: str) -> Person:
    return Person(id=new_id(), names=(NameForm(full=name),))


def test_a_new_revision_is_read_as_new(store: SqlStore) -> None:
    first = _person("Before")
    with store.writer() as writer:
        writer.add(first, actor="tester")
    with store.unscoped_view() as view:
        assert view.get(first.id).record.names[0].full == "Before"  # now kept
    with store.writer() as writer:
        writer.update(dataclasses.replace(first, names=(NameForm(full="After"),)), actor="tester")
    with store.unscoped_view() as view:
        again = view.get(first.id)
    assert (again.revision, again.record.names[0].full) == (2, "After")


def test_a_repeated_read_gives_the_kept_record_and_its_dump(store: SqlStore) -> None:
    record = _person("Kept")
    with store.writer() as writer:
        writer.add(record, actor="tester")
    with store.unscoped_view() as view:
        one, two = view.get(record.id).record, view.get(record.id).record
    assert one is two
    assert cache.dumped(one) is cache.dumped(two)
    assert cache.dumped(one) == dump(record)
    other = dataclasses.replace(one)  # an equal record that is not the one kept
    assert cache.dumped(other) == dump(record) and cache.dumped(other) is not cache.dumped(one)


def test_a_kind_altered_after_a_read_is_still_caught(store: SqlStore) -> None:
    record = _person("P")
    with store.writer() as writer:
        writer.add(record, actor="tester")
    with store.unscoped_view() as view:
        view.get(record.id)
    with store.engine.begin() as conn:
        conn.execute(
            sa.update(t.records).where(t.records.c.id == record.id).values(kind="organisation")
        )
    with pytest.raises(IntegrityFailure), store.unscoped_view() as view:
        view.get(record.id)


def test_the_cache_is_bounded(store: SqlStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "SIZE", 3)
    records = [_person(f"P{i}") for i in range(6)]
    with store.writer() as writer:
        for record in records:
            writer.add(record, actor="tester")
    with store.unscoped_view() as view:
        for record in records:
            view.get(record.id)
    assert len(cache._items) <= 3 and len(cache._keys) == len(cache._items)
