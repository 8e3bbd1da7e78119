"""Statistics (``analysis/stats.py``): held on a date, over time, and flows, each with its method.

Counts cover only what the user may read (``Scope.of``): the levels of their clearance, and
never restricted records (compartments are per record; a count would reveal those not
granted). The method says so in its filters."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from ....services.analysis.stats import Breakdown, Every, Scope, flows, held_on, series
from ....services.archive.folder import Archive
from ...config import API_PREFIX
from ...deps import Credentials, credentials, get_archive

router = APIRouter(prefix=API_PREFIX, tags=["statistics"])

ArchiveDep = Annotated[Archive, Depends(get_archive)]
# The routes are coroutines that do their blocking work, the user's lookup included, in one
# threadpool hop (``deps.Credentials``).
Reader = Annotated[Credentials, Depends(credentials)]
Lang = Annotated[str, Query(pattern="^(en|be|ru)$")]
AllDetentions = Annotated[bool, Query(description="every detention, not only political")]


@router.get("/stats/held")
async def held(
    archive: ArchiveDep,
    who: Reader,
    on: date,
    by: Breakdown | None = None,
    all_detentions: AllDetentions = False,
    lang: Lang = "en",
) -> dict[str, Any]:
    """How many were held on a date (certainly, possibly, undated), or broken down."""

    def count() -> dict[str, Any]:
        scope = Scope.of(who.principal(), all_detentions=all_detentions)
        found = held_on(archive.store, on, by=by, scope=scope, lang=lang)
        return {"ok": True, **found.as_dict()}

    return await who.run(count)


@router.get("/stats/series")
async def held_series(
    archive: ArchiveDep,
    who: Reader,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
    every: Every = Every.MONTH,
    by: Breakdown | None = None,
    all_detentions: AllDetentions = False,
    lang: Lang = "en",
) -> dict[str, Any]:
    """The number held on the first day of each period."""

    def count() -> dict[str, Any]:
        scope = Scope.of(who.principal(), all_detentions=all_detentions)
        found = series(archive.store, start, end, every=every, by=by, scope=scope, lang=lang)
        return {"ok": True, **found.as_dict()}

    return await who.run(count)


@router.get("/stats/flows")
async def flows_between(
    archive: ArchiveDep,
    who: Reader,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
    all_detentions: AllDetentions = False,
) -> dict[str, Any]:
    """Persons recognised, detained, released (by how) and died in a period."""

    def count() -> dict[str, Any]:
        scope = Scope.of(who.principal(), all_detentions=all_detentions)
        found = flows(archive.store, start, end, scope=scope)
        return {"ok": True, **found.as_dict()}

    return await who.run(count)
