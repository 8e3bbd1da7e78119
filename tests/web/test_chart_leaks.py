"""The statistics' method through the web: the dashboard's charts say nothing about records the
viewer may not see (issue 12, leak 11)."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from webtools import login

from sviedka.services.records.records import add_record


def prisoner(client: TestClient, level: str) -> None:
    store = client.app.state.archive.store  # type: ignore[attr-defined]
    body = {"names": [{"full": "P"}], "confidentiality": level}
    held = add_record(store, "person", body, actor="t").record.id
    arrested = date.today().replace(day=1).isoformat()
    detention = {"person": held, "arrest": {"date": arrested}, "recognition": {"date": arrested}}
    add_record(store, "detention", detention | {"confidentiality": level}, actor="t")


def test_a_chart_is_the_same_whatever_the_viewer_may_not_see(client: TestClient) -> None:
    prisoner(client, "internal")
    login(client, "viewer")  # internal clearance
    before = client.get("/charts/held.svg")
    for level in ("confidential", "restricted"):
        prisoner(client, level)
    after = client.get("/charts/held.svg")
    assert (
        (after.status_code, after.text) == (before.status_code, before.text) == (200, before.text)
    )
    assert "revision" not in before.text
