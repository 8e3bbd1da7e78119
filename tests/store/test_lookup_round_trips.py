"""The token and session lookups every API request makes are one statement on PostgreSQL, with
no BEGIN before it and no ROLLBACK after it (the store's reads have a pool of their own, in
autocommit); writes still run in transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from test_account_tables import T0, T3, add_user, token

from sviedka.store import SqlStore, open_store
from sviedka.store.accounts import account_tables, session_holder, token_holder

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[SqlStore]:
    store = open_store(pg_url)
    yield store
    store.close()


@contextmanager
def server_states(store: SqlStore) -> Iterator[list[str]]:
    """The server connection's transaction status right after each statement of the block."""
    seen: list[str] = []

    def record(_conn: Any, cursor: Any, *_: Any) -> None:
        seen.append(cursor.connection.info.transaction_status.name)

    sa.event.listen(store.read_engine, "after_cursor_execute", record)  # the lookups' engine
    try:
        yield seen
    finally:
        sa.event.remove(store.read_engine, "after_cursor_execute", record)


def test_the_lookups_open_no_transaction(pg_store: SqlStore) -> None:
    anna = add_user(pg_store, "u1", "anna", "lawyers")
    with account_tables(pg_store, write=True) as tables:
        tables.add_token(token("k1", anna), "d1")
        tables.add_session("s1", anna.id, T0, T3)
    with server_states(pg_store) as states:
        assert token_holder(pg_store, "d1") is not None
        assert session_holder(pg_store, "s1") is not None
        assert token_holder(pg_store, "unknown") is None
    assert states == ["IDLE"] * 3  # a BEGIN would have left it INTRANS


def test_a_write_after_a_lookup_is_a_transaction_again(pg_store: SqlStore) -> None:
    add_user(pg_store, "u1", "anna")
    assert session_holder(pg_store, "none") is None
    assert pg_store.read_engine.pool.checkedin() == 1  # type: ignore[attr-defined]  # the lookup's
    with pytest.raises(RuntimeError), account_tables(pg_store, write=True) as tables:
        tables.update_user("u1", role="admin")
        raise RuntimeError("the change is abandoned")
    with account_tables(pg_store) as tables:
        user = tables.user("u1")
    assert user is not None and user.role == "documenter"


@contextmanager
def checkouts(store: SqlStore) -> Iterator[list[int]]:
    """How many connections the read pool hands out during the block."""
    seen: list[int] = []

    def count(*_: Any) -> None:
        seen.append(1)

    sa.event.listen(store.read_engine, "checkout", count)
    try:
        yield seen
    finally:
        sa.event.remove(store.read_engine, "checkout", count)


def _one_request(store: SqlStore) -> None:
    from sviedka.policy import CUSTODIAN

    assert token_holder(store, "d1") is not None
    with store.view(CUSTODIAN) as outer, store.view(CUSTODIAN) as inner:  # nested views too
        assert outer.count("person") == inner.count("person") == 0
    store.enqueue("audit", [("r1", b"{}")])


def test_a_request_reading_holds_one_connection_for_all_its_reads(pg_store: SqlStore) -> None:
    anna = add_user(pg_store, "u1", "anna")
    with account_tables(pg_store, write=True) as tables:
        tables.add_token(token("k1", anna), "d1")
    pg_store.sequencer.close()  # no drain in the background: it would check one out too
    with checkouts(pg_store) as alone:
        _one_request(pg_store)
    with checkouts(pg_store) as held, pg_store.reading():
        _one_request(pg_store)
    assert (len(alone), len(held)) == (4, 1)


def test_a_failed_statement_leaves_the_held_connection_usable(pg_store: SqlStore) -> None:
    from sviedka.errors import Invalid
    from sviedka.policy import CUSTODIAN

    with pg_store.reading():
        with pytest.raises(Invalid), pg_store.view(CUSTODIAN) as view:
            view.find("a\x00b")  # PostgreSQL refuses a NUL in text
        with pg_store.view(CUSTODIAN) as view:
            assert view.find("none") is None
        assert token_holder(pg_store, "unknown") is None
