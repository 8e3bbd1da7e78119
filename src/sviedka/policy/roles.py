"""What each role may do, and what each API token scope lets through: the two tables that
docs/security.md shows (``tests/server/test_docs_security.py`` keeps them equal)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

__all__ = ["PERMISSIONS", "SCOPES", "Permission", "Role", "Scope"]


class Permission(StrEnum):
    """An action, whatever record it is done to (clearance and compartments say which)."""

    READ = "read"  # records, vocabularies, evidence metadata, custody, statistics, search
    READ_SENSITIVE = "read_sensitive"  # a person's contacts, address and family
    CREATE = "create"
    UPDATE = "update"
    JUDGE = "judge"  # same / not same judgements between records
    EVIDENCE_UPLOAD = "evidence_upload"
    EVIDENCE_DOWNLOAD = "evidence_download"
    IMPORT = "import"
    PROOF = "proof"  # ledger proofs (they carry a record's full state)
    CHECKPOINT = "checkpoint"  # sign a new checkpoint of the log
    MANAGE_GRANTS = "manage_grants"  # compartments of restricted records
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    MANAGE_KEYS = "manage_keys"


class Role(StrEnum):
    """What an account may do; ``PERMISSIONS`` is the table."""

    VIEWER = "viewer"
    DOCUMENTER = "documenter"
    VERIFIER = "verifier"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class Scope(StrEnum):
    """What an API token may be used for, within its account's role (``SCOPES``)."""

    READ = "read"
    WRITE = "write"
    EVIDENCE = "evidence"
    IMPORT = "import"
    ADMIN = "admin"


_P = Permission
_DOCUMENTER = frozenset(
    {
        _P.READ,
        _P.READ_SENSITIVE,
        _P.CREATE,
        _P.UPDATE,
        _P.EVIDENCE_UPLOAD,
        _P.EVIDENCE_DOWNLOAD,
        _P.IMPORT,
    }
)
_VERIFIER = _DOCUMENTER | {_P.JUDGE, _P.PROOF}
_COORDINATOR = _VERIFIER | {_P.MANAGE_GRANTS, _P.VIEW_AUDIT, _P.CHECKPOINT}

# The roles table of docs/security.md.
PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({_P.READ}),
    Role.DOCUMENTER: _DOCUMENTER,
    Role.VERIFIER: _VERIFIER,
    Role.COORDINATOR: _COORDINATOR,
    Role.ADMIN: _COORDINATOR | {_P.MANAGE_USERS, _P.MANAGE_KEYS},
}

# What an API token of each scope may do (never more than its account's role).
SCOPES: Mapping[Scope, frozenset[Permission]] = {
    Scope.READ: frozenset({_P.READ, _P.READ_SENSITIVE, _P.PROOF}),
    Scope.WRITE: frozenset({_P.CREATE, _P.UPDATE, _P.JUDGE}),
    Scope.EVIDENCE: frozenset({_P.EVIDENCE_UPLOAD, _P.EVIDENCE_DOWNLOAD}),
    Scope.IMPORT: frozenset({_P.IMPORT}),
    Scope.ADMIN: frozenset(
        {_P.MANAGE_GRANTS, _P.VIEW_AUDIT, _P.CHECKPOINT, _P.MANAGE_USERS, _P.MANAGE_KEYS}
    ),
}
