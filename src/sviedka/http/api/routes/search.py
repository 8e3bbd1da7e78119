"""Search (``records/search.py``) across names in any script, descriptions and notes. Results
hold only records the user may read; hits on confidential or restricted records are audited."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from ....services.archive.audit import audit_reads
from ....services.archive.folder import Archive
from ....services.records.guarded import AUDITED
from ....services.records.search import search
from ....store.listings import levels_of
from ...config import API_PREFIX
from ...deps import PrincipalDep, client_ip, get_archive

router = APIRouter(prefix=API_PREFIX, tags=["search"])

ArchiveDep = Annotated[Archive, Depends(get_archive)]


@router.get("/search")
def find(
    request: Request,
    archive: ArchiveDep,
    me: PrincipalDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    kind: Annotated[list[str], Query(max_length=20)] = [],  # noqa: B006
    date_from: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    date_to: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    status: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> dict[str, Any]:
    """Records matching the words, best first; ``total`` counts only what you may read."""
    found = search(
        archive.store,
        me,
        q,
        kinds=kind or None,
        date_from=date_from,
        date_to=date_to,
        status=status,
        limit=limit,
        offset=offset,
    )
    with archive.store.view(me) as view:
        levels = levels_of(view, [hit.id for hit in found.hits])
    audited = [h.id for h in found.hits if levels.get(h.id) in AUDITED]
    audit_reads(archive.store, me, "search", audited, ip=client_ip(request))
    return {
        "ok": True,
        "hits": [dataclasses.asdict(hit) for hit in found.hits],
        "total": found.total,
        "limit": found.limit,
        "offset": found.offset,
    }
