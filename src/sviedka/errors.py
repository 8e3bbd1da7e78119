"""Every error Sviedka raises on purpose.

::

    SviedkaError                 status 500, the base class
    ├── NotFound                 404  no such record, term, archive object (or not visible to you)
    ├── Invalid                  422  input broke a rule; ``errors`` maps field paths to messages
    ├── Conflict                 409  the write collides with stored data (stale revision, same id)
    ├── NotAnArchive             400  the folder is not a Sviedka archive, or is the wrong one
    ├── Unavailable              503  the database cannot be reached
    ├── DecryptionFailed         401  wrong passphrase or key, damaged ciphertext: one opaque error
    └── IntegrityFailure         500  stored data no longer matches its own hashes
        └── ChecksumMismatch     500  a file's hash is not the one recorded; names both

Messages are written for the person reading them: what happened and what to do next. They never
contain evidence contents or personal data, only ids, field names and codes.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "ChecksumMismatch",
    "Conflict",
    "DecryptionFailed",
    "IntegrityFailure",
    "Invalid",
    "NotAnArchive",
    "NotFound",
    "SviedkaError",
    "Unavailable",
]


class SviedkaError(Exception):
    """Base class; ``status`` is the HTTP status the API answers with."""

    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(SviedkaError):
    status = 404


class Invalid(SviedkaError):
    """Input that breaks a rule. ``errors`` maps a field path (``arrest.date``) to a message."""

    status = 422

    def __init__(self, message: str, errors: Mapping[str, str] | None = None) -> None:
        self.errors: dict[str, str] = dict(errors or {})
        super().__init__(message)

    def __str__(self) -> str:
        if not self.errors:
            return self.message
        lines = [f"  {path}: {problem}" for path, problem in sorted(self.errors.items())]
        return "\n".join([self.message, *lines])


class Conflict(SviedkaError):
    status = 409


class NotAnArchive(SviedkaError):
    status = 400


class Unavailable(SviedkaError):
    status = 503


class IntegrityFailure(SviedkaError):
    """Stored data disagrees with its own hashes. ``problems`` lists them by record id."""

    def __init__(self, message: str, problems: Mapping[str, str] | None = None) -> None:
        self.problems: dict[str, str] = dict(problems or {})
        super().__init__(message)


class ChecksumMismatch(IntegrityFailure):
    """A stored file does not hash to what was recorded. Both digests are named, hex."""

    def __init__(self, what: str, expected: str, actual: str) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(f"{what}: expected SHA-256 {expected}, found {actual}.")


class DecryptionFailed(SviedkaError):
    """Decryption failed. Deliberately one error whatever the cause (wrong passphrase, wrong key,
    damaged or truncated ciphertext), so that failures reveal nothing about the secret."""

    status = 401
