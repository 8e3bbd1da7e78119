"""The evidence leaks of issue 12 through the web pages, on SQLite and PostgreSQL. "idoc" is the
internal documenter: role documenter, clearance internal, no grants; "doc" is a documenter with
clearance confidential, "boss" an administrator with clearance restricted."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from webtools import PASSPHRASE, PASSWORD, login, make_archive

from evidence_kit import MARKER, holding, under, watch
from sviedka.http.app import create_app
from sviedka.http.config import ServerConfig
from sviedka.model import Confidentiality, Evidence
from sviedka.policy import custodian
from sviedka.services.accounts import add_user
from sviedka.services.archive.folder import read_config
from sviedka.services.archive.grants import add_grant
from sviedka.services.archive.keys import unlock_archive
from sviedka.services.records import records
from sviedka.vault import blobs


@dataclass
class World:
    path: Path
    database: str | None
    config: ServerConfig
    client: TestClient
    person: dict[str, str]
    sessions: dict[str, tuple[TestClient, str]] = field(default_factory=dict)

    @property
    def store(self) -> Any:
        return self.client.app.state.archive.store  # type: ignore[attr-defined]

    def as_(self, who: str) -> tuple[TestClient, str]:
        """A client logged in as ``who`` and its CSRF token."""
        if who not in self.sessions:
            client = TestClient(create_app(self.config), base_url="http://localhost")
            client.__enter__()
            self.sessions[who] = (client, login(client, who))
        return self.sessions[who]

    def upload(
        self, who: str, files: dict[str, bytes], *, header: bool = False, **fields: str
    ) -> httpx.Response:
        """The form as the page's script sends it (CSRF in a header) or as a browser without
        scripts does (CSRF as the first field)."""
        client, csrf = self.as_(who)
        parts = [
            ("files", (n, io.BytesIO(d), "application/octet-stream")) for n, d in files.items()
        ]
        data = fields if header else {"csrf_token": csrf, **fields}
        headers = {"Accept": "application/json"} | ({"X-CSRF-Token": csrf} if header else {})
        return client.post("/evidence/upload", data=data, files=parts, headers=headers)

    def stored(self, who: str, files: dict[str, bytes], **fields: str) -> list[dict[str, str]]:
        made = self.upload(who, files, **fields)
        assert made.status_code == 200, made.text
        return list(made.json()["files"])

    def evidence(self, sha256: str) -> list[Evidence]:
        with self.store.unscoped_view() as view:
            return [s.record for s in view.records("evidence", where={"sha256": sha256})]

    def sees(self, who: str, sha256: str) -> list[int]:
        client, csrf = self.as_(who)
        return [
            client.get(f"/evidence/{sha256}").status_code,
            client.get(f"/evidence/{sha256}/thumbnail").status_code,
            client.post(f"/evidence/{sha256}/download", data={"csrf_token": csrf}).status_code,
        ]


@pytest.fixture(scope="module")
def world(database: str | None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path = make_archive(tmp_path_factory.mktemp("web-leaks") / "archive", database)
    keys = unlock_archive(path, read_config(path).id, "web", PASSPHRASE)
    config = ServerConfig(archive=path, database_url=database, keys=keys, rate_limit=0)
    with TestClient(create_app(config), base_url="http://localhost") as client:
        store = client.app.state.archive.store  # type: ignore[attr-defined]
        boss = add_user(store, "boss", PASSWORD, role="admin", clearance="restricted")
        add_user(store, "idoc", PASSWORD, role="documenter")
        person = {}
        for level in Confidentiality:
            body = {"names": [{"full": f"Person {level}"}], "confidentiality": level.value}
            person[level.value] = records.add_record(store, "person", body, actor="t").record.id
        add_grant(store, custodian("t"), person["restricted"], grantee_kind="user",
                  grantee=boss.id)  # fmt: skip
        made = World(path, database, config, client, person)
        yield made
        for session, _ in made.sessions.values():
            session.__exit__(None, None, None)


def jpeg(label: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 200)).save(out, "JPEG", comment=label.encode())
    return out.getvalue()


# -- 1. a file's level is at least that of the records it shows -----------------------------


def test_a_file_uploaded_for_a_confidential_person_is_confidential_and_hidden_below(
    world: World,
) -> None:
    (made,) = world.stored("doc", {"photo.jpg": jpeg(str(uuid.uuid4()))},
                           link=world.person["confidential"])  # fmt: skip
    sha = made["sha256"]
    assert [e.confidentiality.value for e in world.evidence(sha)] == ["confidential"]
    assert world.sees("doc", sha) == [200, 200, 200]
    assert world.sees("idoc", sha) == [404, 404, 404]
    assert world.sees("viewer", sha) == [404, 404, 403]  # viewers never download
    idoc, _ = world.as_("idoc")
    assert sha not in idoc.get("/evidence").text


def test_the_form_may_raise_the_level_never_lower_it(world: World) -> None:
    (raised,) = world.stored("boss", {"a.txt": os.urandom(64)}, confidentiality="restricted")
    assert [e.confidentiality.value for e in world.evidence(raised["sha256"])] == ["restricted"]
    assert world.sees("boss", raised["sha256"])[0] == 200  # granted to its uploader
    data = os.urandom(64)
    lower = world.upload(
        "doc", {"b.txt": data}, link=world.person["confidential"], confidentiality="internal"
    )
    assert lower.status_code == 422
    assert world.evidence(hashlib.sha256(data).hexdigest()) == []


def test_an_internal_documenter_may_link_only_what_they_may_read(world: World) -> None:
    data = os.urandom(64)
    made = world.upload("idoc", {"c.txt": data}, link=world.person["confidential"])
    assert made.status_code == 422
    assert made.json()["errors"] == [
        {"field": "links[0]", "problem": f"no record with id {world.person['confidential']}"}
    ]
    assert world.evidence(hashlib.sha256(data).hexdigest()) == []


# -- 2. known bytes: the same answer, nothing above clearance changes -----------------------


def test_uploading_a_restricted_files_bytes_answers_like_new_bytes_and_changes_nothing_hidden(
    world: World,
) -> None:
    secret = os.urandom(2048)
    (first,) = world.stored("boss", {"s.bin": secret}, link=world.person["restricted"])
    (hidden,) = world.evidence(first["sha256"])
    with world.store.unscoped_view() as view:
        before = (view.get(hidden.id), view.custody(first["sha256"]))
    known = world.upload("idoc", {"s.bin": secret}, header=True)
    fresh = world.upload("idoc", {"s.bin": os.urandom(2048)}, header=True)
    assert (known.status_code, fresh.status_code) == (200, 200)
    assert [set(f) for f in known.json()["files"]] == [set(f) for f in fresh.json()["files"]]
    with world.store.unscoped_view() as view:
        assert view.get(hidden.id) == before[0]  # no revision, no link
        events = view.custody(first["sha256"])
    mine = [e for e in world.evidence(first["sha256"]) if e.id != hidden.id]
    assert [e.confidentiality.value for e in mine] == ["internal"]
    assert events[: len(before[1])] == before[1]
    assert {e.details["evidence"] for e in events[len(before[1]) :]} == {mine[0].id}
    idoc, _ = world.as_("idoc")
    page = idoc.get(f"/evidence/{first['sha256']}")
    assert page.status_code == 200 and "user:boss" not in page.text


# -- 3. near-duplicates name only files the reader may read ---------------------------------


def picture(size: int) -> bytes:
    out = io.BytesIO()
    Image.radial_gradient("L").rotate(30).convert("RGB").resize((size, size)).save(out, "PNG")
    return out.getvalue()


def test_near_duplicates_name_only_files_the_reader_may_read(world: World) -> None:
    (hidden,) = world.stored("boss", {"a.png": picture(220)}, link=world.person["restricted"])
    (first,) = world.stored("idoc", {"b.png": picture(170)})
    (second,) = world.stored("idoc", {"c.png": picture(140)})
    (one,) = world.evidence(first["sha256"])
    (two,) = world.evidence(second["sha256"])
    assert (one.near_duplicates, two.near_duplicates) == ((), (first["sha256"],))
    idoc, _ = world.as_("idoc")
    assert hidden["sha256"] not in idoc.get(f"/evidence/{first['sha256']}").text
    shown = idoc.get(f"/api/v1/records/{one.id}").json()["data"]
    assert shown.get("near_duplicates", []) == []


# -- 4. no plaintext on disk; leftovers of a crash removed at start --------------------------


@pytest.mark.parametrize("header", [False, True], ids=["form", "script"])
def test_no_plaintext_touches_the_disk_during_an_upload_or_a_download(
    world: World, header: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    data = MARKER * 21 + str(uuid.uuid4()).encode()  # over 2 MiB: Starlette would spool it
    with watch() as written:
        made = world.upload("idoc", {"statement.txt": data}, header=header)
        assert made.status_code == 200, made.text
        assert holding(MARKER, world.path, system_temp) == []
        client, csrf = world.as_("idoc")
        sha = made.json()["files"][0]["sha256"]
        with client.stream(
            "POST", f"/evidence/{sha}/download", data={"csrf_token": csrf}
        ) as download:
            chunks = download.iter_bytes()
            received = next(chunks)
            assert holding(MARKER, world.path, system_temp) == []  # while it is being sent
            received += b"".join(chunks)
        assert received == data
    assert holding(MARKER, world.path, system_temp) == []
    assert under(written, system_temp) == []


def test_leftovers_of_a_killed_upload_are_removed_when_the_server_starts(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    part = world.path / "vault" / "tmp" / "blob-killed.part"
    part.write_bytes(b"age-encryption.org/v1 ciphertext of a killed upload")
    scratch = tmp_path / "sviedka-web-killed"  # the plaintext copy versions before this made
    scratch.mkdir()
    (scratch / "upload").write_bytes(MARKER)
    hour_ago = time.time() - 3601
    os.utime(scratch, (hour_ago, hour_ago))
    with TestClient(create_app(world.config), base_url="http://localhost"):
        assert (part.exists(), scratch.exists()) == (False, False)


# -- 5. names, and a full disk ---------------------------------------------------------------


def test_file_names_are_shown_without_bidi_controls(world: World) -> None:
    (made,) = world.stored("idoc", {"photo\u202egpj.exe\u200f": os.urandom(64)})
    assert made["name"] == "photogpj.exe"
    idoc, _ = world.as_("idoc")
    for url in (f"/evidence/{made['sha256']}", "/evidence"):
        page = idoc.get(url).text
        assert "\u202e" not in page and "\u200f" not in page and "photogpj.exe" in page


def test_a_full_disk_is_a_clear_error(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(self: object, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(blobs._TempFile, "write", full)
    made = world.upload("idoc", {"secret-name.txt": os.urandom(64)})
    assert made.status_code == 503
    assert made.json()["error"].startswith("The disk that holds the vault is full")
    assert list((world.path / "vault" / "tmp").iterdir()) == []
