"""An archive's files are for its owner only: records, keys, evidence and staged imports are
personal data. Files are created 0600 and folders 0700 whatever the process umask, rather than
created and then tightened (a reader could open the file in between).

SQLite's own files are made so by ``store.engine`` (the database first, and its ``-wal`` and
``-shm`` files take the database's mode); vault blobs by ``vault.blobs`` (0400 in 0700
folders); keys by ``vault.keys`` and ``services.archive.keys``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["mkdir_owner_only", "restrict_to_owner", "write_owner_only"]


def write_owner_only(path: Path, data: bytes | str) -> None:
    """Write ``path`` (created 0600, or truncated and made 0600 if it exists), durably."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "wb") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(raw)
        out.flush()
        os.fsync(out.fileno())


def mkdir_owner_only(path: Path) -> None:
    """``path`` and any missing parents as folders only their owner may open (0700); an
    existing ``path`` is made so too."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        folder.chmod(0o700)
    path.chmod(0o700)


def restrict_to_owner(root: Path) -> None:
    """Take every group and other permission off ``root`` and everything under it (symbolic
    links are left alone); what the owner may do stays (a 0400 blob stays 0400)."""
    _restrict(str(root))
    for folder, folders, files in os.walk(root):
        for name in (*folders, *files):
            _restrict(os.path.join(folder, name))


def _restrict(name: str) -> None:
    mode = os.lstat(name).st_mode
    if not stat.S_ISLNK(mode) and stat.S_IMODE(mode) & 0o077:
        os.chmod(name, stat.S_IMODE(mode) & 0o700)
