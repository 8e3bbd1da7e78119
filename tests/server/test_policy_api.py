"""Leaks closed by the policy core, each through the service and the API: history and as-of
reads show a revision only to who may read it at the level it had (leak 5); grants and the audit
are bound by clearance and compartments (leak 6); an unreadable id answers like an unknown one,
byte for byte and after the same SQL (leak 11); and a restricted record is never left without
the grant that lets its author read it (a crash between the two)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from serverkit import Server

from sviedka.errors import NotFound
from sviedka.model.ids import new_id
from sviedka.policy import CUSTODIAN, Principal, principal_of
from sviedka.services import accounts
from sviedka.services.archive import grants
from sviedka.services.archive.audit import visible_events
from sviedka.services.records import guarded, records

NOTE = "the safe house is on Kalinouskaha street"


@dataclass
class Leaky:
    server: Server
    declassified: str  # made restricted with NOTE by the author, then lowered to internal
    first_at: str  # when its first revision was made
    hidden: str  # restricted, granted to nobody
    secret: str  # confidential
    secret_org: str  # a confidential organisation

    def call(self, user: str, method: str, url: str, body: Any = None) -> httpx.Response:
        headers = self.server.as_(user)
        return self.server.client.request(method, url, json=body, headers=headers)

    def user(self, name: str) -> Principal:
        return principal_of(accounts.find_user(self.server.store, name))


@pytest.fixture(scope="module")
def leaky(server: Server) -> Leaky:
    server.user("author", "admin", "restricted")
    server.user("coord", "coordinator", "internal")
    server.user("doc", "documenter", "internal")
    server.user("viewer", "viewer", "internal")
    store = server.store
    body = {"names": [{"full": "Declassified"}], "confidentiality": "restricted", "notes": NOTE}
    made = server.client.post(
        "/api/v1/records/person", json={"record": body}, headers=server.as_("author")
    )
    assert made.status_code == 201, made.text
    declassified = made.json()["id"]
    lowered = {"patch": {"confidentiality": "internal", "notes": None}, "revision": 1}
    answer = server.client.patch(
        f"/api/v1/records/{declassified}", json=lowered, headers=server.as_("author")
    )
    assert answer.status_code == 200, answer.text
    with store.unscoped_view() as view:
        first_at = view.history(declassified)[0].at

    def add(kind: str, body: dict[str, Any]) -> str:
        return str(records.add_record(store, kind, body, actor="test").record.id)

    return Leaky(
        server,
        declassified,
        first_at,
        hidden=add("person", {"names": [{"full": "Hidden"}], "confidentiality": "restricted"}),
        secret=add("person", {"names": [{"full": "Secret"}], "confidentiality": "confidential"}),
        secret_org=add(
            "organisation",
            {"names": [{"full": "Unit"}], "kind": "police", "confidentiality": "confidential"},
        ),
    )


def same(denied: httpx.Response, hidden: str, missing: httpx.Response, unused: str) -> bool:
    return (denied.status_code, denied.text.replace(hidden, "ID")) == (
        missing.status_code,
        missing.text.replace(unused, "ID"),
    )


# -- leak 5: history and as-of reads ---------------------------------------------------------


def test_history_leaves_out_revisions_made_above_the_readers_clearance(leaky: Leaky) -> None:
    url = f"/api/v1/records/{leaky.declassified}/history"
    low = leaky.call("viewer", "GET", url)
    assert low.status_code == 200
    assert [r["seq"] for r in low.json()["revisions"]] == [2]
    assert NOTE not in low.text
    high = leaky.call("author", "GET", url).json()
    assert [r["seq"] for r in high["revisions"]] == [1, 2]
    assert high["revisions"][0]["state"]["notes"] == NOTE


def test_history_service_gives_a_revision_only_to_who_may_read_it_then(leaky: Leaky) -> None:
    archive = leaky.server.app.state.archive
    seen = guarded.read_history(archive, leaky.user("viewer"), leaky.declassified, ip=None)
    assert [(r.seq, r.state.get("notes")) for r in seen] == [(2, None)]
    full = guarded.read_history(archive, leaky.user("author"), leaky.declassified, ip=None)
    assert [(r.seq, r.state.get("notes")) for r in full] == [(1, NOTE), (2, None)]


def test_an_as_of_read_of_a_state_above_clearance_answers_like_an_unknown_id(
    leaky: Leaky,
) -> None:
    unused = new_id()
    when = {"as_of": leaky.first_at}
    client, headers = leaky.server.client, leaky.server.as_("viewer")
    denied = client.get(f"/api/v1/records/{leaky.declassified}", params=when, headers=headers)
    missing = client.get(f"/api/v1/records/{unused}", params=when, headers=headers)
    assert denied.status_code == 404
    assert same(denied, leaky.declassified, missing, unused)
    author = leaky.server.as_("author")
    shown = client.get(f"/api/v1/records/{leaky.declassified}", params=when, headers=author)
    assert shown.json()["data"]["notes"] == NOTE
    archive = leaky.server.app.state.archive
    with pytest.raises(NotFound) as raised:
        guarded.read_record(
            archive, leaky.user("viewer"), leaky.declassified, as_of=leaky.first_at, ip=None
        )
    assert str(raised.value) == f"No record with id {leaky.declassified}."


# -- leak 6: grants and the audit ------------------------------------------------------------


def test_grants_of_a_record_above_clearance_answer_like_an_unknown_id(leaky: Leaky) -> None:
    unused = new_id()
    for record in (leaky.hidden, leaky.secret):
        url = "/api/v1/records/{}/grants"
        denied = leaky.call("coord", "GET", url.format(record))
        missing = leaky.call("coord", "GET", url.format(unused))
        assert denied.status_code == 404
        assert same(denied, record, missing, unused)
        body = {"grantee_kind": "group", "grantee": "anyone"}
        denied = leaky.call("coord", "POST", url.format(record), body)
        missing = leaky.call("coord", "POST", url.format(unused), body)
        assert denied.status_code == 404
        assert same(denied, record, missing, unused)
        denied = leaky.call("coord", "DELETE", url.format(record) + "/group/anyone")
        missing = leaky.call("coord", "DELETE", url.format(unused) + "/group/anyone")
        assert same(denied, record, missing, unused)


def test_grant_services_need_a_readable_record(leaky: Leaky) -> None:
    store, coord = leaky.server.store, leaky.user("coord")
    for call in (
        lambda: grants.list_grants(store, coord, leaky.hidden),
        lambda: grants.add_grant(store, coord, leaky.hidden, grantee_kind="user", grantee=coord.id),
        lambda: grants.remove_grant(
            store, coord, leaky.hidden, grantee_kind="user", grantee=coord.id
        ),
    ):
        with pytest.raises(NotFound) as raised:
            call()
        assert str(raised.value) == f"No record with id {leaky.hidden}."
    assert grants.list_grants(store, CUSTODIAN, leaky.hidden) == []


def test_a_second_grant_to_the_same_grantee_is_one_grant_and_revoking_ends_it(
    leaky: Leaky,
) -> None:
    # A user of its own: lowering a clearance ends the user's tokens, which the others need.
    leaky.server.user("granted", "documenter", "internal")
    store, author, doc = leaky.server.store, leaky.user("author"), leaky.user("granted")
    body = {"names": [{"full": "Granted twice"}], "confidentiality": "restricted"}
    archive = leaky.server.app.state.archive
    record_id = guarded.create_record(archive, author, "person", body, reason=None, ip=None)
    record_id = record_id.record.id
    doc_restricted = principal_of(accounts.set_clearance(store, "granted", "restricted"))
    try:
        for _ in range(2):
            grants.add_grant(store, author, record_id, grantee_kind="user", grantee=doc.id)
        kinds = [(g.grantee_kind, g.grantee) for g in grants.list_grants(store, author, record_id)]
        assert sorted(kinds) == sorted([("user", author.id), ("user", doc.id)])
        assert guarded.read_record(archive, doc_restricted, record_id, ip=None).record.id
        grants.remove_grant(store, author, record_id, grantee_kind="user", grantee=doc.id)
        with pytest.raises(NotFound):
            guarded.read_record(archive, doc_restricted, record_id, ip=None)
        with pytest.raises(NotFound) as raised:
            grants.remove_grant(store, author, record_id, grantee_kind="user", grantee=doc.id)
        assert str(raised.value) == f"No grant of {record_id} to that user."
    finally:
        accounts.set_clearance(store, "granted", "internal")
    actions = [
        (e.action, e.details.get("grantee"))
        for e in visible_events(store, principal_of(author), ref=record_id)
        if e.action in ("grant", "revoke")
    ]
    assert actions == [
        ("grant", author.id),
        ("grant", doc.id),
        ("grant", doc.id),
        ("revoke", doc.id),
    ]


def test_the_audit_lists_no_event_about_what_the_reader_may_not_read(leaky: Leaky) -> None:
    leaky.call("author", "GET", f"/api/v1/records/{leaky.declassified}/history")
    text = leaky.call("coord", "GET", "/api/v1/audit").text
    store = leaky.server.store
    assert leaky.declassified in text  # internal now: its events are the coordinator's to see
    with store.unscoped_view() as view:
        restricted = {
            s.record.id
            for s in view.records("person", limit=1000)
            if s.record.confidentiality.value in ("restricted", "confidential")
        }
    assert [r for r in restricted if r in text] == []
    listed = {e.ref for e in visible_events(store, principal_of(leaky.user("coord")))}
    assert listed & restricted == set()
    assert leaky.hidden not in {
        e.ref for e in visible_events(store, principal_of(leaky.user("author")))
    }
    assert leaky.declassified in listed


# -- leak 11: an unreadable id answers like an unknown one -----------------------------------


@pytest.mark.parametrize("field", ["secret", "hidden", "secret_org"])
def test_a_reference_to_an_unreadable_record_is_refused_exactly_like_an_unknown_id(
    leaky: Leaky, field: str
) -> None:
    target, unused = getattr(leaky, field), new_id()
    body = lambda person: {"record": {"person": person, "notes": "x" * 3}}  # noqa: E731
    denied = leaky.call("doc", "POST", "/api/v1/records/detention", body(target))
    missing = leaky.call("doc", "POST", "/api/v1/records/detention", body(unused))
    assert denied.status_code == 422
    assert same(denied, target, missing, unused)
    assert denied.json()["errors"] == [
        {"field": "person", "problem": f"no person with id {target}"}
    ]
    named = {"record": {"names": [{"full": "Someone"}]}}
    person = leaky.call("doc", "POST", "/api/v1/records/person", named)
    url = f"/api/v1/records/{person.json()['id']}"
    patch = lambda ref: {"patch": {"sources": [{"source": ref}]}, "revision": 1}  # noqa: E731
    denied = leaky.call("doc", "PATCH", url, patch(target))
    missing = leaky.call("doc", "PATCH", url, patch(unused))
    assert denied.status_code == 422
    assert same(denied, target, missing, unused)


@contextmanager
def statements(server: Server) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sa.event.listen(server.store.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(server.store.engine, "before_cursor_execute", note)


@pytest.mark.parametrize(
    ("user", "route"),
    [
        ("author", "/api/v1/records/{}"),
        ("author", "/api/v1/records/{}/history"),
        ("author", "/api/v1/records/{}?as_of=2099-01-01"),
        ("author", "/api/v1/records/{}/grants"),
        ("doc", "/api/v1/records/{}"),
    ],
)
def test_a_hidden_id_costs_the_same_sql_as_an_unknown_one(
    leaky: Leaky, user: str, route: str
) -> None:
    unused = new_id()
    for record_id in (leaky.hidden, unused):  # warm up caches (tokens, compiled statements)
        leaky.call(user, "GET", route.format(record_id))
    with statements(leaky.server) as hidden:
        denied = leaky.call(user, "GET", route.format(leaky.hidden))
    with statements(leaky.server) as unknown:
        missing = leaky.call(user, "GET", route.format(unused))
    assert denied.status_code == 404
    assert same(denied, leaky.hidden, missing, unused)
    assert hidden == unknown


# -- a crash between a restricted record and its grant ---------------------------------------


@contextmanager
def crash_at_grant(server: Server) -> Iterator[None]:
    """Any write of a grant raises, as a crash between the record and its grant would."""

    def crash(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO RECORD_GRANTS"):
            raise RuntimeError("crash before the grant")

    sa.event.listen(server.store.engine, "before_cursor_execute", crash)
    try:
        yield
    finally:
        sa.event.remove(server.store.engine, "before_cursor_execute", crash)


def readable_or_absent(leaky: Leaky, record_id: str) -> bool:
    """After a crash: the author can read the record, or nothing of it was written."""
    with leaky.server.store.unscoped_view() as view:
        if view.find(record_id) is None:
            return True
    return leaky.call("author", "GET", f"/api/v1/records/{record_id}").status_code == 200


def test_a_crash_before_the_authors_grant_leaves_nothing_written(leaky: Leaky) -> None:
    archive, author = leaky.server.app.state.archive, leaky.user("author")
    record_id = new_id()
    body = {"id": record_id, "names": [{"full": "Crash"}], "confidentiality": "restricted"}
    with crash_at_grant(leaky.server), pytest.raises(Exception, match="crash before the grant"):
        guarded.create_record(archive, author, "person", body, reason=None, ip=None)
    assert readable_or_absent(leaky, record_id)
    through_api = new_id()
    with crash_at_grant(leaky.server):
        made = leaky.call(
            "author", "POST", "/api/v1/records/person", {"record": body | {"id": through_api}}
        )
    assert made.status_code == 500
    assert readable_or_absent(leaky, through_api)


def test_a_crash_before_the_grant_of_a_record_made_restricted_changes_nothing(
    leaky: Leaky,
) -> None:
    archive, author = leaky.server.app.state.archive, leaky.user("author")
    body = {"names": [{"full": "Made restricted"}]}
    made = guarded.create_record(archive, author, "person", body, reason=None, ip=None)
    patch = {"confidentiality": "restricted"}
    with crash_at_grant(leaky.server), pytest.raises(Exception, match="crash before the grant"):
        guarded.update_record(
            archive, author, made.record.id, patch, revision=1, reason=None, patch=True
        )
    shown = guarded.read_record(archive, author, made.record.id, ip=None)
    assert (shown.revision, shown.record.confidentiality.value) == (1, "internal")
