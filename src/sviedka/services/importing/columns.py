"""Which column holds which field: Viasna's export headers in English, Belarusian or Russian, or
a YAML mapping file for any other sheet.

A mapping file names the list and, for each field, the sheet's header::

    list: "Human Rights Centre X: political prisoners"   # required: the Source of the records
    url: "https://example.org/list"                      # optional
    columns:
      name: "Прозвішча, імя"
      arrested: "Дата затрымання"
      articles: "Артыкулы"
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ...errors import Invalid
from .text import normalise

__all__ = ["ALIASES", "FIELDS", "Columns", "ListMapping", "match_header", "read_mapping"]

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "№", "no", "nr", "number", "нумар", "номер", "ід", "ид"),
    "url": ("url", "link", "спасылка", "ссылка", "старонка", "страница"),
    "name": (
        "name", "full name", "імя", "ім'я", "піб", "прозвішча імя", "прозвішча імя імя па бацьку",
        "имя", "фио", "фамилия имя", "фамилия имя отчество",
    ),
    "status": ("status", "статус"),
    "birthday": (
        "birthday", "birth date", "date of birth", "дата нараджэння", "дзень нараджэння",
        "дата рождения", "день рождения",
    ),
    "gender": ("gender", "sex", "пол", "полаў"),
    "arrested": (
        "arrested", "arrest date", "date of arrest", "detained", "затрыманы", "дата затрымання",
        "дата арышту", "задержан", "дата задержания", "дата ареста",
    ),
    "articles": ("articles", "article", "charges", "артыкулы", "артыкул", "статьи", "статья"),
    "verdict_date": ("verdict date", "date of verdict", "дата прысуду", "дата приговора"),
    "decision": ("decision", "sentence", "verdict", "прысуд", "рашэнне", "приговор", "решение"),
    "penalty": (
        "penalty", "additional penalty", "пакаранне", "дадатковае пакаранне", "наказание",
        "дополнительное наказание",
    ),
    "judge": ("judge", "суддзя", "судья"),
    "prosecutor": ("prosecutor", "пракурор", "прокурор"),
    "prison": (
        "prison", "facility", "place of detention", "месца ўтрымання", "месца знаходжання",
        "турма", "месца адбыцця пакарання", "место содержания", "место нахождения", "тюрьма",
    ),
    "declaration": (
        "declaration", "statement", "recognition", "заява", "заява аб прызнанні", "дэкларацыя",
        "заявление", "заявление о признании", "декларация",
    ),
    "release_date": (
        "release date", "released", "date of release", "дата вызвалення", "вызвалены",
        "дата освобождения", "освобожден",
    ),
    "died": ("died", "date of death", "death", "памёр", "дата смерці", "умер", "дата смерти"),
    "note": ("note", "notes", "comment", "заўвага", "заўвагі", "примечание", "примечания"),
}  # fmt: skip
FIELDS = tuple(ALIASES)
_KNOWN = {normalise(alias): name for name, aliases in ALIASES.items() for alias in aliases}
_KNOWN |= {normalise(name.replace("_", " ")): name for name in FIELDS}
_REQUIRED = ("name",)

Columns = dict[str, int]  # field -> index of its column


@dataclass(frozen=True)
class ListMapping:
    """What a mapping file says: the list's name and url, and field -> header."""

    name: str
    url: str | None
    columns: Mapping[str, str]


def _key(header: object) -> str:
    return normalise(str(header or "").replace("\ufeff", "").replace("_", " "))


def match_header(
    header: Sequence[object], mapping: ListMapping | None = None
) -> tuple[Columns, list[str]]:
    """The columns of each field, and the headers that match no field (to warn about).

    ``Invalid`` if a required field has no column, or a mapped header is not in the sheet."""
    keys = [_key(h) for h in header]
    wanted = {_key(h): f for f, h in mapping.columns.items()} if mapping else _KNOWN
    columns: Columns = {}
    ignored = []
    for index, key in enumerate(keys):
        field = wanted.get(key)
        if field is None or field in columns:
            if key:
                ignored.append(str(header[index]).strip())
            continue
        columns[field] = index
    if mapping:
        _check_mapped(mapping, keys)
    missing = [f for f in _REQUIRED if f not in columns]
    if missing:
        raise Invalid(
            _no_match_message(mapping), {"header": "no column for: " + ", ".join(missing)}
        )
    return columns, ignored


def _check_mapped(mapping: ListMapping, keys: list[str]) -> None:
    absent = {f"columns.{f}": "no such column in the sheet" for f, h in mapping.columns.items()}
    absent = {k: v for k, v in absent.items() if _key(mapping.columns[k[8:]]) not in keys}
    if absent:
        raise Invalid("The mapping file names columns the sheet does not have.", absent)


def _no_match_message(mapping: ListMapping | None) -> str:
    if mapping:
        return "The mapping file gives no column for the person's name (columns.name)."
    lines = [f"  {f}: {', '.join(ALIASES[f])}" for f in FIELDS]
    return (
        "The header row has no column this importer knows for the person's name. Expected "
        "columns (any of the names shown; case, spaces and a BOM do not matter), or give "
        "--mapping FILE for another sheet:\n" + "\n".join(lines)
    )


def read_mapping(path: Path) -> ListMapping:
    """Read and check a mapping file; ``Invalid`` names every problem by key."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise Invalid(f"Cannot read the mapping file: {exc.__class__.__name__}.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise Invalid(f"The mapping file is not valid YAML{line}.") from None
    return _mapping(raw)


def _mapping(raw: Any) -> ListMapping:
    if not isinstance(raw, dict):
        raise Invalid("The mapping file must be a YAML mapping.", {"(file)": "must be a mapping"})
    errors = {
        k: "is not a key of a mapping file" for k in raw if k not in ("list", "url", "columns")
    }
    name, url, columns = raw.get("list"), raw.get("url"), raw.get("columns")
    if not isinstance(name, str) or not name.strip():
        errors["list"] = "give the list's name (it names the Source of every record)"
    if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        errors["url"] = "must be an http(s) URL"
    if not isinstance(columns, dict) or not columns:
        errors["columns"] = "give a mapping of field: column header"
        columns = {}
    for field, header in columns.items():
        if field not in ALIASES:
            errors[f"columns.{field}"] = "is not a field; fields: " + ", ".join(FIELDS)
        elif not isinstance(header, str | int) or not str(header).strip():
            errors[f"columns.{field}"] = "must be the column's header text"
    if "name" not in columns and "columns" not in errors:
        errors["columns.name"] = "is required: the column with the person's name"
    if errors:
        raise Invalid("The mapping file is not valid.", errors)
    mapped = {str(f): str(h) for f, h in columns.items()}
    return ListMapping(str(name).strip(), url, mapped)
