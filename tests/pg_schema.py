"""A PostgreSQL schema of its own, for a test, a module or a block: every fixture that puts an
archive on PostgreSQL takes one here, so tests (and pytest-xdist's workers) never share tables."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.pool import NullPool


@contextmanager
def pg_schema(server: str, prefix: str = "t") -> Iterator[str]:
    """The URL of ``server`` (any search_path it names aside) with its search_path set to a fresh
    schema named ``{prefix}_`` and a random suffix; the schema is dropped, with all it holds, on
    leaving."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    base = sa.make_url(server).difference_update_query(["options"])
    admin = sa.create_engine(base, poolclass=NullPool)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
        try:
            url = base.update_query_dict({"options": f"-csearch_path={name}"})
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
    finally:
        admin.dispose()
