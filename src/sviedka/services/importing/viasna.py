"""The ``--format`` entry points for lists of political prisoners: Viasna's export as CSV
(``viasna-csv``), any CSV (``csv``) or XLSX workbook (``xlsx``) with Viasna's columns or a
``--mapping`` file. All three read the same columns and make the same records (docs/import.md)."""

from __future__ import annotations

from pathlib import Path

from ..archive.folder import Archive
from .report import ImportOptions, ImportReport
from .session import ListInfo, import_sheet

__all__ = ["VIASNA", "import_csv", "import_viasna_csv", "import_xlsx"]

VIASNA = ListInfo(
    "Viasna: political prisoners in Belarus", "https://prisoners.spring96.org"
)  # the list a sheet with Viasna's columns comes from, unless --list or --mapping says otherwise


def import_viasna_csv(archive: Archive, path: Path, options: ImportOptions) -> ImportReport:
    """Viasna's CSV export (its columns, in English, Belarusian or Russian)."""
    return import_sheet(
        archive, path, kind="csv", fmt="viasna-csv", default=VIASNA, options=options
    )


def import_csv(archive: Archive, path: Path, options: ImportOptions) -> ImportReport:
    """Any CSV: Viasna's columns, or the columns a ``--mapping`` file names."""
    return import_sheet(archive, path, kind="csv", fmt="csv", default=VIASNA, options=options)


def import_xlsx(archive: Archive, path: Path, options: ImportOptions) -> ImportReport:
    """An XLSX workbook (``--sheet`` picks the sheet), with Viasna's columns or a mapping."""
    return import_sheet(archive, path, kind="xlsx", fmt="xlsx", default=VIASNA, options=options)
