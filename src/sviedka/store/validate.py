"""The checks a writer makes before it stores a record, beyond what the types already ensure:
the record's own rules, declared custom fields, vocabulary codes and references to other records."""

from __future__ import annotations

from collections.abc import Mapping

from ..model import Record
from ..model.codec import Reference, references
from ..model.custom import CustomField, check_custom, custom_references
from .base import View

__all__ = ["problems"]


def problems(record: Record, declared: Mapping[str, CustomField], view: View) -> dict[str, str]:
    """Every problem, keyed by field path; empty if the record may be stored."""
    errors: dict[str, str] = {}
    own = getattr(record, "problems", None)
    if own is not None:
        errors.update(own())
    errors.update(check_custom(record.custom, declared))
    refs = list(references(record)) + list(custom_references(record.custom, declared))
    errors.update(_vocab_problems([r for r in refs if r.kind == "vocab"], view))
    errors.update(_ref_problems([r for r in refs if r.kind == "ref"], view))
    return errors


def _vocab_problems(refs: list[Reference], view: View) -> dict[str, str]:
    errors = {}
    for ref in refs:
        vocab = ref.targets[0]
        if ref.value not in view.known_codes(vocab):
            errors[ref.path] = (
                f"unknown code {ref.value!r} in vocabulary {vocab} "
                f"(`sviedka vocab show {vocab}` lists the codes)"
            )
    return errors


def _ref_problems(refs: list[Reference], view: View) -> dict[str, str]:
    kinds = view.kinds_of(r.value for r in refs)
    errors = {}
    for ref in refs:
        found = kinds.get(ref.value)
        wanted = " or ".join(ref.targets)
        if found is None:
            errors[ref.path] = f"no {wanted} with id {ref.value}"
        elif found not in ref.targets:
            errors[ref.path] = f"{ref.value} is a {found}, not a {wanted}"
    return errors
