"""The ``sviedka`` command. Each command parses, calls one service function, and prints."""

from __future__ import annotations

from . import evidence, imports, ledger, match, records, sanctions, search, server, stats  # noqa: F401  (they register their commands)
from .app import app, main

__all__ = ["app", "main"]
