"""The pool pings a connection only after it sat idle: a dead idle connection is replaced
unseen, and one that died a moment after use fails one query, not the next."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from sviedka.store import engine as engine_module
from sviedka.store.engine import create_engine

pytestmark = pytest.mark.postgres


def _backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(sa.text("SELECT pg_backend_pid()")) or 0)


def _terminate(server: str, pid: int) -> None:
    admin = sa.create_engine(server)
    with admin.begin() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


def test_a_dead_idle_connection_is_replaced_before_use(
    pg_url: str, pg_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(pg_url)
    dead = _backend_pid(engine)
    _terminate(pg_server, dead)
    monkeypatch.setattr(engine_module, "IDLE_PING_SECONDS", 0.0)  # every pooled one is "idle"
    assert _backend_pid(engine) not in (0, dead)
    engine.dispose()


def test_a_connection_used_a_moment_ago_is_not_pinged(pg_url: str, pg_server: str) -> None:
    engine = create_engine(pg_url)
    dead = _backend_pid(engine)
    _terminate(pg_server, dead)
    with pytest.raises(sa.exc.OperationalError):  # no ping: the dead one is used, and fails
        _backend_pid(engine)
    assert _backend_pid(engine) not in (0, dead)  # the pool was invalidated: a fresh one
    engine.dispose()
