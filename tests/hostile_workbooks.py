"""Workbooks that attack the reader, made by the tests (imported by name: tests/ is on the path).

``workbook_parts`` is a real one-sheet workbook (openpyxl's own), as a dict of its parts;
``pack`` writes parts back into a zip by hand, so that a part can be given as raw deflate (a
whitespace bomb is 1.5 MB packed, 1.5 GB inflated, and is never inflated to be made) or with a
size it does not have."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook  # type: ignore[import-untyped]

SHEET = "xl/worksheets/sheet1.xml"
_OPEN = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_CLOSE = b"</sheetData></worksheet>"


@dataclass(frozen=True)
class Packed:
    """A part already deflated: ``size`` and ``crc`` say what it inflates to (or claim to)."""

    data: bytes
    size: int
    crc: int


def workbook_parts(rows: list[list[object]] | None = None) -> dict[str, bytes | Packed]:
    book = Workbook()
    sheet = book.active
    sheet.title = "List"
    for row in rows or [["id", "name"], [1, "Жук Антон"]]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def with_shared_strings(strings: bytes) -> dict[str, bytes | Packed]:
    """A workbook whose one cell is shared string 0, the strings part being ``strings``."""
    parts = workbook_parts()
    types, rels = parts["[Content_Types].xml"], parts["xl/_rels/workbook.xml.rels"]
    assert isinstance(types, bytes) and isinstance(rels, bytes)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    link = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/>'
    relation = f'<Relationship Id="rIdS" Type="{link}" Target="sharedStrings.xml"/>'
    return parts | {
        "[Content_Types].xml": types.replace(b"</Types>", override.encode() + b"</Types>"),
        "xl/_rels/workbook.xml.rels": rels.replace(
            b"</Relationships>", relation.encode() + b"</Relationships>"
        ),
        "xl/sharedStrings.xml": strings,
        SHEET: sheet_xml(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
    }


def shared_strings(*texts: bytes) -> bytes:
    items = b"".join(b"<si><t>" + text + b"</t></si>" for text in texts)
    return (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" '
        b'uniqueCount="%d">%s</sst>' % (len(texts), len(texts), items)
    )


def sheet_xml(body: bytes) -> bytes:
    return _OPEN + body + _CLOSE


def pack(path: Path, parts: dict[str, bytes | Packed]) -> Path:
    """A zip of ``parts``, deflated (``Packed`` ones as they are), written by hand."""
    local, central = io.BytesIO(), io.BytesIO()
    for name, part in parts.items():
        packed = part if isinstance(part, Packed) else _deflate(part)
        sizes = (packed.crc, len(packed.data), packed.size, len(name.encode()))
        central.write(_CENTRAL.pack(0x02014B50, 20, 20, 0, 8, 0, 0x21, *sizes, 0, 0, 0, 0, 0,
                                    local.tell()) + name.encode())  # fmt: skip
        local.write(_LOCAL.pack(0x04034B50, 20, 0, 8, 0, 0x21, *sizes, 0) + name.encode())
        local.write(packed.data)
    count, where = len(parts), local.tell()
    end = _END.pack(0x06054B50, 0, 0, count, count, central.tell(), where, 0)
    path.write_bytes(local.getvalue() + central.getvalue() + end)
    return path


_LOCAL = struct.Struct("<IHHHHHIIIHH")  # signature, version, flags, method, time, date, sizes…
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")


def _deflate(data: bytes) -> Packed:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Packed(packer.compress(data) + packer.flush(), len(data), zlib.crc32(data))


def whitespace_sheet(megabytes: int = 1500) -> Packed:
    """A sheet whose one cell holds ``megabytes`` MiB of spaces, deflated block by block (each
    MiB of spaces packs to the same kilobyte, so nothing that large is ever in memory)."""
    head, tail = (
        _OPEN + b'<row r="1"><c r="A1" t="inlineStr"><is><t>',
        b"</t></is></c></row>" + _CLOSE,
    )
    block = b" " * (1 << 20)
    packed_block = _full_flush(block)
    crc = zlib.crc32(head)
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = _full_flush(head) + packed_block * megabytes + last.compress(tail) + last.flush()
    return Packed(data, len(head) + megabytes * len(block) + len(tail), crc)


def _full_flush(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_FULL_FLUSH)


def unclosed_cells(count: int = 20_000) -> bytes:
    """A sheet of ``count`` formula cells none of which is ever closed (5 KB packed), after a
    ``dimension`` that lets openpyxl open the workbook without reading further."""
    opened = _OPEN.replace(b"<sheetData>", b'<dimension ref="A1:A%d"/><sheetData>' % count)
    return opened + b'<row r="1">' + b'<c r="A1"><f>' * count


XXE = sheet_xml(
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
    b'<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
).replace(
    b"<worksheet",
    b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><worksheet',
    1,
)

_LAUGHS = b"".join(
    b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1)) * 10 if i else b"lol") for i in range(10)
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE sst [' + _LAUGHS + b"]>" + shared_strings(b"&lol9;")
)
