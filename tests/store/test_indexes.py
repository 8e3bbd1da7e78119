"""The derived-index seam: kept current in the writer's transaction, rolled back with it, and
rebuilt from the records when its version changes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import pytest
import sqlalchemy as sa

from sviedka.model import NameForm, Person, Record
from sviedka.model.ids import new_id
from sviedka.store import open_store
from sviedka.store.indexes import Index

_meta = sa.MetaData()
_names = sa.Table(
    "test_index_names",
    _meta,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
)


class NameIndex(Index):
    name: ClassVar[str] = "test-names"
    version: ClassVar[int] = 1
    kinds: ClassVar[frozenset[str]] = frozenset({"person"})

    def refresh(self, conn: sa.Connection, records: Sequence[Record]) -> None:
        _meta.create_all(conn, checkfirst=True)
        ids = [r.id for r in records]
        conn.execute(sa.delete(_names).where(_names.c.id.in_(ids)))
        rows = [{"id": r.id, "name": r.names[0].full} for r in records if isinstance(r, Person)]
        conn.execute(sa.insert(_names), rows)

    def clear(self, conn: sa.Connection) -> None:
        _meta.create_all(conn, checkfirst=True)
        conn.execute(sa.delete(_names))


class NameIndexV2(NameIndex):
    version: ClassVar[int] = 2


def _person(name: str) -> Person:
    return Person(id=new_id(), names=(NameForm(full=name, lang="be"),))


def _indexed(url: str) -> dict[str, str]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.select(_names.c.id, _names.c.name)).all())
    engine.dispose()
    return {k: str(v) for k, v in rows.items()}


def test_index_follows_adds_and_updates_in_the_same_transaction(db_url: str) -> None:
    store = open_store(db_url, indexes=[NameIndex()])
    first, second = _person("Алесь"), _person("Ганна")
    with store.writer() as writer:
        writer.add(first, actor="t")
        writer.add(second, actor="t")
    with store.writer() as writer:
        writer.update(Person(id=first.id, names=(NameForm(full="Алесь Б."),)), actor="t")
    assert _indexed(db_url) == {first.id: "Алесь Б.", second.id: "Ганна"}
    store.close()


def test_a_failed_write_leaves_the_index_as_it_was(db_url: str) -> None:
    store = open_store(db_url, indexes=[NameIndex()])
    kept = _person("Алесь")
    with store.writer() as writer:
        writer.add(kept, actor="t")
    with pytest.raises(RuntimeError), store.writer() as writer:
        writer.add(_person("Ганна"), actor="t")
        writer.flush()  # the index row is written here, then the transaction fails
        raise RuntimeError("crash before commit")
    assert _indexed(db_url) == {kept.id: "Алесь"}
    store.close()


def test_a_new_index_version_is_rebuilt_from_the_records_at_open(db_url: str) -> None:
    store = open_store(db_url, indexes=[])  # records written while the index did not exist
    people = [_person(f"Person {i}") for i in range(5)]
    with store.writer() as writer:
        for p in people:
            writer.add(p, actor="t")
    store.close()
    open_store(db_url, indexes=[NameIndex()]).close()
    assert len(_indexed(db_url)) == 5
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:  # damage the index: a rebuild must restore it
        conn.execute(sa.delete(_names))
    engine.dispose()
    open_store(db_url, indexes=[NameIndex()]).close()
    assert _indexed(db_url) == {}, "same version: not rebuilt on every open"
    open_store(db_url, indexes=[NameIndexV2()]).close()
    assert _indexed(db_url) == {p.id: p.names[0].full for p in people}
