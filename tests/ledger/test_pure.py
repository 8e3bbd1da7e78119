"""``sviedka.ledger`` is pure: no SQL, nothing from the store, and its checks run over plain
rows without a database (the store's half is ``sviedka.store.ledger``)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sviedka.ledger import merkle
from sviedka.ledger.checkpoints import Signer, sign_checkpoint
from sviedka.ledger.note import cosigner_key
from sviedka.ledger.verify import Finding, check_checkpoint, compare_entries, compare_level
from sviedka.ledger.witness import check_cosignature, cosign_extending, open_note
from sviedka.model.revision import sha256_hex

LEDGER = Path(__file__).resolve().parents[2] / "src" / "sviedka" / "ledger"
SIGNER = Signer("sviedka/origin", Ed25519PrivateKey.generate())
WITNESS = Signer("sviedka/witness", Ed25519PrivateKey.generate())


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
    return found


def test_the_ledger_package_imports_neither_sqlalchemy_nor_the_store() -> None:
    imports = {path.name: _imports(path) for path in sorted(LEDGER.glob("*.py"))}
    sql = {
        name: sorted(i for i in found if i.split(".")[0] == "sqlalchemy" or "store" in i)
        for name, found in imports.items()
    }
    assert {name: found for name, found in sql.items() if found} == {}


def test_importing_the_ledger_loads_no_store_and_no_sqlalchemy() -> None:
    modules = ", ".join(f"sviedka.ledger.{path.stem}" for path in sorted(LEDGER.glob("[!_]*.py")))
    code = (
        f"import sys, {modules}\n"
        "print(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'sviedka.store'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (loaded.returncode, loaded.stdout.strip()) == (0, "[]"), loaded.stderr


def _log(texts: list[str]) -> tuple[list[SimpleNamespace], merkle.MemoryTree]:
    entries = [
        SimpleNamespace(
            idx=i,
            kind="custody",
            ref="ab" * 32,
            entry=text,
            digest=sha256_hex(text.encode()),
        )
        for i, text in enumerate(texts)
    ]
    return entries, merkle.MemoryTree(text.encode() for text in texts)


def _level(tree: merkle.MemoryTree, level: int, count: int) -> list[SimpleNamespace]:
    return [SimpleNamespace(idx=i, hash=tree.get(level, i).hex()) for i in range(count)]


ENTRY = '{"custody":"ingested","sha256":"' + "ab" * 32 + '","n":%d}'


def test_entries_are_checked_against_their_leaves_without_a_database() -> None:
    entries, tree = _log([ENTRY % i for i in range(5)])
    leaves = _level(tree, 0, 5)
    assert list(compare_entries(iter(entries), iter(leaves))) == []
    entries[3].entry = ENTRY % 33
    found = list(compare_entries(iter(entries), iter(leaves)))
    assert found == [
        Finding("entry 3", f"altered (entry about {'ab' * 32})"),
        Finding("entry 3", f"does not match its leaf hash (about {'ab' * 32})"),
    ]


def test_a_level_of_nodes_is_checked_against_the_level_below() -> None:
    _, tree = _log([ENTRY % i for i in range(8)])
    children, parents = _level(tree, 0, 8), _level(tree, 1, 4)
    assert list(compare_level(0, 4, iter(children), iter(parents))) == []
    parents[2].hash = "00" * 32
    assert list(compare_level(0, 4, iter(children), iter(parents))) == [
        Finding("node 1/2", "altered: it is not the hash of its children")
    ]
    assert list(compare_level(0, 4, iter(children), iter(parents[:3]))) == [
        Finding("node 1/2", "altered: it is not the hash of its children"),
        Finding("node 1/3", "missing from the stored tree"),
    ]


def _checkpoint_row(size: int, root: bytes) -> SimpleNamespace:
    note = sign_checkpoint(SIGNER, size, root)
    return SimpleNamespace(
        size=size, root=root.hex(), note=note, timestamp_token=None, tsa_chain=None
    )


def test_a_checkpoint_is_checked_against_the_log_it_signs() -> None:
    _, tree = _log([ENTRY % i for i in range(6)])
    row = _checkpoint_row(6, tree.root())
    verifiers = [SIGNER.verifier()]
    assert list(check_checkpoint(row, verifiers, 6, tree.root)) == []
    assert list(check_checkpoint(row, verifiers, 5, tree.root)) == [
        Finding("checkpoint 6", "signs 6 entries but the log holds 5: entries lost")
    ]
    assert list(check_checkpoint(row, [WITNESS.verifier()], 6, tree.root)) == [
        Finding("checkpoint 6", "its signature does not verify with the archive's log key")
    ]
    other = merkle.MemoryTree([b"another history"] * 6)
    assert list(check_checkpoint(row, verifiers, 6, other.root)) == [
        Finding("checkpoint 6", "the log no longer has the signed root (entries changed)")
    ]


def test_a_kept_cosignature_is_checked_against_the_log() -> None:
    _, tree = _log([ENTRY % i for i in range(4)])
    note = sign_checkpoint(SIGNER, 4, tree.root())
    checkpoint = open_note(note, SIGNER.verifier())
    cosigned = cosign_extending(WITNESS, note, checkpoint, None, now=1_700_000_000)
    key = cosigner_key(WITNESS.name, WITNESS.key.public_key())
    row = SimpleNamespace(witness=WITNESS.name, witness_key=key, size=4, note=cosigned)
    where = f"cosignature by {WITNESS.name} of size 4"
    assert list(check_cosignature(row, SIGNER.verifier(), 4, tree.root)) == []
    assert list(check_cosignature(row, SIGNER.verifier(), 3, tree.root)) == [
        Finding(where, "vouches for 4 entries, more than the log now holds")
    ]
    assert list(check_cosignature(row, WITNESS.verifier(), 4, tree.root)) == [
        Finding(where, "no longer verifies")
    ]
