"""What a server is started with."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import Invalid
from ..services.archive.keys import ArchiveKeys

__all__ = ["API_PREFIX", "MiB", "ServerConfig", "check_proxies"]

MiB = 1024 * 1024
API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class ServerConfig:
    """``keys``: the unlocked archive keys, or None (evidence downloads then answer 503).
    ``rate_limit``: requests per minute per client address, 0 for none (per worker process).
    ``max_upload``: the body limit of upload routes (evidence, imports); ``max_body`` of all
    others. ``web``: install the web UI (``sviedka.web``) when it is there.
    ``trusted_proxies``: addresses or networks of the reverse proxies in front of the server;
    only a request from one of them may name its client in ``X-Forwarded-For`` (none: the
    header is never believed, and the client is the peer of the connection)."""

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
    trusted_proxies: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "trusted_proxies", check_proxies(self.trusted_proxies))


def check_proxies(values: Iterable[str]) -> tuple[str, ...]:
    """The proxies as given, each an IP address or network; ``Invalid`` naming the first that
    is neither (a host name, or ``*``: trusting every client would let anyone pick their
    address, and so escape the lockout and the rate limit)."""
    found = tuple(values)
    for value in found:
        try:
            ipaddress.ip_network(value)
        except ValueError:
            raise Invalid(
                f"SVIEDKA_TRUSTED_PROXIES: {value!r} is not an IP address or network; give "
                "the proxies' addresses, e.g. 127.0.0.1 or 10.0.0.0/8.",
                {"trusted_proxies": "IP addresses or networks"},
            ) from None
    return found
