"""Model paths: where one value sits in a record, and what the model declares about it.

A path names fields and, inside a list, a row number from 0: ``arrest.date``,
``charges.0.article``, ``placements.1.start``, ``recognition.criteria``, ``dates.end``. ``resolve``
walks the record's dataclasses by their type hints and returns the ``Leaf`` at the end: its type
(text, number, yes/no, partial date, date range, a closed set), whether it holds several values,
and the field's metadata (the vocabulary its codes come from, the record kinds it may point to).
A path that names no field, stops at a group, or asks for row ``MAX_ROWS`` or beyond is refused
with ``PathError``: a form is bounded whatever is sent to it.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from .dates import DateRange, PartialDate

__all__ = ["MAX_ROWS", "Leaf", "PathError", "member_type", "resolve", "steps_of"]

MAX_ROWS = 200  # rows of one list a form or a sheet row may fill: charges.199 is the last


class PathError(ValueError):
    """A path the model does not have; ``rows`` if only its row number is too large."""

    def __init__(self, message: str, *, rows: bool = False) -> None:
        super().__init__(message)
        self.rows = rows


@dataclass(frozen=True)
class Leaf:
    """The value a path names. ``type`` is the type of one value; ``many``: a list of them."""

    steps: tuple[str | int, ...]
    type: Any
    many: bool = False
    vocab: str | None = None
    refs: tuple[str, ...] = ()


def steps_of(path: str) -> tuple[str | int, ...]:
    """``charges.0.article`` as ``("charges", 0, "article")``; ``PathError`` if malformed."""
    steps: list[str | int] = []
    for part in path.split("."):
        if part.isascii() and part.isdigit():
            too_long = len(part) > len(str(MAX_ROWS)) or (len(part) > 1 and part[0] == "0")
            if too_long or int(part) >= MAX_ROWS:
                raise PathError(f"row numbers go from 0 to {MAX_ROWS - 1}", rows=True)
            steps.append(int(part))
        elif part.isidentifier():
            steps.append(part)
        else:
            raise PathError("is not a path of field names and row numbers")
    return tuple(steps)


@cache
def resolve(cls: type, path: str) -> Leaf:
    """The leaf at ``path`` in record class ``cls``; ``PathError`` says why there is none."""
    steps = steps_of(path)
    tp: Any = cls
    metadata: Mapping[str, Any] = {}
    for step in steps:
        tp, metadata = _member(_optional(tp), step, metadata)
    return _leaf(steps, _optional(tp), metadata)


@cache
def member_type(tp: Any, step: str | int) -> Any:
    """The type of field ``step`` of a group, or of a row of a list (``None`` unwrapped)."""
    return _optional(_member(_optional(tp), step, {})[0])


def _member(tp: Any, step: str | int, metadata: Mapping[str, Any]) -> tuple[Any, Any]:
    if isinstance(step, int):
        if typing.get_origin(tp) is not tuple:
            raise PathError("has a row number where there is no list")
        return typing.get_args(tp)[0], metadata
    if not _is_group(tp):
        raise PathError("goes on past a single value")
    fields = {f.name: f for f in dataclasses.fields(tp) if f.init}
    if step not in fields:
        raise PathError(f"is not a field of {tp.__name__}")
    return _hints(tp)[step], fields[step].metadata


def _leaf(steps: tuple[str | int, ...], tp: Any, metadata: Mapping[str, Any]) -> Leaf:
    many = typing.get_origin(tp) is tuple
    one = typing.get_args(tp)[0] if many else tp
    if one is Any:
        raise PathError("cannot be read from a form")
    if (_is_group(one) and one is not DateRange) or typing.get_origin(one) is not None:
        raise PathError("is a group of fields; name one of them")
    return Leaf(steps, one, many, metadata.get("vocab"), tuple(metadata.get("ref", ())))


def _is_group(tp: Any) -> bool:
    """A dataclass whose fields are named one by one (a date range's ends too, or it whole)."""
    return dataclasses.is_dataclass(tp) and isinstance(tp, type) and tp is not PartialDate


def _optional(tp: Any) -> Any:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return inner
    return tp


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)
