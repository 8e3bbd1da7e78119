"""The sanctions tables: each import of a list file is a version, and the current version's
entries are the list as loaded (see ``services/sanctions/lists.py`` for what they mean); the
reviewers' decisions on proposed matches (``services/sanctions/review.py``).

A list entry is stored as the JSON its parser made; reading it back into a ``ListEntry`` is the
sanctions service's business, so the functions here hand out the JSON text.

A decision names a person and perhaps a sanction record, so it is read through the view's scope
(``store.view(principal)``): a view reads the decisions on the persons it reads, and a
confirmation only with its sanction record. Lists and their entries are public data, read alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

import sqlalchemy as sa

from ..errors import NotFound
from . import schema as t
from .base import View, Writer
from .connection import connection
from .reach import scope_of
from .scoping import admitted_ids

__all__ = [
    "Decision",
    "EntryRow",
    "ListVersion",
    "add_decision",
    "add_version",
    "cite_version",
    "current_entry_data",
    "current_version",
    "current_versions",
    "entry_data",
    "entry_digests",
    "get_version",
    "list_versions",
    "verdict_of",
    "verdicts",
]

L = t.sanction_lists.c
E = t.sanction_entries.c
D = t.sanction_decisions.c


@dataclass(frozen=True)
class ListVersion:
    id: str
    list: str
    authority: str
    format: str
    file: str
    sha256: str
    list_date: str | None
    imported_at: str
    imported_by: str
    entries: int
    replaced_by: str | None
    source_id: str | None


@dataclass(frozen=True)
class EntryRow:
    """One entry of a version as stored: ``data`` is its JSON, ``digest`` that JSON's SHA-256."""

    ref: str  # the list's own id (OFAC's ent_num)
    schema: str  # person | organisation | vessel | …
    name: str  # the primary name, for people reading tables
    data: str
    digest: str


@dataclass(frozen=True)
class Decision:
    """A reviewer's verdict on one proposed match: ``person`` is (not) the list's entry ``ref``."""

    person_id: str
    list: str
    ref: str
    verdict: str  # confirmed | rejected
    version_id: str
    sanction_id: str | None  # the sanction record a confirmation made
    actor: str
    at: str
    reason: str | None


def current_version(view: View, name: str) -> ListVersion | None:
    """The version of list ``name`` loaded now, if any."""
    query = sa.select(t.sanction_lists).where(L.list == name, L.replaced_by.is_(None))
    row = connection(view).execute(query).first()
    return None if row is None else ListVersion(**row._mapping)


def current_versions(view: View) -> list[ListVersion]:
    query = sa.select(t.sanction_lists).where(L.replaced_by.is_(None)).order_by(L.list)
    return [ListVersion(**row._mapping) for row in connection(view).execute(query)]


def list_versions(view: View) -> list[ListVersion]:
    """Every version of every list, oldest first within each list."""
    query = sa.select(t.sanction_lists).order_by(L.list, L.imported_at, L.id)
    return [ListVersion(**row._mapping) for row in connection(view).execute(query)]


def get_version(view: View, version_id: str) -> ListVersion:
    query = sa.select(t.sanction_lists).where(L.id == version_id)
    row = connection(view).execute(query).first()
    if row is None:
        raise NotFound(f"No sanctions list version with id {version_id}.")
    return ListVersion(**row._mapping)


def entry_digests(view: View, version_id: str) -> dict[str, str]:
    """``{ref: digest}`` of every entry of one version."""
    query = sa.select(E.ref, E.digest).where(E.version_id == version_id)
    return {row.ref: row.digest for row in connection(view).execute(query)}


def entry_data(view: View, version_id: str, ref: str) -> str | None:
    """The JSON of one entry of a version, or None."""
    query = sa.select(E.data).where(E.version_id == version_id, E.ref == ref)
    data = connection(view).scalar(query)
    return None if data is None else str(data)


def current_entry_data(view: View, schema: str | None = None) -> Iterator[tuple[str, str]]:
    """``(version id, JSON)`` of every entry of the current versions, of ``schema`` if given,
    by version and ref; read as iterated, inside the view."""
    current = sa.select(L.id).where(L.replaced_by.is_(None))
    query = sa.select(E.version_id, E.data).where(E.version_id.in_(current))
    if schema is not None:
        query = query.where(E.schema == schema)
    for row in connection(view).execute(query.order_by(E.version_id, E.ref)):
        yield row.version_id, row.data


def add_version(
    writer: Writer, version: ListVersion, entries: Sequence[EntryRow], *, replaces: str | None
) -> None:
    """Store ``version`` with its entries. The version it ``replaces`` loses its entries and
    keeps its row, marked ``replaced_by`` the new one."""
    conn = connection(writer)
    conn.execute(sa.insert(t.sanction_lists), asdict(version))
    rows = [{"version_id": version.id, **asdict(entry)} for entry in entries]
    if rows:
        conn.execute(sa.insert(t.sanction_entries), rows)
    if replaces is not None:
        conn.execute(sa.delete(t.sanction_entries).where(E.version_id == replaces))
        done = sa.update(t.sanction_lists).where(L.id == replaces)
        conn.execute(done.values(replaced_by=version.id))


def cite_version(writer: Writer, version_id: str, source_id: str) -> None:
    """Record the source record that cites a list version (made when it is first cited)."""
    done = sa.update(t.sanction_lists).where(L.id == version_id).values(source_id=source_id)
    connection(writer).execute(done)


# -- decisions ---------------------------------------------------------------------------------


def _decisions_read(view: View) -> sa.Select[tuple[str, str, str, str]]:
    """``(person, list, ref, verdict)`` of the decisions ``view`` reads."""
    query = sa.select(D.person_id, D.list, D.ref, D.verdict)
    scope = scope_of(view)
    if scope is None:
        return query
    readable = admitted_ids(scope)
    return query.where(
        D.person_id.in_(readable), sa.or_(D.sanction_id.is_(None), D.sanction_id.in_(readable))
    )


def verdicts(view: View) -> dict[tuple[str, str, str], str]:
    """``{(person, list, ref): verdict}`` of every decision ``view`` reads."""
    rows = connection(view).execute(_decisions_read(view))
    return {(row.person_id, row.list, row.ref): row.verdict for row in rows}


def verdict_of(view: View, person: str, list_name: str, ref: str) -> str | None:
    """The verdict on ``person`` being the entry ``ref`` of ``list_name``, if ``view`` reads one."""
    query = _decisions_read(view).where(D.person_id == person, D.list == list_name, D.ref == ref)
    row = connection(view).execute(query).first()
    return None if row is None else str(row.verdict)


def add_decision(writer: Writer, decision: Decision) -> None:
    connection(writer).execute(sa.insert(t.sanction_decisions), asdict(decision))
