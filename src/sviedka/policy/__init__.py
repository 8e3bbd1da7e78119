"""The policy: who is asking (``Principal``) and the one authority on what it may do, which
records it may read, which of their fields it sees, and what is audited.

Pure code: no SQL, no I/O. The store turns a ``ReadScope`` into SQL (``store.view(principal)``);
the use cases ask ``require``/``may`` before they act and ``redact`` before they show.
"""

from __future__ import annotations

from .audit import AUDITED, AuditSubject, audit_subject, audited, may_see_audit
from .authority import (
    LEVELS,
    Forbidden,
    can,
    clearance_levels,
    may,
    may_read,
    may_write,
    permissions,
    reach,
    read_scope,
    require,
    visible_levels,
    within_reach,
)
from .principal import (
    CUSTODIAN,
    PUBLIC,
    Account,
    Grantee,
    GranteeKind,
    Principal,
    PrincipalKind,
    custodian,
    partner,
    principal_of,
)
from .redaction import hidden_fields, redact, redact_state
from .roles import PERMISSIONS, SCOPES, Permission, Role, Scope
from .scope import EVERYTHING, NOTHING, ReadScope, Subject, subject_of

__all__ = [
    "AUDITED",
    "CUSTODIAN",
    "EVERYTHING",
    "LEVELS",
    "NOTHING",
    "PERMISSIONS",
    "PUBLIC",
    "SCOPES",
    "Account",
    "AuditSubject",
    "Forbidden",
    "Grantee",
    "GranteeKind",
    "Permission",
    "Principal",
    "PrincipalKind",
    "ReadScope",
    "Role",
    "Scope",
    "Subject",
    "audit_subject",
    "audited",
    "can",
    "clearance_levels",
    "custodian",
    "hidden_fields",
    "may",
    "may_read",
    "may_see_audit",
    "may_write",
    "partner",
    "permissions",
    "principal_of",
    "reach",
    "read_scope",
    "redact",
    "redact_state",
    "require",
    "subject_of",
    "visible_levels",
    "within_reach",
]
