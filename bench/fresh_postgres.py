"""A fresh PostgreSQL schema per benchmark run, shared by the benchmark scripts."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa


@contextmanager
def postgres_database(server: str) -> Iterator[str]:
    """A URL whose search_path is a fresh schema, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = sa.make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def postgres_problem(server: str) -> str | None:
    """Why the PostgreSQL server cannot be used, or None if it can."""
    try:
        engine = sa.create_engine(server)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except sa.exc.SQLAlchemyError as exc:
        return str(exc).splitlines()[0]
    return None
