"""The tables, as SQLAlchemy Core objects, one module per subsystem, all in one ``MetaData``.
Migrations create and change them (``migrations.py``).

Record state is kept as canonical JSON text, the exact bytes that were hashed, so that a stored
row can be re-hashed and compared without re-serialising. Times are fixed-width UTC text.

* ``columns``: the ``MetaData`` and the shared column types (ids, hashes, times, days)
* ``meta``: applied migrations, the ``meta`` key-value table
* ``records``: records, revisions, vocabularies, judgements
* ``evidence``: the vault's registry of files, chain of custody
* ``ledger``: the transparency log, checkpoints, cosignatures
* ``indexes``: derived indexes (search, name keys, detention spells)
* ``accounts``: users, groups, sessions, API tokens, failed logins
* ``compartments``: grants of restricted records
* ``imports``: which record an imported row became
* ``sanctions``: sanctions lists and screening decisions

Callers import the tables from here (``from sviedka.store import schema as t``); a new table goes
in its subsystem's module and is listed here.
"""

from __future__ import annotations

from .accounts import api_tokens, login_failures, sessions, user_groups, users
from .columns import DAY, HASH, ID, SERIAL, TIME, metadata
from .compartments import record_grants
from .evidence import blobs, custody_events
from .imports import import_keys
from .indexes import (
    name_keys,
    search_docs,
    spell_charges,
    spell_days,
    spell_persons,
    spell_placements,
    spell_sentences,
    spells,
)
from .ledger import (
    ledger_checkpoints,
    ledger_cosignatures,
    ledger_entries,
    ledger_nodes,
    ledger_queue,
    witnessed,
)
from .meta import meta, migrations_table
from .records import judgement_log, judgements, records, revisions, vocab_terms, vocabularies
from .sanctions import sanction_decisions, sanction_entries, sanction_lists

__all__ = [
    "DAY",
    "HASH",
    "ID",
    "SERIAL",
    "TIME",
    "api_tokens",
    "blobs",
    "custody_events",
    "import_keys",
    "judgement_log",
    "judgements",
    "ledger_checkpoints",
    "ledger_cosignatures",
    "ledger_entries",
    "ledger_nodes",
    "ledger_queue",
    "login_failures",
    "meta",
    "metadata",
    "migrations_table",
    "name_keys",
    "record_grants",
    "records",
    "revisions",
    "sanction_decisions",
    "sanction_entries",
    "sanction_lists",
    "search_docs",
    "sessions",
    "spell_charges",
    "spell_days",
    "spell_persons",
    "spell_placements",
    "spell_sentences",
    "spells",
    "user_groups",
    "users",
    "vocab_terms",
    "vocabularies",
    "witnessed",
]
