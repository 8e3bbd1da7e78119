"""Content-addressed, write-once, encrypted evidence files.

A blob is one evidence file encrypted with age (:mod:`.crypto`) and stored under the SHA-256 of
its *plaintext*: ``<root>/blobs/ab/cd/abcd…``. Ingest reads the file once: the plaintext is hashed
while it is encrypted into ``<root>/tmp/``, the ciphertext while it is written; the temp file is
fsynced, then hard-linked into place (which never replaces an existing blob) and the directories
are fsynced. A crash or a full disk leaves at most a temp file (ciphertext: the plaintext is never
written anywhere), which :meth:`BlobStore.cleanup_temp` removes when the archive is next opened; a
blob under its final name is always complete. The same content twice is stored once.

Any blob opens without Sviedka: ``age -d -i identities.txt blobs/ab/cd/abcd… > file``.

Not protected, by design or by necessity:

* **which files the archive holds, to someone who has a copy**: the file name is the plaintext's
  SHA-256, so hashing a known file (a published video, say) and looking for that name confirms
  it is in the vault;
* sizes (the ciphertext is the plaintext plus about 0.03 %), the number of blobs, and file-system
  timestamps (when each blob was ingested or re-encrypted);
* availability: anyone who can write the folder can delete or damage blobs. :meth:`verify` and
  :meth:`verify_full` detect damage; backups repair it.

The folder must be on a file system with hard links (ext4, XFS, Btrfs, ZFS, APFS, NTFS; not FAT).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import io
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ChecksumMismatch, Invalid, NotFound
from .crypto import decrypt_stream, encrypt_stream, reencrypt_stream

if TYPE_CHECKING:
    from _typeshed import SupportsRead, SupportsWrite

__all__ = ["Blob", "BlobStore", "remove_stale_scratch"]

_SHA256 = re.compile(r"[0-9a-f]{64}")
_TEMP_PREFIX = "blob-"
# Folders in the system's temp folder where versions before the one-ingest redesign (issue 12)
# kept plaintext: web uploads, web downloads, thumbnails. A crash left them there.
_SCRATCH_PREFIXES = ("sviedka-web-", "sviedka-dl-", "sviedka-describe-")
_SCRATCH_AGE = 3600  # seconds: older than any upload that could still be running


@dataclass(frozen=True)
class Blob:
    """What :meth:`BlobStore.put` stored: both digests (hex) and both sizes, in bytes.

    ``created`` is False when the content was already there: nothing was written, and the
    ciphertext fields describe the blob already stored.
    """

    sha256: str
    ciphertext_sha256: str
    size: int
    ciphertext_size: int
    created: bool


class BlobStore:
    """The encrypted blobs under ``root`` (``blobs/`` and ``tmp/``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._blobs = self.root / "blobs"
        self._tmp = self.root / "tmp"

    def path(self, sha256: str) -> Path:
        """Where the blob of ``sha256`` lives (whether or not it exists)."""
        _check_sha256(sha256)
        return self._blobs / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(
        self,
        stream: SupportsRead[bytes],
        recipients: Sequence[str],
        *,
        recorded: Callable[[str], str | None] | None = None,
    ) -> Blob:
        """Encrypt ``stream`` to ``recipients`` and store it, reading it once, in constant memory.

        An I/O error (``ENOSPC`` …) is raised as is, after the temp file is removed.

        :param recorded: the ciphertext hash recorded for a plaintext hash, if any: when the
            content was there already, it saves re-reading the stored blob (which would also
            make storing known bytes measurably slower than new ones).
        """
        self._prepare()
        with self._temp() as temp:
            sha256, size = encrypt_stream(stream, temp, recipients)
            ciphertext_sha256 = temp.seal()
            if self._publish(temp.path, self.path(sha256)):
                return Blob(sha256, ciphertext_sha256, size, temp.size, created=True)
        known = recorded(sha256) if recorded is not None else None
        return self._describe(sha256, size, known)

    def export(self, sha256: str, dst: SupportsWrite[bytes], identities: Sequence[str]) -> int:
        """Decrypt a blob into ``dst`` and check its hash at the end; return its size.

        Raises :class:`NotFound`, :class:`~sviedka.errors.DecryptionFailed` or
        :class:`ChecksumMismatch`; after an error ``dst`` may hold part of the plaintext (or
        wrong plaintext): discard it.
        """
        with self._open(sha256) as src:
            actual, size = decrypt_stream(src, dst, identities)
        if actual != sha256:
            raise ChecksumMismatch(f"Blob {sha256} (decrypted)", sha256, actual)
        return size

    def verify(self, sha256: str, expected_ciphertext_sha256: str) -> None:
        """Re-hash the stored ciphertext (fast, no key needed) against the recorded digest."""
        _check_sha256(expected_ciphertext_sha256, "ciphertext_sha256")
        with self._open(sha256) as src:
            actual = hashlib.file_digest(src, "sha256").hexdigest()
        if actual != expected_ciphertext_sha256:
            raise ChecksumMismatch(f"Blob {sha256}", expected_ciphertext_sha256, actual)

    def verify_full(self, sha256: str, identities: Sequence[str]) -> None:
        """Decrypt the whole blob (writing nothing) and check the plaintext hash."""
        self.export(sha256, _Discard(), identities)

    def iter_hashes(self) -> Iterator[str]:
        """The plaintext SHA-256 of every stored blob, in order; stray files are skipped."""
        for first in _names(self._blobs):
            for second in _names(self._blobs / first):
                for name in _names(self._blobs / first / second):
                    if _SHA256.fullmatch(name) and name[:2] == first and name[2:4] == second:
                        yield name

    def reencrypt(self, sha256: str, identities: Sequence[str], recipients: Sequence[str]) -> str:
        """Encrypt a blob anew to ``recipients`` (atomic replace); return the new ciphertext hash.

        The plaintext stays in memory (a small bounded buffer) and is checked against ``sha256``
        before the old ciphertext is replaced. Record the new ciphertext hash.
        """
        self._prepare()
        with self._open(sha256) as src, self._temp() as temp:
            actual, _ = reencrypt_stream(src, temp, identities, recipients)
            if actual != sha256:
                raise ChecksumMismatch(f"Blob {sha256} (decrypted)", sha256, actual)
            ciphertext_sha256 = temp.seal()
            os.replace(temp.path, self.path(sha256))
            _fsync_dir(self.path(sha256).parent)
        return ciphertext_sha256

    def cleanup_temp(self) -> int:
        """Remove temp files left by an interrupted ingest; return how many.

        Temp files still being written (locked by a live process) are left alone, so this is
        safe to run at any time.
        """
        removed = 0
        for name in _names(self._tmp):
            with contextlib.suppress(FileNotFoundError, BlockingIOError):
                removed += _remove_unlocked(self._tmp / name)
        return removed

    # --- internals ---

    def _prepare(self) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        for folder in (self._blobs, self._tmp):
            _mkdir_durable(folder)

    @contextlib.contextmanager
    def _temp(self) -> Iterator[_TempFile]:
        temp = _TempFile.create(self._tmp)
        try:
            yield temp
        finally:
            temp.discard()

    @contextlib.contextmanager
    def _open(self, sha256: str) -> Iterator[io.BufferedReader]:
        try:
            file = self.path(sha256).open("rb")
        except FileNotFoundError:
            raise NotFound(f"No blob {sha256} in the vault.") from None
        with file:
            yield file

    def _publish(self, temp: Path, final: Path) -> bool:
        """Hard-link the finished temp file into place; False if the blob already exists."""
        _mkdir_durable(final.parent.parent)
        _mkdir_durable(final.parent)
        try:
            os.link(temp, final)
        except FileExistsError:
            return False
        _fsync_dir(final.parent)
        return True

    def _describe(self, sha256: str, size: int, known: str | None) -> Blob:
        with self._open(sha256) as file:
            ciphertext_size = os.fstat(file.fileno()).st_size
            digest = known or hashlib.file_digest(file, "sha256").hexdigest()
        return Blob(sha256, digest, size, ciphertext_size, created=False)


def remove_stale_scratch(folder: Path | None = None, *, older_than: float = _SCRATCH_AGE) -> int:
    """Remove the plaintext scratch folders that earlier versions left in the system's temp
    folder (``folder``) when they were killed mid-upload; return how many. Only this user's
    folders, untouched for ``older_than`` seconds, are removed: nothing still in use."""
    root = Path(folder or tempfile.gettempdir())
    removed = 0
    for name in _names(root):
        path = root / name
        if name.startswith(_SCRATCH_PREFIXES) and _stale(path, older_than):
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


def _stale(path: Path, older_than: float) -> bool:
    try:
        found = path.lstat()
    except FileNotFoundError:
        return False
    mine = found.st_uid == os.getuid() and stat.S_ISDIR(found.st_mode)  # never a link
    return mine and time.time() - found.st_mtime > older_than


class _TempFile:
    """A file in ``tmp/`` being filled: hashes what is written; flock-ed while in use, so that
    :meth:`BlobStore.cleanup_temp` can tell a live ingest from a dead one."""

    def __init__(self, path: Path, file: io.FileIO) -> None:
        self.path = path
        self._file = file
        self._digest = hashlib.sha256()
        self.size = 0

    @classmethod
    def create(cls, directory: Path) -> _TempFile:
        while True:  # cleanup_temp may remove it between creation and lock: then try again
            fd, name = tempfile.mkstemp(dir=directory, prefix=_TEMP_PREFIX, suffix=".part")
            file = io.FileIO(fd, "wb")
            with contextlib.suppress(BlockingIOError, FileNotFoundError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if os.stat(name).st_ino == os.fstat(fd).st_ino:
                    return cls(Path(name), file)
            file.close()

    def write(self, data: bytes) -> int:
        view = memoryview(data)
        while view:
            written = self._file.write(view)
            if not written:
                raise OSError(errno.EIO, "The disk accepted no bytes.")
            view = view[written:]
        self._digest.update(data)
        self.size += len(data)
        return len(data)

    def seal(self) -> str:
        """Make the content durable and read-only; return the ciphertext's SHA-256."""
        os.fsync(self._file.fileno())
        os.fchmod(self._file.fileno(), 0o400)
        return self._digest.hexdigest()

    def discard(self) -> None:
        self._file.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


class _Discard:
    def write(self, data: bytes) -> int:
        return len(data)


def _check_sha256(value: str, field: str = "sha256") -> None:
    """Refuse anything but 64 lowercase hex digits before it gets near a path."""
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise Invalid(
            "Not a SHA-256 digest: expected 64 lowercase hexadecimal characters.",
            {field: "not a SHA-256 hex digest"},
        )


def _names(folder: Path) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []


def _remove_unlocked(path: Path) -> int:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.unlink(path)
    finally:
        os.close(fd)
    return 1


def _mkdir_durable(folder: Path) -> None:
    """Create a folder (0700) and make its entry durable; nothing to do if it exists."""
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        return
    _fsync_dir(folder.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
