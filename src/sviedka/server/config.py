"""What a server is started with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..services.keys import ArchiveKeys

__all__ = ["API_PREFIX", "MiB", "ServerConfig"]

MiB = 1024 * 1024
API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class ServerConfig:
    """``keys``: the unlocked archive keys, or None (evidence downloads then answer 503).
    ``rate_limit``: requests per minute per client address, 0 for none (per worker process).
    ``max_upload``: the body limit of upload routes (evidence, imports); ``max_body`` of all
    others. ``web``: install the web UI (``sviedka.web``) when it is there."""

    archive: Path
    database_url: str | None = None
    keys: ArchiveKeys | None = None
    max_body: int = 1 * MiB
    max_upload: int = 4096 * MiB
    rate_limit: int = 600
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    web: bool = True
    # POST or PUT to these paths may send up to ``max_upload`` (the web's upload forms too).
    upload_paths: tuple[str, ...] = ("/api/v1/evidence", "/api/v1/imports", "/evidence", "/imports")
