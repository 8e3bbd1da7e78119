"""Archives in different schemas of one PostgreSQL database never wait for each other's locks;
two writers to one archive still do (the log's append lock, the migrations' lock)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa

from sviedka.errors import Unavailable
from sviedka.model import NameForm, Person
from sviedka.model.ids import new_id
from sviedka.store import SqlStore, migrations, open_store
from sviedka.store.ledger.log import LedgerJournal, LedgerSession, tree_size

pytestmark = pytest.mark.postgres

LOCK_WAIT = "-clock_timeout=1500"  # a blocked writer fails in 1.5 s rather than hang the test
LOCK_NOT_AVAILABLE = "55P03"


@pytest.fixture
def schema_url(pg_server: str) -> Iterator[Callable[[], str]]:
    """Makes URLs of fresh schemas (each with a short lock_timeout); drops them after the test."""
    admin = sa.create_engine(pg_server)
    made: list[str] = []

    def make() -> str:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        made.append(schema)
        options = f"-csearch_path={schema} {LOCK_WAIT}"
        url = sa.make_url(pg_server).update_query_dict({"options": options})
        return url.render_as_string(hide_password=False)

    yield make
    with admin.begin() as conn:
        for schema in made:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def add_someone(store: SqlStore) -> None:
    with store.writer() as w:
        w.add(Person(id=new_id(), names=(NameForm(full="Ганна", lang="be"),)), actor="a")


def logged_size(store: SqlStore) -> int:
    with store.engine.connect() as conn:
        return tree_size(conn)


def assert_lock_timeout(exc: BaseException) -> None:
    cause = exc.__cause__
    assert isinstance(cause, sa.exc.OperationalError)
    assert getattr(cause.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE


def test_the_log_lock_of_one_archive_does_not_hold_up_another(
    schema_url: Callable[[], str],
) -> None:
    a = open_store(schema_url(), journal=LedgerJournal())
    b = open_store(schema_url(), journal=LedgerJournal())
    try:
        with a.engine.connect() as holder, holder.begin():
            LedgerSession(holder)  # a writer of archive A, mid-transaction, holds the log's lock
            add_someone(b)
            with pytest.raises(Unavailable) as second_writer_of_a:
                add_someone(a)
        assert_lock_timeout(second_writer_of_a.value)
        assert (logged_size(a), logged_size(b)) == (0, 1)
        add_someone(a)  # once the holder is gone, A's writers go on
        assert logged_size(a) == 1
    finally:
        a.close()
        b.close()


def test_migrating_one_archive_does_not_hold_up_another(schema_url: Callable[[], str]) -> None:
    url_a = schema_url()
    open_store(url_a).close()
    engine = sa.create_engine(url_a)
    try:
        with engine.connect() as holder, holder.begin():
            holder.execute(migrations._LOCK, {"k": migrations._LOCK_KEY})  # A mid-migration
            open_store(schema_url()).close()  # B, a new archive, migrates meanwhile
            with pytest.raises(sa.exc.OperationalError) as second_migration_of_a:
                migrations.migrate(engine)
        assert getattr(second_migration_of_a.value.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE
    finally:
        engine.dispose()
