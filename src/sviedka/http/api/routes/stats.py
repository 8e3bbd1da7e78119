"""Statistics (``analysis/stats.py``): held on a date, over time, and flows, each with its method.

Counts cover only what the user may read: the levels of their clearance, and never restricted
records (compartments are per record; a count would reveal those not granted). The method
says so in its filters."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from ....model import Confidentiality
from ....policy import Permission, principal_of, visible_levels
from ....services.accounts import User
from ....services.analysis.stats import Breakdown, Every, Scope, flows, held_on, series
from ....services.archive.folder import Archive
from ...config import API_PREFIX
from ...deps import get_archive, require

router = APIRouter(prefix=API_PREFIX, tags=["statistics"])

ArchiveDep = Annotated[Archive, Depends(get_archive)]
Reader = Annotated[User, Depends(require(Permission.READ))]
Lang = Annotated[str, Query(pattern="^(en|be|ru)$")]
AllDetentions = Annotated[bool, Query(description="every detention, not only political")]


def scope_of(user: User, all_detentions: bool = False) -> Scope:
    levels = visible_levels(principal_of(user)) - {Confidentiality.RESTRICTED}
    return Scope(levels=frozenset(levels), all_detentions=all_detentions)


@router.get("/stats/held")
def held(
    archive: ArchiveDep,
    user: Reader,
    on: date,
    by: Breakdown | None = None,
    all_detentions: AllDetentions = False,
    lang: Lang = "en",
) -> dict[str, Any]:
    """How many were held on a date (certainly, possibly, undated), or broken down."""
    found = held_on(archive.store, on, by=by, scope=scope_of(user, all_detentions), lang=lang)
    return {"ok": True, **found.as_dict()}


@router.get("/stats/series")
def held_series(
    archive: ArchiveDep,
    user: Reader,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
    every: Every = Every.MONTH,
    by: Breakdown | None = None,
    all_detentions: AllDetentions = False,
    lang: Lang = "en",
) -> dict[str, Any]:
    """The number held on the first day of each period."""
    scope = scope_of(user, all_detentions)
    found = series(archive.store, start, end, every=every, by=by, scope=scope, lang=lang)
    return {"ok": True, **found.as_dict()}


@router.get("/stats/flows")
def flows_between(
    archive: ArchiveDep,
    user: Reader,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
    all_detentions: AllDetentions = False,
) -> dict[str, Any]:
    """Persons recognised, detained, released (by how) and died in a period."""
    found = flows(archive.store, start, end, scope=scope_of(user, all_detentions))
    return {"ok": True, **found.as_dict()}
