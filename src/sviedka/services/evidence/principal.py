"""Who acts on evidence: a user (a web session or an API token) or the archive's custodian at
the command line, who has full access (every level, every compartment, no grant needed).

The rules are ``policy``'s, asked of the ``Principal`` given (the server makes it from the
request's account); the custodian is the policy's own ``custodian`` principal.
"""

from __future__ import annotations

from ...model import Confidentiality, Record
from ...policy import (
    LEVELS,
    Permission,
    Principal,
    ReadScope,
    clearance_levels,
    custodian,
    reach,
    read_scope,
    require,
)
from ...store import View
from ...store.scoped import ScopedView, scoped

__all__ = [
    "Custodian",
    "Principal",
    "actor_name",
    "as_principal",
    "highest",
    "reaches",
    "reads",
    "require_to",
    "writable_levels",
]


def Custodian(name: str) -> Principal:
    """The custodian at the command line; ``name`` is how revisions and custody events name
    them (``SVIEDKA_ACTOR``, ``cli:<login>`` by default)."""
    return custodian(name)


def as_principal(actor: Principal | str) -> Principal:
    """A bare name is the custodian (the CLI, the demo, tests): trusted local code."""
    return custodian(actor) if isinstance(actor, str) else actor


def actor_name(who: Principal) -> str:
    """How revisions and custody events name the principal (``user:<name>`` for users)."""
    return who.actor


def require_to(who: Principal, permission: Permission) -> None:
    """``Forbidden`` unless the principal's role (and token) allow ``permission``."""
    require(who, permission)


def reads(view: View, who: Principal, record: Record) -> bool:
    """Whether the principal may read the record (role, clearance, compartments)."""
    return _admits(view, read_scope(who), record)


def reaches(view: View, who: Principal, record: Record) -> bool:
    """Whether the record is within the principal's clearance and compartments: what it may
    point at and write to, even without the read permission (an upload-only token)."""
    return _admits(view, reach(who), record)


def _admits(view: View, scope: ReadScope, record: Record) -> bool:
    """Whether ``scope`` admits the record at its level (``view``: any view, to ask for the
    record's grants)."""
    seen = scoped(view, scope)
    if not isinstance(seen, ScopedView):
        return True  # the scope admits everything
    return seen.admits(record.id, record.KIND, record.confidentiality)


def writable_levels(who: Principal) -> frozenset[Confidentiality]:
    return clearance_levels(who)


def highest(*levels: Confidentiality | None) -> Confidentiality:
    """The most protected of the levels given (public if none)."""
    given = [level for level in levels if level is not None]
    return max(given, key=LEVELS.index, default=Confidentiality.PUBLIC)
