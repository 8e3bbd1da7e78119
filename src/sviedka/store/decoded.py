"""Records decoded from their stored JSON, kept for the next read of the same revision.

Decoding a row (parse the JSON, build the frozen dataclasses) and dumping the record back to
JSON for an answer cost ~40 µs each per record: most of a page of 20. A read of a record whose
current revision was decoded before takes both from here instead.

The key is the record's kind, id and revision hash (``records.sha256``, which covers the whole
state, its sensitive fields included, and changes with every revision): a new revision, even
one committed a moment ago by another process, is a new key and so a miss, never a stale hit;
a row whose kind was altered misses too and is checked as it is decoded. Records are immutable,
so one object may serve every reader; what ``dumped`` returns is shared as well and must not be
changed (``masking.mask`` copies before it masks). Bounded: the least recently used are
dropped past ``SIZE`` (a record is a few KB, so a few tens of MB per process at most).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from ..model import Record
from ..model.codec import dump

__all__ = ["SIZE", "decoded", "dumped"]

SIZE = 8192
Key = tuple[str, str, str]  # kind, id, revision hash

_items: OrderedDict[Key, tuple[Record, dict[str, Any]]] = OrderedDict()
_keys: dict[int, Key] = {}  # id(record) -> its key, while the record is held here
_lock = threading.Lock()  # the threadpool's threads read at once


def decoded(kind: str, record_id: str, sha256: str, decode: Callable[[], Record]) -> Record:
    """The record of this revision, from here or else ``decode()`` (and then kept)."""
    key = (kind, record_id, sha256)
    with _lock:
        found = _items.get(key)
        if found is not None:
            _items.move_to_end(key)
            return found[0]
    record = decode()
    data: dict[str, Any] = dump(record)
    with _lock:
        if key not in _items:
            _items[key] = (record, data)
            _keys[id(record)] = key
            while len(_items) > SIZE:
                _, (dropped, _) = _items.popitem(last=False)
                del _keys[id(dropped)]
    return record


def dumped(record: Record) -> dict[str, Any]:
    """``dump(record)``, taken from here when ``record`` is the very object kept here (read and
    not changed since: a redacted copy is another object). Shared: do not change it."""
    with _lock:
        key = _keys.get(id(record))
        found = _items.get(key) if key is not None else None
    if found is not None and found[0] is record:
        return found[1]
    data: dict[str, Any] = dump(record)
    return data
