"""A demo archive of FICTIONAL sample records, to try Sviedka without real data.

The people, their cases and the officials in them are invented; the institutions (a SIZO, a colony,
a court) are real public bodies named only to make the example read true. Every record says so in
its notes and cites the source "Sviedka sample data (fictional)".

The content is data, in ``sviedka/data/demo/``, one YAML file per concern. A records file maps a
record kind to entries by key, and an entry is the record's JSON fields (``defaults.yaml`` fills in
the notes and the source link). An entry names another by key, ``{ref: key}``, which is resolved to
the id made for it; a record may refer only to one written before it (the files are read in
``RECORDS`` order). ``changes.yaml`` adds later revisions, ``judgements.yaml`` judges duplicates,
``evidence.yaml`` describes the files to make and ingest, ``tour.txt`` is the tour the command
prints. Every entry is checked against the model before anything is written, and a bad one is
reported by its file and key.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from PIL import Image, ImageDraw
from yaml.constructor import ConstructorError

from ...errors import Conflict, Invalid, NotFound
from ...model import KINDS, Verdict
from ...model.codec import load
from ...model.ids import new_id
from ...policy import CUSTODIAN
from ...store import Store
from ..accounts import add_demo_users
from ..evidence import Collection, ingest_file
from ..importing import Action, ImportOptions, ImportReport, run_import
from ..records.records import add_record, build_record, update_record
from ..records.resolver import judge
from ..records.vocab import shipped_vocabularies
from .folder import CONFIG, Archive, init_archive, open_archive
from .keys import unlock_archive
from .ledger import checkpoint

__all__ = [
    "DATA",
    "DEMO_CUSTODIAN",
    "DEMO_PASSPHRASE",
    "Change",
    "DemoData",
    "DemoFile",
    "Entry",
    "Judged",
    "Picture",
    "create_demo",
    "read_demo",
]

DATA = files("sviedka") / "data" / "demo"
RECORDS = ("sources", "organisations", "people", "cases", "events", "aftermath")
REASON = "demo data"
NAME = "Sviedka demo (sample data)"
SAMPLE_CSV = Path(str(files("sviedka") / "data" / "sample" / "viasna-sample.csv"))
SAMPLE_LIST = "SYNTHETIC sample list (Sviedka demo, Viasna's export shape)"
DEMO_CUSTODIAN = "demo"
DEMO_PASSPHRASE = "sviedka demo passphrase"  # printed in the tour: a demo archive protects nothing
T = TypeVar("T")


@dataclass(frozen=True)
class Entry:
    """One record to add: where it is written, its key, and its fields with references resolved."""

    file: str
    key: str
    kind: str
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class Change:
    record: str
    reason: str
    patch: Mapping[str, Any]


@dataclass(frozen=True)
class Judged:
    left: str
    right: str
    verdict: Verdict
    reason: str | None = None


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    caption: str


@dataclass(frozen=True)
class DemoFile:
    """A file made when the demo is built: a text, or a gradient picture with a caption."""

    name: str
    collection: Collection
    text: str | None = None
    picture: Picture | None = None

    def __post_init__(self) -> None:
        if Path(self.name).name != self.name or self.name in (".", ".."):
            raise ValueError("the name must be a plain file name")
        if (self.text is None) == (self.picture is None):
            raise ValueError("give either a text or a picture")


@dataclass(frozen=True)
class DemoData:
    records: tuple[Entry, ...]
    changes: Mapping[str, Change]
    judgements: Mapping[str, Judged]
    files: Mapping[str, DemoFile]
    ids: Mapping[str, str]  # key -> the id made for it
    tour: str
    custom_fields: str  # appended to the archive's sviedka.toml


def create_demo(
    path: Path, *, replace: bool = False, actor: str = "demo", data: Traversable = DATA
) -> str:
    """Create the demo archive at ``path`` and return a tour of it."""
    demo = read_demo(data)
    _clear(path, replace)
    try:
        return _build(path, demo, actor)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)  # no half-made demo is left behind
        raise


def _clear(path: Path, replace: bool) -> None:
    if not path.exists():
        return
    if not replace:
        raise Conflict(f"{path} exists; pass --replace to make a new demo archive there.")
    if not (path / CONFIG).is_file():
        raise Conflict(f"{path} is not an archive; refusing to delete it.")
    shutil.rmtree(path)


def _build(path: Path, demo: DemoData, actor: str) -> str:
    archive, _ = init_archive(
        path,
        shipped_vocabularies(),
        custodian=DEMO_CUSTODIAN,
        passphrase=DEMO_PASSPHRASE,
        name=NAME,
    )
    archive.close()
    with (path / CONFIG).open("a", encoding="utf-8") as config:
        config.write(demo.custom_fields)
    with open_archive(path) as archive:
        _write(archive.store, demo, actor)
        imported = _import_sample(archive, actor)
        made = _ingest(archive, demo.files, actor)
        keys = unlock_archive(path, archive.config.id, DEMO_CUSTODIAN, DEMO_PASSPHRASE)
        checkpoint(archive, CUSTODIAN, keys)
        return _tour(path, archive.store, demo, made, imported) + add_demo_users(archive.store)


def read_demo(folder: Traversable = DATA) -> DemoData:
    """The demo's content, every entry checked against the model and its references resolved."""
    ids: dict[str, str] = {}
    defaults = _mapping(_yaml(folder, "defaults.yaml"), "defaults.yaml")
    records = tuple(_records(folder, defaults, ids))
    return DemoData(
        records=records,
        changes=_typed(folder, "changes.yaml", Change, ids),
        judgements=_typed(folder, "judgements.yaml", Judged, ids),
        files=_typed(folder, "evidence.yaml", DemoFile, ids),
        ids=ids,
        tour=_text(folder, "tour.txt"),
        custom_fields=_text(folder, "custom_fields.toml"),
    )


def _records(
    folder: Traversable, defaults: Mapping[str, Any], ids: dict[str, str]
) -> Iterator[Entry]:
    for name in RECORDS:
        file = f"{name}.yaml"
        for kind, entries in _mapping(_yaml(folder, file), file).items():
            for key, fields in _mapping(entries, f"{file}, {kind}").items():
                own = _mapping(fields, f"{file}, {key}")
                yield _entry(file, key, kind, {**defaults, **own}, ids)


def _entry(file: str, key: str, kind: str, fields: Mapping[str, Any], ids: dict[str, str]) -> Entry:
    if key in ids:
        raise Invalid(f"Demo data {file}: the key {key!r} is used by another entry already.")
    with _naming(file, key):
        payload = {**_resolved(fields, ids), "id": new_id()}
        build_record(kind, payload)  # checked against the model now, before anything is written
    ids[key] = payload["id"]
    return Entry(file, key, kind, payload)


def _typed(folder: Traversable, file: str, cls: type[T], ids: Mapping[str, str]) -> dict[str, T]:
    loaded = {}
    for key, value in _mapping(_yaml(folder, file), file).items():
        with _naming(file, key):
            loaded[key] = load(cls, _resolved(value, ids))
    return loaded


def _resolved(value: Any, ids: Mapping[str, str], path: str = "") -> Any:
    """``value`` with every ``{ref: key}`` replaced by the id made for that key."""
    if isinstance(value, dict) and set(value) == {"ref"}:
        if isinstance(value["ref"], str) and value["ref"] in ids:
            return ids[value["ref"]]
        problem = f"no earlier entry has the key {value['ref']!r}"
        raise Invalid("A reference names no entry.", {path or "(entry)": problem})
    if isinstance(value, dict):
        return {k: _resolved(v, ids, f"{path}.{k}" if path else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolved(v, ids, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


@contextmanager
def _naming(file: str, key: str) -> Iterator[None]:
    """Errors about one entry name its file and key."""
    try:
        yield
    except (Invalid, NotFound, Conflict) as exc:
        errors = exc.errors if isinstance(exc, Invalid) else None
        raise Invalid(f"Demo data {file}, entry {key!r}: {exc.message}", errors) from exc


class _Loader(yaml.SafeLoader):
    """YAML with dates left as text (the model parses partial dates, "2021-05", itself) and no
    key given twice in one mapping (PyYAML would keep the last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value != "<<":
                if key.value in seen:
                    problem = f"the key {key.value!r} is used twice"
                    raise ConstructorError(None, None, problem, key.start_mark)
                seen.add(key.value)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rule) for tag, rule in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _yaml(folder: Traversable, file: str) -> Any:
    try:
        return yaml.load(_text(folder, file), Loader=_Loader)
    except yaml.YAMLError as exc:
        raise Invalid(f"Demo data {file} cannot be read: {exc}") from exc


def _text(folder: Traversable, file: str) -> str:
    try:
        return folder.joinpath(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise Invalid(f"Demo data {file} cannot be read: {exc.__class__.__name__}.") from exc


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise Invalid(f"Demo data {where}: must be a mapping with text keys.")
    return value


def _write(store: Store, demo: DemoData, actor: str) -> None:
    for entry in demo.records:
        with _naming(entry.file, entry.key):
            add_record(store, entry.kind, entry.payload, actor=actor, reason=REASON)
    for key, change in demo.changes.items():
        with _naming("changes.yaml", key):
            update_record(
                store, change.record, change.patch, actor=actor, reason=change.reason, patch=True
            )
    for key, j in demo.judgements.items():
        with _naming("judgements.yaml", key):
            judge(store, j.left, j.right, j.verdict, actor=actor, reason=j.reason)


def _import_sample(archive: Archive, actor: str) -> ImportReport:
    """The SYNTHETIC sample list (Viasna's export shape), dirty rows and all: the valid rows are
    imported and the rest reported, as `sviedka import --keep-going` does."""
    options = ImportOptions(actor=actor, keep_going=True, list_name=SAMPLE_LIST)
    return run_import(archive, SAMPLE_CSV, "viasna-csv", options)


def _ingest(archive: Archive, demo_files: Mapping[str, DemoFile], actor: str) -> dict[str, str]:
    """Each file, made in a scratch folder and ingested; its sha256 by key."""
    made: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="sviedka-demo-") as scratch:
        for key, spec in demo_files.items():
            file = _make(spec, Path(scratch))
            with _naming("evidence.yaml", key):
                ingested = ingest_file(archive, file, actor=actor, collection=spec.collection)
            made[key] = ingested.sha256
    return made


def _make(spec: DemoFile, folder: Path) -> Path:
    path = folder / spec.name
    if spec.picture is None:
        path.write_text(spec.text or "", encoding="utf-8")
        return path
    picture = spec.picture
    image = Image.linear_gradient("L").resize((picture.width, picture.height)).convert("RGB")
    ImageDraw.Draw(image).text((12, 12), picture.caption, fill=(255, 40, 40))
    image.save(path)
    return path


def _tour(
    path: Path, store: Store, demo: DemoData, made: Mapping[str, str], imported: ImportReport
) -> str:
    with store.view(CUSTODIAN) as view:  # the demo counts everything it made
        counts = {kind: view.count(kind) for kind in KINDS}
    values = {
        "path": path,
        "archive": f"--archive {path}",
        "listed": ", ".join(f"{n} {kind}" for kind, n in counts.items() if n),
        "file_count": len(made),
        "added": imported.count(Action.ADDED),
        "rows": imported.rows_read,
        "rejected": imported.count(Action.REJECTED),
        "custodian": DEMO_CUSTODIAN,
        "passphrase": DEMO_PASSPHRASE,
        "sample_csv": SAMPLE_CSV,
        "sample_list": SAMPLE_LIST,
        "ids": demo.ids,
        "files": made,
    }
    try:
        return demo.tour.format(**values)
    except (KeyError, IndexError, AttributeError, ValueError) as exc:
        raise Invalid(f"Demo data tour.txt uses {exc}, which the demo does not define.") from exc
