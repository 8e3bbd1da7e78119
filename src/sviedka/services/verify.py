"""``sviedka verify``: everything the archive stores, checked against its own hashes and log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..store import Problem
from ..store import schema as t
from ..store.integrity import check_records
from ..store.ledger.log import tree_size
from ..store.ledger.verify import check_log
from .archive import Archive

__all__ = ["Report", "verify_archive"]


@dataclass
class Report:
    """What was checked, and every problem found (empty when all is well)."""

    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    witnesses: list[tuple[str, int, str]] = field(default_factory=list)  # (who, size, when)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_archive(
    archive: Archive, *, extra: list[Callable[[Archive, Report], None]] | None = None
) -> Report:
    """Re-check records, revisions, the log and its checkpoints; ``extra`` checks (the vault's
    fixity, a saved checkpoint) add their problems to the same report."""
    report = Report()
    with archive.store.snapshot() as conn:
        report.problems.extend(check_records(conn))
        report.problems.extend(check_log(conn, [archive.config.verifier_key]))
        report.counts = _counts(conn)
        stored_key = conn.scalar(sa.select(t.meta.c.value).where(t.meta.c.key == "verifier_key"))
    if stored_key != archive.config.verifier_key:
        report.problems.append(
            Problem("sviedka.toml", "its log verifier key differs from the database's")
        )
    for check in extra or []:
        check(archive, report)
    return report


def _counts(conn: sa.Connection) -> dict[str, int]:
    def count(table: sa.Table) -> int:
        return int(conn.scalar(sa.select(sa.func.count()).select_from(table)) or 0)

    return {
        "records": count(t.records),
        "revisions": count(t.revisions),
        "custody events": count(t.custody_events),
        "log entries": tree_size(conn),
        "checkpoints": count(t.ledger_checkpoints),
    }
