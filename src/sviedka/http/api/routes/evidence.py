"""Evidence: upload (the request body is the file, streamed into the vault), metadata, download
or view (streamed out, logged as custody and audit events), and the chain of custody. Every
route parses, calls one service function and shapes the answer."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Annotated, Any, Literal
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from ....model import Confidentiality
from ....policy import Permission
from ....services.archive.audit import audit_read
from ....services.archive.folder import Archive
from ....services.evidence import (
    Collection,
    custody_chain,
    decrypted_chunks,
    log_access,
    readable_evidence,
    safe_name,
    uploading,
    visible_twins,
)
from ....services.records.guarded import AUDITED, shown
from ...config import API_PREFIX, ServerConfig
from ...deps import PrincipalDep, client_ip, get_archive, keys_of
from ...files import BodyReader
from ..models import record_out

ArchiveDep = Annotated[Archive, Depends(get_archive)]


def _header_text(value: str | None) -> str | None:
    """Text sent in a header, percent-encoded UTF-8 (headers carry only Latin-1)."""
    return unquote(value, errors="replace") if value else None


def file_name(disposition: str | None) -> str:
    """The name from ``Content-Disposition: attachment; filename*=UTF-8''…`` (or filename=),
    as entered (``ingest_stream`` keeps that in the custody and stores ``safe_name``'s)."""
    name = ""
    for part in (disposition or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename*" and value.lower().startswith("utf-8''"):
            return unquote(value[7:], errors="replace") or "upload"
        if key.lower() == "filename":
            name = value.strip('"')
    return name or "upload"


def make_router(config: ServerConfig) -> APIRouter:
    router = APIRouter(prefix=API_PREFIX, tags=["evidence"])

    @router.post("/evidence", status_code=201)
    async def upload(
        request: Request,
        archive: ArchiveDep,
        me: PrincipalDep,
        link: Annotated[list[str], Query(max_length=50)] = [],  # noqa: B006
        source: Annotated[str | None, Query(max_length=64)] = None,
        confidentiality: Confidentiality | None = None,
        collected_at: Annotated[str | None, Query(max_length=40)] = None,
        content_disposition: Annotated[str | None, Header(max_length=1000)] = None,
        x_collected_by: Annotated[str | None, Header(max_length=1000)] = None,
        x_collected_place: Annotated[str | None, Header(max_length=1000)] = None,
    ) -> dict[str, Any]:
        """Upload one file as the request body (any content type; large files stream). Give
        its name as ``Content-Disposition: attachment; filename*=UTF-8''<percent-encoded>``,
        who collected it and where in ``X-Collected-By`` / ``X-Collected-Place``
        (percent-encoded UTF-8), the records it shows as ``link`` (repeatable). Its level is
        that of the most protected linked record (at least ``internal``); ``confidentiality``
        may raise it, never lower it. The answer is the same whether or not the archive held
        these bytes under a record you may not read."""
        uploads = uploading(archive, me, ip=client_ip(request))  # asked before the body is read
        collection = Collection(
            links=tuple(link),
            source=source,
            collected_by=_header_text(x_collected_by),
            collected_at=collected_at,
            collected_place=_header_text(x_collected_place),
            confidentiality=confidentiality,
        )
        reader = BodyReader(request.stream().__aiter__(), asyncio.get_running_loop())
        made = await run_in_threadpool(
            uploads.ingest, reader, name=file_name(content_disposition), collection=collection
        )
        return {
            "ok": True,
            "sha256": made.sha256,
            "size": made.size,
            "name": made.name,
            "confidentiality": made.confidentiality.value,
            "new_content": made.new_content,
            "evidence_id": made.evidence_id if made.readable else None,
        }

    @router.get("/evidence/{sha256}")
    def describe(
        request: Request, archive: ArchiveDep, me: PrincipalDep, sha256: str
    ) -> dict[str, Any]:
        """What the vault holds for a file and the Evidence record that describes it."""
        # ``readable_evidence`` and ``visible_twins`` scope to the principal itself: which record
        # opens a file is decided from every record an ingest made for it (the whole store)
        with archive.store.unscoped_view() as view:
            evidence, blob = readable_evidence(view, me, sha256, to=Permission.READ)
            twins = visible_twins(view, me, evidence.record)
        if evidence.record.confidentiality in AUDITED:
            audit_read(archive.store, me, "read", evidence.record.id, ip=client_ip(request))
        data = shown(archive, me, [evidence])[0] | {"near_duplicates": list(twins)}
        for key in ("title", "original_name"):  # records stored before names were cleaned
            if data.get(key):
                data[key] = safe_name(data[key])
        # not ``at``: when the vault first held the bytes may precede every record you may read
        file = {k: v for k, v in dataclasses.asdict(blob).items() if k != "at"}
        return {"ok": True, "file": file, "evidence": record_out(evidence, data=data).model_dump()}

    @router.get("/evidence/{sha256}/content")
    async def content(
        request: Request,
        archive: ArchiveDep,
        me: PrincipalDep,
        sha256: str,
        disposition: Literal["attachment", "inline"] = "attachment",
    ) -> StreamingResponse:
        """The file itself, decrypted as it is sent (needs the server's unlocked keys: 503
        otherwise). Every download or view is logged in the file's custody and in the audit."""
        keys = keys_of(request)

        def prepare() -> Any:
            with archive.store.unscoped_view() as view:  # scoped by ``readable_evidence``
                evidence, blob = readable_evidence(
                    view, me, sha256, to=Permission.EVIDENCE_DOWNLOAD
                )
            chunks = decrypted_chunks(archive, keys, sha256)
            inline, ip = disposition == "inline", client_ip(request)
            log_access(archive, me, evidence.record, inline=inline, via="api", ip=ip)
            return chunks, blob

        chunks, blob = await run_in_threadpool(prepare)
        headers = {
            "Content-Disposition": f'{disposition}; filename="{sha256}"',
            "Content-Length": str(blob.size),
            "Digest": f"sha-256={sha256}",
        }
        return StreamingResponse(chunks, media_type=blob.media_type, headers=headers)

    @router.get("/evidence/{sha256}/custody")
    def custody(archive: ArchiveDep, me: PrincipalDep, sha256: str) -> dict[str, Any]:
        """The file's chain of custody, oldest first."""
        events = custody_chain(archive, sha256, me)
        return {"ok": True, "sha256": sha256, "events": [e.data() for e in events]}

    return router
