"""Several processes writing one record at once must never fork or break its hash chain."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace

from sviedka.model import NameForm, Person
from sviedka.model.ids import new_id
from sviedka.store import SqlStore, open_store

PROCESSES = 4
UPDATES = 15


def _hammer(url: str, record_id: str, worker: int) -> None:
    store = open_store(url)
    for i in range(UPDATES):
        with store.writer() as w:
            current = w.get(record_id).record
            w.update(replace(current, occupation=f"w{worker}-{i}"), actor=f"worker-{worker}")
    store.close()


def _run_writers(store: SqlStore, url: str) -> str:
    p = Person(id=new_id(), names=(NameForm(full="Ганна", lang="be"),))
    with store.writer() as w:
        w.add(p, actor="setup")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_hammer, args=(url, p.id, n)) for n in range(PROCESSES)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
    assert [proc.exitcode for proc in procs] == [0] * PROCESSES
    return p.id


def test_concurrent_writers_keep_one_unbroken_chain(store: SqlStore, db_url: str) -> None:
    record_id = _run_writers(store, db_url)
    with store.unscoped_view() as v:
        history = v.history(record_id)
        head = v.get(record_id)
    assert [r.seq for r in history] == list(range(1, PROCESSES * UPDATES + 2))
    assert all(r.problems() == [] for r in history)
    assert [r.prev_sha256 for r in history[1:]] == [r.sha256 for r in history[:-1]]
    assert [r.at for r in history] == sorted(r.at for r in history)
    assert (head.revision, head.sha256) == (history[-1].seq, history[-1].sha256)
