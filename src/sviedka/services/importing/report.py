"""What every importer takes (``ImportOptions``) and gives back (``ImportReport``).

One shape for every format (Viasna's list, other NGOs' sheets, sanctions lists, RuPEP), so that the
CLI, the API and the web show imports the same way: rows read, added, updated, unchanged and
rejected, and for each row what happened and why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...policy import Principal

__all__ = ["Action", "ImportOptions", "ImportReport", "Progress", "RowOutcome"]

Progress = Callable[[int, int | None], None]  # (units done, units in all if known)


class Action(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass(frozen=True, kw_only=True)
class ImportOptions:
    actor: str
    dry_run: bool = False
    keep_going: bool = False  # import the valid rows and report the rest, instead of rolling back
    mapping: Path | None = None  # YAML column mapping for sheets not in a known shape
    sheet: str | None = None  # XLSX: which sheet
    progress: Progress | None = None
    list_name: str | None = None  # the list the rows come from (names its Source record)
    # Whose reading rights bound the report: duplicate warnings consider only the records this
    # user may read. None: the archive's custodian (the CLI), who reads everything.
    reader: Principal | None = None


@dataclass(frozen=True, kw_only=True)
class RowOutcome:
    row: int  # 1-based line or row number in the file, the header being row 1
    action: Action
    key: str | None = None  # the list's own id or url of the row, when it has one
    records: tuple[str, ...] = ()  # ids of the records added or changed
    changes: tuple[str, ...] = ()  # what changed, by field path
    reasons: tuple[str, ...] = ()  # why rejected, or warnings (e.g. a likely duplicate)


@dataclass(kw_only=True)
class ImportReport:
    file: str  # the file's name (never its contents)
    sha256: str
    format: str
    dry_run: bool
    rows_read: int = 0
    outcomes: list[RowOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the file as a whole
    rolled_back: bool = False  # rows were rejected, so nothing was written (no --keep-going)

    def count(self, action: Action) -> int:
        return sum(1 for o in self.outcomes if o.action is action)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "format": self.format,
            "dry_run": self.dry_run,
            "rows_read": self.rows_read,
            "rolled_back": self.rolled_back,
            **{a.value: self.count(a) for a in Action},
            "warnings": list(self.warnings),
            "rows": [
                {
                    "row": o.row,
                    "action": o.action.value,
                    "key": o.key,
                    "records": list(o.records),
                    "changes": list(o.changes),
                    "reasons": list(o.reasons),
                }
                for o in self.outcomes
            ],
        }
