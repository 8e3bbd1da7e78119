"""Importing lists into an archive: every format reports with one ``ImportReport``.

``FORMATS`` names, for each ``--format``, the function that imports it, as ``module:function``,
loaded only when used. Each such function has the signature of ``Importer``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from ...errors import Invalid
from .report import Action, ImportOptions, ImportReport, Progress, RowOutcome

if TYPE_CHECKING:
    from ..archive import Archive

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


FORMATS: dict[str, str] = {
    "viasna-csv": "sviedka.services.importing.viasna:import_viasna_csv",
    "xlsx": "sviedka.services.importing.viasna:import_xlsx",
    "csv": "sviedka.services.importing.viasna:import_csv",
    "ofac-sdn": "sviedka.services.sanctions.ofac:import_ofac_sdn",
    "ftm": "sviedka.services.sanctions.ftm:import_ftm",
    "rupep": "sviedka.services.sanctions.rupep:import_rupep",
}


def run_import(archive: Archive, path: Path, fmt: str, options: ImportOptions) -> ImportReport:
    """Import ``path`` in format ``fmt``; see each importer for what it reads."""
    if fmt not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise Invalid(f"Unknown import format {fmt!r}. Formats: {known}.", {"format": "unknown"})
    module, _, name = FORMATS[fmt].partition(":")
    importer = cast(Importer, getattr(importlib.import_module(module), name))
    return importer(archive, path, options)
