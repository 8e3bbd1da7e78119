"""Imports: upload a sheet (the request body), get the dry-run report, then confirm or discard.
Nothing changes in the archive until the import is confirmed."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from starlette.concurrency import run_in_threadpool

from ....services.archive.folder import Archive
from ....services.importing import staging
from ...config import API_PREFIX
from ...deps import PrincipalDep, get_archive
from ...files import BodyReader
from ..models import OkOut
from .evidence import file_name

router = APIRouter(prefix=API_PREFIX, tags=["imports"])

ArchiveDep = Annotated[Archive, Depends(get_archive)]


@router.post("/imports", status_code=201)
async def upload(
    request: Request,
    archive: ArchiveDep,
    me: PrincipalDep,
    format: Annotated[str, Query(max_length=32, description="viasna-csv, xlsx, csv, …")],
    sheet: Annotated[str | None, Query(max_length=100)] = None,
    keep_going: bool = False,
    list_name: Annotated[str | None, Query(max_length=200)] = None,
    content_disposition: Annotated[str | None, Header(max_length=1000)] = None,
) -> dict[str, Any]:
    """Upload a file as the request body; answers the dry-run report and the id to confirm."""
    options = staging.StagedOptions(sheet=sheet, keep_going=keep_going, list_name=list_name)
    reader = BodyReader(request.stream().__aiter__(), asyncio.get_running_loop())
    made = await run_in_threadpool(
        staging.stage,
        archive,
        me,
        reader,
        name=file_name(content_disposition),
        fmt=format,
        actor=me.actor,
        options=options,
    )
    return {"ok": True, **dataclasses.asdict(made)}


@router.get("/imports/{import_id}")
def show(archive: ArchiveDep, me: PrincipalDep, import_id: str) -> dict[str, Any]:
    """A staged import of yours and its dry-run report."""
    return {"ok": True, **dataclasses.asdict(staging.staged(archive, me, import_id))}


@router.post("/imports/{import_id}/confirm")
def confirm(archive: ArchiveDep, me: PrincipalDep, import_id: str) -> dict[str, Any]:
    """Import for real, with the options of the dry run; answers the final report."""
    return {"ok": True, "report": staging.confirm(archive, me, import_id, actor=me.actor)}


@router.delete("/imports/{import_id}", response_model=OkOut)
def discard(archive: ArchiveDep, me: PrincipalDep, import_id: str) -> OkOut:
    """Forget a staged import (its file is deleted)."""
    staging.discard(archive, me, import_id)
    return OkOut()
