"""Password hashes: Argon2id, checked in constant work whether or not the account exists."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ...errors import Invalid

__all__ = ["HASHER", "MAX_PASSWORD", "MIN_PASSWORD", "hash_password", "password_ok"]

HASHER = PasswordHasher()  # argon2-cffi's defaults: Argon2id, RFC 9106 low-memory profile
MIN_PASSWORD, MAX_PASSWORD = 12, 1024
_dummy_hash: str | None = None


def hash_password(password: str, field: str = "password") -> str:
    """The Argon2id hash of a password of 12 to 1024 characters; ``Invalid`` (naming
    ``field``) otherwise."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise Invalid(
            "The password is too short or too long.",
            {field: f"{MIN_PASSWORD} to {MAX_PASSWORD} characters"},
        )
    return HASHER.hash(password)


def password_ok(stored: str | None, password: str) -> bool:
    """Argon2id verification; for an unknown account (``stored`` None), a dummy hash costs the
    same time and never matches."""
    global _dummy_hash
    if stored is None:
        _dummy_hash = _dummy_hash or HASHER.hash(secrets.token_hex(16))
        stored = _dummy_hash
    try:
        return HASHER.verify(stored, password or "") and stored is not _dummy_hash
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
