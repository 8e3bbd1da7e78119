"""What the vault knows of a file (its sha256, size, media type, name as given, what was
extracted from it) is set only by the evidence ingest: the records API refuses to set or change
it, and still edits what describes the file. On SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from serverkit import Server

from sviedka.model import Confidentiality
from sviedka.services.records import records

REFUSED = "set only by the evidence ingest (upload the file: POST /api/v1/evidence)"


@pytest.fixture(scope="module")
def server_with_users(server: Server) -> Server:
    server.user("doc", "documenter", "confidential")
    return server


def upload(server: Server, label: str) -> dict[str, Any]:
    data = f"{label} {uuid.uuid4()} ".encode() * 50
    headers = server.as_("doc") | {"Content-Disposition": "attachment; filename*=UTF-8''f.bin"}
    made = server.client.post("/api/v1/evidence", content=data, headers=headers)
    assert made.status_code == 201, made.text
    return dict(made.json())


def record(server: Server, record_id: str) -> dict[str, Any]:
    got = server.client.get(f"/api/v1/records/{record_id}", headers=server.as_("doc"))
    assert got.status_code == 200, got.text
    return dict(got.json())


def revisions(server: Server, record_id: str) -> int:
    url = f"/api/v1/records/{record_id}/history"
    return len(server.client.get(url, headers=server.as_("doc")).json()["revisions"])


def patch(server: Server, record_id: str, change: dict[str, Any]) -> httpx.Response:
    body = {"patch": change, "revision": record(server, record_id)["revision"]}
    url = f"/api/v1/records/{record_id}"
    return server.client.patch(url, json=body, headers=server.as_("doc"))


def problems(response: httpx.Response) -> dict[str, str]:
    return {e["field"]: e["problem"] for e in response.json()["errors"]}


def test_a_patch_of_the_sha256_is_refused_and_changes_nothing(server_with_users: Server) -> None:
    server = server_with_users
    mine, other = upload(server, "mine"), upload(server, "other")
    evidence = mine["evidence_id"]
    before, count = record(server, evidence), revisions(server, evidence)
    refused = patch(server, evidence, {"sha256": other["sha256"]})
    assert refused.status_code == 422, refused.text
    assert problems(refused) == {"sha256": REFUSED}
    assert other["sha256"] not in refused.text and mine["sha256"] not in refused.text
    assert record(server, evidence) == before
    assert revisions(server, evidence) == count


@pytest.mark.parametrize(
    "change",
    [
        {"size": 1},
        {"media_type": "image/jpeg"},
        {"original_name": "other.jpg"},
        {"extracted": {"gps": "53.9, 27.56"}},
        {"thumbnail": "0" * 64},
        {"sha256": None},
    ],
)
def test_what_the_vault_knows_of_a_file_cannot_be_set_or_removed(
    server_with_users: Server, change: dict[str, Any]
) -> None:
    server = server_with_users
    evidence = upload(server, "fields")["evidence_id"]
    count = revisions(server, evidence)
    refused = patch(server, evidence, change)
    assert refused.status_code == 422, refused.text
    assert set(problems(refused)) == set(change)
    assert revisions(server, evidence) == count


def test_a_put_that_repoints_the_record_is_refused(server_with_users: Server) -> None:
    server = server_with_users
    evidence, other = upload(server, "put")["evidence_id"], upload(server, "put other")
    current = record(server, evidence)
    body = {
        "record": current["data"] | {"sha256": other["sha256"]},
        "revision": current["revision"],
    }
    url = f"/api/v1/records/{evidence}"
    refused = server.client.put(url, json=body, headers=server.as_("doc"))
    assert refused.status_code == 422, refused.text
    assert record(server, evidence) == current


def test_the_descriptive_fields_are_still_edited(server_with_users: Server) -> None:
    server = server_with_users
    made = upload(server, "described")
    evidence = made["evidence_id"]
    person = records.add_record(
        server.store, "person", {"names": [{"full": "Linked Person"}]}, actor="t"
    ).record.id
    change = {"description": "the square at noon", "title": "square.jpg", "links": [person]}
    changed = patch(server, evidence, change | {"confidentiality": "confidential"})
    assert changed.status_code == 200, changed.text
    data = changed.json()["data"]
    assert {k: data[k] for k in change} == change
    assert data["confidentiality"] == Confidentiality.CONFIDENTIAL.value
    assert data["sha256"] == made["sha256"]


def test_an_evidence_record_may_be_made_here_but_may_not_claim_a_file(
    server_with_users: Server,
) -> None:
    server = server_with_users
    sha = upload(server, "claimed")["sha256"]
    url, headers = "/api/v1/records/evidence", server.as_("doc")
    body = {"title": "a letter held on paper", "description": "kept by the family"}
    made = server.client.post(url, json={"record": body}, headers=headers)
    assert made.status_code == 201, made.text
    claimed = server.client.post(url, json={"record": body | {"sha256": sha}}, headers=headers)
    assert claimed.status_code == 422, claimed.text
    assert problems(claimed) == {"sha256": REFUSED}
    sized = server.client.post(url, json={"record": body | {"size": 10}}, headers=headers)
    assert (sized.status_code, problems(sized)) == (422, {"size": REFUSED})
