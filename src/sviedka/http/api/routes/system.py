"""Health, record kinds and vocabularies."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool

from .... import __version__
from ....errors import Unavailable
from ....services.archive.folder import Archive
from ....services.records import catalogue
from ...config import API_PREFIX
from ...deps import PrincipalDep, get_archive

router = APIRouter(prefix=API_PREFIX)

ArchiveDep = Annotated[Archive, Depends(get_archive)]


def _ping(archive: Archive) -> str:
    with archive.store.unscoped_view() as view:  # the archive's id, no record: nobody logged in
        view.meta("archive_id")
    return archive.store.dialect


@router.get("/health", tags=["system"], response_model=dict[str, Any])
async def health(archive: ArchiveDep) -> dict[str, Any]:
    """Whether the server and its database answer (no login needed; says nothing else)."""
    try:
        database = await run_in_threadpool(_ping, archive)
    except Unavailable:
        raise Unavailable("The database does not answer.") from None
    return {"ok": True, "status": "ok", "database": database, "version": __version__}


@router.get("/kinds", tags=["records"], response_model=dict[str, Any])
def kinds(me: PrincipalDep) -> dict[str, Any]:
    """Every record kind and its fields."""
    return {"ok": True, "kinds": catalogue.kinds(me)}


@router.get("/vocabularies", tags=["vocabularies"], response_model=dict[str, Any])
def vocabularies(archive: ArchiveDep, me: PrincipalDep) -> dict[str, Any]:
    """The vocabularies and how many terms each has."""
    found = catalogue.vocabularies(archive.store, me)
    return {"ok": True, "items": [dataclasses.asdict(v) for v in found]}


@router.get("/vocabularies/{name}", tags=["vocabularies"], response_model=dict[str, Any])
def vocabulary(archive: ArchiveDep, me: PrincipalDep, name: str) -> dict[str, Any]:
    """One vocabulary's terms, with their labels in every language."""
    found = catalogue.vocabulary(archive.store, me, name)
    terms = [
        {
            "code": term.code,
            "labels": dict(term.labels),
            "parent": term.parent,
            "level": term.level,
            "extra": dict(term.extra),
        }
        for term in found.terms
    ]
    return {
        "ok": True,
        "name": found.name,
        "title": found.title,
        "source": found.source,
        "terms": terms,
    }
