"""XLSX workbooks, read as a stream in a worker process (``xlsx_worker``) that cannot starve the
server: limited in processor time and memory, at a lower priority, waited for at most
``XlsxLimits.stall_seconds`` per row. Before openpyxl reads anything the worker checks the zip
and each part's XML (``xlsx_checks``: sizes, compression ratio, no DTD) and scans the sheet once,
linearly, for merged ranges (their top-left value is used for every cell of the range, with a
warning) and formula cells saved without a value (reported, never guessed); formulas give the
value saved with the file (openpyxl's ``data_only``).

A workbook refused or that the worker could not finish is ``Invalid`` with a message that says
why and never quotes the file.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

from ...errors import Invalid
from .xlsx_checks import LIMITS, XlsxLimits

__all__ = ["LIMITS", "OpenWorkbook", "XlsxLimits", "decode", "open_workbook"]

_WORKER = "sviedka.services.importing.xlsx_worker"
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[3])  # the folder that holds ``sviedka``
_LINE_BYTES = 64 << 20  # one row's message, at most (rows hold at most 1 MiB of text)


@dataclass
class OpenWorkbook:
    rows: Iterator[Any]  # of readers.SheetRow
    total: int | None
    warnings: list[str]
    done: Any  # () -> rows read


@contextmanager
def open_workbook(
    path: Path, sheet: str | None, limits: XlsxLimits = LIMITS
) -> Iterator[OpenWorkbook]:
    """The sheet (the first, or the one named), its rows streamed from the worker."""
    with _Worker(path, sheet, limits) as worker:
        head = worker.expect("head")
        counter = [0]
        rows = worker.rows(counter)
        yield OpenWorkbook(
            rows, head.get("total"), list(head.get("warnings", [])), lambda: counter[0]
        )


class _Worker:
    def __init__(self, path: Path, sheet: str | None, limits: XlsxLimits) -> None:
        self.limits = limits
        self.process = subprocess.Popen(
            [sys.executable, "-m", _WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_environment(),
        )
        request = {"path": str(path.resolve()), "sheet": sheet, "limits": asdict(limits)}
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            self.process.stdin.close()
        except BrokenPipeError:
            pass  # it died at once: reading says why
        self.lines = _Lines(self.process.stdout, limits.stall_seconds)

    def __enter__(self) -> _Worker:
        return self

    def __exit__(self, *_: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        assert self.process.stdout is not None
        self.process.stdout.close()

    def expect(self, kind: str) -> dict[str, Any]:
        message = self.next()
        if kind not in message:
            raise Invalid(
                "The file is not an XLSX workbook that can be read.", {"file": "not XLSX"}
            )
        return dict(message[kind])

    def next(self) -> dict[str, Any]:
        try:
            message = json.loads(self.lines.next())
        except _Stalled:
            raise self._beyond_limits() from None
        except (_Ended, ValueError):
            self.process.wait()
            raise self._beyond_limits() from None
        if "error" in message:
            if message["problem"] == "beyond limits":
                raise self._beyond_limits()
            raise Invalid(str(message["error"]), {str(message["field"]): str(message["problem"])})
        return dict(message)

    def rows(self, counter: list[int]) -> Iterator[Any]:
        from .readers import SheetRow  # late: readers imports this module

        while "end" not in (message := self.next()):
            number, cells, warnings, unreadable = message["row"]
            counter[0] = number
            yield SheetRow(
                number, [decode(c) for c in cells], tuple(warnings), frozenset(unreadable)
            )

    def _beyond_limits(self) -> Invalid:
        limits = self.limits
        return Invalid(
            "The workbook could not be read within the limits (each row within "
            f"{limits.stall_seconds} s, {limits.cpu_seconds} s of processor time and "
            f"{limits.memory_bytes >> 20} MB of memory in all). Nothing was imported; split it, "
            "or save it as CSV.",
            {"file": "beyond limits"},
        )


def _environment() -> dict[str, str]:
    """The worker's: none of the server's settings or secrets, this very ``sviedka`` first on
    its path, and no bytecode written (it may write no file)."""
    paths = [_PACKAGE_ROOT, *os.environ.get("PYTHONPATH", "").split(os.pathsep)]
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join(p for p in paths if p),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
    }


class _Stalled(Exception):
    pass


class _Ended(Exception):
    pass


class _Lines:
    """Lines from the worker's output, waiting at most ``stall`` seconds for each."""

    def __init__(self, stream: IO[bytes], stall: float) -> None:
        self.fd = stream.fileno()
        self.stall = stall
        self.ready: deque[bytes] = deque()
        self.partial: list[bytes] = []
        self.partial_size = 0

    def next(self) -> bytes:
        while not self.ready:
            self._read()
        return self.ready.popleft()

    def _read(self) -> None:
        if not select.select([self.fd], [], [], self.stall)[0]:
            raise _Stalled
        chunk = os.read(self.fd, 1 << 20)
        if not chunk:
            raise _Ended
        *complete, rest = chunk.split(b"\n")
        if complete:
            self.ready.append(b"".join([*self.partial, complete[0]]))
            self.ready.extend(complete[1:])
            self.partial, self.partial_size = [], 0
        self.partial.append(rest)
        self.partial_size += len(rest)
        if self.partial_size > _LINE_BYTES:
            raise _Ended


def decode(value: Any) -> Any:
    """A cell's value from the worker's JSON (``xlsx_worker.encode``)."""
    if not isinstance(value, dict):
        return value
    kind, text = value.get("$"), str(value.get("v"))
    if kind == "timedelta":
        return timedelta(seconds=float(text))
    if kind == "datetime":
        return datetime.fromisoformat(text)
    if kind == "date":
        return date.fromisoformat(text)
    return time.fromisoformat(text) if kind == "time" else None
