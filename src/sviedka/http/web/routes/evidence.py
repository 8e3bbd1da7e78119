"""Evidence: drag-and-drop upload of many files, the files the user may read with thumbnails,
one file's metadata, custody chain and links, and download (audited, logged as custody)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from ....policy import Permission
from ....services.archive.audit import audit_read
from ....services.evidence import custody_chain
from ....services.records.listings import evidence_files
from ...deps import client_ip
from .. import vaultfiles
from ..options import levels
from ..pages import PageDep
from ..uploads import receive, stored_json

router = APIRouter()
uploads = APIRouter()  # included with the server's upload size limit
PAGE = 48


@router.get("/evidence")
def evidence_list(
    page: PageDep, link: str = "", offset: Annotated[int, Query(ge=0)] = 0
) -> Response:
    files, total = evidence_files(page.archive.store, page.principal, limit=PAGE, offset=offset)
    page.audit("list", files)
    linked = page.titles([link]) if link else {}
    context = {
        "files": files,
        "total": total,
        "offset": offset,
        "limit": PAGE,
        "base": "/evidence?" + (f"{urlencode({'link': link})}&" if link in linked else ""),
        "link": linked.get(link),
        "may_upload": page.can(Permission.EVIDENCE_UPLOAD),
        "levels": levels(page),
        "keys": page.request.app.state.keys is not None,
    }
    return page.render("evidence/list.html", context, section="/evidence")


@uploads.post("/evidence/upload")
async def upload(request: Request, page: PageDep) -> Response:
    """One or many files (the page's script sends them one at a time, for progress bars),
    streamed into the vault as they arrive."""
    stored = stored_json(await receive(page))
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"ok": True, "files": stored})
    return page.render("evidence/uploaded.html", {"stored": stored}, section="/evidence")


@router.get("/evidence/{sha256}")
def evidence_page(page: PageDep, sha256: str) -> Response:
    evidence = vaultfiles.evidence_by_hash(page.archive, page.principal, sha256)
    page.audit("read", [evidence])
    context = {
        "e": evidence,
        "custody": custody_chain(page.archive, sha256, page.principal),
        "links": page.titles(evidence.links),
        "keys": page.request.app.state.keys is not None,
        "may_download": page.can(Permission.EVIDENCE_DOWNLOAD),
    }
    return page.render("evidence/detail.html", context, section="/evidence")


@router.get("/evidence/{sha256}/thumbnail")
def evidence_thumbnail(page: PageDep, sha256: str) -> Response:
    evidence = vaultfiles.evidence_by_hash(page.archive, page.principal, sha256)
    keys = vaultfiles.keys_or_503(page.request.app.state.keys)
    ip = client_ip(page.request)
    audit_read(page.archive.store, page.principal, "evidence_view", sha256, ip=ip)  # a working copy
    data = vaultfiles.thumbnail(page.archive, keys, evidence)
    media = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return Response(data, media_type=media, headers={"Cache-Control": "no-store"})


@router.post("/evidence/{sha256}/download")
async def evidence_download(page: PageDep, sha256: str) -> Response:
    evidence = await run_in_threadpool(
        vaultfiles.evidence_by_hash, page.archive, page.principal, sha256, to_download=True
    )
    keys = vaultfiles.keys_or_503(page.request.app.state.keys)
    ip = client_ip(page.request)
    made = await run_in_threadpool(
        vaultfiles.download, page.archive, keys, page.principal, evidence, ip=ip
    )
    headers = {"Content-Disposition": f'attachment; filename="{made.filename}"'}
    if made.size is not None:
        headers["Content-Length"] = str(made.size)
    return StreamingResponse(made.chunks, media_type=made.media_type, headers=headers)
