"""The evidence leaks of issue 12, at the service level, on SQLite and PostgreSQL: a file's level
follows what it shows, known bytes are no oracle, near-duplicates name only readable files, no
plaintext on disk, and file names without bidi tricks. "idoc" is the internal documenter: role
documenter, clearance internal, no grants."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import io
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from evidence_kit import MARKER, holding, under, watch
from sviedka.errors import Invalid, NotFound, Unavailable
from sviedka.model import Confidentiality, Evidence, Vocabulary
from sviedka.model.custody import CustodyKind
from sviedka.policy import custodian, principal_of
from sviedka.services import evidence as ev
from sviedka.services.accounts import User, add_user
from sviedka.services.archive.folder import Archive, init_archive, open_archive
from sviedka.services.archive.grants import add_grant
from sviedka.services.records import records
from sviedka.vault import blobs

INTERNAL, CONFIDENTIAL, RESTRICTED = (
    Confidentiality.INTERNAL,
    Confidentiality.CONFIDENTIAL,
    Confidentiality.RESTRICTED,
)


class World:
    """An archive with a person at each level, and the people who act on it."""

    def __init__(self, archive: Archive, database: str | None) -> None:
        self.archive, self.database = archive, database
        store = archive.store
        self.boss = add_user(store, "boss", "a long password for boss", role="coordinator",
                             clearance="restricted")  # fmt: skip
        self.idoc = add_user(store, "idoc", "a long password for idoc", role="documenter")
        self.viewer = add_user(store, "viewer", "a long password for viewer", role="viewer")
        self.person = {level: self.add_person(level) for level in Confidentiality}
        self.source = records.add_record(
            store, "source", {"title": "hidden", "confidentiality": "restricted"}, actor="t"
        ).record.id

    def add_person(self, level: Confidentiality) -> str:
        body = {"names": [{"full": f"Person {level}"}], "confidentiality": level.value}
        made = records.add_record(self.archive.store, "person", body, actor="t").record.id
        if level is RESTRICTED:
            add_grant(self.archive.store, custodian("t"), made, grantee_kind="user",
                      grantee=self.boss.id)  # fmt: skip
        return made

    def ingest(
        self, who: User | str, data: bytes, name: str = "f.bin", **wanted: object
    ) -> ev.Ingested:
        collection = ev.Collection(**wanted)  # type: ignore[arg-type]
        actor = principal_of(who) if isinstance(who, User) else who
        return ev.ingest_stream(
            self.archive, io.BytesIO(data), name=name, actor=actor, collection=collection
        )

    def record(self, evidence_id: str) -> Evidence:
        with self.archive.store.unscoped_view() as view:
            found = view.get(evidence_id).record
        assert isinstance(found, Evidence)
        return found

    def readable(self, who: User, sha256: str) -> bool:
        principal = principal_of(who)
        with self.archive.store.unscoped_view() as view:
            try:
                ev.readable_evidence(view, principal, sha256)
            except NotFound:
                return False
        return True


@pytest.fixture(scope="module")
def world(
    database: str | None,
    tmp_path_factory: pytest.TempPathFactory,
    vocabularies: tuple[Vocabulary, ...],
) -> Iterator[World]:
    path = tmp_path_factory.mktemp("leaks") / "archive"
    archive, _ = init_archive(
        path, vocabularies, custodian="alice", passphrase="a passphrase for tests",
        database_url=database,
    )  # fmt: skip
    with archive:
        yield World(archive, database)


def unique(label: str) -> bytes:
    return f"{label} {uuid.uuid4()} ".encode() * 50


# -- 1. a file's level is at least that of the records it shows -----------------------------


def test_a_file_linked_to_a_confidential_person_is_confidential_from_its_first_revision(
    world: World,
) -> None:
    made = world.ingest(world.boss, unique("conf"), links=(world.person[CONFIDENTIAL],))
    with world.archive.store.unscoped_view() as view:
        levels = [r.state["confidentiality"] for r in view.history(made.evidence_id)]
    assert (made.confidentiality, set(levels)) == (CONFIDENTIAL, {"confidential"})
    assert (world.readable(world.idoc, made.sha256), world.readable(world.viewer, made.sha256)) == (
        False,
        False,
    )
    with pytest.raises(NotFound):
        ev.custody_chain(world.archive, made.sha256, principal_of(world.idoc))


def test_a_file_linked_to_a_restricted_person_is_restricted_and_granted_to_its_uploader(
    world: World,
) -> None:
    made = world.ingest(world.boss, unique("restr"), links=(world.person[RESTRICTED],))
    assert (made.confidentiality, made.readable) == (RESTRICTED, True)
    assert world.readable(world.boss, made.sha256) and not world.readable(world.idoc, made.sha256)


def test_a_crash_before_the_uploaders_grant_leaves_no_restricted_file_nobody_can_read(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The grant is written in the ingest's own transaction: a crash before it is written
    leaves no Evidence record (nothing its uploader could not read), never one without it."""

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("crash between the file's record and its grant")

    with world.archive.store.unscoped_view() as view:
        before = view.count("evidence")
    monkeypatch.setattr("sviedka.services.evidence.ingest.grant_author", crash)
    with pytest.raises(RuntimeError):
        world.ingest(world.boss, unique("crash"), links=(world.person[RESTRICTED],))
    with world.archive.store.unscoped_view() as view:
        assert view.count("evidence") == before


def test_the_custodian_files_are_levelled_by_their_links_too(world: World) -> None:
    made = world.ingest("cli:alice", unique("cli"), links=(world.person[RESTRICTED],))
    assert world.record(made.evidence_id).confidentiality is RESTRICTED
    assert not world.readable(world.idoc, made.sha256)


def test_a_level_below_the_linked_records_is_refused_and_nothing_is_stored(world: World) -> None:
    data = unique("lower")
    with pytest.raises(Invalid) as refused:
        world.ingest(
            world.boss, data, links=(world.person[CONFIDENTIAL],), confidentiality=INTERNAL
        )
    assert refused.value.errors == {
        "confidentiality": "at least confidential: the file shows a confidential record"
    }
    assert not world.archive.vault.exists(hashlib.sha256(data).hexdigest())


def test_a_higher_level_may_be_asked_for(world: World) -> None:
    made = world.ingest(world.boss, unique("higher"), confidentiality=RESTRICTED)
    assert (made.confidentiality, world.readable(world.boss, made.sha256)) == (RESTRICTED, True)


def test_linking_known_bytes_to_a_more_protected_record_raises_the_file(world: World) -> None:
    data = unique("later")
    first = world.ingest("cli:alice", data)
    again = world.ingest("cli:alice", data, links=(world.person[CONFIDENTIAL],))
    assert (first.confidentiality, again.evidence_id) == (INTERNAL, first.evidence_id)
    assert world.record(first.evidence_id).confidentiality is CONFIDENTIAL
    assert not world.readable(world.idoc, first.sha256)


def test_an_internal_documenter_may_link_only_what_they_may_read(world: World) -> None:
    data = unique("above")
    unknown = str(uuid.uuid4())
    with pytest.raises(Invalid) as refused:
        world.ingest(
            world.idoc, data, links=(world.person[CONFIDENTIAL], unknown), source=world.source
        )
    assert refused.value.errors == {
        "links[0]": f"no record with id {world.person[CONFIDENTIAL]}",
        "links[1]": f"no record with id {unknown}",
        "source": f"no source with id {world.source}",
    }
    with pytest.raises(Invalid) as above:
        world.ingest(world.idoc, data, confidentiality=CONFIDENTIAL)
    assert above.value.errors == {"confidentiality": "above your clearance"}
    assert not world.archive.vault.exists(hashlib.sha256(data).hexdigest())


# -- 2. known bytes: the same answer, nothing above clearance changes -----------------------


def test_known_restricted_bytes_answer_like_new_ones_and_change_nothing_hidden(
    world: World,
) -> None:
    secret = unique("secret")
    hidden = world.ingest(
        world.boss, secret, "s.bin", links=(world.person[RESTRICTED],), collected_place="Minsk"
    )
    with world.archive.store.unscoped_view() as view:
        before = (view.get(hidden.evidence_id), view.custody(hidden.sha256))
    known = world.ingest(world.idoc, secret, "s.bin")
    fresh = world.ingest(world.idoc, unique("fresh"), "s.bin")
    own = {"sha256": "", "evidence_id": "", "size": 0}  # what differs between any two files
    assert dataclasses.asdict(known) | own == dataclasses.asdict(fresh) | own
    assert (known.new_content, known.readable, known.confidentiality) == (True, True, INTERNAL)
    assert known.evidence_id != hidden.evidence_id
    with world.archive.store.unscoped_view() as view:
        assert view.get(hidden.evidence_id) == before[0]  # no revision, no link
        events = view.custody(hidden.sha256)
    assert events[: len(before[1])] == before[1]
    assert {e.details["evidence"] for e in events[len(before[1]) :]} == {known.evidence_id}
    chain = ev.custody_chain(world.archive, hidden.sha256, principal_of(world.idoc))
    assert [(e.kind, e.actor) for e in chain] == [(CustodyKind.INGESTED, "user:idoc")]
    assert chain[0].details["new_content"] is True


# -- 3. near-duplicates name only files the reader may read ---------------------------------


def picture(size: int, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.radial_gradient("L").convert("RGB").resize((size, size)).save(out, fmt)
    return out.getvalue()


def test_near_duplicates_name_only_files_the_reader_may_read(world: World) -> None:
    hidden = world.ingest(world.boss, picture(200), "a.png", links=(world.person[RESTRICTED],))
    first = world.ingest(world.idoc, picture(150), "b.png")
    second = world.ingest(world.idoc, picture(120), "c.png")
    assert world.record(hidden.evidence_id).phash  # it could have been named
    assert world.record(first.evidence_id).near_duplicates == ()
    assert world.record(second.evidence_id).near_duplicates == (first.sha256,)
    with world.archive.store.unscoped_view() as view:
        named = world.record(hidden.evidence_id)
        assert ev.visible_twins(view, world.boss, named) == named.near_duplicates
        assert ev.visible_twins(view, world.idoc, named) == ()


# -- 4. no plaintext on disk; leftovers of a crash removed at start --------------------------


def test_no_plaintext_touches_the_disk_during_an_upload(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    with watch() as written:
        made = world.ingest(world.idoc, MARKER, "statement.txt")
    assert world.record(made.evidence_id).media_type == "text/plain"  # it was described
    assert holding(MARKER, world.archive.path, system_temp) == []
    assert under(written, system_temp) == []
    files = [p for p in under(written, world.archive.path / "vault") if not p.endswith(os.sep)]
    assert {Path(p).parent.name for p in files} == {"tmp"}  # only ciphertext being written


def test_leftovers_of_a_killed_upload_are_removed_when_the_archive_opens(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    system_temp = tmp_path / "system-temp"
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    part = world.archive.path / "vault" / "tmp" / "blob-killed.part"
    part.write_bytes(b"age-encryption.org/v1 ciphertext of a killed upload")
    scratch = system_temp / "sviedka-web-killed"  # what versions before this one left
    scratch.mkdir(parents=True)
    (scratch / "upload").write_bytes(MARKER)
    hour_ago = time.time() - 3601
    os.utime(scratch, (hour_ago, hour_ago))
    live = system_temp / "sviedka-web-running"  # a fresh one may belong to a live upload
    live.mkdir()
    with open_archive(world.archive.path, database_url=world.database):
        pass
    assert (part.exists(), scratch.exists(), live.exists()) == (False, False, True)


# -- 5. names, and a full disk ---------------------------------------------------------------


def test_file_names_lose_bidi_controls_and_invisible_characters_but_keep_them_as_entered(
    world: World,
) -> None:
    entered = "photo\u202egpj.exe\u200b\ufeff\u2066x\u2069"
    made = world.ingest(world.idoc, unique("bidi"), entered)
    record = world.record(made.evidence_id)
    assert (made.name, record.title, record.original_name) == ("photogpj.exex",) * 3
    (ingested,) = ev.custody_chain(world.archive, made.sha256, principal_of(world.idoc))
    assert ingested.details["name"] == "photogpj.exex"
    assert ingested.details["name_as_entered"] == (
        "photo<U+202E>gpj.exe<U+200B><U+FEFF><U+2066>x<U+2069>"
    )


def test_a_full_disk_is_a_clear_error_and_leaves_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: object, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(blobs._TempFile, "write", full)
    with world.archive.store.unscoped_view() as view:
        count = view.count("evidence")
    data = unique("full disk")
    with pytest.raises(Unavailable) as refused:
        world.ingest(world.idoc, data, "secret-name.txt")
    assert str(refused.value) == (
        "The disk that holds the vault is full: nothing of this file was stored. "
        "Free some space, then add the file again."
    )
    with world.archive.store.unscoped_view() as view:
        assert view.count("evidence") == count
    assert list((world.archive.path / "vault" / "tmp").iterdir()) == []
    assert not world.archive.vault.exists(hashlib.sha256(data).hexdigest())


def test_the_scratch_cleanup_removes_only_old_folders_of_its_own_names_never_links(
    tmp_path: Path,
) -> None:
    for name in ("other-folder", "sviedka-dl-old"):
        (tmp_path / name).mkdir()
    (tmp_path / "sviedka-web-link").symlink_to(tmp_path / "other-folder")
    hour_ago = time.time() - 3601
    for name in ("other-folder", "sviedka-dl-old", "sviedka-web-link"):
        os.utime(tmp_path / name, (hour_ago, hour_ago), follow_symlinks=False)
    assert blobs.remove_stale_scratch(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other-folder", "sviedka-web-link"]
