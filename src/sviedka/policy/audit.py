"""What must be audited, and which audit events a principal may list.

Reads of confidential and restricted records are audited before they are shown (single reads,
list pages, history, search hits, proofs); so are evidence views and downloads, grants and
revocations, and account changes (their use cases write those events).

The audit trail itself is bound like the records: an event about a record is listed only to
whoever may read that record, one about a file only to whoever may read an Evidence record of
it, one about an account only to whoever manages accounts. Listing needs ``view_audit``.
"""

from __future__ import annotations

import re
from enum import StrEnum

from ..model import Confidentiality
from .authority import can
from .principal import Principal
from .roles import Permission

__all__ = ["AUDITED", "AuditSubject", "audit_subject", "audited", "may_see_audit"]

AUDITED = frozenset({Confidentiality.CONFIDENTIAL, Confidentiality.RESTRICTED})
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_ACCOUNT_ACTIONS = ("user_", "token_", "session_")


class AuditSubject(StrEnum):
    RECORD = "record"  # ref: a record id
    FILE = "file"  # ref: a file's sha256
    ACCOUNT = "account"  # ref: an account id


def audited(level: Confidentiality) -> bool:
    """Whether a read of a record at ``level`` is audited."""
    return level in AUDITED


def audit_subject(action: str, ref: str) -> AuditSubject:
    """What an event is about, from its action and what it refers to."""
    if action.startswith(_ACCOUNT_ACTIONS):
        return AuditSubject.ACCOUNT
    if _SHA256.match(ref):
        return AuditSubject.FILE
    return AuditSubject.RECORD


def may_see_audit(principal: Principal, subject: AuditSubject, readable: bool) -> bool:
    """Whether an event about ``subject`` is listed to the principal; ``readable``: whether it
    may read the record (or an Evidence record of the file) the event is about."""
    if not can(principal, Permission.VIEW_AUDIT):
        return False
    if subject is AuditSubject.ACCOUNT:
        return can(principal, Permission.MANAGE_USERS)
    return readable
