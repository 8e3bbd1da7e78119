"""Which fields of a record a principal sees: a person's contacts, address and family (the
record kind's ``SENSITIVE`` fields) only with ``read_sensitive``; the rest as stored."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from ..model import Record
from .authority import can
from .principal import Principal
from .roles import Permission

__all__ = ["hidden_fields", "redact", "redact_state"]


def hidden_fields(principal: Principal, kind: type[Record]) -> frozenset[str]:
    """The fields of records of ``kind`` the principal does not see."""
    if can(principal, Permission.READ_SENSITIVE):
        return frozenset()
    return frozenset(kind.SENSITIVE)


def redact(principal: Principal, record: Record) -> Record:
    """The record as the principal may see it: hidden fields emptied (their defaults)."""
    hidden = hidden_fields(principal, type(record))
    if not hidden:
        return record
    fields = {f.name: f for f in dataclasses.fields(record)}
    return dataclasses.replace(record, **{name: _empty(fields[name]) for name in hidden})


def redact_state(
    principal: Principal, kind: type[Record], state: Mapping[str, Any]
) -> dict[str, Any]:
    """A stored state (a revision's JSON) without the fields the principal does not see."""
    hidden = hidden_fields(principal, kind)
    return {k: v for k, v in state.items() if k not in hidden}


def _empty(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None
