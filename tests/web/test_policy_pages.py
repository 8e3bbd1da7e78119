"""Leaks closed by the policy core, through the web pages: a record's history shows a revision
only to who may read it at the level it had (leak 5), and a restricted case is saved with the
grant that lets its author read it, or not at all (a crash between the two)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from test_pages import DETENTION
from webtools import login

from sviedka.policy import principal_of
from sviedka.services import accounts
from sviedka.services.records import guarded

NOTE = "the safe house is on Kalinouskaha street"


def declassified(client: TestClient) -> str:
    """A person made restricted with a note by the admin, then lowered to internal without it."""
    archive = client.app.state.archive  # type: ignore[attr-defined]
    admin = principal_of(accounts.find_user(archive.store, "admin"))
    body = {"names": [{"full": "Declassified"}], "confidentiality": "restricted", "notes": NOTE}
    made = guarded.create_record(archive, admin, "person", body, reason=None, ip=None)
    lowered = {"confidentiality": "internal", "notes": None}
    guarded.update_record(
        archive, admin, made.record.id, lowered, revision=1, reason=None, patch=True
    )
    return made.record.id


def test_the_history_page_leaves_out_revisions_above_the_readers_clearance(
    client: TestClient, app_factory: Callable[..., TestClient]
) -> None:
    record_id = declassified(client)
    login(client, "viewer")
    page = client.get(f"/records/{record_id}/history")
    assert page.status_code == 200
    assert NOTE not in page.text
    assert '<option value="1"' not in page.text and '<option value="2"' in page.text
    assert "Revision 2 (the first you may see)" in page.text  # not "(the first)": 1 exists
    admin = app_factory()
    login(admin, "admin")
    page = admin.get(f"/records/{record_id}/history?old=1&new=2")
    assert NOTE in page.text


def test_a_crash_before_the_grant_of_a_restricted_case_saves_nothing(client: TestClient) -> None:
    store = client.app.state.archive.store  # type: ignore[attr-defined]
    name = "Восстановленный Тайный"

    def crash(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO RECORD_GRANTS"):
            raise RuntimeError("crash before the grant")

    csrf = login(client, "admin")
    case = {**DETENTION, "person.name": name, "confidentiality": "restricted"}
    sa.event.listen(store.engine, "before_cursor_execute", crash)
    try:
        failed = client.post("/record", data={**case, "csrf_token": csrf}, follow_redirects=False)
        assert failed.status_code == 500
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", crash)
    with store.unscoped_view() as view:
        people = [s.record for s in view.records("person", limit=10_000)]
    saved = [p for p in people if any(n.full == name for n in p.names)]
    for person in saved:  # either nothing was saved, or its author can read it
        assert client.get(f"/people/{person.id}").status_code == 200
    assert saved == []
    done = client.post("/record", data={**case, "csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303
    assert client.get(done.headers["location"]).status_code == 200
