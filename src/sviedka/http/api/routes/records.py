"""Records: list with filters and paging, create, read (now or as of a time), replace, patch,
history. Every kind has the same routes; the kind is in the data (``GET /kinds`` lists them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from ....errors import Invalid
from ....policy import Principal
from ....services.archive.folder import Archive
from ....services.records import guarded
from ....store import Stored
from ...config import API_PREFIX
from ...deps import Credentials, PrincipalDep, client_ip, credentials, get_archive
from ..models import (
    HistoryOut,
    Page,
    RecordIn,
    RecordOut,
    RecordPatch,
    RecordReplace,
    record_out,
    revision_out,
)

router = APIRouter(prefix=API_PREFIX, tags=["records"])

ArchiveDep = Annotated[Archive, Depends(get_archive)]
# The reads are coroutines that do their blocking work, the user's lookup included, in one
# threadpool hop (``deps.Credentials``).
CredentialsDep = Annotated[Credentials, Depends(credentials)]


def _out(archive: Archive, me: Principal, stored: Stored, changed: bool | None = None) -> RecordOut:
    return record_out(stored, changed, guarded.shown(archive, me, [stored])[0])


def _where(items: list[str]) -> dict[str, str]:
    where = {}
    for item in items:
        path, sep, value = item.partition("=")
        if not sep or not path:
            raise Invalid("Bad filter.", {"where": "use path=value, such as region=BY-HM"})
        where[path] = value
    return where


@router.get("/records", response_model=Page)
async def list_records(
    request: Request,
    archive: ArchiveDep,
    who: CredentialsDep,
    kind: Annotated[str, Query(max_length=32, description="person, detention, …")],
    where: Annotated[list[str], Query(max_length=20, description="path=value, repeatable")] = [],  # noqa: B006
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> Page:
    """One page of the records of a kind that you may read; ``total`` counts only those."""

    def page_of() -> Page:
        me = who.principal()
        page, total = guarded.list_records(
            archive,
            me,
            kind,
            where=_where(where),
            limit=limit,
            offset=offset,
            ip=client_ip(request),
        )
        shown = guarded.shown(archive, me, page)
        items = [record_out(s, data=d) for s, d in zip(page, shown, strict=True)]
        return Page(items=items, total=total, limit=limit, offset=offset)

    return await who.run(page_of)


@router.post("/records/{kind}", response_model=RecordOut, status_code=201)
def create_record(
    request: Request, archive: ArchiveDep, me: PrincipalDep, kind: str, body: RecordIn
) -> RecordOut:
    """Add a record of ``kind``; its id is made for you unless the data gives one."""
    stored = guarded.create_record(
        archive, me, kind, body.record, reason=body.reason, ip=client_ip(request)
    )
    return _out(archive, me, stored)


@router.get("/records/{record_id}", response_model=RecordOut)
async def read_record(
    request: Request,
    archive: ArchiveDep,
    who: CredentialsDep,
    record_id: str,
    as_of: Annotated[str | None, Query(max_length=40, description="a date or ISO time")] = None,
) -> RecordOut:
    """A record now, or as it was at ``as_of``. 404 if it does not exist or you may not read it."""

    def read() -> RecordOut:
        me = who.principal()
        stored = guarded.read_record(archive, me, record_id, as_of=as_of, ip=client_ip(request))
        return _out(archive, me, stored)

    return await who.run(read)


@router.put("/records/{record_id}", response_model=RecordOut)
def replace_record(
    request: Request, archive: ArchiveDep, me: PrincipalDep, record_id: str, body: RecordReplace
) -> RecordOut:
    """Replace a record's data; ``revision`` must be its current revision (else 409)."""
    stored, changed = guarded.update_record(
        archive,
        me,
        record_id,
        body.record,
        revision=body.revision,
        reason=body.reason,
        patch=False,
        ip=client_ip(request),
    )
    return _out(archive, me, stored, changed)


@router.patch("/records/{record_id}", response_model=RecordOut)
def patch_record(
    request: Request, archive: ArchiveDep, me: PrincipalDep, record_id: str, body: RecordPatch
) -> RecordOut:
    """Change some fields (JSON Merge Patch); ``revision`` must be current (else 409)."""
    stored, changed = guarded.update_record(
        archive,
        me,
        record_id,
        body.patch,
        revision=body.revision,
        reason=body.reason,
        patch=True,
        ip=client_ip(request),
    )
    return _out(archive, me, stored, changed)


@router.get("/records/{record_id}/history", response_model=HistoryOut)
async def record_history(
    request: Request, archive: ArchiveDep, who: CredentialsDep, record_id: str
) -> HistoryOut:
    """Every revision you may read (one made while the record was above your clearance is left
    out): who, when, why, the state and the hash chain."""

    def history() -> HistoryOut:
        revisions = guarded.read_history(archive, who.principal(), record_id, ip=client_ip(request))
        return HistoryOut(id=record_id, revisions=[revision_out(r) for r in revisions])

    return await who.run(history)
