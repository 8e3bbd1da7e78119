"""Accounts name the policy's roles and scopes: one definition (``policy/roles.py``)."""

from __future__ import annotations

from sviedka import policy
from sviedka.services import accounts
from sviedka.services.accounts import model


def test_accounts_roles_and_scopes_are_the_policys() -> None:
    assert accounts.Role is policy.Role and model.Role is policy.Role
    assert accounts.Scope is policy.Scope and model.Scope is policy.Scope
    assert set(policy.SCOPES) == set(accounts.Scope)
