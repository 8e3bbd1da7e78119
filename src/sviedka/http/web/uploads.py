"""Reading an evidence upload form as it arrives: what the collector states, then the files,
each streamed into ``services.evidence.ingest_stream`` (never spooled to disk).

The form's text fields come before its files (the page's form and script send them so), so that
what the collector states is known when the first file arrives.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool

from ...errors import Invalid
from ...model import Confidentiality
from ...services.evidence import Collection, Ingested, Uploads, uploading
from ..deps import client_ip
from ..files import BodyReader, FileField, StreamedForm

if TYPE_CHECKING:
    from .pages import Page

__all__ = ["collection_of", "receive", "stored_json"]

Fields = dict[str, list[str]]


async def receive(page: Page) -> list[Ingested]:
    """Store every file of the page's form; ``Forbidden`` before anything is read unless the
    user may upload files, ``Invalid`` if there is none."""
    uploads = uploading(page.archive, page.principal, ip=client_ip(page.request))
    form = StreamedForm.of(page.request)
    fields: Fields = {}
    stored: list[Ingested] = []
    while (part := await form.next_part()) is not None:
        if not isinstance(part, FileField):
            fields.setdefault(part.name, []).append(part.value)
        elif part.name == "files" and part.filename:
            stored.append(await _ingest(uploads, part, collection_of(fields)))
    if not stored:
        raise Invalid("Choose at least one file.", {"files": "choose at least one file"})
    return stored


async def _ingest(uploads: Uploads, part: FileField, collection: Collection) -> Ingested:
    reader = BodyReader(part.chunks, asyncio.get_running_loop())
    made: Ingested = await run_in_threadpool(
        uploads.ingest, reader, name=part.filename, collection=collection
    )
    return made


def _text(fields: Fields, key: str) -> str | None:
    values = [v.strip() for v in fields.get(key, []) if v.strip()]
    return values[0] if values else None


def collection_of(fields: Fields) -> Collection:
    """What the form states; the service checks the links and the level against the user."""
    level = _text(fields, "confidentiality")
    try:
        asked = Confidentiality(level) if level else None
    except ValueError:
        raise Invalid("Choose a level from the list.", {"confidentiality": "unknown"}) from None
    return Collection(
        links=tuple(v.strip() for v in fields.get("link", []) if v.strip()),
        source=_text(fields, "source"),
        collected_by=_text(fields, "collected_by"),
        collected_at=_text(fields, "collected_at"),
        collected_place=_text(fields, "collected_place"),
        note=_text(fields, "note"),
        confidentiality=asked,
    )


def stored_json(made: list[Ingested]) -> list[dict[str, Any]]:
    """What the page's script shows for each stored file."""
    return [{"sha256": m.sha256, "name": m.name, "url": f"/evidence/{m.sha256}"} for m in made]
