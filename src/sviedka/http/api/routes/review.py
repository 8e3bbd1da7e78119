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

from ....policy import Permission, principal_of
from ....services.accounts import User
from ....services.archive.folder import Archive
from ....services.records.guarded import actor_of
from ....services.records.matching import propose_pairs
from ....services.sanctions.review import confirm_match, reject_match
from ....services.sanctions.screen import Screened, screen
from ...config import API_PREFIX
from ...deps import get_archive, require
from ..models import Strict

router = APIRouter(prefix=API_PREFIX, tags=["review"])

ArchiveDep = Annotated[Archive, Depends(get_archive)]
Reviewer = Annotated[User, Depends(require(Permission.JUDGE))]


def _readable(archive: Archive, user: User, ids: set[str]) -> set[str]:
    with archive.store.view(principal_of(user)) as view:
        return set(view.kinds_of(ids))


@router.get("/match/persons")
def likely_duplicates(
    archive: ArchiveDep, user: Reviewer, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> dict[str, Any]:
    """Pairs of persons that may be one, best first, for a verifier to judge
    (``POST /api/v1/judgements``)."""
    proposals = propose_pairs(archive.store)
    allowed = _readable(archive, user, {x for p in proposals for x in (p.left, p.right)})
    shown = [p for p in proposals if p.left in allowed and p.right in allowed][:limit]
    return {"ok": True, "pairs": [dataclasses.asdict(p) for p in shown]}


@router.get("/sanctions/screen")
def screening(archive: ArchiveDep, user: Reviewer) -> dict[str, Any]:
    """Every documented perpetrator you may read against the loaded sanctions lists:
    sanctioned, possible (to review) and not sanctioned (the gap list)."""
    result = screen(archive.store, reader=user)
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
def decide(archive: ArchiveDep, user: Reviewer, body: DecisionIn) -> dict[str, Any]:
    """Confirm a proposed match (a sanction record is made) or reject it (not proposed again)."""
    with archive.store.view(principal_of(user)) as view:
        view.get(body.person)  # NotFound, as for an unknown id, unless the user may read it
    actor = actor_of(user)
    if body.verdict == "confirmed":
        made = confirm_match(
            archive.store, body.person, body.list, body.ref, actor=actor, reason=body.reason
        )
        return {"ok": True, "sanction_id": made}
    reject_match(archive.store, body.person, body.list, body.ref, actor=actor, reason=body.reason)
    return {"ok": True, "sanction_id": None}
