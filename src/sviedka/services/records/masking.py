"""References a user may not follow, masked in what the API shows and kept on what it writes.

A record one may read can point at one one may not (a public detention's confidential person).
Showing that id would tell that the other record exists, and when it was made (ids are UUIDv7):
the API shows ``null`` in its place. When such a record is replaced (PUT) or patched, a ``null``
(or missing value) where a hidden reference was is put back as stored, so that masking never
changes data.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ...model import Record
from ...store import View
from ...store.decoded import references_of

__all__ = ["hidden_ids", "mask", "reference_ids", "restore"]

_TOKEN = re.compile(r"[^.\[\]]+|\[\d+\]")


def hidden_ids(view: View, records: Iterable[Record]) -> set[str]:
    """The ids these records point at that ``view`` (scoped to a principal) does not show."""
    ids = {i for record in records for i in reference_ids(record)}
    return ids - set(view.kinds_of(ids)) if ids else set()


def reference_ids(record: Record) -> set[str]:
    """The ids of the records ``record`` points at."""
    return {r.value for r in references_of(record) if r.kind == "ref"}


def mask(record: Record, data: dict[str, Any], hidden: set[str]) -> dict[str, Any]:
    """``data`` (the record as JSON) with every hidden reference set to null (``data`` itself
    when there is none: it is not changed)."""
    if not hidden:
        return data
    paths = [r.path for r in references_of(record) if r.kind == "ref" and r.value in hidden]
    if not paths:
        return data
    masked = copy.deepcopy(data)
    for path in paths:
        _put(masked, path, None)
    return masked


def restore(stored: Record, payload: Any, hidden: set[str]) -> Any:
    """``payload`` with the hidden references of ``stored`` put back where it holds null or
    nothing at their place."""
    if not isinstance(payload, Mapping):
        return payload
    restored = copy.deepcopy(dict(payload))
    for ref in references_of(stored):
        if ref.kind == "ref" and ref.value in hidden and _get(restored, ref.path) is None:
            _put(restored, ref.path, ref.value)
    return restored


def _steps(path: str) -> list[str | int]:
    return [int(tok[1:-1]) if tok.startswith("[") else tok for tok in _TOKEN.findall(path)]


def _get(data: Any, path: str) -> Any:
    for step in _steps(path):
        if isinstance(step, int):
            data = data[step] if isinstance(data, list) and step < len(data) else None
        else:
            data = data.get(step) if isinstance(data, Mapping) else None
        if data is None:
            return None
    return data


def _put(data: Any, path: str, value: Any) -> None:
    steps = _steps(path)
    for step, following in itertools.pairwise(steps):
        data = _child(data, step, following)
        if data is None:
            return
    last = steps[-1]
    if isinstance(last, int):
        if isinstance(data, list) and last < len(data):
            data[last] = value
    elif isinstance(data, dict):
        data[last] = value


def _child(data: Any, step: str | int, following: str | int) -> Any:
    if isinstance(step, int):
        return data[step] if isinstance(data, list) and step < len(data) else None
    if not isinstance(data, dict):
        return None
    if data.get(step) is None:
        data[step] = [] if isinstance(following, int) else {}
    return data[step]
