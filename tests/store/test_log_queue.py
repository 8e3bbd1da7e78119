"""Queued log entries (the audit events of reads): stored when ``enqueue`` returns, appended to
the log by the sequencer soon after, oldest first, each exactly once, and never lost: not by a
drain that fails, not by entries queued while a drain runs, not by a process killed before its
drain."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from sviedka.store import SqlStore, open_store
from sviedka.store import schema as t
from sviedka.store.ledger.log import LedgerJournal, tree_size
from sviedka.store.sequencer import Sequencer


@pytest.fixture
def logged(db_url: str) -> Iterator[SqlStore]:
    store = open_store(db_url, journal=LedgerJournal())
    yield store
    store.close()


def _queued(store: SqlStore) -> list[str]:
    with store.engine.connect() as conn:
        return list(conn.scalars(sa.select(t.ledger_queue.c.ref).order_by(t.ledger_queue.c.seq)))


def _logged(store: SqlStore) -> list[str]:
    e = t.ledger_entries.c
    with store.engine.connect() as conn:
        return list(conn.scalars(sa.select(e.ref).where(e.kind == "audit").order_by(e.idx)))


def _entry(n: int) -> tuple[str, bytes]:
    return f"r{n}", f'{{"n":{n}}}'.encode()


def test_an_entry_is_stored_at_once_and_in_the_log_after_a_drain(logged: SqlStore) -> None:
    logged.sequencer.close()  # no drain in the background: this test drains
    logged.enqueue("audit", [_entry(1), _entry(2)])
    assert _queued(logged) == ["r1", "r2"]  # committed: another connection reads it
    assert _logged(logged) == []
    assert logged.sequence() == 2
    assert (_queued(logged), _logged(logged)) == ([], ["r1", "r2"])
    assert logged.sequence(if_waiting=True) == 0


def test_the_sequencer_appends_soon_after_an_enqueue(logged: SqlStore) -> None:
    logged.enqueue("audit", [_entry(1)])
    deadline = time.monotonic() + 10
    while _logged(logged) != ["r1"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (_queued(logged), _logged(logged)) == ([], ["r1"])


def test_entries_are_appended_in_the_order_they_were_queued(logged: SqlStore) -> None:
    logged.sequencer.close()
    for n in range(12):
        logged.enqueue("audit", [_entry(n)])
    logged.sequence()
    assert _logged(logged) == [f"r{n}" for n in range(12)]
    with logged.engine.connect() as conn:
        assert tree_size(conn) == 12


def test_entries_queued_during_drains_are_each_logged_once(logged: SqlStore) -> None:
    logged.sequencer.close()
    stop = threading.Event()

    def drain() -> None:
        while not stop.is_set():
            logged.sequence()

    drainer = threading.Thread(target=drain)
    drainer.start()
    try:
        for n in range(60):
            logged.enqueue("audit", [_entry(n)])
    finally:
        stop.set()
        drainer.join()
    logged.sequence()
    assert sorted(_logged(logged), key=lambda ref: int(ref[1:])) == [f"r{n}" for n in range(60)]
    assert _queued(logged) == []


def test_closing_the_store_drains_what_is_pending(db_url: str) -> None:
    store = open_store(db_url, journal=LedgerJournal())
    store.enqueue("audit", [_entry(1)])
    store.close()  # before the sequencer's delay has passed
    again = open_store(db_url, journal=LedgerJournal())
    try:
        assert (_queued(again), _logged(again)) == ([], ["r1"])
    finally:
        again.close()


KILLED = textwrap.dedent(
    """
    import os, signal, sys
    from sviedka.store import open_store
    from sviedka.store.ledger.log import LedgerJournal

    store = open_store(sys.argv[1], journal=LedgerJournal())
    store.sequencer.soon = lambda delay=0: None  # this process never drains
    store.enqueue("audit", [("r1", b'{"n":1}')])
    print("acknowledged", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_what_a_killed_process_queued_is_logged_when_the_archive_opens(db_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", KILLED, db_url], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip() == "acknowledged"
    store = open_store(db_url, journal=LedgerJournal())
    try:
        assert (_queued(store), _logged(store)) == ([], ["r1"])
    finally:
        store.close()


def test_a_failed_drain_leaves_the_entries_queued_and_tries_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    ok = threading.Event()

    def drain() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("the database is away")
        ok.set()
        return 1

    monkeypatch.setattr("sviedka.store.sequencer.RETRY", 0.05)
    sequencer = Sequencer(drain)
    try:
        sequencer.soon(0.01)
        assert ok.wait(10)
    finally:
        sequencer.close()
    assert len(calls) == 2


def test_one_drain_serves_a_burst_and_none_runs_after_close() -> None:
    calls: list[int] = []
    sequencer = Sequencer(lambda: calls.append(1) or 0)
    for _ in range(50):
        sequencer.soon(0.2)
    time.sleep(0.6)
    assert len(calls) == 1
    sequencer.soon(5)
    sequencer.close()  # drains what was pending, now
    assert len(calls) == 2
    sequencer.soon(0.01)
    time.sleep(0.2)
    assert len(calls) == 2
