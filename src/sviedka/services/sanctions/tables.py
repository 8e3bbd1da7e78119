"""A screening as plain data: JSON for scripts, one flat row per person and match for CSV and
tables (the gap list is the rows of group ``not_sanctioned``)."""

from __future__ import annotations

import dataclasses
from typing import Any

from .screen import Screened, Screening

__all__ = ["COLUMNS", "screening_data", "screening_rows"]

COLUMNS = (
    "group",
    "person",
    "name",
    "roles",
    "positions",
    "cases",
    "acts",
    "detentions",
    "status",
    "list",
    "version",
    "ref",
    "authority",
    "programmes",
    "listed",
    "listed_as",
    "confidence",
    "why",
)
GROUPS = ("sanctioned", "possible", "not_sanctioned")


def screening_data(result: Screening) -> dict[str, Any]:
    return {
        "threshold": result.threshold,
        "lists": [dataclasses.asdict(v) for v in result.lists],
        **{g: [dataclasses.asdict(s) for s in getattr(result, g)] for g in GROUPS},
    }


def screening_rows(result: Screening) -> list[dict[str, str]]:
    rows = []
    for group in GROUPS:
        for screened in getattr(result, group):
            rows += _rows(group, screened)
    return rows


def _rows(group: str, s: Screened) -> list[dict[str, str]]:
    person = {
        "group": group,
        "person": s.person,
        "name": s.name,
        "roles": ", ".join(s.roles),
        "positions": "; ".join(s.positions),
        "cases": ", ".join(s.cases),
        "acts": str(s.acts),
        "detentions": str(s.detentions),
    }
    if not s.hits:
        return [person | dict.fromkeys(COLUMNS[8:], "")]
    return [
        person
        | {
            "status": h.status,
            "list": h.list,
            "version": h.version,
            "ref": h.ref,
            "authority": h.authority,
            "programmes": ", ".join(h.programmes),
            "listed": h.listed or "",
            "listed_as": h.listed_as,
            "confidence": f"{h.confidence:.2f}",
            "why": "; ".join(h.why),
        }
        for h in s.hits
    ]
