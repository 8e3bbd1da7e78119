"""Duplicates are never destroyed: judgements (same / not same / unsure) cluster records.

Statistics count clusters; undoing a merge is retracting the judgement, which is logged too.
"""

from __future__ import annotations

from ...model import Verdict
from ...policy import Principal
from ...store import Cluster, Judgement, Store

__all__ = ["cluster_of", "judge", "retract"]


def judge(
    store: Store, left: str, right: str, verdict: Verdict, *, actor: str, reason: str | None = None
) -> Judgement:
    with store.writer() as writer:
        return writer.judge(left, right, verdict, actor=actor, reason=reason)


def retract(store: Store, left: str, right: str, *, actor: str, reason: str | None = None) -> None:
    with store.writer() as writer:
        writer.retract(left, right, actor=actor, reason=reason)


def cluster_of(
    store: Store, principal: Principal, record_id: str
) -> tuple[Cluster, list[Judgement]]:
    """The record's cluster and every judgement between two of its members, of those the
    principal may read (``NotFound`` alike if the record is absent or hidden)."""
    with store.view(principal) as view:
        cluster = view.cluster(record_id)
        seen: dict[tuple[str, str], Judgement] = {}
        for member in cluster.members:
            for j in view.judgements(member):
                seen[(j.left, j.right)] = j
        return cluster, sorted(seen.values(), key=lambda j: j.at)
