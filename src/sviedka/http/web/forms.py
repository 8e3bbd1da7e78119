"""The one-form case pages' fields: which rows to show, and the text a form sent.

Field names are the keys of the problems ``services.records.cases`` reports (``arrest.date``,
``charges.1.article``), so each message is shown next to its field; the service's declarations
say which model path each one fills. Repeated rows (charges, victims, perpetrators) are numbered
from 0; a form shows at least ``ROWS`` of each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["ROWS", "row_count", "values_of"]

ROWS = {"charges": 2, "victims": 2, "perpetrators": 2}
MAX_ROWS = 50
_ROW = re.compile(r"^(charges|victims|perpetrators)\.(\d{1,6})\.")

Values = Mapping[str, str]


def values_of(form: Mapping[str, object]) -> dict[str, str]:
    """Text fields only (files and repeated keys are not part of these forms)."""
    return {k: v for k, v in form.items() if isinstance(v, str)}


def row_count(values: Values, group: str, *, more: bool = False) -> int:
    """How many rows of ``group`` to show: those sent, at least ``ROWS``, one more if asked."""
    numbers = [int(m.group(2)) for k in values if (m := _ROW.match(k)) and m.group(1) == group]
    sent = max(numbers, default=-1) + 1
    return min(max(sent, ROWS[group]) + (1 if more else 0), MAX_ROWS)
