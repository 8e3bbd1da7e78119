"""Evidence files over HTTP: uploads streamed into the vault and downloads streamed out of it.

Neither direction keeps a plaintext copy anywhere, in memory or on disk: an upload is encrypted
as it arrives (``ingest_stream`` reads the request body through ``BodyReader``), and a download
is decrypted as it is sent (``decrypted_chunks``). A download's last chunk is held back until the
plaintext's SHA-256 has been checked, so a file that does not match its hash never arrives whole
(the connection is cut instead). Who viewed or downloaded what is logged before the first byte
is sent: as a custody event of the file and as an audit event.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import threading
from collections.abc import AsyncIterator, Sequence
from typing import Any

from ..errors import Invalid, NotFound, Unavailable
from ..model import Confidentiality
from ..model.custody import CustodyEvent, CustodyKind
from ..model.revision import timestamp
from ..services.access import (
    Permission,
    clearance_levels,
    grant,
    may_read,
    require,
    within_reach,
)
from ..services.accounts import User
from ..services.archive import Archive
from ..services.audit import audit_read
from ..services.evidence import Collection, Ingested, ingest_stream
from ..services.keys import ArchiveKeys
from ..store import BlobRecord, Stored, View
from .guarded import AUDITED, actor_of

__all__ = [
    "BodyReader",
    "decrypted_chunks",
    "ingest_upload",
    "log_access",
    "readable_evidence",
]

_CHUNK = 64 * 1024


class BodyReader:
    """A blocking ``read(n)`` over an async iterator of chunks (the request body), for code
    that runs in a worker thread while the event loop receives the body."""

    def __init__(self, chunks: AsyncIterator[bytes], loop: asyncio.AbstractEventLoop) -> None:
        self._chunks = chunks
        self._loop = loop
        self._buffer = b""
        self._done = False

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) < size):
            future = asyncio.run_coroutine_threadsafe(_next(self._chunks), self._loop)
            chunk = future.result()
            if chunk is None:
                self._done = True
            else:
                self._buffer += chunk
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


async def _next(chunks: AsyncIterator[bytes]) -> bytes | None:
    try:
        return await anext(chunks)
    except StopAsyncIteration:
        return None


def readable_evidence(view: View, user: User, sha256: str) -> tuple[Stored, BlobRecord]:
    """The Evidence record that describes a file (or its thumbnail) and that the user may read,
    with the vault's record of the file. ``NotFound`` otherwise, whatever the reason."""
    blob = view.blob(sha256) if len(sha256) == 64 else None
    if blob is not None:
        field = "thumbnail" if blob.derived else "sha256"
        for stored in view.records("evidence", where={field: sha256}, limit=20):
            if may_read(view, user, stored.record):
                return stored, blob
    raise NotFound(f"No evidence with sha256 {sha256}.")


def ingest_upload(
    archive: Archive,
    user: User,
    stream: Any,
    *,
    name: str,
    collection: Collection,
    confidentiality: Confidentiality,
    ip: str | None,
) -> tuple[Ingested, bool]:
    """Store an uploaded file as evidence at the given level; return what was stored and
    whether the user may read the Evidence record (the same bytes may be described already by
    a record they may not read: then they learn only the hash, which they knew)."""
    require(user, Permission.EVIDENCE_UPLOAD)
    _check_upload(archive, user, collection, confidentiality)
    collection = dataclasses.replace(collection, confidentiality=confidentiality)
    made = ingest_stream(archive, stream, name=name, actor=actor_of(user), collection=collection)
    with archive.store.view() as view:
        fresh = view.get(made.evidence_id).revision == 1 and made.new_content
    if fresh and confidentiality is Confidentiality.RESTRICTED:
        grant(
            archive.store, made.evidence_id, grantee_kind="user", grantee=user.id, actor=user, ip=ip
        )
    with archive.store.view() as view:
        readable = may_read(view, user, view.get(made.evidence_id).record)
    return made, readable


def _check_upload(
    archive: Archive, user: User, collection: Collection, level: Confidentiality
) -> None:
    """The level within the user's clearance; links and source records the user may read,
    reported exactly as ``check_collection`` reports records that do not exist."""
    errors = {}
    if level not in clearance_levels(user):
        errors["confidentiality"] = f"above your clearance ({user.clearance})"
    with archive.store.view() as view:
        for i, ref in enumerate(collection.links):
            if not _readable(view, user, ref):
                errors[f"links[{i}]"] = f"no record with id {ref}"
        if collection.source and not _readable(view, user, collection.source):
            errors["source"] = f"no source with id {collection.source}"
    if errors:
        raise Invalid("The evidence cannot be linked as asked; nothing was stored.", errors)


def _readable(view: View, user: User, record_id: str) -> bool:
    found = view.find(record_id)
    return found is not None and within_reach(view, user, found.record)


def log_access(
    archive: Archive, user: User, evidence: Stored, sha256: str, *, inline: bool, ip: str | None
) -> None:
    """Custody (viewed / exported) and audit events for a file about to be sent."""
    kind = CustodyKind.VIEWED if inline else CustodyKind.EXPORTED
    details = {"via": "api", "evidence": evidence.record.id}
    event = CustodyEvent(sha256, kind, actor_of(user), timestamp(), None, details)
    with archive.store.writer() as writer:
        writer.add_custody(event)
    what = "evidence_view" if inline else "evidence_download"
    audit_read(archive.store, user, what, sha256, ip=ip)
    if evidence.record.confidentiality in AUDITED:
        audit_read(archive.store, user, "read", evidence.record.id, ip=ip)


def decrypted_chunks(
    archive: Archive, keys: ArchiveKeys | None, sha256: str
) -> AsyncIterator[bytes]:
    """The file's plaintext, decrypted in a thread as it is sent; the last chunk only once the
    whole file has matched its SHA-256."""
    if keys is None:
        raise Unavailable(
            "Evidence files cannot be read: the server was started without unlocking the "
            "archive keys (`sviedka serve --unlock`)."
        )
    return _stream(archive, keys.unlocked.identities, sha256)


async def _stream(archive: Archive, identities: Sequence[str], sha256: str) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue(maxsize=8)
    closed = threading.Event()
    sink = _QueueWriter(queue, loop, closed)
    worker = loop.run_in_executor(None, _export, archive, identities, sha256, sink)
    held: bytes | None = None
    try:
        while (item := await queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            if held is not None:
                yield held
            held = item
        if held is not None:
            yield held
    finally:
        closed.set()
        while not queue.empty():
            queue.get_nowait()
        await worker


def _export(archive: Archive, identities: Sequence[str], sha256: str, sink: _QueueWriter) -> None:
    outcome: BaseException | None = None
    try:
        archive.vault.export(sha256, sink, identities)
        sink.flush()
    except ConnectionAbortedError:
        return  # the client went away: nobody to tell
    except BaseException as exc:  # handed to the sending side, which cuts the connection
        outcome = exc
    with contextlib.suppress(ConnectionAbortedError):
        sink.finish(outcome)


class _QueueWriter:
    """``write`` for the decrypting thread: 64 KiB chunks into the event loop's queue."""

    def __init__(
        self,
        queue: asyncio.Queue[bytes | BaseException | None],
        loop: asyncio.AbstractEventLoop,
        closed: threading.Event,
    ) -> None:
        self.queue, self.loop, self.closed = queue, loop, closed
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        while len(self.buffer) >= _CHUNK:
            self._put(bytes(self.buffer[:_CHUNK]))
            del self.buffer[:_CHUNK]
        return len(data)

    def flush(self) -> None:
        if self.buffer:
            self._put(bytes(self.buffer))
            self.buffer.clear()

    def finish(self, outcome: BaseException | None) -> None:
        self._put(outcome)

    def _put(self, item: bytes | BaseException | None) -> None:
        future = asyncio.run_coroutine_threadsafe(self.queue.put(item), self.loop)
        while True:
            try:
                future.result(timeout=0.5)
                return
            except TimeoutError:
                if self.closed.is_set():
                    future.cancel()
                    raise ConnectionAbortedError("the client went away") from None
