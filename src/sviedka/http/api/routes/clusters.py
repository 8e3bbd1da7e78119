"""Duplicates: a record's cluster (the records judged the same as it) and judgements between
two records. Only records the user may read are shown, judged or named."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import Field

from ....errors import Conflict
from ....model import Verdict
from ....policy import Permission, principal_of
from ....services.accounts import User
from ....services.archive.folder import Archive
from ....services.records.guarded import actor_of
from ....services.records.resolver import judge, retract
from ...config import API_PREFIX
from ...deps import get_archive, require
from ..models import OkOut, Strict

router = APIRouter(prefix=API_PREFIX, tags=["duplicates"])

ArchiveDep = Annotated[Archive, Depends(get_archive)]
Reader = Annotated[User, Depends(require(Permission.READ))]
Judge = Annotated[User, Depends(require(Permission.JUDGE))]


class JudgementIn(Strict):
    left: str = Field(max_length=64)
    right: str = Field(max_length=64)
    verdict: Verdict
    reason: str | None = Field(default=None, max_length=2000)


@router.get("/records/{record_id}/cluster")
def cluster(archive: ArchiveDep, user: Reader, record_id: str) -> dict[str, Any]:
    """The records judged the same as this one (those you may read), and the judgements
    between them."""
    with archive.store.view(principal_of(user)) as view:
        members = list(view.cluster(record_id).members)  # those readable; NotFound if it is not
        shown = set(members)
        judgements = {
            (j.left, j.right): j
            for m in members
            for j in view.judgements(m)
            if j.left in shown and j.right in shown
        }
    return {
        "ok": True,
        "canonical": members[0],
        "members": members,
        "judgements": [dataclasses.asdict(j) for _, j in sorted(judgements.items())],
    }


def _both_readable(archive: Archive, user: User, left: str, right: str) -> None:
    with archive.store.view(principal_of(user)) as view:
        view.get(left)
        view.get(right)


@router.post("/judgements", status_code=201)
def add_judgement(archive: ArchiveDep, user: Judge, body: JudgementIn) -> dict[str, Any]:
    """Judge two records the same, not the same, or unsure (a verifier's call; logged)."""
    _both_readable(archive, user, body.left, body.right)
    try:
        made = judge(
            archive.store,
            body.left,
            body.right,
            body.verdict,
            actor=actor_of(user),
            reason=body.reason,
        )
    except Conflict:
        raise Conflict(
            "Two of the records these would join were judged not the same; retract that "
            "judgement first."
        ) from None
    return {"ok": True, "judgement": dataclasses.asdict(made)}


@router.delete("/judgements/{left}/{right}", response_model=OkOut)
def remove_judgement(archive: ArchiveDep, user: Judge, left: str, right: str) -> OkOut:
    """Retract the judgement between two records (undoing a merge); logged."""
    _both_readable(archive, user, left, right)
    retract(archive.store, left, right, actor=actor_of(user))
    return OkOut()
