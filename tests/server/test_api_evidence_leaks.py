"""The evidence leaks of issue 12 through the API, on SQLite and PostgreSQL. "idoc" is the
internal documenter: role documenter, clearance internal, no grants."""

from __future__ import annotations

import errno
import hashlib
import io
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from serverkit import BASE_URL, Server

from evidence_kit import MARKER, holding, under, watch
from sviedka.model import Confidentiality
from sviedka.policy import custodian
from sviedka.services.accounts import find_user
from sviedka.services.archive.grants import add_grant
from sviedka.services.records import records
from sviedka.vault import blobs


@dataclass
class World:
    server: Server
    person: dict[str, str]

    def upload(self, who: str, data: bytes, name: str = "f.bin", **query: Any) -> httpx.Response:
        headers = self.server.as_(who) | {
            "Content-Disposition": f"attachment; filename*=UTF-8''{name}"
        }
        return self.server.client.post(
            "/api/v1/evidence", content=data, params=query, headers=headers
        )

    def get(self, who: str, url: str) -> httpx.Response:
        return self.server.client.get(url, headers=self.server.as_(who))


@pytest.fixture(scope="module")
def world(server: Server) -> World:
    server.user("boss", "coordinator", "restricted")
    server.user("idoc", "documenter", "internal")
    server.user("viewer", "viewer", "internal")
    boss = find_user(server.store, "boss")
    person = {}
    for level in Confidentiality:
        body = {"names": [{"full": f"Person {level}"}], "confidentiality": level.value}
        person[level.value] = records.add_record(server.store, "person", body, actor="t").record.id
    add_grant(server.store, custodian("t"), person["restricted"], grantee_kind="user",
              grantee=boss.id)  # fmt: skip
    return World(server, person)


def unique(label: str) -> bytes:
    return f"{label} {uuid.uuid4()} ".encode() * 50


def hidden_from(world: World, who: str, sha256: str) -> list[int]:
    urls = [f"/api/v1/evidence/{sha256}{end}" for end in ("", "/content", "/custody")]
    return [world.get(who, url).status_code for url in urls]


# -- 1. a file's level is at least that of the records it shows -----------------------------


def test_an_upload_linked_to_a_confidential_person_is_confidential_and_hidden_below(
    world: World,
) -> None:
    made = world.upload("boss", unique("conf"), link=world.person["confidential"])
    assert made.status_code == 201, made.text
    assert made.json()["confidentiality"] == "confidential"
    sha = made.json()["sha256"]
    assert hidden_from(world, "idoc", sha) == [404, 404, 404]
    assert hidden_from(world, "viewer", sha) == [404, 403, 404]  # viewers never download
    described = world.get("boss", f"/api/v1/evidence/{sha}").json()
    assert described["evidence"]["data"]["confidentiality"] == "confidential"


def test_an_upload_linked_to_a_restricted_person_is_restricted_and_its_uploaders(
    world: World,
) -> None:
    made = world.upload("boss", unique("restr"), link=world.person["restricted"])
    assert (made.status_code, made.json()["confidentiality"]) == (201, "restricted")
    sha = made.json()["sha256"]
    assert hidden_from(world, "boss", sha) == [200, 200, 200]
    assert hidden_from(world, "idoc", sha) == [404, 404, 404]


def test_linking_a_file_later_through_the_records_api_raises_it(world: World) -> None:
    made = world.upload("boss", unique("later")).json()
    assert made["confidentiality"] == "internal"
    revision = world.get("boss", f"/api/v1/records/{made['evidence_id']}").json()["revision"]
    body = {"patch": {"links": [world.person["restricted"]]}, "revision": revision}
    patched = world.server.client.patch(
        f"/api/v1/records/{made['evidence_id']}", json=body, headers=world.server.as_("boss")
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["data"]["confidentiality"] == "restricted"
    assert hidden_from(world, "boss", made["sha256"]) == [200, 200, 200]  # granted at once
    assert hidden_from(world, "idoc", made["sha256"]) == [404, 404, 404]


def test_a_level_below_the_linked_records_is_refused_and_nothing_is_stored(world: World) -> None:
    data = unique("lower")
    made = world.upload("boss", data, link=world.person["confidential"], confidentiality="internal")
    assert made.status_code == 422
    assert made.json()["errors"] == [
        {
            "field": "confidentiality",
            "problem": "at least confidential: the file shows a confidential record",
        }
    ]
    assert not world.server.app.state.archive.vault.exists(hashlib.sha256(data).hexdigest())


def test_an_internal_documenter_links_only_what_they_may_read(world: World) -> None:
    unknown = str(uuid.uuid4())
    hidden = world.upload("idoc", unique("a"), link=world.person["confidential"])
    missing = world.upload("idoc", unique("b"), link=unknown)
    assert (hidden.status_code, missing.status_code) == (422, 422)
    assert (
        hidden.json()["errors"][0]["problem"] == f"no record with id {world.person['confidential']}"
    )
    assert missing.json()["errors"][0]["problem"] == f"no record with id {unknown}"


# -- 2. known bytes: the same answer, nothing above clearance changes -----------------------


def test_uploading_a_restricted_files_bytes_answers_like_new_bytes_and_changes_nothing_hidden(
    world: World,
) -> None:
    secret = unique("secret")
    first = world.upload("boss", secret, link=world.person["restricted"]).json()
    store = world.server.store
    with store.unscoped_view() as view:
        before = (view.get(first["evidence_id"]), view.custody(first["sha256"]))
    known = world.upload("idoc", secret)
    fresh = world.upload("idoc", unique("fresh"))
    assert (known.status_code, fresh.status_code) == (201, 201)
    own = {"sha256": "", "size": 0, "evidence_id": ""}
    assert known.json() | own == fresh.json() | own
    assert known.json()["new_content"] is True and known.json()["evidence_id"] is not None
    with store.unscoped_view() as view:
        assert view.get(first["evidence_id"]) == before[0]  # no revision, no link
        events = view.custody(first["sha256"])
    assert events[: len(before[1])] == before[1]
    assert {e.details["evidence"] for e in events[len(before[1]) :]} == {
        known.json()["evidence_id"]
    }
    url = f"/api/v1/evidence/{first['sha256']}"
    chain = world.get("idoc", f"{url}/custody").json()["events"]
    assert [(e["custody"], e["actor"]) for e in chain] == [("ingested", "user:idoc")]
    described = world.get("idoc", url).json()
    assert "at" not in described["file"]  # when the vault first held the bytes
    assert described["evidence"]["id"] == known.json()["evidence_id"]


# -- 3. near-duplicates name only files the reader may read ---------------------------------


def picture(size: int) -> bytes:
    out = io.BytesIO()
    Image.radial_gradient("L").rotate(45).convert("RGB").resize((size, size)).save(out, "PNG")
    return out.getvalue()


def test_near_duplicates_name_only_files_the_reader_may_read(world: World) -> None:
    world.upload("boss", picture(210), "a.png", link=world.person["restricted"])
    first = world.upload("idoc", picture(160), "b.png").json()
    second = world.upload("idoc", picture(130), "c.png").json()
    one = world.get("idoc", f"/api/v1/evidence/{first['sha256']}").json()["evidence"]
    two = world.get("idoc", f"/api/v1/records/{second['evidence_id']}").json()
    assert one["data"]["near_duplicates"] == []
    assert two["data"]["near_duplicates"] == [first["sha256"]]


# -- 4. no plaintext on disk; leftovers of a crash removed at start --------------------------


def test_no_plaintext_touches_the_disk_during_an_api_upload(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    with watch() as written:
        made = world.upload("idoc", MARKER, "statement.txt")
    assert made.status_code == 201, made.text
    assert holding(MARKER, world.server.path, system_temp) == []
    assert under(written, system_temp) == []


def test_a_killed_uploads_part_file_is_removed_when_the_server_starts(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    part = world.server.path / "vault" / "tmp" / "blob-killed.part"
    part.write_bytes(b"age-encryption.org/v1 ciphertext of a killed upload")
    with TestClient(world.server.another_app(), base_url=BASE_URL):
        assert not part.exists()


# -- 5. names, and a full disk ---------------------------------------------------------------


def test_file_names_are_answered_without_bidi_controls(world: World) -> None:
    made = world.upload("idoc", unique("bidi"), "photo%E2%80%AEgpj.exe%E2%80%8B").json()
    assert made["name"] == "photogpj.exe"
    url = f"/api/v1/evidence/{made['sha256']}"
    data = world.get("idoc", url).json()["evidence"]["data"]
    assert (data["title"], data["original_name"]) == ("photogpj.exe", "photogpj.exe")
    (ingested,) = world.get("idoc", f"{url}/custody").json()["events"]
    assert ingested["details"]["name_as_entered"] == "photo<U+202E>gpj.exe<U+200B>"


def test_a_full_disk_is_a_clear_503_that_names_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: object, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(blobs._TempFile, "write", full)
    made = world.upload("idoc", unique("full"), "secret-name.txt")
    assert made.status_code == 503
    assert made.json()["error"] == (
        "The disk that holds the vault is full: nothing of this file was stored. "
        "Free some space, then add the file again."
    )
    assert list((world.server.path / "vault" / "tmp").iterdir()) == []


# -- a record that names a file does not open it ---------------------------------------------


def test_an_evidence_record_written_through_the_records_api_opens_no_file(world: World) -> None:
    """Knowing a restricted file's hash is not enough: only an ingest makes a record that
    opens a file (the records API would otherwise let anyone point a record at any bytes). The
    records API refuses a record naming a hash at all (test_api_evidence_fields.py)."""
    secret = unique("forged")
    sha = world.upload("boss", secret, link=world.person["restricted"]).json()["sha256"]
    body = {"title": "mine", "sha256": sha, "confidentiality": "internal"}
    made = world.server.client.post(
        "/api/v1/records/evidence", json={"record": body}, headers=world.server.as_("idoc")
    )
    assert made.status_code == 422, made.text
    assert hidden_from(world, "idoc", sha) == [404, 404, 404]
