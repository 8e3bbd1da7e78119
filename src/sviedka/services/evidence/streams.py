"""An evidence file's plaintext as an async stream, for the API and the web pages.

The file is decrypted in a worker thread as it is sent, never written anywhere. The last chunk
is held back until the whole file has matched its SHA-256, so a file that does not match never
arrives whole (the sender cuts the connection instead).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Sequence

from ...errors import Unavailable
from ..archive.folder import Archive
from ..archive.keys import ArchiveKeys

__all__ = ["decrypted_chunks"]

_CHUNK = 64 * 1024


def decrypted_chunks(
    archive: Archive, keys: ArchiveKeys | None, sha256: str
) -> AsyncIterator[bytes]:
    """The file's plaintext, decrypted in a thread as it is sent; the last chunk only once the
    whole file has matched its SHA-256. ``Unavailable`` without the archive keys."""
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
