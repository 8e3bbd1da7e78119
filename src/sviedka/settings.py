"""Every environment variable Sviedka reads, read in one place.

=========================  ==============================================================
``SVIEDKA_ARCHIVE``        archive folder used when ``--archive`` is not given
``SVIEDKA_DATABASE_URL``   PostgreSQL URL (``postgresql+psycopg://user@host/db``); when set,
                           ``init`` puts the records there instead of the archive's SQLite file
``SVIEDKA_ACTOR``          who is recorded as the author of CLI writes (default: ``cli:<login>``)
``SVIEDKA_CUSTODIAN``      whose passphrase unlocks the archive keys (default: the login name)
``SVIEDKA_PASSPHRASE``     that custodian's passphrase, for non-interactive use (scripts, CI);
                           without it the CLI asks when a command needs the keys
``SVIEDKA_NEW_PASSPHRASE`` a new custodian's passphrase (``keys add-custodian``, ``keys recover``)
``SVIEDKA_TRUSTED_PROXIES`` addresses or networks of the reverse proxies in front of ``serve``,
                           comma-separated; only from these is ``X-Forwarded-For`` believed
                           (default: none)
``SVIEDKA_TEST_DATABASE_URL``  PostgreSQL server the test-suite uses (tests only)
=========================  ==============================================================
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings", "load_settings"]


@dataclass(frozen=True)
class Settings:
    archive: Path | None
    database_url: str | None
    actor: str
    custodian: str
    passphrase: str | None
    new_passphrase: str | None
    trusted_proxies: tuple[str, ...] = ()


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from ``env`` (default: the process environment)."""
    env = os.environ if env is None else env
    archive = env.get("SVIEDKA_ARCHIVE") or None
    return Settings(
        archive=Path(archive) if archive else None,
        database_url=env.get("SVIEDKA_DATABASE_URL") or None,
        actor=env.get("SVIEDKA_ACTOR") or f"cli:{_login()}",
        custodian=env.get("SVIEDKA_CUSTODIAN") or _login(),
        passphrase=env.get("SVIEDKA_PASSPHRASE") or None,
        new_passphrase=env.get("SVIEDKA_NEW_PASSPHRASE") or None,
        trusted_proxies=tuple(
            p.strip() for p in env.get("SVIEDKA_TRUSTED_PROXIES", "").split(",") if p.strip()
        ),
    )
