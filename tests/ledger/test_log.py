"""The persisted log, on SQLite and PostgreSQL: appends in the writer's transaction, proofs,
checkpoints, and a verification that names each kind of tampering."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sviedka.errors import Invalid, NotFound
from sviedka.ledger import merkle
from sviedka.ledger.checkpoints import Signer
from sviedka.model import NameForm, Person, Verdict
from sviedka.model.custody import CustodyEvent, CustodyKind
from sviedka.model.ids import new_id
from sviedka.model.revision import timestamp
from sviedka.store import Problem, SqlStore, open_store
from sviedka.store import schema as t
from sviedka.store.ledger.checkpoints import consistency_bundle, make_checkpoint, proof_bundle
from sviedka.store.ledger.log import LedgerJournal, tree_root, tree_size
from sviedka.store.ledger.verify import check_log

SIGNER = Signer("sviedka/test-archive", Ed25519PrivateKey.generate())


@pytest.fixture
def logged(db_url: str) -> Iterator[SqlStore]:
    store = open_store(db_url, journal=LedgerJournal())
    yield store
    store.close()


def person(i: int) -> Person:
    return Person(id=new_id(), names=(NameForm(full=f"Person {i}", lang="be"),))


def fill(store: SqlStore, n: int = 37) -> list[Person]:
    people = [person(i) for i in range(n)]
    with store.writer() as w:
        for p in people[: n // 2]:
            w.add(p, actor="a")
    with store.writer() as w:
        for p in people[n // 2 :]:
            w.add(p, actor="a")
        w.update(replace(people[0], occupation="teacher"), actor="b")
        w.add_custody(CustodyEvent("ab" * 32, CustodyKind.INGESTED, "a", timestamp()))
    if n >= 3:
        with store.writer() as w:
            w.judge(people[1].id, people[2].id, Verdict.NOT_SAME, actor="v")
    return people


def checkpoint(store: SqlStore) -> Any:
    with store.engine.begin() as conn:
        return make_checkpoint(conn, SIGNER)


def problems(store: SqlStore) -> list[Problem]:
    with store.engine.connect() as conn, conn.begin():
        return list(check_log(conn, [SIGNER.verifier()]))


def test_every_revision_and_custody_event_is_logged_in_order(logged: SqlStore) -> None:
    people = fill(logged)
    with logged.engine.connect() as conn:
        rows = conn.execute(sa.select(t.ledger_entries).order_by(t.ledger_entries.c.idx)).all()
        expected = merkle.MemoryTree(r.entry.encode() for r in rows).root()
        assert tree_root(conn, tree_size(conn)) == expected
    assert [r.kind for r in rows] == ["revision"] * 38 + ["custody", "judgement"]
    assert rows[37].ref == people[0].id
    with logged.unscoped_view() as v:
        assert rows[37].entry.encode() == v.history(people[0].id)[-1].entry()


def test_a_failed_write_leaves_no_log_entry(logged: SqlStore) -> None:
    fill(logged, 4)
    with pytest.raises(Invalid), logged.writer() as w:
        w.add(person(9), actor="a")
        w.add(Person(id=new_id(), names=()), actor="a")  # invalid: rolls everything back
    with logged.engine.connect() as conn:
        assert tree_size(conn) == 5 + 1 + 1
    assert problems(logged) == []


def test_proof_bundles_verify_against_the_signed_checkpoint(logged: SqlStore) -> None:
    people = fill(logged)
    made = checkpoint(logged)
    with logged.engine.connect() as conn:
        bundle = proof_bundle(conn, people[0].id)
    entry = base64.b64decode(bundle["entry"])
    proof = [base64.b64decode(h) for h in bundle["inclusion_proof"]]
    assert bundle["leaf_index"] == 37 and bundle["tree_size"] == made.size == 40
    assert merkle.verify_inclusion(merkle.leaf_hash(entry), 37, 40, proof, made.root)
    assert bundle["state"]["occupation"] == "teacher"


def test_proofs_need_a_checkpoint_and_an_entry(logged: SqlStore) -> None:
    fill(logged, 4)
    with logged.engine.connect() as conn, pytest.raises(NotFound, match="ledger checkpoint"):
        proof_bundle(conn, "ab" * 32)
    checkpoint(logged)
    with logged.engine.connect() as conn, pytest.raises(NotFound, match="no entry"):
        proof_bundle(conn, new_id())


def test_consistency_between_two_checkpoints(logged: SqlStore) -> None:
    fill(logged, 10)
    old = checkpoint(logged)
    fill(logged, 10)
    new = checkpoint(logged)
    with logged.engine.connect() as conn:
        bundle = consistency_bundle(conn, old.size, new.size)
        with pytest.raises(Invalid):
            consistency_bundle(conn, new.size, old.size)
    proof = [base64.b64decode(h) for h in bundle["consistency_proof"]]
    assert merkle.verify_consistency(old.size, new.size, old.root, new.root, proof)


def test_an_untouched_log_verifies(logged: SqlStore) -> None:
    fill(logged)
    checkpoint(logged)
    assert problems(logged) == []


E, N, C = t.ledger_entries.c, t.ledger_nodes.c, t.ledger_checkpoints.c
TAMPERING: dict[str, tuple[Any, str, str]] = {
    "altered entry": (
        sa.update(t.ledger_entries).where(E.idx == 5).values(entry=E.entry + " "),
        "entry 5",
        "altered",
    ),
    "altered subtree hash": (
        sa.update(t.ledger_nodes).where(N.level == 2, N.idx == 1).values(hash="00" * 32),
        "node 2/1",
        "not the hash of its children",
    ),
    "forged checkpoint signature": (
        sa.update(t.ledger_checkpoints).values(note=sa.func.replace(C.note, "—", "-")),
        "checkpoint 40",
        "signature does not verify",
    ),
    "deleted revision": (
        sa.delete(t.revisions).where(t.revisions.c.seq == 2),
        "",
        "is gone (deleted?)",
    ),
    "deleted entry": (sa.delete(t.ledger_entries).where(E.idx == 38), "", "not in the log"),
    "altered custody event": (
        sa.update(t.custody_events).values(entry=t.custody_events.c.entry + " "),
        "ab" * 32,
        "custody event 1 was altered",
    ),
    "flipped judgement": (
        sa.update(t.judgements).values(verdict="same"),
        "",
        "differs from its log",
    ),
    "deleted judgement": (sa.delete(t.judgements), "", "differs from its log"),
    "altered judgement log": (
        sa.update(t.judgement_log).values(actor="mallory"),
        "",
        "judgement log row 1 was altered",
    ),
    "altered entry reference": (
        sa.update(t.ledger_entries).where(E.idx == 3).values(ref="someone-else"),
        "entry 3",
        "kind or reference column was altered",
    ),
    "planted node beyond the log": (
        sa.insert(t.ledger_nodes).values(level=0, idx=40, hash="aa" * 32),
        "log",
        "lie beyond its 40 entries",
    ),
}


@pytest.mark.parametrize("case", TAMPERING)
def test_each_kind_of_tampering_with_the_log_is_named(logged: SqlStore, case: str) -> None:
    people = fill(logged)
    checkpoint(logged)
    statement, subject, message = TAMPERING[case]
    with logged.engine.begin() as conn:
        conn.execute(statement)
    found = problems(logged)
    assert any(message in p.what for p in found), found
    if subject:
        assert any(p.subject == subject for p in found), found
    if case == "deleted revision":
        assert {p.subject for p in found} == {people[0].id}


def test_a_revision_slipped_in_outside_the_writer_is_named(logged: SqlStore) -> None:
    people = fill(logged, 4)
    with logged.unscoped_view() as v:
        last = v.history(people[0].id)[-1]
    row = {"record_id": last.record_id, "seq": 9, "kind": "person", "actor": "x", "at": "y"}
    row |= {"state": "{}", "state_sha256": "1" * 64, "sha256": "2" * 64, "prev_sha256": None}
    with logged.engine.begin() as conn:
        conn.execute(sa.insert(t.revisions), row)
    found = problems(logged)
    assert [(p.subject, p.what) for p in found] == [
        (people[0].id, "a revision is not in the log (added outside the writer?)")
    ]
