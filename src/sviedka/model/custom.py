"""Custom fields an archive declares in its ``sviedka.toml`` (validated, stored as JSON).

::

    [custom_fields.person.party]
    type = "text"            # text | integer | number | boolean | date | url | vocab
    label = "Political party"
    required = false
    multiple = false         # a list of values
    vocab = "parties"        # only with type = "vocab"
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .codec import Reference
from .dates import PartialDate

__all__ = ["FIELD_TYPES", "CustomField", "check_custom", "custom_references", "parse_declarations"]

FIELD_TYPES = ("text", "integer", "number", "boolean", "date", "url", "vocab")


@dataclass(frozen=True)
class CustomField:
    name: str
    type: str = "text"
    label: str | None = None
    required: bool = False
    multiple: bool = False
    vocab: str | None = None


def parse_declarations(raw: Mapping[str, Any]) -> dict[str, dict[str, CustomField]]:
    """``{kind: {name: CustomField}}`` from the ``custom_fields`` table; ``ValueError`` if wrong."""
    out: dict[str, dict[str, CustomField]] = {}
    for kind, fields in raw.items():
        out[kind] = {name: _declaration(kind, name, spec) for name, spec in fields.items()}
    return out


def _declaration(kind: str, name: str, spec: Any) -> CustomField:
    where = f"custom_fields.{kind}.{name}"
    if not isinstance(spec, Mapping):
        raise ValueError(f"{where} must be a table")
    unknown = set(spec) - {"type", "label", "required", "multiple", "vocab"}
    if unknown:
        raise ValueError(f"{where} has unknown keys: {', '.join(sorted(unknown))}")
    declared = CustomField(name=name, **spec)
    if declared.type not in FIELD_TYPES:
        raise ValueError(f"{where}.type must be one of {', '.join(FIELD_TYPES)}")
    if (declared.type == "vocab") != (declared.vocab is not None):
        raise ValueError(f"{where}: 'vocab' is given exactly when type = \"vocab\"")
    return declared


def check_custom(values: Mapping[str, Any], declared: Mapping[str, CustomField]) -> dict[str, str]:
    """Problems with a record's custom values, keyed ``custom.NAME``."""
    errors = {f"custom.{k}": "is not a declared custom field" for k in values if k not in declared}
    for name, spec in declared.items():
        if name not in values:
            if spec.required:
                errors[f"custom.{name}"] = "is required"
            continue
        problem = _check_value(spec, values[name])
        if problem:
            errors[f"custom.{name}"] = problem
    return errors


def _check_value(spec: CustomField, value: Any) -> str | None:
    if spec.multiple:
        if not isinstance(value, list):
            return "must be a list"
        return next((p for p in (_check_one(spec.type, v) for v in value) if p), None)
    return _check_one(spec.type, value)


def _check_one(type_: str, value: Any) -> str | None:
    if type_ in ("text", "vocab", "url", "date") and not (isinstance(value, str) and value):
        return "must be non-empty text"
    if type_ == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
        return "must be a whole number"
    if type_ == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        return "must be a number"
    if type_ == "boolean" and not isinstance(value, bool):
        return "must be true or false"
    if type_ == "url" and not value.startswith(("https://", "http://")):
        return "must be an http(s) URL"
    if type_ == "date":
        try:
            PartialDate.parse(value)
        except ValueError as exc:
            return str(exc)
    return None


def custom_references(
    values: Mapping[str, Any], declared: Mapping[str, CustomField]
) -> Iterator[Reference]:
    for name, spec in declared.items():
        if spec.vocab is None or name not in values:
            continue
        items = values[name] if isinstance(values[name], list) else [values[name]]
        for i, item in enumerate(items):
            path = f"custom.{name}[{i}]" if spec.multiple else f"custom.{name}"
            yield Reference(path, "vocab", (spec.vocab,), item)
