"""The demo archive, summarised without its generated ids and times, against a committed summary.

The summary pins what ``sviedka demo`` writes: every hand-made record with all its revisions (who,
why, the state, ids replaced by stable keys made from names and titles), the judgements, the
evidence files and their custody, the ledger's size, the users and the tour. The imported sample
list is pinned by its counts (its rows are the importer's tests' business).

After an intended change to the demo, rewrite the summary and read its diff:

    PYTHONPATH=src python tests/services/test_demo.py
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from sviedka.errors import Invalid
from sviedka.model import KINDS
from sviedka.model.revision import Revision
from sviedka.policy import CUSTODIAN
from sviedka.services.accounts import list_users
from sviedka.services.archive.demo import DATA, SAMPLE_CSV, create_demo, read_demo
from sviedka.services.archive.folder import Archive, open_archive
from sviedka.services.archive.ledger import latest

EXPECTED = Path(__file__).with_name("demo_summary.json")
ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")
REFERENCES = ("person", "victim", "perpetrator", "subject", "for_persons")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("demo") / "archive"
    return path, create_demo(path)


def test_the_demo_archive_is_the_one_summarised_in_the_repository(demo: tuple[Path, str]) -> None:
    assert summarise(*demo) == json.loads(EXPECTED.read_text(encoding="utf-8"))


def test_a_bad_entry_is_named_by_its_file_and_key_and_no_archive_is_made(tmp_path: Path) -> None:
    data = _data_with(tmp_path, "people.yaml", "occupation: engineer", "occupation: 7")
    with pytest.raises(Invalid) as raised:
        create_demo(tmp_path / "archive", data=data)
    assert str(raised.value) == (
        "Demo data people.yaml, entry 'ales': The record is not valid.\n"
        "  occupation: must be non-empty text"
    )
    assert not (tmp_path / "archive").exists()


def test_a_reference_to_no_earlier_entry_is_named_with_its_path(tmp_path: Path) -> None:
    data = _data_with(
        tmp_path, "cases.yaml", "unit: {ref: gubopik}", "unit: {ref: hanna_detention}"
    )
    with pytest.raises(Invalid) as raised:
        read_demo(data)
    assert str(raised.value) == (
        "Demo data cases.yaml, entry 'ales_detention': A reference names no entry.\n"
        "  arrest.unit: no earlier entry has the key 'hanna_detention'"
    )


def test_a_key_used_twice_is_reported(tmp_path: Path) -> None:
    data = _data_with(tmp_path, "organisations.yaml", "  gubopik:", "  ales:")
    with pytest.raises(Invalid) as raised:
        read_demo(data)
    assert str(raised.value) == (
        "Demo data people.yaml: the key 'ales' is used by another entry already."
    )


def test_a_key_used_twice_in_one_file_is_reported_not_silently_dropped(tmp_path: Path) -> None:
    data = _data_with(tmp_path, "people.yaml", "  ales_dup:", "  ales:")
    with pytest.raises(Invalid) as raised:
        read_demo(data)
    assert str(raised.value).splitlines()[0] == (
        "Demo data people.yaml cannot be read: the key 'ales' is used twice"
    )


def test_an_evidence_file_name_must_not_reach_outside_the_scratch_folder(tmp_path: Path) -> None:
    data = _data_with(tmp_path, "evidence.yaml", "name: statement.txt", "name: ../statement.txt")
    with pytest.raises(Invalid) as raised:
        read_demo(data)
    assert str(raised.value) == (
        "Demo data evidence.yaml, entry 'statement': The record is not valid.\n"
        "  (record): the name must be a plain file name"
    )


def test_an_entry_the_archive_refuses_is_named_and_the_half_made_archive_removed(
    tmp_path: Path,
) -> None:
    data = _data_with(tmp_path, "aftermath.yaml", "list: extremist_individuals", "list: nope")
    with pytest.raises(Invalid) as raised:
        create_demo(tmp_path / "archive", data=data)
    assert str(raised.value) == (
        "Demo data aftermath.yaml, entry 'hanna_extremist': The designation is not valid; "
        "nothing was saved.\n  list: unknown code 'nope' in vocabulary designation_lists "
        "(`sviedka vocab show designation_lists` lists the codes)"
    )
    assert not (tmp_path / "archive").exists()


def _data_with(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the shipped demo data with ``old`` replaced by ``new`` in ``file``."""
    data = tmp_path / "data"
    shutil.copytree(str(DATA), data)
    text = (data / file).read_text(encoding="utf-8")
    assert old in text
    (data / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return data


def summarise(path: Path, tour: str) -> dict[str, Any]:
    with open_archive(path) as archive:
        histories = _hand_made(archive)
        keys = _keys(histories)
        summary = {
            "records": {keys[i]: [_revision(r, keys) for r in h] for i, h in histories.items()},
            "imported": _imported_counts(archive, set(histories)),
            "judgements": _judgements(archive, keys),
            "vault": _vault(archive, keys),
            "ledger_size": _ledger_size(archive),
            "users": [[u.username, u.role, u.clearance] for u in list_users(archive.store)],
        }
    text = tour.replace(str(path), "<PATH>").replace(str(SAMPLE_CSV), "<SAMPLE_CSV>")
    summary["tour"] = _mapped(text, keys).splitlines()
    return json.loads(json.dumps(summary, sort_keys=True, ensure_ascii=False))


def _all_histories(archive: Archive) -> Iterator[list[Revision]]:
    for kind in KINDS:
        for stored in archive.store.iter_kind(kind):
            with archive.store.unscoped_view() as view:
                yield view.history(stored.record.id)


def _hand_made(archive: Archive) -> dict[str, list[Revision]]:
    """Every record's revisions, by id, except the imported sample list's."""
    return {
        h[0].record_id: h
        for h in _all_histories(archive)
        if not (h[0].reason or "").startswith("import of")
    }


def _keys(histories: Mapping[str, list[Revision]]) -> dict[str, str]:
    """``kind:name`` or ``kind:title``; a record with neither is named by whom it is about."""
    keys: dict[str, str] = {}
    for record_id in sorted(histories, key=lambda i: _titled(histories[i][0]) is None):
        first = histories[record_id][0]
        about = next(_referenced(first.state), None)
        label = _titled(first) or f"{first.kind} of {keys.get(about or '', about)}"
        taken = sum(1 for k in keys.values() if k.split(" #")[0] == label)
        keys[record_id] = f"{label} #{taken + 1}" if taken else label
    return keys


def _titled(revision: Revision) -> str | None:
    state = revision.state
    names = state.get("names") or [{}]
    title = names[0].get("full") or state.get("title")
    return f"{revision.kind}:{title}" if title else None


def _referenced(state: Mapping[str, Any]) -> Iterator[str]:
    for field in REFERENCES:
        value = state.get(field)
        yield from value if isinstance(value, list) else [value] if value else []


def _revision(revision: Revision, keys: Mapping[str, str]) -> dict[str, Any]:
    state = {k: v for k, v in revision.state.items() if k != "id"}
    return {
        "actor": revision.actor,
        "reason": revision.reason,
        "state": json.loads(_mapped(json.dumps(state, ensure_ascii=False), keys)),
    }


def _mapped(text: str, keys: Mapping[str, str]) -> str:
    return ID.sub(lambda m: f"<{keys.get(m.group(), 'unknown id')}>", text)


def _imported_counts(archive: Archive, hand_made: set[str]) -> dict[str, int]:
    with archive.store.unscoped_view() as view:
        counts = {kind: view.count(kind) for kind in KINDS}
    for record_id in hand_made:
        with archive.store.unscoped_view() as view:
            counts[view.get(record_id).record.KIND] -= 1
    return {kind: n for kind, n in counts.items() if n}


def _judgements(archive: Archive, keys: Mapping[str, str]) -> list[list[Any]]:
    with archive.store.unscoped_view() as view:
        found = {j for record_id in keys for j in view.judgements(record_id)}
    return sorted([keys[j.left], keys[j.right], j.verdict, j.actor, j.reason] for j in found)


def _vault(archive: Archive, keys: Mapping[str, str]) -> dict[str, Any]:
    """What the vault holds and the custody of each file, without what encryption randomises."""
    with archive.store.unscoped_view() as view:
        return {
            blob.sha256: {
                "size": blob.size,
                "media_type": blob.media_type,
                "derived": blob.derived,
                "custody": [_custody(e.data(), keys) for e in view.custody(blob.sha256)],
            }
            for blob in view.blobs()
        }


def _custody(data: Mapping[str, Any], keys: Mapping[str, str]) -> dict[str, Any]:
    """A custody event; the Evidence record it names (since custody names its record) by key."""
    details = {k: v for k, v in data["details"].items() if k != "ciphertext_sha256"}
    if "evidence" in details:
        details["evidence"] = keys[details["evidence"]]
    return {"kind": data["custody"], "actor": data["actor"], "reason": data["reason"]} | {
        "details": details
    }


def _ledger_size(archive: Archive) -> int | None:
    signed = latest(archive, CUSTODIAN)
    return signed.size if signed else None


if __name__ == "__main__":  # rewrite the committed summary after an intended change
    with tempfile.TemporaryDirectory() as scratch:
        made = Path(scratch) / "archive"
        summary = summarise(made, create_demo(made))
    text = json.dumps(summary, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    EXPECTED.write_text(text, encoding="utf-8")
    sys.exit(0)
