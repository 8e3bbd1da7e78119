"""Sviedka: document political imprisonment and grave abuses; keep the evidence verifiable."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .errors import (
    ChecksumMismatch,
    Conflict,
    DecryptionFailed,
    IntegrityFailure,
    Invalid,
    NotAnArchive,
    NotFound,
    SviedkaError,
)

__all__ = [
    "ChecksumMismatch",
    "Conflict",
    "DecryptionFailed",
    "IntegrityFailure",
    "Invalid",
    "NotAnArchive",
    "NotFound",
    "SviedkaError",
    "__version__",
]

try:
    __version__ = version("sviedka")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
