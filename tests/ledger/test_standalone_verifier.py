"""tools/sviedka_verify.py, run as a court expert would: a separate process, on a bundle file.

Bundles are built with the ledger's own merkle.py and note.py, and once entirely by hand with
hashlib and cryptography, so that the tool is checked against something other than our code.
"""

from __future__ import annotations

import ast
import base64
import copy
import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from sviedka.ledger.merkle import MemoryTree, leaf_hash
from sviedka.ledger.note import Checkpoint, cosign, cosigner_key, sign_note, verifier_key
from sviedka.model.custody import CustodyEvent, CustodyKind
from sviedka.model.revision import Revision

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "sviedka_verify.py"
ORIGIN = "archive.example/ledger"
LOG_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
LOG_VKEY = verifier_key(ORIGIN, LOG_KEY.public_key())
STATE = {
    "id": "01J0PERSON0000000000000000",
    "kind": "person",
    "name": {"be": "Алесь Бяляцкі", "en": "Ales Bialiatski"},
    "born": "1962-09-25",
}


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def revision(state: dict[str, Any], seq: int = 2) -> Revision:
    return Revision.make(
        "person",
        state,
        seq=seq,
        actor="editor@viasna.example",
        at="2024-05-01T10:00:00.000000Z",
        reason="court records",
        prev="ab" * 32,
    )


def build(rev: Revision, index: int = 9, size: int = 13) -> dict[str, Any]:
    entries = [f"other entry {i}".encode() for i in range(size)]
    entries[index] = rev.entry()
    tree = MemoryTree(entries)
    note = sign_note(Checkpoint(ORIGIN, size, tree.root()).body(), ORIGIN, LOG_KEY)
    return {
        "format": "sviedka-proof/1",
        "entry": b64(rev.entry()),
        "entry_kind": "revision",
        "sha256": rev.sha256,
        "leaf_index": index,
        "tree_size": size,
        "inclusion_proof": [b64(p) for p in tree.inclusion_proof(index)],
        "checkpoint": note,
        "state": copy.deepcopy(dict(rev.state)),
        "timestamp": None,
    }


def verify(tmp_path: Path, bundle: object, *keys: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    args = [sys.executable, str(TOOL), str(path), *(f"--key={k}" for k in keys or [LOG_VKEY])]
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=60)


def verdicts(output: str) -> dict[str, str]:
    """``{"4 inclusion": "FAIL", ...}`` from the tool's step lines."""
    found = {}
    for line in output.splitlines():
        verdict, _, rest = line.partition("  ")
        if verdict in {"PASS", "FAIL", "SKIP"}:
            found[" ".join(rest.split()[:2])] = verdict
    return found


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sviedka_verify", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["sviedka_verify"] = module
    spec.loader.exec_module(module)
    return module


# -- whole runs ----------------------------------------------------------------------------------


def test_a_valid_bundle_passes_every_step(tmp_path: Path) -> None:
    result = verify(tmp_path, build(revision(STATE)))
    assert result.returncode == 0, result.stdout
    assert verdicts(result.stdout) == {
        "0 bundle": "PASS",
        "1 state": "PASS",
        "2 entry": "PASS",
        "3 leaf": "PASS",
        "4 inclusion": "PASS",
        "5 signature": "PASS",
        "6 timestamp": "SKIP",
    }
    assert "Result: VERIFIED" in result.stdout


def test_a_bundle_built_by_hand_passes(tmp_path: Path) -> None:
    # Three leaves, hashed and signed here with hashlib and cryptography only.
    state = {"id": "rec-1", "note": "ü"}
    state_hash = hashlib.sha256(
        json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    envelope = {
        "actor": "a",
        "at": "2024-01-01T00:00:00.000000Z",
        "prev": None,
        "reason": None,
        "record": "rec-1",
        "seq": 1,
        "state_sha256": state_hash,
    }
    entry = json.dumps(envelope, sort_keys=True, separators=(",", ":")).encode()
    leaves = [hashlib.sha256(b"\x00" + e).digest() for e in (b"first", b"second", entry)]
    left = hashlib.sha256(b"\x01" + leaves[0] + leaves[1]).digest()
    root = hashlib.sha256(b"\x01" + left + leaves[2]).digest()
    text = f"hand.example/log\n3\n{b64(root)}\n"
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes_raw()
    kid = hashlib.sha256(b"hand.example/log\n\x01" + public).digest()[:4]
    note = f"{text}\n— hand.example/log {b64(kid + key.sign(text.encode()))}\n"
    bundle = {
        "format": "sviedka-proof/1",
        "entry": b64(entry),
        "entry_kind": "revision",
        "sha256": hashlib.sha256(entry).hexdigest(),
        "leaf_index": 2,
        "tree_size": 3,
        "inclusion_proof": [b64(left)],
        "checkpoint": note,
        "state": state,
    }
    material = b64(b"\x01" + public)
    vkey = f"hand.example/log+{kid.hex()}+{material}"
    result = verify(tmp_path, bundle, vkey)
    assert result.returncode == 0, result.stdout


def _reentry(bundle: dict[str, Any], rev: Revision) -> None:
    bundle["entry"] = b64(rev.entry())


def _flip_proof(bundle: dict[str, Any]) -> None:
    raw = bytearray(base64.b64decode(bundle["inclusion_proof"][0]))
    raw[0] ^= 1
    bundle["inclusion_proof"][0] = b64(bytes(raw))


def _alter_root(bundle: dict[str, Any]) -> None:
    text, sig = bundle["checkpoint"].split("\n\n")
    origin, size, _root = text.split("\n")[:3]
    other_root = b64(b"\x07" * 32)
    bundle["checkpoint"] = f"{origin}\n{size}\n{other_root}\n\n{sig}"


def _alter_signature(bundle: dict[str, Any]) -> None:
    text, sig = bundle["checkpoint"].split("\n\n")
    prefix, blob = sig.rstrip("\n").rsplit(" ", 1)
    raw = bytearray(base64.b64decode(blob))
    raw[-1] ^= 1
    bundle["checkpoint"] = f"{text}\n\n{prefix} {b64(bytes(raw))}\n"


def _resign(bundle: dict[str, Any]) -> None:
    text = bundle["checkpoint"].split("\n\n")[0] + "\n"
    bundle["checkpoint"] = sign_note(text, ORIGIN, Ed25519PrivateKey.generate())


ALTERATIONS: list[tuple[str, Any, set[str]]] = [
    ("format", lambda b: b.update(format="sviedka-proof/2"), {"0 bundle"}),
    ("entry_kind", lambda b: b.update(entry_kind="custody"), {"0 bundle"}),
    ("entry", lambda b: _reentry(b, revision(STATE, seq=3)), {"2 entry", "4 inclusion"}),
    (
        "entry",
        lambda b: b.update(entry=b64(json.dumps(dict(revision(STATE).envelope())).encode())),
        {"0 bundle", "2 entry", "4 inclusion"},
    ),
    (
        "entry",
        lambda b: b.update(entry="not base64!"),
        {"0 bundle", "1 state", "2 entry", "3 leaf", "4 inclusion"},
    ),
    ("sha256", lambda b: b.update(sha256=revision(STATE, seq=3).sha256), {"2 entry"}),
    ("leaf_index", lambda b: b.update(leaf_index=8), {"4 inclusion"}),
    ("leaf_index", lambda b: b.update(leaf_index="9"), {"4 inclusion"}),
    ("tree_size", lambda b: b.update(tree_size=14), {"4 inclusion"}),
    ("tree_size", lambda b: b.update(tree_size=True), {"4 inclusion"}),
    ("inclusion_proof", _flip_proof, {"4 inclusion"}),
    ("inclusion_proof", lambda b: b["inclusion_proof"].pop(), {"4 inclusion"}),
    ("inclusion_proof", lambda b: b["inclusion_proof"].reverse(), {"4 inclusion"}),
    (
        "inclusion_proof",
        lambda b: b["inclusion_proof"].append(b["inclusion_proof"][0]),
        {"4 inclusion"},
    ),
    ("checkpoint", _alter_root, {"4 inclusion", "5 signature"}),
    ("checkpoint", _alter_signature, {"5 signature"}),
    ("checkpoint", _resign, {"5 signature"}),
    (
        "checkpoint",
        lambda b: b.update(checkpoint=b["checkpoint"].replace("\n13\n", "\n14\n")),
        {"4 inclusion", "5 signature"},
    ),
    ("state", lambda b: b["state"]["name"].update(en="Someone Else"), {"1 state"}),
    ("state", lambda b: b["state"].update(extra=1.5), {"1 state"}),
    ("timestamp", lambda b: b.update(timestamp="yesterday"), {"0 bundle", "6 timestamp"}),
    ("(added)", lambda b: b.update(cosignatures=[]), {"0 bundle"}),
    ("(removed)", lambda b: b.pop("checkpoint"), {"0 bundle", "4 inclusion", "5 signature"}),
]


@pytest.mark.parametrize(("field", "alter", "failing"), ALTERATIONS)
def test_altering_one_field_fails_naming_the_step(
    tmp_path: Path, field: str, alter: Any, failing: set[str]
) -> None:
    bundle = build(revision(STATE))
    alter(bundle)
    result = verify(tmp_path, bundle)
    assert result.returncode == 1
    assert {step for step, v in verdicts(result.stdout).items() if v == "FAIL"} == failing
    assert f"Failed: {'; '.join(sorted(failing))}." in result.stdout


# -- custody events ------------------------------------------------------------------------------

FILE_SHA256 = hashlib.sha256(b"photo of the courtroom").hexdigest()
CUSTODY = {
    "custody": "exported",
    "sha256": FILE_SHA256,
    "actor": "editor@viasna.example",
    "at": "2024-05-02T09:30:00.000000Z",
    "reason": "for the court",
    "details": {"to": "Вільня", "copies": [1, {"z": None, "a": True}], "by": {"y": 2, "x": "ü"}},
}


def custody_entry(event: dict[str, Any]) -> bytes:
    """RFC 8785 bytes, by the reference implementation (not the tool's, not the ledger's)."""
    return bytes(rfc8785.dumps(event))


def build_custody(entry: bytes, index: int = 4, size: int = 7) -> dict[str, Any]:
    entries = [f"other entry {i}".encode() for i in range(size)]
    entries[index] = entry
    tree = MemoryTree(entries)
    note = sign_note(Checkpoint(ORIGIN, size, tree.root()).body(), ORIGIN, LOG_KEY)
    return {
        "format": "sviedka-proof/1",
        "entry": b64(entry),
        "entry_kind": "custody",
        "sha256": hashlib.sha256(entry).hexdigest(),
        "leaf_index": index,
        "tree_size": size,
        "inclusion_proof": [b64(p) for p in tree.inclusion_proof(index)],
        "checkpoint": note,
        "timestamp": None,
    }


def test_the_hand_made_custody_entry_is_the_ledgers() -> None:
    event = CustodyEvent(
        FILE_SHA256,
        CustodyKind.EXPORTED,
        CUSTODY["actor"],
        CUSTODY["at"],
        CUSTODY["reason"],
        CUSTODY["details"],
    )
    assert event.entry() == custody_entry(CUSTODY)


def test_a_custody_bundle_passes_every_step_but_state(tmp_path: Path) -> None:
    entry = custody_entry(CUSTODY)
    assert entry.index(b'"by":{"x":"\xc3\xbc","y":2}') > 0  # nested keys sorted, UTF-8 literal
    result = verify(tmp_path, build_custody(entry))
    assert result.returncode == 0, result.stdout
    assert verdicts(result.stdout) == {
        "0 bundle": "PASS",
        "1 state": "SKIP",
        "2 entry": "PASS",
        "3 leaf": "PASS",
        "4 inclusion": "PASS",
        "5 signature": "PASS",
        "6 timestamp": "SKIP",
    }
    assert f"custody event exported of file {FILE_SHA256}" in result.stdout
    assert "SKIP  1 state      no state: a custody event" in result.stdout
    assert "Result: VERIFIED" in result.stdout


@pytest.mark.parametrize("kind", ["collected", "ingested", "viewed", "transferred", "verified",
                                  "reencrypted"])  # fmt: skip
def test_every_custody_kind_is_known(tmp_path: Path, kind: str) -> None:
    event = {**CUSTODY, "custody": kind, "reason": None, "details": {}}
    result = verify(tmp_path, build_custody(custody_entry(event)))
    assert result.returncode == 0, result.stdout
    assert f"custody event {kind} of file" in result.stdout


def _custody_entry(**changes: Any) -> Any:
    """Replace the bundle's entry by the canonical entry of the event with ``changes``."""
    return lambda b: b.update(entry=b64(custody_entry({**CUSTODY, **changes})))


def _spelled(text: bytes) -> Any:
    return lambda b: b.update(entry=b64(text))


_SPACED = json.dumps(CUSTODY, sort_keys=True, ensure_ascii=False).encode()
_UNSORTED_NESTED = custody_entry(CUSTODY).replace(b'"x":"\xc3\xbc","y":2', b'"y":2,"x":"\xc3\xbc"')
_ESCAPED = json.dumps(CUSTODY, sort_keys=True, separators=(",", ":")).encode()  # \u0412...
_FLOAT = custody_entry({**CUSTODY, "details": {"n": 2}}).replace(b'"n":2', b'"n":2.0')
_DUPLICATE = custody_entry(CUSTODY).replace(b'{"actor"', b'{"actor":"x","actor"', 1)
_WITHOUT_DETAILS = custody_entry({k: v for k, v in CUSTODY.items() if k != "details"})
_NOT_CANONICAL = {"0 bundle", "2 entry", "4 inclusion"}

CUSTODY_ALTERATIONS: list[tuple[str, Any, set[str]]] = [
    ("actor", _custody_entry(actor="someone@else.example"), {"2 entry", "4 inclusion"}),
    ("file", _custody_entry(sha256="cd" * 32), {"2 entry", "4 inclusion"}),
    (
        "details",
        _custody_entry(details={**CUSTODY["details"], "to": "Мінск"}),
        {"2 entry", "4 inclusion"},
    ),
    ("kind", _custody_entry(custody="viewed"), {"2 entry", "4 inclusion"}),
    ("kind", _custody_entry(custody="deleted"), _NOT_CANONICAL),
    ("kind", _custody_entry(custody="Exported"), _NOT_CANONICAL),
    ("file", _custody_entry(sha256=FILE_SHA256.upper()), _NOT_CANONICAL),
    ("file", _custody_entry(sha256=FILE_SHA256[:-1]), _NOT_CANONICAL),
    ("reason", _custody_entry(reason=7), _NOT_CANONICAL),
    ("details", _custody_entry(details=["to", "court"]), _NOT_CANONICAL),
    ("actor", _custody_entry(actor=None), _NOT_CANONICAL),
    ("(added)", _custody_entry(state_sha256="ab" * 32), _NOT_CANONICAL),
    ("(removed)", _spelled(_WITHOUT_DETAILS), _NOT_CANONICAL),
    ("spelling", _spelled(_SPACED), _NOT_CANONICAL),
    ("spelling", _spelled(_UNSORTED_NESTED), _NOT_CANONICAL),
    ("spelling", _spelled(_ESCAPED), _NOT_CANONICAL),
    ("spelling", _spelled(_FLOAT), _NOT_CANONICAL),
    ("spelling", _spelled(_DUPLICATE), _NOT_CANONICAL),
    ("spelling", _spelled(custody_entry(CUSTODY) + b"\n"), _NOT_CANONICAL),
    ("entry", _spelled(custody_entry(dict(revision(STATE).envelope()))), _NOT_CANONICAL),
    ("sha256", lambda b: b.update(sha256="cd" * 32), {"2 entry"}),
    ("sha256", lambda b: b.update(sha256=FILE_SHA256), {"2 entry"}),
    ("entry_kind", lambda b: b.update(entry_kind="revision"), {"0 bundle"}),
    ("entry_kind", lambda b: b.update(entry_kind="judgement"), {"0 bundle"}),
    ("state", lambda b: b.update(state={"id": "x"}), {"0 bundle"}),
    ("leaf_index", lambda b: b.update(leaf_index=3), {"4 inclusion"}),
    ("checkpoint", _alter_signature, {"5 signature"}),
]


@pytest.mark.parametrize(("field", "alter", "failing"), CUSTODY_ALTERATIONS)
def test_altering_a_custody_bundle_fails_naming_the_step(
    tmp_path: Path, field: str, alter: Any, failing: set[str]
) -> None:
    bundle = build_custody(custody_entry(CUSTODY))
    alter(bundle)
    result = verify(tmp_path, bundle)
    assert result.returncode == 1, result.stdout
    assert {step for step, v in verdicts(result.stdout).items() if v == "FAIL"} == failing
    assert f"Failed: {'; '.join(sorted(failing))}." in result.stdout


def test_a_custody_bundle_with_a_null_state_passes(tmp_path: Path) -> None:
    bundle = build_custody(custody_entry(CUSTODY))
    bundle["state"] = None
    assert verify(tmp_path, bundle).returncode == 0


def test_help_says_a_custody_proof_does_not_prove_the_files_content() -> None:
    result = subprocess.run(
        [sys.executable, str(TOOL), "--help"], capture_output=True, text=True, timeout=60
    )
    text = " ".join(result.stdout.split())
    assert "It does NOT prove the file's content" in text
    assert 'compare the result with the "sha256" inside the entry' in text


def test_a_key_that_did_not_sign_fails_the_signature_step(tmp_path: Path) -> None:
    other = verifier_key(ORIGIN, Ed25519PrivateKey.generate().public_key())
    result = verify(tmp_path, build(revision(STATE)), other)
    assert result.returncode == 1
    assert verdicts(result.stdout)["5 signature"] == "FAIL"
    assert "no signature by" in result.stdout


def test_a_partner_cosignature_is_checked_when_its_key_is_given(tmp_path: Path) -> None:
    bundle = build(revision(STATE))
    witness = Ed25519PrivateKey.generate()
    wkey = cosigner_key("partner.example/w1", witness.public_key())
    assert verify(tmp_path, bundle, LOG_VKEY, wkey).returncode == 1
    bundle["checkpoint"] += cosign(bundle["checkpoint"], "partner.example/w1", witness, 1714557600)
    result = verify(tmp_path, bundle, LOG_VKEY, wkey)
    assert result.returncode == 0, result.stdout
    assert "partner.example/w1" in result.stdout


def test_missing_optional_fields_are_skipped_not_failed(tmp_path: Path) -> None:
    bundle = build(revision(STATE))
    del bundle["state"], bundle["sha256"], bundle["timestamp"]
    result = verify(tmp_path, bundle)
    assert result.returncode == 0, result.stdout
    found = verdicts(result.stdout)
    assert (found["1 state"], found["2 entry"], found["6 timestamp"]) == ("SKIP", "SKIP", "SKIP")


def test_a_malformed_timestamp_fails_step_6(tmp_path: Path) -> None:
    bundle = build(revision(STATE))
    bundle["timestamp"] = {"rfc3161": "MAA="}
    result = verify(tmp_path, bundle)
    assert result.returncode == 1
    assert 'FAIL  6 timestamp  "timestamp" must hold "response"' in result.stdout


def test_a_file_that_is_not_a_bundle_fails_step_0(tmp_path: Path) -> None:
    for content in ["not json", "[1, 2]", '{"format": "sviedka-proof/1", "format": 1}']:
        path = tmp_path / "bundle.json"
        path.write_text(content)
        result = subprocess.run(
            [sys.executable, str(TOOL), str(path), f"--key={LOG_VKEY}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1
        assert result.stdout.startswith("FAIL  0 bundle")


def test_a_malformed_key_is_a_usage_error(tmp_path: Path) -> None:
    for key in ["nonsense", LOG_VKEY.replace("+", "+0", 1), LOG_VKEY[:-2] + "AA"]:
        result = verify(tmp_path, build(revision(STATE)), key)
        assert result.returncode == 2
        assert "--key" in result.stderr


def test_help_says_what_is_and_is_not_proved() -> None:
    result = subprocess.run(
        [sys.executable, str(TOOL), "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    for phrase in ["this proves", "does NOT prove", "no later than the TSA's time", "--key"]:
        assert phrase in result.stdout


# -- the tool's own parts, in process ------------------------------------------------------------


def test_the_tool_imports_only_the_standard_library_and_cryptography() -> None:
    tree = ast.parse(TOOL.read_text(encoding="utf-8"))
    roots = {
        (node.module or "").split(".")[0] if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert roots - set(sys.stdlib_module_names) == {"cryptography"}


def test_the_tool_verifies_inclusion_exactly_as_the_ledger_does(tool: ModuleType) -> None:
    tree = MemoryTree(i.to_bytes(2, "big") for i in range(40))
    for size in range(1, 41):
        head = tree.root(size)
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            leaf = leaf_hash(index.to_bytes(2, "big"))
            assert tool.verify_inclusion(leaf, index, size, proof, head)
            assert not tool.verify_inclusion(leaf, index, size, proof[:-1], head) or not proof
            assert (
                not tool.verify_inclusion(leaf, (index + 1) % size, size, proof, head) or size == 1
            )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(value=json_values)
def test_the_tool_canonical_json_is_rfc8785(tool: ModuleType, value: Any) -> None:
    try:
        expected = rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:
        with pytest.raises(ValueError):
            tool.canonical_json(value)
        return
    assert tool.canonical_json(value) == expected


def test_the_tool_canonical_json_orders_keys_by_utf16_as_rfc8785_does(tool: ModuleType) -> None:
    # Above U+FFFF, UTF-16 order differs from code point order; json.dumps(sort_keys) gets it wrong.
    value = {"\U0001f600": 1, "\uffff": 2, "a": 3}
    assert tool.canonical_json(value) == rfc8785.dumps(value)
    assert (
        tool.canonical_json(value)
        != json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )


@pytest.mark.parametrize(
    ("number", "text"),
    [(1.0, "1"), (1e21, "1e+21"), (1e20, "100000000000000000000"), (1e-7, "1e-7"),
     (0.000001, "0.000001"), (123.456, "123.456"), (-0.5, "-0.5"), (5e-324, "5e-324"),
     (1.7976931348623157e308, "1.7976931348623157e+308")],
)  # fmt: skip
def test_the_tool_formats_numbers_as_ecmascript(tool: ModuleType, number: float, text: str) -> None:
    assert tool.canonical_json(number) == text.encode()
