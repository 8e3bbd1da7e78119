"""Read the HURIDOCS micro-thesauri from the MySQL dumps that OpenEvSys shipped.

The dumps are plain ``INSERT ... VALUES (...), (...);`` statements. A regular expression per row
silently drops rows whose labels hold quotes, commas or parentheses, so the rows are read with a
small tokenizer for MySQL literals instead, and every tuple is either returned or reported as an
error. Nothing is executed: only ``INSERT`` statements are read, every other statement is skipped.

The thesauri are AGPL-3.0 data from github.com/huridocs/OpenEvSys
(``schema/mysql-dbpopulate-mt.sql`` and ``res/locale/ru/mt_vocab_l10n.sql``).
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model.vocab import VocabTerm, Vocabulary

__all__ = [
    "SOURCE",
    "HuridocsDump",
    "SqlValue",
    "bundle_bytes",
    "parse_huridocs",
    "read_bundle",
    "read_dump",
    "read_inserts",
    "vocabularies",
]

SOURCE = "HURIDOCS Events Standard Formats micro-thesauri (OpenEvSys, AGPL-3.0)"
TERMS_FILE = "mysql-dbpopulate-mt.sql"
RUSSIAN_FILE = "mt_vocab_l10n.ru.sql"

# Names of lists 1-48 in list_code order, then 61-69, as OpenEvSys names them in
# ``schema/mysql-dbpopulate-mt2.sql`` (quoted in SOURCE.txt), keeping its spelling "relavant".
# Of the local lists 61-69 only those SOURCE.txt names are listed; the rest are named by number.
_STANDARD = """
    index_term violation_typology_terms rights_typology types_of_acts methods_of_violence
    international_instruments counting_units civil_status education occupation
    physical_descriptors religions ethnic_groups languages geographical_terms
    types_of_source_material types_of_locations degrees_of_involvement
    source_connection_to_information types_of_intervention types_of_relationships
    types_of_chain_of_events relavant_characteristics types_of_perpetrators status_as_victim
    status_as_perpetrator types_of_responses attribution types_of_detention whereabouts
    legal_counsel types_of_courts types_of_language_used_in_court autopsy_results
    death_certificate statements_signed medical_attention intent sex types_of_addresses
    violation_status reliability monitoring_status impact_on_the_situation intervention_status
    priority compensation types_of_dates
"""
LIST_NAMES: Mapping[int, str] = {
    **dict(enumerate(_STANDARD.split(), start=1)),
    61: "local_index",
    62: "national_legislation",
    67: "sexual_orientation",
    68: "other_thesaurus",
    69: "judicial_districts",
}
_TITLE_FIXES = {"relavant_characteristics": "Relevant characteristics"}
LOCAL_LISTS = range(61, 70)

SqlValue = str | int | float | None

# One alternative per token kind. A quote that does not open a complete literal falls through to
# "bad", so an unterminated string is an error, never a silently shortened value. Any other
# character is punctuation: statements we skip may hold operators we do not need to understand.
_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>/\*.*?\*/|--[ \t][^\n]*|\#[^\n]*)
    | (?P<string>'(?:[^'\\]|\\.|'')*')
    | (?P<dstring>"(?:[^"\\]|\\.|"")*")
    | (?P<ident>`(?:[^`]|``)*`)
    | (?P<number>[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<bad>['"`])
    | (?P<punct>\S)
    """,
    re.VERBOSE | re.DOTALL,
)
# MySQL string escapes; ``\%`` and ``\_`` keep their backslash, any other ``\x`` is ``x``.
_ESCAPES = {
    "0": "\0",
    "b": "\b",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "Z": "\x1a",
    "%": "\\%",
    "_": "\\_",
}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    line: int


def _tokens(sql: str) -> Iterator[_Token]:
    """Yield the significant tokens of ``sql`` with their line numbers."""
    line = 1
    for match in _TOKEN.finditer(sql):
        kind, text = match.lastgroup or "bad", match.group()
        if kind == "bad":
            raise ValueError(f"line {line}: unterminated quoted text starting with {text}")
        if kind not in ("space", "comment"):
            yield _Token(kind, text, line)
        line += text.count("\n")


def _unquote(text: str) -> str:
    """The value of a quoted MySQL literal: doubled quotes and backslash escapes resolved.

    One left-to-right pass, as MySQL reads it, so an escaped backslash followed by a doubled quote
    comes out as one backslash and one quote.
    """
    quote, body = text[0], text[1:-1]

    def replace(match: re.Match[str]) -> str:
        escaped = match.group(1)
        return quote if escaped is None else _ESCAPES.get(escaped, escaped)

    return re.sub(rf"{quote}{quote}|\\(.)", replace, body, flags=re.DOTALL)


def _value(token: _Token) -> SqlValue:
    """A literal inside a VALUES tuple; anything else there is an error."""
    if token.kind in ("string", "dstring"):
        return _unquote(token.text)
    if token.kind == "number":
        is_int = re.fullmatch(r"[-+]?\d+", token.text)
        return int(token.text) if is_int else float(token.text)
    if token.kind == "word" and token.text.upper() == "NULL":
        return None
    raise ValueError(f"line {token.line}: expected a value, found {token.text!r}")


class _Reader:
    """A cursor over the tokens of one dump, with the few expectations INSERT needs."""

    def __init__(self, sql: str) -> None:
        self._tokens = list(_tokens(sql))
        self._at = 0

    def peek(self) -> _Token | None:
        return self._tokens[self._at] if self._at < len(self._tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            last = self._tokens[-1].line if self._tokens else 1
            raise ValueError(f"line {last}: the dump ends in the middle of a statement")
        self._at += 1
        return token

    def expect(self, text: str) -> _Token:
        token = self.take()
        if token.text.upper() != text.upper():
            raise ValueError(f"line {token.line}: expected {text!r}, found {token.text!r}")
        return token

    def skip_statement(self) -> None:
        while self.take().text != ";":
            pass


def _identifier(token: _Token) -> str:
    if token.kind == "ident":
        return token.text[1:-1].replace("``", "`")
    if token.kind == "word":
        return token.text
    raise ValueError(f"line {token.line}: expected a name, found {token.text!r}")


def _parenthesised(reader: _Reader) -> list[_Token]:
    """The single tokens between ``(`` and ``)``, separated by commas."""
    opening = reader.expect("(")
    if (reader.peek() or opening).text == ")":
        raise ValueError(f"line {opening.line}: empty parentheses")
    items = [reader.take()]
    while (token := reader.take()).text == ",":
        items.append(reader.take())
    if token.text != ")":
        raise ValueError(f"line {token.line}: expected ',' or ')', found {token.text!r}")
    return items


def _insert(reader: _Reader) -> tuple[str, list[dict[str, SqlValue]]]:
    """One ``INSERT INTO t (cols) VALUES (...), ...;`` statement, ``INSERT`` already taken."""
    reader.expect("INTO")
    table = _identifier(reader.take())
    columns = [_identifier(token) for token in _parenthesised(reader)]
    reader.expect("VALUES")
    rows: list[dict[str, SqlValue]] = []
    while True:
        tokens = _parenthesised(reader)
        if len(tokens) != len(columns):
            line = tokens[0].line
            raise ValueError(f"line {line}: {len(tokens)} value(s) for {len(columns)} column(s)")
        rows.append({column: _value(token) for column, token in zip(columns, tokens, strict=True)})
        separator = reader.take()
        if separator.text == ";":
            return table, rows
        if separator.text != ",":
            raise ValueError(
                f"line {separator.line}: expected ',' or ';', found {separator.text!r}"
            )


def read_inserts(sql: str) -> list[tuple[str, dict[str, SqlValue]]]:
    """Every row of every ``INSERT`` in ``sql`` as ``(table, {column: value})``, in file order.

    Raises ``ValueError`` naming the line for anything that is not well-formed MySQL: unterminated
    strings, a tuple with the wrong number of values, a missing separator.
    """
    reader = _Reader(sql)
    rows: list[tuple[str, dict[str, SqlValue]]] = []
    while (token := reader.peek()) is not None:
        if token.text.upper() == "INSERT":
            reader.take()
            table, values = _insert(reader)
            rows.extend((table, row) for row in values)
        else:
            reader.skip_statement()
    return rows


@dataclass(frozen=True)
class HuridocsDump:
    """The two dumps as read, before they become vocabularies.

    Kept apart from :func:`parse_huridocs` so that a test or the build tool can count what the files
    hold and see which Russian labels name no term.
    """

    terms: tuple[Mapping[str, SqlValue], ...]
    russian: Mapping[str, str]

    def orphan_russian(self) -> list[str]:
        """Russian msgids (vocab numbers) naming no row of ``mt_vocab``; their labels go unused."""
        numbers = {row["vocab_number"] for row in self.terms}
        return sorted(msgid for msgid in self.russian if msgid not in numbers)


def _table_rows(path: Path, table: str) -> list[dict[str, SqlValue]]:
    """The rows ``path`` inserts into ``table``; errors name the file."""
    try:
        rows = read_inserts(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from exc
    selected = [row for name, row in rows if name == table]
    if not selected:
        raise ValueError(f"{path.name}: no rows are inserted into table {table!r}")
    return selected


def _russian(path: Path) -> dict[str, str]:
    labels: dict[str, str] = {}
    for row in _table_rows(path, "mt_vocab_l10n"):
        msgid, locale, msgstr = row.get("msgid"), row.get("locale"), row.get("msgstr")
        if not (isinstance(msgid, str) and locale == "ru" and isinstance(msgstr, str)):
            raise ValueError(f"{path.name}: expected (msgid, 'ru', text), found {row!r}")
        if msgid in labels:
            raise ValueError(f"{path.name}: msgid {msgid} is translated twice")
        labels[msgid] = msgstr
    return labels


def read_dump(folder: Path) -> HuridocsDump:
    """Read both dumps from ``folder`` (the layout of ``shared/data/huridocs-microthesauri``)."""
    terms = _table_rows(folder / TERMS_FILE, "mt_vocab")
    return HuridocsDump(tuple(terms), _russian(folder / RUSSIAN_FILE))


def _text(row: Mapping[str, SqlValue], column: str) -> str:
    value = row.get(column)
    if not isinstance(value, str):
        raise ValueError(f"mt_vocab row {row.get('vocab_number')!r}: {column} is not text")
    return value.strip()


def _number(row: Mapping[str, SqlValue], column: str) -> int:
    value = row.get(column)
    if not isinstance(value, int):
        raise ValueError(f"mt_vocab row {row.get('vocab_number')!r}: {column} is not a number")
    return value


def _labels(row: Mapping[str, SqlValue], russian: Mapping[str, str]) -> dict[str, str]:
    """Non-empty labels by language.

    The Russian file copies the English label for terms nobody translated (most of the "other
    thesaurus"); such a copy is dropped so that ``"ru" in labels`` means a Russian label exists.
    ``VocabTerm.label("ru")`` falls back to English anyway.
    """
    labels = {
        "en": _text(row, "english"),
        "fr": _text(row, "french"),
        "es": _text(row, "otherlanguages"),
        "ru": russian.get(_text(row, "vocab_number"), "").strip(),
    }
    if labels["ru"] == labels["en"]:
        del labels["ru"]
    return {lang: label for lang, label in labels.items() if label}


def _parent(
    row: Mapping[str, SqlValue], by_number: Mapping[str, Mapping[str, SqlValue]]
) -> str | None:
    """The parent's huri_code. Roots have parent '0', or '' in the OpenEvSys-only lists 80-92."""
    number = _text(row, "parent_vocab_number")
    if number in ("", "0"):
        return None
    parent = by_number.get(number)
    if parent is None or parent["list_code"] != row["list_code"]:
        raise ValueError(f"mt_vocab row {row['vocab_number']!r}: no parent {number} in its list")
    return _text(parent, "huri_code")


def _term(
    row: Mapping[str, SqlValue],
    by_number: Mapping[str, Mapping[str, SqlValue]],
    russian: Mapping[str, str],
) -> VocabTerm:
    code = _text(row, "huri_code")
    if not re.fullmatch(r"\d{12}", code):
        raise ValueError(
            f"mt_vocab row {row['vocab_number']!r}: huri_code {code!r} is not 12 digits"
        )
    return VocabTerm(
        code=code,
        labels=_labels(row, russian),
        parent=_parent(row, by_number),
        level=_number(row, "term_level"),
        order=_number(row, "term_order"),
    )


def _list_name(list_code: int) -> tuple[str, str]:
    """Name and title of a list; lists upstream never named get a name from their number."""
    if list_code in LIST_NAMES:
        name = LIST_NAMES[list_code]
        return name, _TITLE_FIXES.get(name, name.replace("_", " ").capitalize())
    if list_code in LOCAL_LISTS:
        return f"local_list_{list_code}", f"Local list {list_code}"
    return f"list_{list_code}", f"OpenEvSys list {list_code} (no published name)"


def _vocabulary(list_code: int, terms: Sequence[VocabTerm]) -> Vocabulary:
    name, title = _list_name(list_code)
    counts = Counter(term.code for term in terms)
    repeated = sorted(code for code, count in counts.items() if count > 1)
    if repeated:
        raise ValueError(f"list {list_code} ({name}) repeats huri_code {', '.join(repeated)}")
    ordered = sorted(terms, key=lambda term: (term.order, term.code))
    return Vocabulary(name=name, title=title, source=SOURCE, terms=tuple(ordered))


def vocabularies(dump: HuridocsDump) -> list[Vocabulary]:
    """One vocabulary per list_code, ordered by list_code; terms by term_order, then code."""
    by_number = {_text(row, "vocab_number"): row for row in dump.terms}
    if len(by_number) != len(dump.terms):
        raise ValueError("mt_vocab repeats a vocab_number")
    lists: dict[int, list[VocabTerm]] = {}
    for row in dump.terms:
        lists.setdefault(_number(row, "list_code"), []).append(_term(row, by_number, dump.russian))
    return [_vocabulary(code, terms) for code, terms in sorted(lists.items())]


def parse_huridocs(folder: Path) -> list[Vocabulary]:
    """The micro-thesauri in ``folder`` as vocabularies: a pure function of the two files."""
    return vocabularies(read_dump(folder))


def bundle_bytes(vocabs: Sequence[Vocabulary]) -> bytes:
    """Vocabularies as gzipped JSON that is byte-for-byte reproducible.

    Sorted keys, no whitespace and a zero gzip timestamp, so rebuilding from unchanged dumps
    leaves the committed file unchanged and a test can compare the two.
    """
    document = {"format": 1, "vocabularies": [_vocabulary_json(vocab) for vocab in vocabs]}
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def _vocabulary_json(vocab: Vocabulary) -> dict[str, Any]:
    terms = [
        {
            "code": t.code,
            "labels": dict(t.labels),
            "parent": t.parent,
            "level": t.level,
            "order": t.order,
        }
        for t in vocab.terms
    ]
    return {"name": vocab.name, "title": vocab.title, "source": vocab.source, "terms": terms}


def read_bundle(data: bytes) -> list[Vocabulary]:
    """The vocabularies written by :func:`bundle_bytes`."""
    document = json.loads(gzip.decompress(data))
    if document.get("format") != 1:
        raise ValueError(f"unknown vocabulary bundle format {document.get('format')!r}")
    return [
        Vocabulary(
            name=vocab["name"],
            title=vocab["title"],
            source=vocab["source"],
            terms=tuple(VocabTerm(**term) for term in vocab["terms"]),
        )
        for vocab in document["vocabularies"]
    ]
