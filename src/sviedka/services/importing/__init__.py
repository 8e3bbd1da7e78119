"""Importing lists into an archive: every format reports with one ``ImportReport``.

``FORMATS`` names, for each ``--format``, the function that imports it, as ``module:function``,
loaded only when used. Each such function has the signature of ``Importer``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ...errors import Invalid
from .report import Action, ImportOptions, ImportReport, Progress, RowOutcome

if TYPE_CHECKING:
    from ..archive.folder import Archive

__all__ = [
    "FORMATS",
    "Action",
    "ImportOptions",
    "ImportReport",
    "Importer",
    "Progress",
    "RowOutcome",
    "run_import",
]


class Importer(Protocol):
    def __call__(self, archive: Archive, path: Path, options: ImportOptions) -> ImportReport: ...


def _viasna_csv(archive: Archive, path: Path, options: ImportOptions) -> ImportReport:
    from .viasna import import_viasna_csv

    return import_viasna_csv(archive, path, options)


def _xlsx(archive: Archive, path: Path, options: ImportOptions) -> ImportReport:
    from .viasna import import_xlsx

    return import_xlsx(archive, path, options)


def _csv(archive: Archive, path: Path, options: ImportOptions) -> ImportReport:
    from .viasna import import_csv

    return import_csv(archive, path, options)


def _ofac_sdn(archive: Archive, path: Path, options: ImportOptions) -> ImportReport:
    from ..sanctions.ofac import import_ofac_sdn

    return import_ofac_sdn(archive, path, options)


def _ftm(archive: Archive, path: Path, options: ImportOptions) -> ImportReport:
    from ..sanctions.ftm import import_ftm  # followthemoney takes seconds to load

    return import_ftm(archive, path, options)


def _rupep(archive: Archive, path: Path, options: ImportOptions) -> ImportReport:
    from ..sanctions.rupep import import_rupep

    return import_rupep(archive, path, options)


# Each importer is loaded when its format is asked for (the sanctions ones load large libraries).
FORMATS: dict[str, Importer] = {
    "viasna-csv": _viasna_csv,
    "xlsx": _xlsx,
    "csv": _csv,
    "ofac-sdn": _ofac_sdn,
    "ftm": _ftm,
    "rupep": _rupep,
}


def run_import(archive: Archive, path: Path, fmt: str, options: ImportOptions) -> ImportReport:
    """Import ``path`` in format ``fmt``; see each importer for what it reads."""
    if fmt not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise Invalid(f"Unknown import format {fmt!r}. Formats: {known}.", {"format": "unknown"})
    return FORMATS[fmt](archive, path, options)
