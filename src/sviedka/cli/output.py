"""How the CLI prints things: text for people (rich tables), JSON for scripts."""

from __future__ import annotations

import dataclasses
import enum
import io
import json
import types
import typing
from collections.abc import Iterable, Sequence
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table

from ..errors import Invalid
from ..ledger.checkpoints import CheckpointRecord
from ..model import KINDS, DateRange, Detention, NameForm, PartialDate, Record, Vocabulary
from ..model.codec import dump
from ..model.custody import CustodyEvent
from ..model.revision import Revision
from ..services.archive.folder import Archive
from ..services.archive.verify import Report
from ..services.records.records import changed_fields
from ..store import Cluster, Judgement, Stored, VocabInfo

__all__ = [
    "checkpoint_json",
    "cluster_json",
    "cluster_text",
    "custody_json",
    "custody_text",
    "history_json",
    "history_text",
    "init_text",
    "json_text",
    "kinds_json",
    "kinds_text",
    "label",
    "list_json",
    "list_text",
    "parse_where",
    "report_json",
    "report_text",
    "stored_json",
    "stored_text",
    "vocab_json",
    "vocab_text",
    "vocabs_json",
    "vocabs_text",
]


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


_json = json_text


def _table(table: Table) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=160, color_system=None, soft_wrap=True).print(table)
    return buffer.getvalue().rstrip()


def label(record: Record) -> str:
    """A short human label: the first name form, else a title, else the kind."""
    names: Sequence[NameForm] = getattr(record, "names", ())
    if names:
        return names[0].full
    if isinstance(record, Detention):
        arrested = record.arrest.date if record.arrest and record.arrest.date else "?"
        articles = ", ".join(c.article for c in record.charges) or "no charges yet"
        return f"arrested {arrested}; {articles}"
    for attr in ("title", "name_as_listed", "authority"):
        value = getattr(record, attr, None)
        if value:
            return str(value)
    return record.KIND


def _stored_data(stored: Stored) -> dict[str, Any]:
    return {
        "id": stored.record.id,
        "kind": stored.record.KIND,
        "revision": stored.revision,
        "sha256": stored.sha256,
        "created_at": stored.created_at,
        "updated_at": stored.updated_at,
        "record": dump(stored.record),
    }


def stored_json(stored: Stored) -> str:
    return _json(_stored_data(stored))


def stored_text(stored: Stored) -> str:
    record = stored.record
    head = f"{record.KIND} {record.id} · {label(record)}"
    facts = (
        f"revision {stored.revision} · {record.confidentiality.value} · "
        f"created {stored.created_at} · updated {stored.updated_at}"
    )
    body = {k: v for k, v in dump(record).items() if k not in ("id",)}
    text = yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join([head, facts, "", text.rstrip()])


def history_json(revisions: Sequence[Revision]) -> str:
    return _json([dataclasses.asdict(r) | {"state": dict(r.state)} for r in revisions])


def history_text(revisions: Sequence[Revision]) -> str:
    table = Table("rev", "at (UTC)", "actor", "reason", "changed", "sha256", "prev")
    previous: dict[str, Any] | None = None
    for r in revisions:
        changed = ", ".join(changed_fields(previous, r.state))
        prev = (r.prev_sha256 or "-")[:12]
        table.add_row(str(r.seq), r.at, r.actor, r.reason or "", changed, r.sha256[:12], prev)
        previous = dict(r.state)
    return _table(table)


def list_json(page: Sequence[Stored], total: int) -> str:
    return _json({"total": total, "records": [_stored_data(s) for s in page]})


def list_text(page: Sequence[Stored], total: int, offset: int) -> str:
    table = Table("id", "label", "rev", "updated (UTC)")
    for s in page:
        table.add_row(s.record.id, label(s.record), str(s.revision), s.updated_at)
    shown = f"{offset + 1}–{offset + len(page)} of {total}" if page else f"none of {total}"
    return f"{_table(table)}\n{shown}"


def parse_where(items: Iterable[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in items:
        path, sep, value = item.partition("=")
        if not sep or not path:
            raise Invalid("Bad filter.", {item: "use FIELD=VALUE, e.g. custom.party=BNF"})
        found[path.strip()] = value
    return found


def _spell(tp: Any) -> str:
    """A field type in words: ``list of Charge``, ``date``, ``one of: served, pardon``."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return _spell(next(a for a in args if a is not type(None)))
    if origin is tuple:
        return f"list of {_spell(args[0])}"
    if origin is not None:
        return "object"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of: " + ", ".join(str(m.value) for m in tp)
    words = {str: "text", int: "integer", bool: "true/false", PartialDate: "date"}
    if tp is DateRange:
        return "date range"
    return words.get(tp) or str(getattr(tp, "__name__", tp))


def _fields(cls: type) -> dict[str, str]:
    hints = typing.get_type_hints(cls)
    out = {}
    for f in dataclasses.fields(cls):
        spell = _spell(hints[f.name])
        target = f.metadata.get("vocab") or "/".join(f.metadata.get("ref", ()))
        if target:
            spell += f" → {target}"
        no_default = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        out[f.name] = spell + (" (required)" if no_default else "")
    return out


def _parts() -> list[type]:
    """The dataclasses nested inside records (Arrest, Charge, NameForm…), in order of use."""
    found: list[type] = []

    def visit(cls: type) -> None:
        for hint in typing.get_type_hints(cls).values():
            for inner in (hint, *typing.get_args(hint), *_nested_args(hint)):
                if _is_part(inner) and inner not in found:
                    found.append(inner)
                    visit(inner)

    for cls in KINDS.values():
        visit(cls)
    return found


def _is_part(tp: Any) -> bool:
    return (
        isinstance(tp, type) and dataclasses.is_dataclass(tp) and tp not in (PartialDate, DateRange)
    )


def _nested_args(hint: Any) -> tuple[Any, ...]:
    return tuple(a for arg in typing.get_args(hint) for a in typing.get_args(arg))


def kinds_json() -> str:
    kinds = {kind: _fields(cls) for kind, cls in KINDS.items()}
    return _json({"kinds": kinds, "parts": {cls.__name__: _fields(cls) for cls in _parts()}})


def kinds_text() -> str:
    lines = []
    for title, cls in [*KINDS.items(), *((c.__name__, c) for c in _parts())]:
        doc = (cls.__doc__ or "").strip().splitlines()[0]
        lines.append(f"{title}: {doc}")
        lines.extend(f"    {name}: {spell}" for name, spell in _fields(cls).items())
    return "\n".join(lines)


def vocabs_json(infos: Sequence[VocabInfo]) -> str:
    return _json([dataclasses.asdict(i) for i in infos])


def vocabs_text(infos: Sequence[VocabInfo]) -> str:
    table = Table("name", "terms", "title")
    for info in infos:
        table.add_row(info.name, str(info.terms), info.title)
    return _table(table)


def vocab_json(vocabulary: Vocabulary) -> str:
    terms = [dataclasses.asdict(t) | {"labels": dict(t.labels)} for t in vocabulary.terms]
    head = {"name": vocabulary.name, "title": vocabulary.title, "source": vocabulary.source}
    return _json(head | {"terms": terms})


def vocab_text(vocabulary: Vocabulary, lang: str) -> str:
    lines = [f"{vocabulary.name}: {vocabulary.title}", f"source: {vocabulary.source}", ""]
    # HURIDOCS marks a few catch-all terms with level -5; show them at the top level.
    lines += [f"{'  ' * max(t.level, 0)}{t.code}  {t.label(lang)}" for t in vocabulary.terms]
    return "\n".join(lines)


def cluster_json(cluster: Cluster, judgements: Sequence[Judgement]) -> str:
    data = dataclasses.asdict(cluster) | {"judgements": [dataclasses.asdict(j) for j in judgements]}
    return _json(data)


def cluster_text(cluster: Cluster, judgements: Sequence[Judgement]) -> str:
    lines = [f"canonical: {cluster.canonical}", f"members ({len(cluster.members)}):"]
    lines += [f"  {m}" for m in cluster.members]
    if judgements:
        table = Table("left", "verdict", "right", "by", "at (UTC)", "reason")
        for j in judgements:
            table.add_row(j.left, j.verdict.value, j.right, j.actor, j.at, j.reason or "")
        lines.append(_table(table))
    return "\n".join(lines)


def init_text(archive: Archive, custodian: str, shares: Sequence[str]) -> str:
    """What ``init`` prints: where, who, and the recovery shares, once."""
    lines = [
        f"Created archive {archive.config.name!r} at {archive.path} ({archive.config.database}).",
        f"Custodian {custodian!r} unlocks it with the passphrase just given.",
        f"Log verifier key (publish it): {archive.config.verifier_key}",
        "",
        "RECOVERY SHARES: shown now and never again. Write each on paper and give the five",
        "to five different people; any three of them rebuild access to every file and the log",
        "key (`sviedka keys recover`). Do not store them on a networked machine.",
        "",
    ]
    lines += [f"  share {i}: {share}" for i, share in enumerate(shares, start=1)]
    return "\n".join(lines)


def report_json(report: Report) -> str:
    problems = [dataclasses.asdict(p) for p in report.problems]
    witnesses = [{"witness": w, "size": n, "at": at} for w, n, at in report.witnesses]
    data = {"ok": report.ok, "counts": report.counts, "problems": problems}
    return json_text(data | {"witnesses": witnesses})


def report_text(report: Report) -> str:
    checked = ", ".join(f"{n} {what}" for what, n in report.counts.items())
    vouched = [f"  {w} cosigned size {n} at {at}" for w, n, at in report.witnesses]
    if vouched:
        checked += "\nWitnesses:\n" + "\n".join(vouched)
    if report.ok:
        return f"OK: checked {checked}\nNo problems."
    table = Table("where", "problem")
    for problem in report.problems:
        table.add_row(problem.subject, problem.what)
    return f"{_table(table)}\nFAILED: {len(report.problems)} problem(s); checked {checked}."


def checkpoint_json(made: CheckpointRecord) -> str:
    return json_text({"size": made.size, "root": made.root.hex(), "at": made.at, "note": made.note})


def custody_json(chain: Sequence[CustodyEvent]) -> str:
    return json_text([event.data() for event in chain])


def custody_text(chain: Sequence[CustodyEvent]) -> str:
    table = Table("at (UTC)", "event", "actor", "reason", "details")
    for e in chain:
        details = ", ".join(f"{k}: {v}" for k, v in e.details.items() if v is not None)
        table.add_row(e.at, e.kind.value, e.actor, e.reason or "", details)
    return _table(table)
