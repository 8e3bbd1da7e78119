"""``sviedka verify``: everything the archive stores, checked against its own hashes and log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ...store import Problem
from ...store.ledger.log import tree_size
from ...store.ledger.verify import check_log
from ...store.snapshot import LedgerConnection, Snapshot
from .folder import Archive

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
    archive.store.sequence(if_waiting=True)  # queued audit events first: the whole log is checked
    with archive.store.unscoped_snapshot() as snapshot:
        conn = snapshot.ledger_connection()  # ledger persistence: moving to store/ (issue 12)
        report.problems.extend(snapshot.integrity_problems())
        report.problems.extend(check_log(conn, [archive.config.verifier_key]))
        report.counts = _counts(snapshot, conn)
        stored_key = snapshot.meta("verifier_key")
    if stored_key != archive.config.verifier_key:
        report.problems.append(
            Problem("sviedka.toml", "its log verifier key differs from the database's")
        )
    for check in extra or []:
        check(archive, report)
    return report


def _counts(snapshot: Snapshot, conn: LedgerConnection) -> dict[str, int]:
    count = snapshot.counts()
    return {
        "records": count.records,
        "revisions": count.revisions,
        "custody events": count.custody_events,
        "log entries": tree_size(conn),
        "checkpoints": count.checkpoints,
    }
