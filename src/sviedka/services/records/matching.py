"""Likely duplicate persons: candidates by blocking key, scored on names, birth date, gender and
region, proposed for review. Nothing is merged here: a reviewer's verdict goes to the resolver
(``sviedka cluster judge A B same``), which keeps both records and clusters them.

* :func:`likely_duplicates` — for one person being entered (an import row, a form): who in the
  archive may be the same person.
* :func:`propose_pairs` — every pair in the archive worth a look, best first; pairs already in
  one cluster, and pairs already judged (same, not same or unsure), are left out.
* :func:`pairs_to_judge`, :func:`judge_records`, :func:`retract_judgement`,
  :func:`readable_cluster` — the review as a principal does it (the API and the pages): each
  asks the policy first and touches only records the principal may read.

Blocking (``sviedka.names.blocking``): candidates share a surname key, a surname key and given
initial, or a given-name key and birth year. A surname key shared by more than ``_MOST_SURNAME``
persons (a common surname) makes no pairs on its own, the finer keys still do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from ... import policy
from ...errors import Invalid
from ...model import Gender, PartialDate, Person, Verdict
from ...names import MATCH_THRESHOLD, match_names
from ...names.blocking import blocking_keys
from ...policy import Permission, Principal, require
from ...store import Judgement, Store, View
from ...store.name_blocks import PersonFacts, facts, judgements, members, shared_keys
from ...store.reading import read_by
from .resolver import judge, retract

__all__ = [
    "Proposal",
    "candidate_pairs",
    "judge_records",
    "likely_duplicates",
    "pairs_to_judge",
    "propose_pairs",
    "readable_cluster",
    "retract_judgement",
    "score_persons",
]

# Persons under one key, at most, for the key to make candidates: a surname alone (``f:``) is
# used while rare; past that its finer keys (surname and initial, given name and year) are.
# On 20,000 synthetic persons, 40 kept 381 of 386 planted duplicates with 36 % of the pairs
# an unlimited ``f:`` makes (bench/bench_match.py).
_MOST = 200
_MOST_SURNAME = 40
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Proposal:
    """Two persons who may be one: the score, the name forms that matched, and why."""

    left: str
    right: str
    score: float
    left_name: str
    right_name: str
    why: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "left": self.left,
            "right": self.right,
            "score": self.score,
            "left_name": self.left_name,
            "right_name": self.right_name,
            "why": list(self.why),
            "judge": f"sviedka cluster judge {self.left} {self.right} same",
        }


def _facts(person: Person) -> PersonFacts:
    names = tuple(n.full for n in person.names)
    return PersonFacts(names, person.birth_date, person.gender, person.region)


def _birth(a: PartialDate | None, b: PartialDate | None) -> tuple[float, float, str | None]:
    """(added, factor, reason) for two birth dates."""
    if a is None or b is None:
        return 0.0, 1.0, None
    if a.earliest() <= b.latest() and b.earliest() <= a.latest():
        if a.day is not None and a == b:
            return 0.1, 1.0, f"same birth date {a}"
        return 0.03, 1.0, f"birth dates agree ({a} / {b})"
    factor = 0.6 if abs(a.year - b.year) <= 1 else 0.3  # a slip of a digit, or two people
    return 0.0, factor, f"birth dates differ ({a} / {b})"


def _others(a: PersonFacts, b: PersonFacts) -> tuple[float, float, list[str]]:
    added, factor, said = 0.0, 1.0, []
    known = {Gender.MALE, Gender.FEMALE}
    if a.gender in known and b.gender in known and a.gender != b.gender:
        factor *= 0.5
        said.append("gender differs")
    if a.region and b.region:
        if a.region == b.region:
            added += 0.02
            said.append(f"same region {a.region}")
        else:
            said.append("regions differ")
    return added, factor, said


def _score(
    a: PersonFacts, b: PersonFacts, floor: float = 0.0
) -> tuple[float, str, str, tuple[str, ...]]:
    """Score, matching name forms and reasons; 0 without comparing names when birth dates or
    gender alone keep the pair under ``floor`` (most candidate pairs, and the cheap part)."""
    birth_added, birth_factor, birth_why = _birth(a.birth_date, b.birth_date)
    added, factor, said = _others(a, b)
    if (1.0 + birth_added + added) * birth_factor * factor < floor:
        return 0.0, "", "", ()
    match = match_names(a.names, b.names)
    if match.score <= 0.0:
        return 0.0, "", "", ()
    score = min(1.0, (match.score + birth_added + added) * birth_factor * factor)
    names = f"names {match.score:.2f}: " + "; ".join(match.why)
    why = (names, *(x for x in (birth_why, *said) if x))
    return round(score, 4), match.left, match.right, why


def score_persons(a: Person, b: Person) -> Proposal:
    """The score of one pair of persons, with the reasons."""
    score, left_name, right_name, why = _score(_facts(a), _facts(b))
    return Proposal(a.id, b.id, score, left_name, right_name, why)


def likely_duplicates(
    view: View,
    names: Sequence[str],
    birth_date: PartialDate | None,
    *,
    limit: int = 5,
    reader: Principal | None = None,
) -> list[tuple[str, float, tuple[str, ...]]]:
    """Persons in the archive who may be the person with these names: (id, score, why), best
    first, those scoring at least ``MATCH_THRESHOLD`` only, at most ``limit``; with ``reader``,
    only among the persons it may read (the view is scoped to it: blocks are found, sized and
    scored on those alone), else among those ``view`` admits (all, for the custodian's).

    ``view`` may be an open writer: what it has flushed counts (``SqlWriter.flush()``), so an
    import that flushes every few rows is also warned about duplicates within its own sheet.
    """
    if reader is not None:
        view = read_by(view, reader)
    year = birth_date.year if birth_date is not None else None
    found = members(view, blocking_keys(names, year), most=_MOST)
    ids = {pid for key, persons in found.items() if _usable(key, persons) for pid in persons}
    entered = PersonFacts(tuple(names), birth_date, Gender.UNKNOWN, None)
    scored = []
    for person_id, other in facts(view, ids).items():
        score, _, _, why = _score(entered, other, MATCH_THRESHOLD)
        if score >= MATCH_THRESHOLD:
            scored.append((person_id, score, why))
    scored.sort(key=lambda x: (-x[1], x[0]))
    return scored[:limit]


def candidate_pairs(view: View) -> set[tuple[str, str]]:
    """Every pair of persons sharing a usable blocking key, each as (smaller id, larger id)."""
    pairs: set[tuple[str, str]] = set()
    for key, persons in shared_keys(view, most=_MOST):
        if _usable(key, persons):
            pairs.update(combinations(persons, 2))  # they come sorted
    return pairs


def _usable(key: str, members: Sequence[str]) -> bool:
    return len(members) <= (_MOST_SURNAME if key.startswith("f:") else _MOST)


class _Resolved:
    """The resolver's state, read once: clusters (by root) and the pairs of clusters judged."""

    def __init__(self, judged: Iterable[tuple[str, str, Verdict]]) -> None:
        self.parent: dict[str, str] = {}
        rest = []
        for left, right, verdict in judged:
            if verdict is Verdict.SAME:
                self.parent[self.root(left)] = self.root(right)
            else:
                rest.append((left, right))
        self.judged = {frozenset((self.root(a), self.root(b))) for a, b in rest}

    def root(self, x: str) -> str:
        while self.parent.get(x, x) != x:
            x = self.parent[x]
        return x

    def settled(self, a: str, b: str) -> bool:
        ra, rb = self.root(a), self.root(b)
        return ra == rb or frozenset((ra, rb)) in self.judged


def propose_pairs(
    store: Store,
    *,
    threshold: float = MATCH_THRESHOLD,
    limit: int | None = None,
    progress: Progress | None = None,
    principal: Principal | None = None,
) -> list[Proposal]:
    """Pairs of persons that may be one, scoring at least ``threshold``, best first; with
    ``principal``, pairs of persons it may read only (else of every person: the custodian's).

    One proposal per pair of clusters (the best-scoring pair of their members); pairs within a
    cluster or between clusters already judged are left out. ``progress(done, total)`` is
    called as pairs are scored.
    """
    with _view(store, principal) as view:
        resolved = _Resolved(judgements(view))
        pairs = sorted(p for p in candidate_pairs(view) if not resolved.settled(*p))
        known = facts(view, (x for pair in pairs for x in pair))
    best: dict[frozenset[str], Proposal] = {}
    for done, (a, b) in enumerate(pairs, 1):
        if progress is not None and (done % 1000 == 0 or done == len(pairs)):
            progress(done, len(pairs))
        if a not in known or b not in known:
            continue
        score, left_name, right_name, why = _score(known[a], known[b], threshold)
        key = frozenset((resolved.root(a), resolved.root(b)))
        if score >= threshold and (key not in best or score > best[key].score):
            best[key] = Proposal(a, b, score, left_name, right_name, why)
    ranked = sorted(best.values(), key=lambda p: (-p.score, p.left, p.right))
    return ranked if limit is None else ranked[:limit]


def _view(store: Store, principal: Principal | None) -> AbstractContextManager[View]:
    # Without a principal, unscoped by name: the custodian's ``sviedka match persons`` (and the
    # review route, which shows a pair only if its user may read both) pairs every person.
    return store.view(principal or policy.CUSTODIAN)


# -- the review, as a principal does it --------------------------------------------------------


def pairs_to_judge(store: Store, principal: Principal, *, limit: int) -> list[Proposal]:
    """The best ``limit`` proposals of two persons the principal may both read; ``Forbidden``
    unless it may judge. Pairs are proposed over every person, then kept only if both are
    readable, so that what it may not read never changes a pair's score."""
    require(principal, Permission.JUDGE)
    proposals = propose_pairs(store)
    with store.view(principal) as view:
        allowed = set(view.kinds_of({x for p in proposals for x in (p.left, p.right)}))
    return [p for p in proposals if p.left in allowed and p.right in allowed][:limit]


def judge_records(
    store: Store,
    principal: Principal,
    left: str,
    right: str,
    verdict: Verdict | str,
    *,
    reason: str | None = None,
) -> Judgement:
    """Judge two records the principal may read the same, not the same, or unsure (logged);
    ``Forbidden`` unless it may judge, ``NotFound`` alike for a record absent or hidden."""
    require(principal, Permission.JUDGE)
    _both_readable(store, principal, left, right)
    if verdict not in {v.value for v in Verdict}:
        raise Invalid("Unknown verdict.", {"verdict": ", ".join(v.value for v in Verdict)})
    chosen = Verdict(verdict)
    return judge(store, left, right, chosen, actor=principal.actor, reason=reason)


def retract_judgement(store: Store, principal: Principal, left: str, right: str) -> None:
    """Retract the judgement between two records the principal may read (logged)."""
    require(principal, Permission.JUDGE)
    _both_readable(store, principal, left, right)
    retract(store, left, right, actor=principal.actor)


def _both_readable(store: Store, principal: Principal, left: str, right: str) -> None:
    with store.view(principal) as view:
        view.get(left)
        view.get(right)


def readable_cluster(
    store: Store, principal: Principal, record_id: str
) -> tuple[list[str], list[Judgement]]:
    """The members of a record's cluster that the principal may read (the record first: the
    canonical one), and the judgements between two of them; ``NotFound`` alike if the record
    is absent or hidden, ``Forbidden`` unless it may read."""
    require(principal, Permission.READ)
    with store.view(principal) as view:
        found = list(view.cluster(record_id).members)
        shown = set(found)
        between = {
            (j.left, j.right): j
            for m in found
            for j in view.judgements(m)
            if j.left in shown and j.right in shown
        }
    return found, [j for _, j in sorted(between.items())]
