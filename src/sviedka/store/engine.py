"""Opening a database: SQLite (embedded default) or PostgreSQL. Dialect set-up lives here."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from ..errors import Unavailable

__all__ = ["create_engine", "read_engine", "safe_url", "sqlite_url"]

WRITE = "sviedka_write"  # execution option: this connection will write
IDLE_PING_SECONDS = 10.0  # a pooled connection idle longer than this is pinged before use


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def safe_url(url: str) -> str:
    """The URL without its password, fit for an error message."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(unparseable URL)"


def create_engine(url: str) -> sa.Engine:
    """An engine for ``url``; ``Unavailable`` if the database cannot be reached."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise Unavailable(f"{safe_url(url)} is not a database URL.") from None
    if parsed.get_backend_name() == "sqlite":
        _owner_only(parsed.database)
        engine = sa.create_engine(parsed)
        _configure_sqlite(engine)
    elif parsed.get_backend_name() == "postgresql":
        engine = sa.create_engine(parsed, pool_size=10, max_overflow=10)
        _ping_when_idle(engine)
    else:
        raise Unavailable(f"{safe_url(url)}: only SQLite and PostgreSQL are supported.")
    _check_connection(engine, url)
    return engine


def read_engine(engine: sa.Engine) -> sa.Engine:
    """The engine reads go through: on PostgreSQL a second pool of connections in autocommit.

    PostgreSQL's READ COMMITTED gives each statement of a transaction a moment of its own, so a
    read-only transaction there buys nothing but its BEGIN and COMMIT: two round trips (and
    ~0.1 ms of CPU each) on every read. Reads that must see one moment across statements ask for
    a snapshot (REPEATABLE READ, ``snapshot.py``). A pool of its own, made in autocommit once,
    spares switching the isolation level at each checkout and back at each return. SQLite keeps
    its one engine: a transaction there is what gives a read one moment (WAL)."""
    if engine.dialect.name != "postgresql":
        return engine
    reads = sa.create_engine(
        engine.url, isolation_level="AUTOCOMMIT", pool_size=10, max_overflow=10
    )
    _ping_when_idle(reads)
    return reads


def _owner_only(database: str | None) -> None:
    """SQLite creates a database with the process umask (0644 as a rule) and gives its -wal and
    -shm files the database's mode: so the file is created 0600 before SQLite opens it, and one
    made earlier with group or other permissions (and its side files) is made 0600."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        return
    except FileExistsError:
        pass
    except OSError:
        return  # no such folder, say: SQLite's own error says so when it connects
    for name in (database, f"{database}-wal", f"{database}-shm"):
        try:
            if stat.S_IMODE(os.stat(name).st_mode) & 0o077:
                os.chmod(name, 0o600)
        except OSError:
            pass  # absent, or not ours to change


def _check_connection(engine: sa.Engine, url: str) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
        engine.dispose()
        raise Unavailable(
            f"Cannot connect to the database {safe_url(url)}. Check the URL "
            "(SVIEDKA_DATABASE_URL) and that the server is running."
        ) from exc


def _ping_when_idle(engine: sa.Engine) -> None:
    """Ping a pooled connection before use only if it sat idle in the pool for a while.

    ``pool_pre_ping`` pings on every checkout: a round trip (and ~0.1 ms of CPU) on each of the
    two to four checkouts a request makes, most of them of a connection used a moment ago. A
    connection goes stale when it sits unused (the server restarted, a firewall dropped it), so
    only one that sat idle longer than ``IDLE_PING_SECONDS`` is pinged, and a dead one is
    replaced before anyone sees it (the pool retries on ``DisconnectionError``: SQLAlchemy's
    "custom pessimistic ping" recipe). A connection that dies while busy fails its request as it
    would with pre-ping, and SQLAlchemy then invalidates the pool's other connections of the
    same age, so the next checkouts open fresh ones."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return  # new, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # any driver error: the connection is of no use
            raise sa.exc.DisconnectionError() from exc


def _configure_sqlite(engine: sa.Engine) -> None:
    # pysqlite's own transaction handling cannot take BEGIN IMMEDIATE, so we take it over: the
    # driver runs in autocommit mode and we emit BEGIN ourselves (the SQLAlchemy-documented recipe).
    # A writer takes the write lock at BEGIN, so two writers queue instead of failing mid-way.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged commit survives power loss
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        writes = conn.get_execution_options().get(WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
