"""Evidence end to end on a real archive: ingest, describe, export, custody, fixity, keys."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from sviedka.errors import ChecksumMismatch, Conflict, DecryptionFailed, Invalid, NotFound
from sviedka.model import Evidence, Vocabulary
from sviedka.model.custody import CustodyKind
from sviedka.services import evidence as ev
from sviedka.services.archive.folder import Archive, init_archive
from sviedka.services.archive.keys import ArchiveKeys, recover_access, rotate, unlock_archive
from sviedka.services.archive.verify import verify_archive

PASSPHRASE = "seven words are easy to remember"
MARKER = b"SVIEDKA-PLAINTEXT-MARKER-" * 2000  # distinctive bytes to look for on disk


@pytest.fixture(scope="module")
def made(
    tmp_path_factory: pytest.TempPathFactory, vocabularies: tuple[Vocabulary, ...]
) -> tuple[Path, list[str]]:
    path = tmp_path_factory.mktemp("ev") / "archive"
    archive, shares = init_archive(path, vocabularies, custodian="alice", passphrase=PASSPHRASE)
    archive.close()
    return path, shares


@pytest.fixture
def archive(made: tuple[Path, list[str]], tmp_path: Path) -> Iterator[Archive]:
    from sviedka.services.archive.folder import open_archive

    path = tmp_path / "archive"
    shutil.copytree(made[0], path)
    with open_archive(path) as opened:
        yield opened


@pytest.fixture
def keys(archive: Archive) -> ArchiveKeys:
    return unlock_archive(archive.path, archive.config.id, "alice", PASSPHRASE)


def jpeg(colour: tuple[int, int, int] = (200, 30, 30), size: int = 96) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, "JPEG")
    return out.getvalue()


def ingest(archive: Archive, data: bytes, name: str = "file.bin") -> ev.Ingested:
    return ev.ingest_stream(archive, io.BytesIO(data), name=name, actor="tester")


def evidence(archive: Archive, sha256: str) -> Evidence:
    with archive.store.unscoped_view() as view:
        (found,) = view.records("evidence", where={"sha256": sha256})
    assert isinstance(found.record, Evidence)
    return found.record


def test_the_same_content_twice_is_stored_once_with_two_custody_events(archive: Archive) -> None:
    first, second = ingest(archive, MARKER, "a.bin"), ingest(archive, MARKER, "b.bin")
    assert (first.sha256, first.evidence_id) == (second.sha256, second.evidence_id)
    assert (first.new_content, second.new_content) == (True, False)
    assert list(archive.vault.iter_hashes()) == [first.sha256]
    kinds = [e.kind for e in ev.custody_chain(archive, first.sha256, "custodian")]
    assert kinds == [CustodyKind.INGESTED, CustodyKind.INGESTED]


def test_no_plaintext_byte_sequence_is_left_under_the_archive(archive: Archive) -> None:
    ingest(archive, MARKER)
    for path in archive.path.rglob("*"):
        if path.is_file():
            assert MARKER[:64] not in path.read_bytes(), path


def test_the_stock_age_tool_decrypts_with_the_recovery_identity(
    archive: Archive, made: tuple[Path, list[str]], tmp_path: Path
) -> None:
    from sviedka.vault.crypto import recover_secret

    done = ingest(archive, MARKER)
    identity = tmp_path / "recovery.txt"
    identity.write_text(recover_secret(made[1][1:4]) + "\n")
    blob = archive.vault.path(done.sha256)
    out = subprocess.run(["age", "-d", "-i", str(identity), str(blob)], capture_output=True)
    assert out.returncode == 0 and out.stdout == MARKER


def test_file_names_are_metadata_never_paths(archive: Archive) -> None:
    done = ingest(archive, b"x", "../../etc/passwd\x00\x1b[31m")
    record = evidence(archive, done.sha256)
    assert record.original_name == "../../etc/passwd\ufffd\ufffd[31m"
    assert not (archive.path.parent / "etc").exists()


@pytest.mark.parametrize(
    "entered",
    [
        "a\u202eb",  # right-to-left override
        "a\u2066\u2069b",  # isolates
        "a\u200b\u200c\u200d\u2060b",  # zero-width space, non-joiner, joiner, word joiner
        "a\ufeff\u00adb",  # byte order mark, soft hyphen
        "a\u2028\u2029b",  # line and paragraph separators
        "a\ufe0f\U000e0101b",  # variation selectors
        "a\u3164\u115f\u2800b",  # Hangul fillers, braille blank
        "a\U000e0041\U000e007fb",  # tag characters
    ],
)
def test_names_lose_every_kind_of_invisible_character(entered: str) -> None:
    assert (ev.safe_name(entered), ev.safe_name(ev.safe_name(entered))) == ("ab", "ab")
    assert ev.entered_name(entered).startswith("a<U+") and ev.entered_name(entered).endswith(">b")


def test_a_zero_byte_file_is_evidence_too(archive: Archive) -> None:
    done = ingest(archive, b"")
    assert done.size == 0 and evidence(archive, done.sha256).size == 0


def test_metadata_comes_from_a_working_copy_as_a_second_revision(
    archive: Archive, tmp_path: Path
) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(jpeg())
    before = photo.read_bytes()
    done = ev.ingest_file(archive, photo, actor="tester")
    record = evidence(archive, done.sha256)
    assert record.media_type == "image/jpeg" and record.phash and record.thumbnail
    assert record.extracted["image.width"] == 96
    assert photo.read_bytes() == before
    with archive.store.unscoped_view() as view:
        assert [r.reason for r in view.history(record.id)] == [
            "ingested",
            "metadata extracted from a working copy",
        ]
        assert view.blob(record.thumbnail).derived  # type: ignore[union-attr]


def test_a_resized_copy_is_flagged_as_a_near_duplicate(archive: Archive, tmp_path: Path) -> None:
    base = Image.radial_gradient("L").convert("RGB")
    one, two = tmp_path / "one.jpg", tmp_path / "two.png"
    base.save(one, "JPEG")
    base.resize((128, 128)).save(two, "PNG")
    first = ev.ingest_file(archive, one, actor="t")
    second = ev.ingest_file(archive, two, actor="t")
    assert evidence(archive, second.sha256).near_duplicates == (first.sha256,)


def test_a_decompression_bomb_is_recorded_not_fatal(archive: Archive, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    Image.new("1", (12000, 12000)).save(bomb, "PNG")
    done = ev.ingest_file(archive, bomb, actor="t")
    record = evidence(archive, done.sha256)
    assert "decompression bomb" in record.extraction_problems["image"]
    assert record.thumbnail is None


def test_export_writes_the_checked_copy_record_and_custody(
    archive: Archive, keys: ArchiveKeys, tmp_path: Path
) -> None:
    done = ingest(archive, MARKER)
    written = ev.export(archive, keys, done.sha256, tmp_path / "out", actor="lawyer")
    assert written[0].read_bytes() == MARKER
    chain = ev.custody_chain(archive, done.sha256, "custodian")
    assert [e.kind for e in chain] == [CustodyKind.INGESTED, CustodyKind.EXPORTED]
    with pytest.raises(Conflict):
        ev.export(archive, keys, done.sha256, tmp_path / "out", actor="lawyer")


def test_verify_names_a_damaged_and_a_missing_blob(archive: Archive, keys: ArchiveKeys) -> None:
    damaged, missing = ingest(archive, MARKER), ingest(archive, b"second file")
    assert ev.check_vault(archive, keys=keys) == []
    path = archive.vault.path(damaged.sha256)
    os.chmod(path, 0o600)
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    archive.vault.path(missing.sha256).unlink()
    found = {p.subject: p.what for p in ev.check_vault(archive)}
    assert set(found) == {damaged.sha256, missing.sha256}
    assert "damaged" in found[damaged.sha256] and damaged.evidence_id in found[damaged.sha256]
    assert "missing" in found[missing.sha256]


def test_full_verification_logs_verified_events(archive: Archive, keys: ArchiveKeys) -> None:
    done = ingest(archive, MARKER)
    assert ev.check_vault(archive, keys=keys) == []
    assert ev.custody_chain(archive, done.sha256, "custodian")[-1].kind is CustodyKind.VERIFIED
    assert verify_archive(archive).ok


def test_a_wrong_passphrase_is_one_opaque_error(archive: Archive) -> None:
    with pytest.raises(DecryptionFailed) as caught:
        unlock_archive(archive.path, archive.config.id, "alice", "not the passphrase at all")
    assert "not the passphrase" not in str(caught.value)
    with pytest.raises(DecryptionFailed):
        unlock_archive(archive.path, archive.config.id, "mallory", PASSPHRASE)


def test_rotation_and_reencryption_keep_every_file_readable(
    archive: Archive, keys: ArchiveKeys, tmp_path: Path
) -> None:
    old = ingest(archive, MARKER)
    keys = rotate(archive.path, archive.config.id, keys, PASSPHRASE)
    assert ev.reencrypt_all(archive, keys, actor="admin") == 1
    new = ingest(archive, b"after rotation")
    assert ev.check_vault(archive, keys=keys) == []
    assert ev.custody_chain(archive, old.sha256, "custodian")[1].kind is CustodyKind.REENCRYPTED
    assert verify_archive(archive).ok
    assert new.new_content


def test_three_shares_rebuild_access_and_the_log_key(
    archive: Archive, made: tuple[Path, list[str]]
) -> None:
    ingest(archive, MARKER)
    keys = recover_access(
        archive.path, archive.config.id, made[1][2:5], "bob", "a brand new passphrase"
    )
    assert keys.signer.verifier() == archive.config.verifier_key
    assert ev.check_vault(archive, keys=keys) == []
    with pytest.raises(Invalid):
        recover_access(archive.path, archive.config.id, made[1][:2], "eve", "long enough pass")


def test_unknown_hashes_are_not_found_and_bad_ones_invalid(archive: Archive) -> None:
    with pytest.raises(NotFound):
        ev.custody_chain(archive, "0" * 64, "custodian")
    with pytest.raises(Invalid):
        archive.vault.path("../" + "0" * 61)
    with pytest.raises(ChecksumMismatch):
        done = ingest(archive, MARKER)
        archive.vault.verify(done.sha256, "1" * 64)
