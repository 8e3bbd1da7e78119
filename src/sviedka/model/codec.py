"""Records to JSON-ready data and back, driven by the dataclasses' type hints.

``dump`` omits empty values (``None``, empty tuples and mappings) so that adding an optional
field later leaves the canonical JSON, and so the hash, of existing records unchanged.
``load`` is strict: unknown fields, missing required fields and wrong types are all collected,
each under its path (``arrest.date``, ``charges[1].article``), and raised together as ``Invalid``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterator, Mapping
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from ..errors import Invalid
from .dates import DateRange, PartialDate

__all__ = ["Reference", "check_text", "dump", "load", "references"]

T = TypeVar("T")
_MISSING = object()


def dump(value: Any) -> Any:
    """``value`` as plain JSON data: dicts, lists, strings, numbers, booleans."""
    if isinstance(value, PartialDate | DateRange):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            item = dump(getattr(value, f.name))
            if item is not None and item != [] and item != {}:
                out[f.name] = item
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [dump(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): dump(v) for k, v in value.items()}
    return value


def load(cls: type[T], data: Any, path: str = "") -> T:
    """Build ``cls`` from JSON data, or raise ``Invalid`` listing every problem by path."""
    errors: dict[str, str] = {}
    result = _convert(cls, data, path, errors)
    if errors:
        raise Invalid("The record is not valid.", errors)
    return typing.cast(T, result)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _convert(tp: Any, value: Any, path: str, errors: dict[str, str]) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        if value is None:
            return None
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return _convert(inner, value, path, errors)
    if origin is tuple:
        return _convert_tuple(typing.get_args(tp)[0], value, path, errors)
    if origin is not None and issubclass(origin, Mapping):
        return _convert_mapping(value, path, errors)
    if tp is Any:
        return value
    if dataclasses.is_dataclass(tp) and tp not in (PartialDate, DateRange):
        return _convert_dataclass(typing.cast(type, tp), value, path, errors)
    return _convert_scalar(tp, value, path, errors)


def _convert_tuple(inner: Any, value: Any, path: str, errors: dict[str, str]) -> Any:
    if not isinstance(value, list):
        errors[path] = "must be a list"
        return _MISSING
    return tuple(_convert(inner, v, f"{path}[{i}]", errors) for i, v in enumerate(value))


def _convert_mapping(value: Any, path: str, errors: dict[str, str]) -> Any:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        errors[path] = "must be an object with text keys"
        return _MISSING
    try:
        _check_json_text(value)
    except ValueError as exc:
        errors[path] = str(exc)
        return _MISSING
    return dict(value)


def _check_json_text(value: Any) -> None:
    if isinstance(value, str):
        check_text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key)
            _check_json_text(item)
    elif isinstance(value, list):
        for item in value:
            _check_json_text(item)


def _convert_dataclass(cls: type, value: Any, path: str, errors: dict[str, str]) -> Any:
    if not isinstance(value, dict):
        errors[path or "(record)"] = "must be an object"
        return _MISSING
    prefix = f"{path}." if path else ""
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    for unknown in sorted(set(value) - set(fields)):
        errors[prefix + unknown] = f"is not a field of {cls.__name__}"
    kwargs: dict[str, Any] = {}
    hints = _hints(cls)
    for name, f in fields.items():
        if name in value and value[name] is not None:
            kwargs[name] = _convert(hints[name], value[name], prefix + name, errors)
        elif _required(f):
            errors[prefix + name] = "is required"
    if any(v is _MISSING for v in kwargs.values()) or any(k.startswith(prefix) for k in errors):
        return _MISSING
    try:
        return cls(**kwargs)
    except (ValueError, TypeError) as exc:
        errors[path or "(record)"] = str(exc)
        return _MISSING


def _required(f: dataclasses.Field[Any]) -> bool:
    no_default = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    return no_default


def _convert_scalar(tp: Any, value: Any, path: str, errors: dict[str, str]) -> Any:
    try:
        return _scalar(tp, value)
    except ValueError as exc:
        errors[path] = str(exc)
        return _MISSING


def check_text(value: str) -> str:
    """Text must be valid Unicode without NUL: a lone surrogate cannot be hashed as UTF-8, and
    PostgreSQL cannot store NUL in JSON."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("is not valid Unicode text (a lone surrogate)") from None
    return value


def _scalar(tp: Any, value: Any) -> Any:
    if isinstance(tp, type) and issubclass(tp, Enum):
        allowed = [m.value for m in tp]
        if value not in allowed:  # the value is not repeated: it may be personal data
            raise ValueError(f"must be one of: {', '.join(map(str, allowed))}")
        return tp(value)
    if tp in (PartialDate, DateRange):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return tp.parse(value)
    if tp is bool:
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("must be a whole number")
        return value
    if tp is str:
        if not isinstance(value, str) or not value.strip():
            raise ValueError("must be non-empty text")
        return check_text(value)
    raise TypeError(f"no conversion for {tp!r}")  # a programming error, not bad input


@dataclasses.dataclass(frozen=True)
class Reference:
    """A value inside a record that points outside it: a vocabulary code or another record."""

    path: str
    kind: str  # "vocab" or "ref"
    targets: tuple[str, ...]  # the vocabulary name, or the record kinds allowed
    value: str


def references(obj: Any, path: str = "") -> Iterator[Reference]:
    """Every vocabulary code and record id inside ``obj``, with its path."""
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type | PartialDate | DateRange):
        return
    prefix = f"{path}." if path else ""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if value is None:
            continue
        yield from _field_references(f, value, prefix + f.name)


def _field_references(f: dataclasses.Field[Any], value: Any, path: str) -> Iterator[Reference]:
    items = list(enumerate(value)) if isinstance(value, tuple) else [(None, value)]
    for i, item in items:
        item_path = path if i is None else f"{path}[{i}]"
        if "vocab" in f.metadata:
            yield Reference(item_path, "vocab", (f.metadata["vocab"],), item)
        elif "ref" in f.metadata:
            yield Reference(item_path, "ref", tuple(f.metadata["ref"]), item)
        else:
            yield from references(item, item_path)
