"""What is audited, and which audit events a principal may list."""

from __future__ import annotations

import pytest

from sviedka.model import Confidentiality
from sviedka.policy import (
    AUDITED,
    CUSTODIAN,
    PUBLIC,
    AuditSubject,
    Principal,
    PrincipalKind,
    Role,
    Scope,
    audit_subject,
    audited,
    may_see_audit,
)

SHA = "0123456789abcdef" * 4


def user(role: str, scopes: frozenset[Scope] | None = None) -> Principal:
    kind = PrincipalKind.USER if scopes is None else PrincipalKind.TOKEN
    return Principal(
        kind, "a", id="u1", role=Role(role), clearance=Confidentiality.RESTRICTED, scopes=scopes
    )


def test_reads_of_confidential_and_restricted_records_are_audited() -> None:
    assert {Confidentiality.CONFIDENTIAL, Confidentiality.RESTRICTED} == AUDITED
    assert [audited(level) for level in Confidentiality] == [False, False, True, True]


@pytest.mark.parametrize(
    ("action", "ref", "subject"),
    [
        ("read", "0190a1b2-0000-7000-8000-000000000000", AuditSubject.RECORD),
        ("grant", "0190a1b2-0000-7000-8000-000000000000", AuditSubject.RECORD),
        ("evidence_download", SHA, AuditSubject.FILE),
        ("read", SHA, AuditSubject.FILE),
        ("read", SHA.upper(), AuditSubject.RECORD),
        ("read", SHA + "0", AuditSubject.RECORD),
        ("read", "x" + SHA, AuditSubject.RECORD),
        ("user_add", "0190a1b2-0000-7000-8000-000000000000", AuditSubject.ACCOUNT),
        ("user_change", SHA, AuditSubject.ACCOUNT),
        ("token_revoke", "t1", AuditSubject.ACCOUNT),
        ("session_end", "s1", AuditSubject.ACCOUNT),
        ("reuser_add", "r1", AuditSubject.RECORD),
    ],
)
def test_an_event_is_about_a_record_a_file_or_an_account(
    action: str, ref: str, subject: AuditSubject
) -> None:
    assert audit_subject(action, ref) is subject


@pytest.mark.parametrize(
    ("principal", "record", "account"),
    [
        (user("viewer"), False, False),
        (user("verifier"), False, False),
        (user("coordinator"), True, False),
        (user("admin"), True, True),
        (user("admin", frozenset({Scope.READ})), False, False),
        (user("admin", frozenset({Scope.ADMIN})), True, True),
        (CUSTODIAN, True, True),
        (PUBLIC, False, False),
    ],
)
def test_events_are_listed_with_view_audit_about_what_one_may_read(
    principal: Principal, record: bool, account: bool
) -> None:
    for subject in (AuditSubject.RECORD, AuditSubject.FILE):
        assert may_see_audit(principal, subject, readable=True) == record
        assert may_see_audit(principal, subject, readable=False) is False
    assert may_see_audit(principal, AuditSubject.ACCOUNT, readable=False) == account
    assert may_see_audit(principal, AuditSubject.ACCOUNT, readable=True) == account
