"""Which records a query may return to a principal: the rule, as a value. ``store`` turns it into
SQL (``store.view(principal)``); ``admits`` decides one record in Python, with the same meaning."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Confidentiality, Record
from .principal import Grantee

__all__ = ["EVERYTHING", "NOTHING", "ReadScope", "Subject", "subject_of"]

_RESTRICTED = Confidentiality.RESTRICTED


@dataclass(frozen=True)
class Subject:
    """What the policy needs to know of a record (or of one of its revisions): its kind, its
    level, and whom it is granted to (which matters only when it is restricted)."""

    kind: str
    level: Confidentiality
    granted_to: frozenset[Grantee] = frozenset()


def subject_of(record: Record, granted_to: Iterable[Grantee] = ()) -> Subject:
    return Subject(record.KIND, record.confidentiality, frozenset(granted_to))


@dataclass(frozen=True)
class ReadScope:
    """Records of ``kinds`` (None: every kind) at ``levels``; a restricted one only if it is
    granted to one of ``grantees``, unless ``every_compartment`` (the custodian)."""

    levels: frozenset[Confidentiality] = frozenset()
    grantees: frozenset[Grantee] = frozenset()
    every_compartment: bool = False
    kinds: frozenset[str] | None = None

    # The logic of these properties is in functions: mutation testing (mutmut) does not reach
    # into decorated methods.
    @property
    def open_levels(self) -> frozenset[Confidentiality]:
        """The levels read without a grant."""
        return _open_levels(self)

    @property
    def compartments(self) -> frozenset[Grantee]:
        """The grants that open a restricted record (none if restricted is out of reach, or
        open without a grant)."""
        return _compartments(self)

    @property
    def unscoped(self) -> bool:
        """Whether it admits every record (a view over it needs no condition)."""
        return _unscoped(self)

    def admits(self, subject: Subject) -> bool:
        if self.kinds is not None and subject.kind not in self.kinds:
            return False
        if subject.level in self.open_levels:
            return True
        return subject.level is _RESTRICTED and not self.compartments.isdisjoint(subject.granted_to)


def _open_levels(scope: ReadScope) -> frozenset[Confidentiality]:
    if scope.every_compartment:
        return scope.levels
    return scope.levels - {_RESTRICTED}


def _unscoped(scope: ReadScope) -> bool:
    return _open_levels(scope) == frozenset(Confidentiality) and scope.kinds is None


def _compartments(scope: ReadScope) -> frozenset[Grantee]:
    if _RESTRICTED in _open_levels(scope) or _RESTRICTED not in scope.levels:
        return frozenset()
    return scope.grantees


NOTHING = ReadScope()
EVERYTHING = ReadScope(frozenset(Confidentiality), every_compartment=True)
