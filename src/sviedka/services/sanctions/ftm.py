"""FollowTheMoney entity files (OpenSanctions, Aleph): JSON lines, one entity per line.

Read with ``followthemoney`` (a dependency), so that every entity is checked against
the FtM schema. People, organisations (Organization, Company, PublicBody, LegalEntity), vessels and
aircraft become list entries; a ``Sanction`` gives its ``entity`` the authority, programme and
listing date; nested entities (OpenSanctions' ``targets.nested.json``) are read as if flat. Other
schemata (addresses, ownerships…) are read and left out.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.exc import FollowTheMoneyException
from followthemoney.proxy import EntityProxy

from ...errors import Invalid
from ...model.dates import PartialDate
from ..archive.folder import Archive
from ..importing import Action, ImportOptions, ImportReport, RowOutcome
from .entries import BirthSpan, ListedName, ListEntry
from .lists import ListFile, ParsedRow, read_list_file, store_list

__all__ = ["import_ftm", "read_ftm"]

_NAMES = (("name", "primary"), ("alias", "alias"), ("previousName", "former"))
_WEAK = (("weakAlias", "weak"),)
_NESTING = 16  # OpenSanctions nests two or three levels; deeper is a broken or hostile file


@dataclass
class _Sanctions:
    authorities: list[str] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)


def import_ftm(archive: Archive, path: Path, options: ImportOptions) -> ImportReport:
    """Load an FtM entity file as the newest version of the list it holds: the dataset its
    entities name (OpenSanctions' ``datasets``), the file's stem, or ``--list``."""
    data, sha256, modified = read_list_file(path)
    read = read_ftm(data, path.name, sha256, modified)
    if options.list_name:
        read = dataclasses.replace(read, list=options.list_name)
    return store_list(archive, read, options)


def read_ftm(data: bytes, name: str, sha256: str, modified: str) -> ListFile:
    proxies: list[tuple[int, EntityProxy]] = []
    rejected: list[RowOutcome] = []
    meta: list[dict[str, Any]] = []
    rows = 0
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        rows += 1
        try:
            for raw in _flat(_json(line)):
                proxies.append((number, model.get_proxy(raw, cleaned=False)))
                meta.append(raw)
        except (ValueError, TypeError, KeyError, FollowTheMoneyException) as exc:
            rejected.append(RowOutcome(row=number, action=Action.REJECTED, reasons=(_why(exc),)))
    if not rows:
        raise Invalid("The file holds no FollowTheMoney entities.", {"file": "is empty"})
    return _list_file(proxies, rejected, meta, name, sha256, modified, rows)


def _json(line: bytes) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise ValueError("is not a JSON object") from None
    return _entity(data)


def _entity(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or not data.get("id") or not data.get("schema"):
        raise ValueError("is not an entity: it needs an id and a schema")
    if not isinstance(data.get("properties") or {}, dict):
        raise ValueError("has properties that are not an object")
    return data


def _why(exc: Exception) -> str:
    text = str(exc)
    return text if text.startswith(("is not", "has ")) else "is not a valid FtM entity"


def _flat(data: dict[str, Any], depth: int = 0) -> Iterator[dict[str, Any]]:
    """The entity and, for each nested entity in its properties, that entity too (by id)."""
    if depth > _NESTING:
        raise ValueError(f"has entities nested more than {_NESTING} deep")
    properties: dict[str, list[Any]] = {}
    for prop, values in (data.get("properties") or {}).items():
        if not isinstance(values, list):
            raise ValueError(f"has a property that is not a list ({prop})")
        kept: list[Any] = []
        for value in values:
            if isinstance(value, dict):
                inner = _entity(value)
                yield from _flat(inner, depth + 1)
                kept.append(inner["id"])
            else:
                kept.append(value)
        properties[prop] = kept
    yield {**data, "properties": properties}


def _list_file(
    proxies: list[tuple[int, EntityProxy]],
    rejected: list[RowOutcome],
    meta: list[dict[str, Any]],
    name: str,
    sha256: str,
    modified: str,
    rows: int,
) -> ListFile:
    sanctions = _sanctions_by_entity(p for _, p in proxies)
    datasets = Counter(d for m in meta for d in (m.get("datasets") or [])[:1])
    list_name = datasets.most_common(1)[0][0] if len(datasets) == 1 else Path(name).stem
    authorities = {a for s in sanctions.values() for a in s.authorities}
    authority = authorities.pop() if len(authorities) == 1 else list_name
    parsed = [
        ParsedRow(number, _entry(p, sanctions.get(str(p.id)), authority))
        for number, p in proxies
        if _schema(p) is not None
    ]
    seen = [m.get("last_change") or m.get("last_seen") for m in meta]
    dated = sorted(str(d)[:10] for d in seen if d)
    return ListFile(
        list_name,
        authority,
        "ftm",
        name,
        sha256,
        dated[-1] if dated else modified,
        rows,
        _unique(parsed),
        rejected,
    )


def _unique(parsed: list[ParsedRow]) -> list[ParsedRow]:
    """One entry per entity id: a later line of the same entity replaces an earlier one."""
    return list({p.entry.ref: p for p in parsed}.values())


def _sanctions_by_entity(proxies: Iterator[EntityProxy]) -> dict[str, _Sanctions]:
    found: dict[str, _Sanctions] = {}
    for proxy in proxies:
        if proxy.schema.name != "Sanction":
            continue
        for target in proxy.get("entity"):
            s = found.setdefault(target, _Sanctions())
            s.authorities += proxy.get("authority")
            s.programmes += proxy.get("program") or proxy.get("programId")
            s.dates += proxy.get("listingDate") or proxy.get("startDate")
    return found


def _schema(proxy: EntityProxy) -> str | None:
    schema = proxy.schema
    for ftm, ours in (("Person", "person"), ("Vessel", "vessel"), ("Airplane", "aircraft")):
        if schema.is_a(ftm):
            return ours
    return "organisation" if schema.is_a("LegalEntity") else None


def _entry(proxy: EntityProxy, sanctions: _Sanctions | None, authority: str) -> ListEntry:
    s = sanctions or _Sanctions()
    return ListEntry(
        ref=str(proxy.id),
        schema=_schema(proxy) or "organisation",
        names=_names(proxy),
        authority=s.authorities[0] if s.authorities else authority,
        programmes=tuple(dict.fromkeys(s.programmes)),
        birth_dates=tuple(b for b in map(_span, proxy.get("birthDate", quiet=True)) if b),
        nationalities=tuple(
            dict.fromkeys(
                proxy.get("nationality", quiet=True) + proxy.get("citizenship", quiet=True)
            )
        ),
        listed=min(s.dates) if s.dates else None,
        gender=proxy.first("gender", quiet=True),
        title=proxy.first("position", quiet=True),
    )


def _names(proxy: EntityProxy) -> tuple[ListedName, ...]:
    names = [ListedName(n, k) for prop, k in _NAMES + _WEAK for n in proxy.get(prop, quiet=True)]
    if not names:
        parts = ("firstName", "fatherName", "lastName")
        joined = " ".join(v for p in parts for v in proxy.get(p, quiet=True)[:1])
        names = [ListedName(joined or str(proxy.id))]
    return tuple(dict.fromkeys(names))


def _span(text: str) -> BirthSpan | None:
    try:
        day = PartialDate.parse(text[:10])
    except ValueError:
        return None
    return BirthSpan(text, day.earliest(), day.latest())
