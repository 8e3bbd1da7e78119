"""Review queues for verifiers: likely duplicate persons (``services/records/matching.py``) and the
sanctions screening of documented perpetrators (``services/sanctions``), with the decisions on
its proposed matches. Only persons the user may read appear, and the screening draws only on
records the user may read (roles, cases, positions, counts, names, confirmed sanctions); decisions
need the person readable too."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from ....services.archive.folder import Archive
from ....services.records.matching import pairs_to_judge
from ....services.sanctions import screen
from ....services.sanctions.screen import Screened
from ...config import API_PREFIX
from ...deps import PrincipalDep, get_archive
from ..models import Strict

router = APIRouter(prefix=API_PREFIX, tags=["review"])

ArchiveDep = Annotated[Archive, Depends(get_archive)]


@router.get("/match/persons")
def likely_duplicates(
    archive: ArchiveDep, me: PrincipalDep, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> dict[str, Any]:
    """Pairs of persons that may be one, best first, for a verifier to judge
    (``POST /api/v1/judgements``)."""
    shown = pairs_to_judge(archive.store, me, limit=limit)
    return {"ok": True, "pairs": [dataclasses.asdict(p) for p in shown]}


@router.get("/sanctions/screen")
def screening(archive: ArchiveDep, me: PrincipalDep) -> dict[str, Any]:
    """Every documented perpetrator you may read against the loaded sanctions lists:
    sanctioned, possible (to review) and not sanctioned (the gap list)."""
    result = screen.screening(archive.store, me)
    groups = {
        "sanctioned": result.sanctioned,
        "possible": result.possible,
        "not_sanctioned": result.not_sanctioned,
    }
    lists = [dataclasses.asdict(v) for v in result.lists]
    return {"ok": True, "lists": lists, **{k: _shown(v) for k, v in groups.items()}}


def _shown(group: list[Screened]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(s) for s in group]


class DecisionIn(Strict):
    person: str = Field(max_length=64)
    list: str = Field(max_length=100)
    ref: str = Field(max_length=200)
    verdict: Literal["confirmed", "rejected"]
    reason: str | None = Field(default=None, max_length=2000)


@router.post("/sanctions/decisions", status_code=201)
def decide(archive: ArchiveDep, me: PrincipalDep, body: DecisionIn) -> dict[str, Any]:
    """Confirm a proposed match (a sanction record is made) or reject it (not proposed again)."""
    made = screen.decide(
        archive.store,
        me,
        body.person,
        body.list,
        body.ref,
        confirmed=body.verdict == "confirmed",
        reason=body.reason,
    )
    return {"ok": True, "sanction_id": made}
