"""A writer killed at any moment loses nothing it had acknowledged, and leaves no half-write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

from sviedka.store import SqlStore

WRITER = textwrap.dedent(
    """
    import sys
    from sviedka.model import NameForm, Person
    from sviedka.model.ids import new_id
    from sviedka.store import open_store

    store = open_store(sys.argv[1])
    for i in range(100000):
        with store.writer() as w:
            batch = [Person(id=new_id(), names=(NameForm(full=f"P{i}-{j}"),)) for j in range(20)]
            for p in batch:
                w.add(p, actor="crash-test")
        print(i, flush=True)  # acknowledged: the transaction has committed
    """
)


def test_killing_a_writer_keeps_every_acknowledged_transaction(
    store: SqlStore, db_url: str
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, db_url], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    acknowledged = -1
    deadline = time.monotonic() + 60
    while acknowledged < 15 and time.monotonic() < deadline:
        acknowledged = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)  # mid-transaction, most likely
    proc.wait()
    proc.stdout.close()
    with store.unscoped_view() as v:
        stored = v.count("person")
        histories = [v.history(s.record.id) for s in v.records("person", limit=stored)]
    assert stored % 20 == 0  # whole transactions only
    assert stored >= (acknowledged + 1) * 20
    assert all(r.problems() == [] for history in histories for r in history)
