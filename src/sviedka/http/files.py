"""Evidence files over HTTP: request bodies read as streams, never spooled to disk.

An upload is encrypted as it arrives: the API's request body is the file (``BodyReader`` gives
the ingest, which runs in a worker thread, a blocking ``read`` over it), and the web form's
multipart body is parsed as it arrives (``StreamedForm``) instead of by Starlette, which spools
files over 1 MiB to the system's temp folder, in clear. Downloads are decrypted as they are sent
(``services.evidence.decrypted_chunks``).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from ..errors import Invalid
from ..services.evidence import decrypted_chunks, log_access, readable_evidence

__all__ = [
    "STREAMED_FORMS",
    "BodyReader",
    "FileField",
    "StreamedForm",
    "TextField",
    "decrypted_chunks",
    "log_access",
    "readable_evidence",
]

# Paths whose multipart forms are read as streams (the CSRF check reads their first field).
STREAMED_FORMS = frozenset({"/evidence/upload"})
_MAX_FIELDS = 200
_MAX_FIELD = 64 * 1024


class BodyReader:
    """A blocking ``read(n)`` over an async iterator of chunks (the request body), for code
    that runs in a worker thread while the event loop receives the body."""

    def __init__(self, chunks: AsyncIterator[bytes], loop: asyncio.AbstractEventLoop) -> None:
        self._chunks = chunks
        self._loop = loop
        self._buffer = bytearray()
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
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


async def _next(chunks: AsyncIterator[bytes]) -> bytes | None:
    try:
        return await anext(chunks)
    except StopAsyncIteration:
        return None


@dataclass(frozen=True)
class TextField:
    name: str
    value: str


@dataclass(frozen=True)
class FileField:
    """A file of the form: read ``chunks`` to the end before asking for the next part."""

    name: str
    filename: str
    chunks: AsyncIterator[bytes]


class StreamedForm:
    """A ``multipart/form-data`` body read part by part as it arrives, in bounded memory."""

    def __init__(self, body: AsyncIterator[bytes], boundary: bytes) -> None:
        self._body = body
        self._events: deque[tuple[str, bytes]] = deque()
        self._parser = MultipartParser(boundary, _callbacks(self._events), max_header_count=16)
        self._fields = 0
        self._ended = False
        self._open: FileField | None = None

    @classmethod
    def of(cls, request: Request) -> StreamedForm:
        """The request's form, made once (the CSRF check and the route share it)."""
        made: StreamedForm | None = getattr(request.state, "streamed_form", None)
        if made is None:
            _, options = parse_options_header(request.headers.get("content-type", ""))
            boundary = options.get(b"boundary")
            if not boundary:
                raise Invalid("The form could not be read: it is not multipart/form-data.")
            made = cls(request.stream().__aiter__(), boundary)
            request.state.streamed_form = made
        return made

    async def first_field(self, name: str) -> str | None:
        """The value of the form's first part if it is the text field ``name`` (a CSRF token
        comes first, so that it is checked before any file is read), else None."""
        part = await self.next_part()
        return part.value if isinstance(part, TextField) and part.name == name else None

    async def next_part(self) -> TextField | FileField | None:
        """The next text field or file (None at the end). A file not read to its end is
        skipped first."""
        if self._open is not None:
            async for _ in self._open.chunks:
                pass
        headers = await self._headers()
        if headers is None:
            return None
        name, filename = _disposition(headers)
        if filename is None:
            return await self._text(name)
        self._open = FileField(name, filename, self._data())
        return self._open

    async def _headers(self) -> dict[str, str] | None:
        headers: dict[str, str] = {}
        field = value = b""
        while (event := await self._event()) is not None:
            kind, data = event
            if kind == "field":
                field += data
            elif kind == "value":
                value += data
            elif kind == "header_end":
                headers[field.decode("latin-1").lower()] = value.decode("latin-1")
                field = value = b""
            elif kind == "headers_done":
                return headers
        return None

    async def _text(self, name: str) -> TextField:
        self._fields += 1
        value = b""
        async for chunk in self._data():
            value += chunk
            if len(value) > _MAX_FIELD or self._fields > _MAX_FIELDS:
                raise Invalid("The form is too large: too many or too long fields.")
        return TextField(name, value.decode("utf-8", "replace"))

    async def _data(self) -> AsyncIterator[bytes]:
        while (event := await self._event()) is not None:
            if event[0] == "part_end":
                self._open = None
                return
            yield event[1]
        raise Invalid("The form ended in the middle of a field or file; it was not stored.")

    async def _event(self) -> tuple[str, bytes] | None:
        while not self._events:
            if self._ended:
                return None
            chunk = await _next(self._body)
            try:
                if chunk is None:
                    self._ended = True
                    self._parser.finalize()
                else:
                    self._parser.write(chunk)
            except MultipartParseError:
                raise Invalid("The form could not be read: its body is malformed.") from None
        return self._events.popleft()


def _callbacks(events: deque[tuple[str, bytes]]) -> Any:
    def data(kind: str) -> Any:
        return lambda buffer, start, end: events.append((kind, bytes(buffer[start:end])))

    def mark(kind: str) -> Any:
        return lambda: events.append((kind, b""))

    return {
        "on_header_field": data("field"),
        "on_header_value": data("value"),
        "on_header_end": mark("header_end"),
        "on_headers_finished": mark("headers_done"),
        "on_part_data": data("data"),
        "on_part_end": mark("part_end"),
    }


def _disposition(headers: dict[str, str]) -> tuple[str, str | None]:
    _, options = parse_options_header(headers.get("content-disposition", ""))
    name = options.get(b"name", b"").decode("utf-8", "replace")
    filename = options.get(b"filename")
    return name, (filename.decode("utf-8", "replace") if filename is not None else None)
