"""Screening: every documented perpetrator against every loaded sanctions list.

Blocking first: each listed person's name forms give ``search_keys`` (script-independent keys per
word); a perpetrator is compared with the full scorer only against entries that share at least
two keys with them (one when either side has only one), so 2,000 perpetrators against 15,000
entries cost a few thousand comparisons, not thirty million. Then ``scoring.assess`` decides.

Read-only: confirming or rejecting a match is ``review`` (``decide``, as a principal). A
rejected match is not proposed again; a confirmed one (a ``sanction`` record) is reported as
sanctioned whatever the scores. A principal's screening and decisions (``screening``,
``decide``) ask the policy first: ``Forbidden`` unless it may judge.

A user's screening (``reader``) reads through their view (``store.view(principal)``) and draws
only on what it reads (``reach.py``): a confirmed match whose sanction record they may not read
is proposed from the scores as if undecided.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from ... import names
from ...model import Sanction
from ...policy import Permission, Principal, require
from ...store import Store, View
from ...store.sanctions import verdicts
from .entries import ListEntry
from .lists import ListVersion, current_entries, current_versions
from .perpetrators import Perpetrator, documented_perpetrators, each_record
from .review import confirm_match, reject_match
from .scoring import THRESHOLD, assess

__all__ = ["Hit", "Screened", "Screening", "decide", "screen", "screening"]


@dataclass(frozen=True)
class Hit:
    """One list entry a perpetrator may be."""

    status: str  # sanctioned | possible | confirmed
    list: str
    version: str
    ref: str
    authority: str
    programmes: tuple[str, ...]
    listed: str | None
    listed_as: str
    confidence: float
    why: tuple[str, ...]


@dataclass(frozen=True)
class Screened:
    person: str
    name: str
    roles: tuple[str, ...]
    positions: tuple[str, ...]
    cases: tuple[str, ...]
    acts: int
    detentions: int
    hits: tuple[Hit, ...] = ()


@dataclass
class Screening:
    lists: list[ListVersion]
    threshold: float
    sanctioned: list[Screened] = field(default_factory=list)
    possible: list[Screened] = field(default_factory=list)
    not_sanctioned: list[Screened] = field(default_factory=list)


@dataclass
class _Entries:
    """The listed people, and for each search key the entries whose names have it."""

    entries: list[tuple[str, str, ListEntry]] = field(default_factory=list)  # version, list, e
    keys: list[frozenset[str]] = field(default_factory=list)
    by_key: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, version: str, list_name: str, entry: ListEntry) -> None:
        keys = frozenset(k for n in entry.names for k in names.search_keys(n.name))
        for key in keys:
            self.by_key[key].append(len(self.entries))
        self.entries.append((version, list_name, entry))
        self.keys.append(keys)

    def candidates(self, keys: frozenset[str]) -> list[int]:
        shared: dict[int, int] = defaultdict(int)
        for key in keys:
            for i in self.by_key.get(key, ()):
                shared[i] += 1
        return [i for i, n in shared.items() if n >= min(2, len(keys), len(self.keys[i]))]


def screening(store: Store, principal: Principal) -> Screening:
    """The principal's screening (``screen`` as it may read); ``Forbidden`` unless it may
    judge."""
    require(principal, Permission.JUDGE)
    return screen(store, reader=principal)


def decide(
    store: Store,
    principal: Principal,
    person: str,
    list_name: str,
    ref: str,
    *,
    confirmed: bool,
    reason: str | None = None,
) -> str | None:
    """Confirm a proposed match (the new sanction record's id) or reject it (None) on a person
    the principal may read: ``Forbidden`` unless it may judge, ``NotFound`` as for an unknown
    id unless it may read the person."""
    require(principal, Permission.JUDGE)
    with store.view(principal) as view:
        view.get(person)
    actor = principal.actor
    if confirmed:
        return confirm_match(store, person, list_name, ref, actor=actor, reason=reason)
    reject_match(store, person, list_name, ref, actor=actor, reason=reason)
    return None


def screen(
    store: Store, *, reader: Principal | None = None, threshold: float = THRESHOLD
) -> Screening:
    """Match every documented perpetrator against the current version of every loaded list:
    those ``reader`` may read, from what they may read (``None``: the custodian, everything)."""
    with _view_of(store, reader) as view:
        perpetrators = documented_perpetrators(view)
        versions = current_versions(view)
        index = _index(view, versions)
        decisions = verdicts(view)
        confirmed = _confirmed(view, {m for p in perpetrators for m in p.members})
    result = Screening(versions, threshold)
    for perpetrator in perpetrators:
        recorded = [h for m in perpetrator.members for h in confirmed.get(m, [])]
        _place(result, perpetrator, _hits(perpetrator, index, decisions, threshold) + recorded)
    result.possible.sort(key=lambda s: -s.hits[0].confidence)
    result.not_sanctioned.sort(key=lambda s: (-(s.acts + s.detentions), s.name))
    return result


def _view_of(store: Store, reader: Principal | None) -> AbstractContextManager[View]:
    if reader is None:
        # Unscoped by intent: the custodian screens at the CLI, and reads every record.
        return store.unscoped_view()
    return store.view(reader)


def _index(view: View, versions: list[ListVersion]) -> _Entries:
    names_of = {v.id: v.list for v in versions}
    index = _Entries()
    for version, entry in current_entries(view, "person"):
        index.add(version, names_of[version], entry)
    return index


def _confirmed(view: View, people: set[str]) -> dict[str, list[Hit]]:
    """Sanction records (that ``view`` reads) linked to documented perpetrators, by their id."""
    found: dict[str, list[Hit]] = defaultdict(list)
    for record in each_record(view, "sanction"):
        if isinstance(record, Sanction) and record.subject in people:
            found[record.subject].append(_recorded(record))
    return found


def _recorded(record: Sanction) -> Hit:
    return Hit(
        status="confirmed",
        list=record.authority,
        version="",
        ref=record.reference or "",
        authority=record.authority,
        programmes=tuple(p for p in (record.programme,) if p),
        listed=str(record.listed) if record.listed else None,
        listed_as=record.name_as_listed or "",
        confidence=1.0,
        why=(f"sanction record {record.id}",),
    )


def _hits(
    perpetrator: Perpetrator,
    index: _Entries,
    decisions: dict[tuple[str, str, str], str],
    threshold: float,
) -> list[Hit]:
    keys = frozenset(k for n in perpetrator.names for k in names.search_keys(n))
    hits = []
    for i in index.candidates(keys):
        version, list_name, entry = index.entries[i]
        if _decided(perpetrator.members, list_name, entry.ref, decisions):
            continue  # rejected: not proposed again; confirmed: reported from its record
        match = names.match_names(perpetrator.names, [n.name for n in entry.names])
        why = (f"name {match.left!r} ~ listed {match.right!r} {match.score:.2f}", *match.why)
        a = assess(
            match.score, why, perpetrator.birth_dates, perpetrator.citizenship, entry, threshold
        )
        if a.status != "none":
            hits.append(_hit(a.status, version, list_name, entry, a.confidence, a.why))
    return sorted(hits, key=lambda h: -h.confidence)


def _decided(
    members: Iterable[str], list_name: str, ref: str, decisions: dict[tuple[str, str, str], str]
) -> bool:
    return any((m, list_name, ref) in decisions for m in members)


def _hit(
    status: str,
    version: str,
    list_name: str,
    entry: ListEntry,
    confidence: float,
    why: tuple[str, ...],
) -> Hit:
    return Hit(
        status=status,
        list=list_name,
        version=version,
        ref=entry.ref,
        authority=entry.authority,
        programmes=entry.programmes,
        listed=entry.listed,
        listed_as=entry.primary,
        confidence=confidence,
        why=why,
    )


def _place(result: Screening, perpetrator: Perpetrator, hits: list[Hit]) -> None:
    screened = Screened(
        person=perpetrator.person.id,
        name=perpetrator.name,
        roles=tuple(sorted(perpetrator.roles)),
        positions=tuple(perpetrator.positions),
        cases=tuple(sorted(perpetrator.cases)),
        acts=len(perpetrator.acts),
        detentions=len(perpetrator.detentions),
        hits=tuple(hits),
    )
    if any(h.status in ("sanctioned", "confirmed") for h in hits):
        result.sanctioned.append(screened)
    elif hits:
        result.possible.append(screened)
    else:
        result.not_sanctioned.append(screened)
