"""The account tables (``store.accounts``) on SQLite and PostgreSQL: users with their groups,
access taken away in the transaction of the change, the per-request lookups of a token and a
session in one statement, and failed logins counted by key."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest
import sqlalchemy as sa

from sviedka.errors import Conflict
from sviedka.store import SqlStore
from sviedka.store.accounts import (
    SessionRow,
    TokenInfo,
    TokenRow,
    UserRow,
    account_tables,
    session_holder,
    token_holder,
)

T0, T1, T2, T3 = (f"2026-01-0{d}T00:00:00.000000Z" for d in (1, 2, 3, 4))


def user_row(user_id: str, name: str, *, groups: tuple[str, ...] = ()) -> UserRow:
    return UserRow(
        id=user_id,
        username=name,
        password_hash="$argon2id$not-a-real-hash",
        role="documenter",
        clearance="internal",
        language=None,
        totp_secret=None,
        totp_pending=None,
        totp_last=None,
        totp_required=False,
        disabled=False,
        must_change_password=False,
        groups=frozenset(groups),
    )


def add_user(store: SqlStore, user_id: str, name: str, *groups: str) -> UserRow:
    row = user_row(user_id, name, groups=groups)
    with account_tables(store, write=True) as tables:
        tables.add_user(row, T0)
        for group in groups:
            tables.add_group(user_id, group)
    return row


def token(token_id: str, user: UserRow, *, created_at: str = T0) -> TokenInfo:
    return TokenInfo(token_id, user.id, user.username, "ci", ("read",), created_at, T3, None)


@contextmanager
def selects(store: SqlStore) -> Iterator[list[str]]:
    """The SELECT statements sent to the database while the block runs."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    engines = {store.engine, store.read_engine}  # one on SQLite; reads have their own on PostgreSQL
    for engine in engines:
        sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            sa.event.remove(engine, "before_cursor_execute", record)


def test_a_user_reads_back_with_its_groups_by_id_and_by_name(store: SqlStore) -> None:
    anna = add_user(store, "u1", "anna", "lawyers", "minsk")
    add_user(store, "u2", "boris")
    with account_tables(store) as tables:
        assert tables.user("u1") == anna
        assert tables.user_named("anna") == anna
        assert tables.user_named("ANNA") is None  # names are stored lower case; callers fold
        assert tables.user("nobody") is None
        assert tables.has_user_named("boris") and not tables.has_user_named("vera")
        assert [u.username for u in tables.users()] == ["anna", "boris"]
        assert tables.users()[1].groups == frozenset()


def test_a_known_and_an_unknown_name_cost_the_same_statements(store: SqlStore) -> None:
    """A login looks the name up before it checks the password: the lookup must not tell."""
    add_user(store, "u1", "anna", "lawyers", "minsk")
    with selects(store) as known, account_tables(store) as tables:
        assert tables.user_named("anna") is not None
    with selects(store) as unknown, account_tables(store) as tables:
        assert tables.user_named("boris") is None
    assert len(known) == len(unknown) == 1


def test_a_name_taken_twice_is_a_conflict_and_nothing_is_written(store: SqlStore) -> None:
    add_user(store, "u1", "anna")
    with (
        pytest.raises(Conflict, match="collides with an account"),
        account_tables(store, write=True) as tables,
    ):
        tables.add_group("u1", "lawyers")
        tables.add_user(user_row("u2", "anna"), T1)
    with account_tables(store) as tables:
        assert tables.user("u2") is None
        assert tables.user("u1") == user_row("u1", "anna")  # the group went with the rollback


def test_update_and_groups_change_one_user(store: SqlStore) -> None:
    add_user(store, "u1", "anna", "lawyers")
    add_user(store, "u2", "boris", "lawyers")
    with account_tables(store, write=True) as tables:
        assert tables.update_user("u1", role="viewer", disabled=True, updated_at=T1)
        assert not tables.update_user("nobody", role="viewer")
        tables.remove_group("u1", "lawyers")
        tables.add_group("u1", "minsk")
    with account_tables(store) as tables:
        anna = tables.user("u1")
        assert anna == replace(
            user_row("u1", "anna"), role="viewer", disabled=True, groups=frozenset({"minsk"})
        )
        assert tables.user("u2") == user_row("u2", "boris", groups=("lawyers",))


def test_revoking_access_ends_sessions_and_revokes_live_tokens_of_that_user_only(
    store: SqlStore,
) -> None:
    anna = add_user(store, "u1", "anna")
    boris = add_user(store, "u2", "boris")
    with account_tables(store, write=True) as tables:
        tables.add_session("s-anna", anna.id, T0, T3)
        tables.add_session("s-boris", boris.id, T0, T3)
        tables.add_token(token("k1", anna), "d1")
        tables.add_token(token("k2", anna), "d2")
        tables.add_token(token("k3", boris), "d3")
        assert tables.revoke_token("k2", T1)
    with account_tables(store, write=True) as tables:
        tables.revoke_access(anna.id, T2)
    assert session_holder(store, "s-anna") is None
    assert session_holder(store, "s-boris") is not None
    with account_tables(store) as tables:
        revoked = {t.id: t.revoked_at for t in tables.tokens()}
    assert revoked == {"k1": T2, "k2": T1, "k3": None}  # a revoked token keeps its time


def test_a_change_and_the_revocation_roll_back_together(store: SqlStore) -> None:
    anna = add_user(store, "u1", "anna")
    with account_tables(store, write=True) as tables:
        tables.add_session("s1", anna.id, T0, T3)
        tables.add_token(token("k1", anna), "d1")
    with pytest.raises(RuntimeError), account_tables(store, write=True) as tables:
        tables.update_user(anna.id, password_hash="new", updated_at=T1)
        tables.revoke_access(anna.id, T1)
        raise RuntimeError("crash before commit")
    assert session_holder(store, "s1") is not None
    found = token_holder(store, "d1")
    assert found is not None and found[0].revoked_at is None
    assert found[1].password_hash == anna.password_hash


def test_token_holder_is_the_token_and_its_user_in_one_select(store: SqlStore) -> None:
    anna = add_user(store, "u1", "anna", "lawyers", "minsk")
    with account_tables(store, write=True) as tables:
        tables.add_token(replace(token("k1", anna), scopes=("read", "write")), "d1")
    with selects(store) as seen:
        found = token_holder(store, "d1")
    assert found == (TokenRow(None, T3, "read write"), anna)
    assert len(seen) == 1
    assert token_holder(store, "unknown") is None


def test_session_holder_is_the_session_and_its_user_in_one_select(store: SqlStore) -> None:
    anna = add_user(store, "u1", "anna", "lawyers")
    with account_tables(store, write=True) as tables:
        tables.add_session("s1", anna.id, T0, T3)
    with selects(store) as seen:
        found = session_holder(store, "s1")
    assert found == (SessionRow(seen_at=T0, expires_at=T3), anna)
    assert len(seen) == 1
    assert session_holder(store, "unknown") is None


def test_sessions_are_touched_ended_and_swept_when_stale(store: SqlStore) -> None:
    anna = add_user(store, "u1", "anna")
    with account_tables(store, write=True) as tables:
        tables.add_session("idle", anna.id, T0, T3)
        tables.add_session("expired", anna.id, T0, T1)
        tables.add_session("live", anna.id, T0, T3)
        tables.add_session("ended", anna.id, T0, T3)
        tables.touch_session("live", T2)
        tables.end_session("ended")
    with account_tables(store, write=True) as tables:
        tables.end_stale_sessions(now=T1, idle_since=T1)
    assert session_holder(store, "live") == (SessionRow(T2, T3), anna)
    assert [session_holder(store, s) for s in ("idle", "expired", "ended")] == [None] * 3


def test_tokens_list_oldest_first_and_by_user(store: SqlStore) -> None:
    anna = add_user(store, "u1", "anna")
    boris = add_user(store, "u2", "boris")
    with account_tables(store, write=True) as tables:
        tables.add_token(token("k2", anna, created_at=T2), "d2")
        tables.add_token(token("k1", boris, created_at=T1), "d1")
    with account_tables(store, write=True) as tables:
        assert [t.id for t in tables.tokens()] == ["k1", "k2"]
        assert tables.tokens("anna") == [token("k2", anna, created_at=T2)]
        assert tables.tokens("vera") == []
        assert tables.revoke_token("k2", T3)
        assert not tables.revoke_token("k2", T3)  # only a live token is revoked
        assert not tables.revoke_token("nope", T3)


def test_the_same_token_digest_twice_is_a_conflict(store: SqlStore) -> None:
    anna = add_user(store, "u1", "anna")
    with account_tables(store, write=True) as tables:
        tables.add_token(token("k1", anna), "d1")
    with pytest.raises(Conflict), account_tables(store, write=True) as tables:
        tables.add_token(token("k2", anna), "d1")


def test_failures_are_counted_per_key_since_a_time_and_forgotten(store: SqlStore) -> None:
    with account_tables(store, write=True) as tables:
        tables.add_failures(["name", "ip"], T0)
        tables.add_failures(["name", "ip"], T2)
        tables.add_failures(["other"], T2)
    with account_tables(store) as tables:
        assert [tables.failures(k, T0) for k in ("name", "ip", "other", "none")] == [2, 2, 1, 0]
        assert tables.failures("name", T1) == 1
    with account_tables(store, write=True) as tables:
        tables.forget_failures("name")
        tables.forget_failures_before(T1)
    with account_tables(store) as tables:
        assert [tables.failures(k, T0) for k in ("name", "ip", "other")] == [0, 1, 1]


def test_a_meta_secret_is_made_once(store: SqlStore) -> None:
    with account_tables(store, write=True) as tables:
        assert tables.meta("lockout_test") is None
        tables.add_meta("lockout_test", "ab" * 32)
    with pytest.raises(Conflict), account_tables(store, write=True) as tables:
        tables.add_meta("lockout_test", "cd" * 32)
    with account_tables(store) as tables:
        assert tables.meta("lockout_test") == "ab" * 32
