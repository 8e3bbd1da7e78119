"""The blob store: content addressing, write-once, crash safety, and the stock ``age`` tool.

Keys come from ``crypto.new_identity`` (instant) except in the leak test, which puts a real key
file in the vault folder. The kill and the 1 GiB tests run ``put`` in a child process, so that
SIGKILL and peak RSS concern that process alone.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import io
import json
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sviedka.errors import ChecksumMismatch, DecryptionFailed, Invalid, NotFound
from sviedka.vault import blobs, crypto
from sviedka.vault.blobs import BlobStore
from sviedka.vault.keys import create_keys

AGE = shutil.which("age") or "/usr/bin/age"
needs_age = pytest.mark.skipif(not Path(AGE).exists(), reason="Debian age missing")
MiB = 1 << 20

# A child process that ingests a generated stream (a random 1 MiB block, repeated).
PUT_SCRIPT = """
import json, random, resource, sys
from pathlib import Path
from sviedka.vault.blobs import BlobStore

class Generated:
    def __init__(self, mib):
        self.block, self.done, self.left = random.Random(7).randbytes(1 << 20), 0, mib << 20
    def read(self, size=-1):
        start = self.done % (1 << 20)
        data = self.block[start : start + min(self.left, 1 << 20 if size < 0 else size)]
        self.done, self.left = self.done + len(data), self.left - len(data)
        return data

root, recipient, mib = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("ready", flush=True)
blob = BlobStore(root).put(Generated(mib), [recipient])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"sha256": blob.sha256, "size": blob.size, "rss_kib": [before, after]}))
"""


def generated(mib: int) -> bytes:
    """What PUT_SCRIPT's stream yields."""
    return random.Random(7).randbytes(MiB) * mib


@pytest.fixture
def keypair() -> tuple[str, str]:
    return crypto.new_identity()


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "vault")


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def exported(store: BlobStore, sha256: str, identity: str) -> bytes:
    out = io.BytesIO()
    store.export(sha256, out, [identity])
    return out.getvalue()


def writable(path: Path) -> Path:
    path.chmod(0o600)
    return path


def test_put_stores_one_read_only_blob_named_by_the_plaintext_hash(
    store: BlobStore, keypair: tuple[str, str]
) -> None:
    identity, recipient = keypair
    plaintext = random.Random(1).randbytes(300_000)
    blob = store.put(io.BytesIO(plaintext), [recipient])
    sha256 = hashlib.sha256(plaintext).hexdigest()
    path = store.root / "blobs" / sha256[:2] / sha256[2:4] / sha256
    assert (blob.sha256, blob.size, blob.created) == (sha256, len(plaintext), True)
    assert files_under(store.root) == [path] and store.path(sha256) == path
    assert blob.ciphertext_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert blob.ciphertext_size == path.stat().st_size
    assert stat.S_IMODE(path.stat().st_mode) == 0o400
    assert exported(store, sha256, identity) == plaintext
    store.verify(sha256, blob.ciphertext_sha256)
    store.verify_full(sha256, [identity])


def test_the_same_content_twice_is_stored_once(store: BlobStore, keypair: tuple[str, str]) -> None:
    first = store.put(io.BytesIO(b"the same photo"), [keypair[1]])
    second = store.put(io.BytesIO(b"the same photo"), [crypto.new_identity()[1]])
    assert second.created is False and first.created is True
    assert (second.sha256, second.ciphertext_sha256) == (first.sha256, first.ciphertext_sha256)
    assert second.ciphertext_size == first.ciphertext_size
    assert files_under(store.root) == [store.path(first.sha256)]


def test_known_content_takes_the_recorded_ciphertext_hash_instead_of_rereading_the_blob(
    store: BlobStore, keypair: tuple[str, str]
) -> None:
    first = store.put(io.BytesIO(b"a known photo"), [keypair[1]])
    asked: list[str] = []

    def recorded(sha256: str) -> str:
        asked.append(sha256)
        return first.ciphertext_sha256

    again = store.put(io.BytesIO(b"a known photo"), [keypair[1]], recorded=recorded)
    fresh = store.put(io.BytesIO(b"a new photo"), [keypair[1]], recorded=recorded)
    assert (again.created, again.ciphertext_sha256, asked) == (False, first.ciphertext_sha256,
                                                               [first.sha256])  # fmt: skip
    assert fresh.created is True and asked == [first.sha256]  # new content: not asked


def test_a_zero_byte_file_is_a_blob_too(store: BlobStore, keypair: tuple[str, str]) -> None:
    blob = store.put(io.BytesIO(b""), [keypair[1]])
    assert blob.sha256 == hashlib.sha256(b"").hexdigest() and blob.size == 0
    assert exported(store, blob.sha256, keypair[0]) == b""


@needs_age
def test_stock_age_decrypts_a_blob_with_the_archive_or_the_recovery_identity(
    store: BlobStore, tmp_path: Path
) -> None:
    archive, archive_recipient = crypto.new_identity()
    recovery, recovery_recipient = crypto.new_identity()
    plaintext = random.Random(2).randbytes(200_000)
    blob = store.put(io.BytesIO(plaintext), [archive_recipient, recovery_recipient])
    shares = crypto.split_secret(recovery)
    rebuilt = crypto.recover_secret([shares[3], shares[0], shares[4]])
    for name, identity in (("archive", archive), ("recovery", rebuilt)):
        (tmp_path / name).write_text(identity + "\n")
        command = [AGE, "-d", "-i", str(tmp_path / name), str(store.path(blob.sha256))]
        assert subprocess.run(command, capture_output=True, check=True).stdout == plaintext


def test_no_plaintext_or_secret_is_anywhere_under_the_vault_folder(tmp_path: Path) -> None:
    root, passphrase, marker = tmp_path / "vault", "a custodian's passphrase", b"WITNESS-7-NAME"
    keys, shares = create_keys(root, "alice", passphrase)
    store = BlobStore(root)
    plaintext = bytearray(random.Random(3).randbytes(64 * 1024))
    for offset in range(0, len(plaintext) - 64, 4096):
        plaintext[offset : offset + len(marker)] = marker
    store.put(io.BytesIO(bytes(plaintext)), keys.recipients)
    with pytest.raises(Invalid):
        store.put(io.BytesIO(bytes(plaintext) + b"!"), [])  # refused, and leaves nothing either
    windows = {bytes(plaintext[i : i + 16]) for i in range(len(plaintext) - 15)}
    secrets = (marker, passphrase.encode(), b"AGE-SECRET-KEY", b"age-secret-key", b"WITNESS")
    for path in files_under(root):
        data = path.read_bytes()
        assert not any(data[i : i + 16] in windows for i in range(len(data) - 15)), path
        assert not any(secret in data for secret in secrets), path
        # consecutive words: a single 4-letter word occurs in random ciphertext by chance
        assert not any(" ".join(share.split()[3:6]).encode() in data for share in shares)


@pytest.mark.parametrize("size,limit", [(MiB, 300_000), (100, 50), (100, 0), (5 * 65552, 65552)])
def test_a_full_disk_mid_write_leaves_no_blob_and_no_temp(
    store: BlobStore,
    keypair: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    size: int,
    limit: int,
) -> None:
    real_write = blobs._TempFile.write

    def write(self: blobs._TempFile, data: bytes) -> int:
        if self.size + len(data) > limit:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(blobs._TempFile, "write", write)
    with pytest.raises(OSError) as caught:
        store.put(io.BytesIO(random.Random(4).randbytes(size)), [keypair[1]])
    assert caught.value.errno == errno.ENOSPC
    assert files_under(store.root) == [] and list(store.iter_hashes()) == []


def test_a_kill_at_any_moment_leaves_a_complete_blob_or_none(
    tmp_path: Path, keypair: tuple[str, str]
) -> None:
    identity, recipient = keypair
    expected = hashlib.sha256(generated(64)).hexdigest()
    rng = random.Random(5)
    for attempt in range(8):
        store = BlobStore(tmp_path / f"vault{attempt}")
        command = [sys.executable, "-c", PUT_SCRIPT, str(store.root), recipient, "64"]
        with subprocess.Popen(command, stdout=subprocess.PIPE) as child:
            assert child.stdout is not None and child.stdout.readline() == b"ready\n"
            time.sleep(attempt * 0.035 + rng.uniform(0.0, 0.02))  # spread over the write
            child.send_signal(signal.SIGKILL)
        stored = list(store.iter_hashes())
        assert stored in ([], [expected])
        if stored:
            store.verify_full(expected, [identity])
        store.cleanup_temp()
        assert not (store.root / "tmp").exists() or list((store.root / "tmp").iterdir()) == []
        assert files_under(store.root) == [store.path(h) for h in stored]


def test_a_gibibyte_stream_is_ingested_in_constant_memory(
    tmp_path: Path, keypair: tuple[str, str]
) -> None:
    root = tmp_path / "vault"
    command = [sys.executable, "-c", PUT_SCRIPT, str(root), keypair[1], "1024"]
    output = subprocess.run(command, capture_output=True, check=True, timeout=120).stdout
    result = json.loads(output.splitlines()[-1])
    before, after = result["rss_kib"]
    assert result["size"] == 1 << 30
    assert (after - before) * 1024 < 100_000_000
    store = BlobStore(root)
    assert list(store.iter_hashes()) == [result["sha256"]]
    assert store.path(result["sha256"]).stat().st_size > 1 << 30
    shutil.rmtree(root)


BAD_HASHES = [
    "../x",
    "../" + "0" * 61,
    "0" * 63,
    "0" * 65,
    "A" * 64,
    "g" * 64,
    "0" * 63 + "\0",
    "0" * 64 + "\n",
    "/" + "0" * 63,
    "",
    None,
    64,
]


@pytest.mark.parametrize("bad", BAD_HASHES)
def test_bad_sha256_arguments_are_refused_before_any_path(
    store: BlobStore, keypair: tuple[str, str], bad: Any
) -> None:
    identity, recipient = keypair
    good = "0" * 64
    calls: list[Callable[[], object]] = [
        lambda: store.path(bad),
        lambda: store.exists(bad),
        lambda: store.export(bad, io.BytesIO(), [identity]),
        lambda: store.verify(bad, good),
        lambda: store.verify(good, bad),
        lambda: store.verify_full(bad, [identity]),
        lambda: store.reencrypt(bad, [identity], [recipient]),
    ]
    for call in calls:
        with pytest.raises(Invalid) as caught:
            call()
        if isinstance(bad, str) and len(bad) > 3:
            assert bad not in str(caught.value)
    assert not store.root.exists() or files_under(store.root) == []


def test_verify_detects_one_flipped_byte_and_names_both_digests(
    store: BlobStore, keypair: tuple[str, str]
) -> None:
    identity, recipient = keypair
    blob = store.put(io.BytesIO(random.Random(6).randbytes(100_000)), [recipient])
    path = writable(store.path(blob.sha256))
    data = bytearray(path.read_bytes())
    data[50_000] ^= 0x01
    path.write_bytes(data)
    with pytest.raises(ChecksumMismatch) as caught:
        store.verify(blob.sha256, blob.ciphertext_sha256)
    actual = hashlib.sha256(data).hexdigest()
    assert (caught.value.expected, caught.value.actual) == (blob.ciphertext_sha256, actual)
    assert blob.ciphertext_sha256 in str(caught.value) and actual in str(caught.value)
    with pytest.raises(DecryptionFailed):
        store.verify_full(blob.sha256, [identity])


def test_a_truncated_blob_or_a_wrong_identity_is_decryption_failed(
    store: BlobStore, keypair: tuple[str, str]
) -> None:
    identity, recipient = keypair
    blob = store.put(io.BytesIO(bytes(200_000)), [recipient])
    with pytest.raises(DecryptionFailed):
        exported(store, blob.sha256, crypto.new_identity()[0])
    path = writable(store.path(blob.sha256))
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DecryptionFailed):
        exported(store, blob.sha256, identity)


def test_a_blob_under_the_wrong_name_is_a_checksum_mismatch(
    store: BlobStore, keypair: tuple[str, str]
) -> None:
    identity, recipient = keypair
    blob = store.put(io.BytesIO(b"the real content"), [recipient])
    other = hashlib.sha256(b"what the name claims").hexdigest()
    store.path(other).parent.mkdir(parents=True)
    shutil.copyfile(store.path(blob.sha256), store.path(other))
    with pytest.raises(ChecksumMismatch) as caught:
        store.verify_full(other, [identity])
    assert (caught.value.expected, caught.value.actual) == (other, blob.sha256)


def test_missing_blobs_are_not_found(store: BlobStore, keypair: tuple[str, str]) -> None:
    missing = "ab" * 32
    assert store.exists(missing) is False
    with pytest.raises(NotFound):
        store.verify(missing, missing)
    with pytest.raises(NotFound):
        exported(store, missing, keypair[0])


def test_iter_hashes_lists_blobs_in_order_and_skips_strays(
    store: BlobStore, keypair: tuple[str, str]
) -> None:
    hashes = sorted(store.put(io.BytesIO(bytes([n])), [keypair[1]]).sha256 for n in range(3))
    (store.root / "blobs" / "zz").mkdir()
    (store.root / "blobs" / "zz" / "notes.txt").write_text("stray")
    misplaced = store.root / "blobs" / hashes[0][:2] / hashes[0][2:4] / ("f" * 64)
    misplaced.write_text("a hash name in the wrong folder")
    assert list(store.iter_hashes()) == hashes
    assert list(BlobStore(store.root / "empty").iter_hashes()) == []


def test_reencrypt_moves_a_blob_to_new_recipients_in_place(
    store: BlobStore, keypair: tuple[str, str]
) -> None:
    old, old_recipient = keypair
    new, new_recipient = crypto.new_identity()
    plaintext = random.Random(8).randbytes(500_000)
    blob = store.put(io.BytesIO(plaintext), [old_recipient])
    ciphertext_sha256 = store.reencrypt(blob.sha256, [old], [new_recipient])
    assert ciphertext_sha256 != blob.ciphertext_sha256
    store.verify(blob.sha256, ciphertext_sha256)
    assert exported(store, blob.sha256, new) == plaintext
    with pytest.raises(DecryptionFailed):
        exported(store, blob.sha256, old)
    assert files_under(store.root) == [store.path(blob.sha256)]
    assert stat.S_IMODE(store.path(blob.sha256).stat().st_mode) == 0o400


def test_reencrypt_with_the_wrong_identity_changes_nothing(
    store: BlobStore, keypair: tuple[str, str]
) -> None:
    blob = store.put(io.BytesIO(bytes(300_000)), [keypair[1]])
    with pytest.raises(DecryptionFailed):
        store.reencrypt(blob.sha256, [crypto.new_identity()[0]], [keypair[1]])
    store.verify(blob.sha256, blob.ciphertext_sha256)
    assert files_under(store.root) == [store.path(blob.sha256)]


def test_cleanup_temp_removes_leftovers_but_not_a_live_ingest(store: BlobStore) -> None:
    tmp = store.root / "tmp"
    tmp.mkdir(parents=True)
    (tmp / "blob-dead.part").write_bytes(b"\x00" * 100)
    live = (tmp / "blob-live.part").open("wb")
    fcntl.flock(live.fileno(), fcntl.LOCK_EX)
    try:
        assert store.cleanup_temp() == 1
        assert [p.name for p in tmp.iterdir()] == ["blob-live.part"]
    finally:
        live.close()
    assert store.cleanup_temp() == 1 and list(tmp.iterdir()) == []


def test_put_without_recipients_is_invalid_and_leaves_nothing(store: BlobStore) -> None:
    with pytest.raises(Invalid):
        store.put(io.BytesIO(b"data"), [])
    assert files_under(store.root) == []
