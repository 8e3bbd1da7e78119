"""The use cases decide access, not their callers: each refuses a principal whose role (or
token) does not allow it, with the policy's own message and nothing written, and reads only
what the principal may read (issue 12: "every use case takes the principal")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sviedka.errors import Invalid, NotFound
from sviedka.model import Confidentiality, Verdict
from sviedka.policy import CUSTODIAN, Forbidden, Principal, PrincipalKind, Role, Scope
from sviedka.services.accounts.admin import administration
from sviedka.services.analysis.stats import Scope as CountScope
from sviedka.services.archive import ledger
from sviedka.services.archive.audit import events
from sviedka.services.archive.folder import Archive, open_archive
from sviedka.services.evidence import uploading
from sviedka.services.importing.desk import importable_formats
from sviedka.services.records import catalogue, listings
from sviedka.services.records.guarded import recording_levels
from sviedka.services.records.matching import (
    judge_records,
    pairs_to_judge,
    readable_cluster,
    retract_judgement,
)
from sviedka.services.records.records import add_record
from sviedka.services.records.search import searchable_kinds
from sviedka.services.sanctions.screen import decide, screening
from sviedka.store import SqlStore
from sviedka.store.people import PeopleFilter


def who(role: Role, clearance: str = "internal", scopes: set[Scope] | None = None) -> Principal:
    return Principal(
        PrincipalKind.USER if scopes is None else PrincipalKind.TOKEN,
        f"a-{role}",
        id=f"id-{role}",
        role=role,
        clearance=Confidentiality(clearance),
        scopes=None if scopes is None else frozenset(scopes),
    )


VIEWER = who(Role.VIEWER)
DOCUMENTER = who(Role.DOCUMENTER)
VERIFIER = who(Role.VERIFIER)
COORDINATOR = who(Role.COORDINATOR)
WRITE_TOKEN = who(Role.ADMIN, "restricted", {Scope.WRITE})  # may write, may not read


def person(store: SqlStore, name: str, level: str = "internal") -> str:
    body = {"names": [{"full": name}], "confidentiality": level}
    return add_record(store, "person", body, actor="t").record.id


@pytest.fixture
def opened(archive: Path) -> Iterator[Archive]:
    with open_archive(archive) as made:
        yield made


def refusals(store: SqlStore, calls: dict[str, Callable[[], Any]]) -> dict[str, str]:
    """What each call answers: the refusal's message, or "allowed"; nothing is audited."""
    before = events(store)
    found = {}
    for name, call in calls.items():
        try:
            call()
        except Forbidden as exc:
            found[name] = exc.message
        else:
            found[name] = "allowed"
    assert events(store) == before
    return found


READ = "This token does not allow this (read); use one with that scope."


def test_reads_need_the_read_permission(store: SqlStore) -> None:
    calls = {
        "people": lambda: listings.people(store, WRITE_TOKEN, PeopleFilter(), limit=10, offset=0),
        "evidence files": lambda: listings.evidence_files(store, WRITE_TOKEN, limit=10, offset=0),
        "latest changes": lambda: listings.recent_changes(store, WRITE_TOKEN),
        "kinds": lambda: catalogue.kinds(WRITE_TOKEN),
        "vocabularies": lambda: catalogue.vocabularies(store, WRITE_TOKEN),
        "vocabulary": lambda: catalogue.vocabulary(store, WRITE_TOKEN, "regions_by"),
        "search page": lambda: searchable_kinds(WRITE_TOKEN),
        "cluster": lambda: readable_cluster(store, WRITE_TOKEN, person(store, "Лосік")),
        "counts": lambda: CountScope.of(WRITE_TOKEN),
    }
    assert refusals(store, calls) == dict.fromkeys(calls, READ)


def test_the_review_needs_the_judge_permission(store: SqlStore) -> None:
    a, b = person(store, "Ігар Лосік"), person(store, "Игорь Лосик")
    message = "Your role (documenter) does not allow this (judge); ask a coordinator."
    calls = {
        "pairs": lambda: pairs_to_judge(store, DOCUMENTER, limit=5),
        "judge": lambda: judge_records(store, DOCUMENTER, a, b, Verdict.SAME),
        "retract": lambda: retract_judgement(store, DOCUMENTER, a, b),
        "screening": lambda: screening(store, DOCUMENTER),
        "decide": lambda: decide(store, DOCUMENTER, a, "l", "r", confirmed=False),
    }
    assert refusals(store, calls) == dict.fromkeys(calls, message)
    with store.unscoped_view() as view:
        assert view.judgements(a) == []


def test_forms_imports_uploads_and_administration_ask_before_anything_is_read(
    opened: Archive,
) -> None:
    def message(permission: str) -> str:
        return f"Your role (viewer) does not allow this ({permission}); ask a coordinator."

    calls = {
        "create": lambda: recording_levels(VIEWER),
        "import": lambda: importable_formats(VIEWER),
        "evidence_upload": lambda: uploading(opened, VIEWER, ip=None),
        "manage_users": lambda: administration(opened.store, VIEWER, ip=None),
        "checkpoint": lambda: ledger.checkpoint(opened, VIEWER, None),
        "proof": lambda: ledger.consistency(opened, VIEWER, 1, 1),
    }
    assert refusals(opened.store, calls) == {name: message(name) for name in calls}
    assert recording_levels(DOCUMENTER) == [
        Confidentiality.PUBLIC,
        Confidentiality.INTERNAL,
    ]
    assert "xlsx" in importable_formats(DOCUMENTER)


def test_a_checkpoint_without_the_keys_is_unavailable_only_to_who_may_sign(
    opened: Archive,
) -> None:
    with pytest.raises(Forbidden):
        ledger.checkpoint(opened, VERIFIER, None)
    with pytest.raises(Exception, match="without the archive keys"):
        ledger.checkpoint(opened, COORDINATOR, None)


def test_the_review_touches_only_records_the_verifier_may_read(store: SqlStore) -> None:
    opened_one = person(store, "Ігар Лосік")
    hidden = person(store, "Игорь Лосик", "confidential")
    other = person(store, "Igar Losik")
    with pytest.raises(NotFound) as unknown:
        judge_records(store, VERIFIER, opened_one, "0190a0a0-0000-7000-8000-000000000000", "same")
    with pytest.raises(NotFound) as refused:
        judge_records(store, VERIFIER, opened_one, hidden, Verdict.SAME)
    assert type(refused.value) is type(unknown.value)
    with pytest.raises(Invalid):
        judge_records(store, VERIFIER, opened_one, other, "maybe")
    pairs = pairs_to_judge(store, VERIFIER, limit=50)
    assert {frozenset((p.left, p.right)) for p in pairs} == {frozenset((opened_one, other))}
    made = judge_records(store, VERIFIER, opened_one, other, "same", reason="one man")
    assert (made.verdict, made.reason) == (Verdict.SAME, "one man")
    members, judged = readable_cluster(store, VERIFIER, other)
    assert (set(members), len(judged)) == ({opened_one, other}, 1)
    with pytest.raises(NotFound):
        readable_cluster(store, VERIFIER, hidden)
    retract_judgement(store, VERIFIER, opened_one, other)
    assert readable_cluster(store, VERIFIER, other)[0] == [other]


def test_lists_hold_only_what_the_reader_may_read(store: SqlStore) -> None:
    shown = person(store, "Ігар Лосік")
    person(store, "Марфа Рабкова", "confidential")
    rows, total = listings.people(store, VIEWER, PeopleFilter(), limit=10, offset=0)
    assert ([r.person.id for r in rows], total) == ([shown], 1)
    assert [c.record.id for c in listings.recent_changes(store, VIEWER)] == [shown]
    _, total = listings.people(store, CUSTODIAN, PeopleFilter(), limit=10, offset=0)
    assert total == 2


def test_an_administration_audits_what_it_changes_as_its_principal(opened: Archive) -> None:
    admin = administration(opened.store, who(Role.ADMIN), ip="192.0.2.1")
    made = admin.add("newcomer", "a long enough password", role="viewer", clearance="public",
                     groups=["g"])  # fmt: skip
    changed, temporary = admin.reset_password("newcomer", None)
    assert (changed.must_change_password, temporary is not None) == (True, True)
    logged = [(e.action, e.ref, e.user, e.user_id, e.ip) for e in events(opened.store)]
    assert logged[-2:] == [
        ("user_add", made.id, "a-admin", "id-admin", "192.0.2.1"),
        ("user_password_reset", made.id, "a-admin", "id-admin", "192.0.2.1"),
    ]
    assert [e.details for e in events(opened.store)][-2:] == [
        {"role": "viewer", "clearance": "public"},
        {"generated": True},
    ]
