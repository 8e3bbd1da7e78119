"""Duplicates: a record's cluster (the records judged the same as it) and judgements between
two records. Only records the user may read are shown, judged or named."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import Field

from ....errors import Conflict
from ....model import Verdict
from ....services.archive.folder import Archive
from ....services.records.matching import judge_records, readable_cluster, retract_judgement
from ...config import API_PREFIX
from ...deps import PrincipalDep, get_archive
from ..models import OkOut, Strict

router = APIRouter(prefix=API_PREFIX, tags=["duplicates"])

ArchiveDep = Annotated[Archive, Depends(get_archive)]


class JudgementIn(Strict):
    left: str = Field(max_length=64)
    right: str = Field(max_length=64)
    verdict: Verdict
    reason: str | None = Field(default=None, max_length=2000)


@router.get("/records/{record_id}/cluster")
def cluster(archive: ArchiveDep, me: PrincipalDep, record_id: str) -> dict[str, Any]:
    """The records judged the same as this one (those you may read), and the judgements
    between them."""
    members, judgements = readable_cluster(archive.store, me, record_id)
    return {
        "ok": True,
        "canonical": members[0],
        "members": members,
        "judgements": [dataclasses.asdict(j) for j in judgements],
    }


@router.post("/judgements", status_code=201)
def add_judgement(archive: ArchiveDep, me: PrincipalDep, body: JudgementIn) -> dict[str, Any]:
    """Judge two records the same, not the same, or unsure (a verifier's call; logged)."""
    try:
        made = judge_records(
            archive.store, me, body.left, body.right, body.verdict, reason=body.reason
        )
    except Conflict:
        raise Conflict(
            "Two of the records these would join were judged not the same; retract that "
            "judgement first."
        ) from None
    return {"ok": True, "judgement": dataclasses.asdict(made)}


@router.delete("/judgements/{left}/{right}", response_model=OkOut)
def remove_judgement(archive: ArchiveDep, me: PrincipalDep, left: str, right: str) -> OkOut:
    """Retract the judgement between two records (undoing a merge); logged."""
    retract_judgement(archive.store, me, left, right)
    return OkOut()
