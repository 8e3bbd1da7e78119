"""The HTTP server: the REST API under ``/api/v1`` and, when installed, the web UI."""

from __future__ import annotations

from .app import create_app
from .config import ServerConfig

__all__ = ["ServerConfig", "create_app"]
