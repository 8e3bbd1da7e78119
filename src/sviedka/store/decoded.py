"""Records decoded from their stored JSON, kept for the next read of the same revision.

Decoding a row (parse the JSON, build the frozen dataclasses) and dumping the record back to
JSON for an answer cost ~40 µs each per record: most of a page of 20. A read of a record whose
current revision was decoded before takes both from here instead.

The key is the record's kind, id and revision hash (``records.sha256``, which covers the whole
state, its sensitive fields included, and changes with every revision): a new revision, even
one committed a moment ago by another process, is a new key and so a miss, never a stale hit;
a row whose kind was altered misses too and is checked as it is decoded. Records are immutable,
so one object may serve every reader; what ``dumped`` returns is shared as well and must not be
changed (``masking.mask`` copies before it masks); its references (``references_of``, which
masking asks of every record shown) are walked once too. Bounded: the least recently used are
dropped past ``SIZE`` (a record is a few KB, so a few tens of MB per process at most).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from ..model import Record
from ..model.codec import Reference, dump, references

__all__ = ["SIZE", "decoded", "dumped", "references_of"]

SIZE = 8192
Key = tuple[str, str, str]  # kind, id, revision hash


class _Kept:
    """A decoded record, its JSON, and its references once asked for."""

    __slots__ = ("data", "record", "refs")

    def __init__(self, record: Record, data: dict[str, Any]) -> None:
        self.record, self.data = record, data
        self.refs: tuple[Reference, ...] | None = None


_items: OrderedDict[Key, _Kept] = OrderedDict()
_keys: dict[int, Key] = {}  # id(record) -> its key, while the record is held here
_lock = threading.Lock()  # the threadpool's threads read at once


def decoded(kind: str, record_id: str, sha256: str, decode: Callable[[], Record]) -> Record:
    """The record of this revision, from here or else ``decode()`` (and then kept)."""
    key = (kind, record_id, sha256)
    with _lock:
        found = _items.get(key)
        if found is not None:
            _items.move_to_end(key)
            return found.record
    record = decode()
    data: dict[str, Any] = dump(record)
    with _lock:
        if key not in _items:
            _items[key] = _Kept(record, data)
            _keys[id(record)] = key
            while len(_items) > SIZE:
                _, dropped = _items.popitem(last=False)
                del _keys[id(dropped.record)]
    return record


def _kept(record: Record) -> _Kept | None:
    """What is kept for ``record`` if it is the very object kept here; call with the lock."""
    key = _keys.get(id(record))
    found = _items.get(key) if key is not None else None
    return found if found is not None and found.record is record else None


def dumped(record: Record) -> dict[str, Any]:
    """``dump(record)``, taken from here when ``record`` is the very object kept here (read and
    not changed since: a redacted copy is another object). Shared: do not change it."""
    with _lock:
        found = _kept(record)
    if found is not None:
        return found.data
    data: dict[str, Any] = dump(record)
    return data


def references_of(record: Record) -> tuple[Reference, ...]:
    """``references(record)``, walked once for a record kept here."""
    with _lock:
        found = _kept(record)
        if found is not None and found.refs is not None:
            return found.refs
    refs = tuple(references(record))
    if found is not None:
        found.refs = refs  # one tuple for one immutable record: a race writes the same
    return refs
