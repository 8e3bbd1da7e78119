#!/usr/bin/env python3
"""Check a Sviedka proof bundle without trusting Sviedka.

One file, Python 3.11+ standard library and the ``cryptography`` package only. It re-implements,
from the public specifications and not from Sviedka's code:

- RFC 9162 §2.1 Merkle tree hashing and inclusion proof verification (§2.1.3.2);
- C2SP signed notes (c2sp.org/signed-note), checkpoints (c2sp.org/tlog-checkpoint) and
  Ed25519 cosignatures (c2sp.org/tlog-cosignature);
- RFC 8785 JSON canonicalization, for revision states and entries, and custody entries.

Run ``python3 sviedka_verify.py --help`` for what a passing check proves and what it does not.
Exit status: 0 when no check failed, 1 when one did, 2 when the command line is wrong.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FORMAT = "sviedka-proof/1"
REQUIRED = {"format", "entry", "entry_kind", "leaf_index", "tree_size", "inclusion_proof"}
REQUIRED |= {"checkpoint"}
OPTIONAL = {"sha256", "state", "timestamp"}
REVISION_KEYS = {"actor", "at", "prev", "reason", "record", "seq", "state_sha256"}
CUSTODY_KEYS = {"custody", "sha256", "actor", "at", "reason", "details"}
CUSTODY_KINDS = ("collected", "ingested", "viewed", "exported", "transferred", "verified")
CUSTODY_KINDS += ("reencrypted",)
ENTRY_KINDS = ("revision", "custody")
ALG_ED25519, ALG_COSIGNATURE = 0x01, 0x04
MAX_SIGNATURES = 100
HEX64 = re.compile(r"[0-9a-f]{64}")

HELP = """\
Checks, step by step, a Sviedka proof bundle (a JSON file) against the verifier key of the
archive's log, and prints PASS, FAIL or SKIP for each step:

  0 bundle     the file is a sviedka-proof/1 bundle; its entry is a revision envelope or a
               custody event ("entry_kind"), in canonical form (RFC 8785)
  1 state      SHA-256 of the state's canonical JSON (RFC 8785) is the entry's state_sha256
               (skipped for a custody event, which has no state)
  2 entry      SHA-256 of the entry bytes is the hash given as "sha256" (the revision hash,
               or the custody event's hash)
  3 leaf       the leaf hash, SHA-256(0x00 || entry), as RFC 9162 section 2.1.1 defines it
  4 inclusion  the inclusion proof leads from the leaf, at leaf_index, to the root hash of
               the checkpoint, for the checkpoint's tree size (RFC 9162 section 2.1.3.2)
  5 signature  the checkpoint note is signed by every --key given (C2SP signed-note, Ed25519;
               a key of type 0x04 checks a cosignature by a partner archive)
  6 timestamp  an RFC 3161 timestamp of the signed checkpoint, if present, checked with the
               stock `openssl ts -verify` (skipped, with the command to run, without openssl)

If no step fails, this proves: the holder of the private key behind --key signed a tree of
tree_size entries whose entry number leaf_index (counting from 0) is, byte for byte, this
revision entry; the state shown is exactly the state that entry commits to; and the revision
hash is that entry's SHA-256. Changing any of them afterwards, even by one bit, is detected.

It does NOT prove:
  - that --key is the archive's key: obtain it from the archive independently (its published
    key, a printed copy, testimony), never from the bundle's sender alone;
  - when anything happened: "at" is the archive's own claim; a timestamp (step 6) proves only
    that the checkpoint existed no later than the TSA's time, and only if you trust its CA;
  - that the archive showed everyone the same log: compare the checkpoint with those held by
    others (partner archives' cosignatures, earlier checkpoints and consistency proofs);
  - that the recorded facts are true, or that no later revision of the record exists;
  - anything about earlier revisions: "prev" names the previous revision's hash, which its own
    bundle can prove.

A custody bundle ("entry_kind": "custody") proves, if no step fails, that this custody event
(collected, ingested, viewed, exported, transferred, verified or reencrypted; by "actor", at
"at", for "reason") about the evidence file whose plaintext SHA-256 is the "sha256" inside the
entry is, byte for byte, entry number leaf_index of the signed log, and that the bundle's own
"sha256" is that entry's SHA-256. It does NOT prove the file's content, nor that a file you hold
is the one the event is about: for that, hash the file yourself (e.g. `sha256sum FILE`) and
compare the result with the "sha256" inside the entry, not with the bundle's "sha256". Nor does
it prove that the event happened as stated, or that no later custody event about the file
exists; and everything listed above as not proved for a revision is not proved here either.
"""


class Failed(Exception):
    """The step's check does not hold; the message says why."""


class Skipped(Exception):
    """The step has nothing to check; the message says why."""


# -- RFC 9162 ----------------------------------------------------------------------------------


def leaf_hash(entry: bytes) -> bytes:
    """SHA-256(0x00 || entry), RFC 9162 section 2.1.1."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right), RFC 9162 section 2.1.1."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 section 2.1.3.2, step for step (fn, sn and r as the RFC names them)."""
    if index >= size or len(leaf) != 32 or len(root) != 32 or any(len(p) != 32 for p in path):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


# -- RFC 8785 canonical JSON -------------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    """RFC 8785 (JCS) bytes: keys sorted by UTF-16 code units, no whitespace, ES number format."""
    try:
        return _jcs(value).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("a string holds a lone surrogate, which is not Unicode text") from None


def _jcs(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        if abs(value) > 2**53 - 1:
            raise ValueError(f"integer {value} is outside what JSON numbers hold exactly")
        return str(value)
    if isinstance(value, float):
        return _es_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(_jcs(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be", "surrogatepass"))
        return "{" + ",".join(f"{_jcs(k)}:{_jcs(value[k])}" for k in keys) + "}"
    raise ValueError(f"{type(value).__name__} is not a JSON value")


def _es_number(x: float) -> str:
    """ECMAScript Number::toString (ECMA-262 7.1.12.1), which RFC 8785 section 3.2.2.3 uses."""
    if math.isnan(x) or math.isinf(x):
        raise ValueError("NaN and infinity are not JSON numbers")
    if x == 0:
        return "0"
    if x < 0:
        return "-" + _es_number(-x)
    mantissa, _, exp = repr(x).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits, n = (whole + frac).lstrip("0"), len(whole) + int(exp or 0)
    n -= len(whole + frac) - len(digits)
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return f"{digits[:n]}.{digits[n:]}"
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    e = n - 1
    sign = "+" if e >= 0 else "-"
    head = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
    return f"{head}e{sign}{abs(e)}"


def _strict_json(text: str | bytes) -> Any:
    """json.loads, refusing duplicate keys and NaN/Infinity, which would make readings ambiguous."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                raise ValueError(f"key {key!r} appears twice in one object")
            result[key] = value
        return result

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    return json.loads(text, object_pairs_hook=pairs, parse_constant=constant)


# -- C2SP signed notes and checkpoints ---------------------------------------------------------


def b64decode(text: str, what: str) -> bytes:
    """Standard padded base64 (RFC 4648 section 4), refusing any non-canonical spelling."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise Failed(f"{what} is not valid base64") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise Failed(f"{what} is not canonical base64")
    return raw


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Key:
    """A verifier key: ``<name>+<hex key ID>+<base64(type || Ed25519 public key)>``."""

    text: str
    name: str
    key_id: bytes
    alg: int
    public_key: Ed25519PublicKey

    @classmethod
    def parse(cls, text: str) -> Key:
        name, _, rest = text.partition("+")
        hex_id, _, material_b64 = rest.partition("+")
        if not name or any(c.isspace() for c in name) or not _is_utf8(name):
            raise ValueError("expected NAME+HASH+BASE64, with a name without spaces")
        if not re.fullmatch(r"[0-9a-f]{8}", hex_id):
            raise ValueError("expected NAME+HASH+BASE64, with a HASH of 8 lowercase hex digits")
        try:
            material = b64decode(material_b64, "the key material")
        except Failed as exc:
            raise ValueError(str(exc)) from None
        if len(material) != 33 or material[0] not in (ALG_ED25519, ALG_COSIGNATURE):
            raise ValueError("not an Ed25519 key of type 0x01 (log) or 0x04 (cosigner)")
        kid = hashlib.sha256(name.encode() + b"\n" + material).digest()[:4]
        if kid.hex() != hex_id:
            raise ValueError("its key ID does not match its name and public key")
        public_key = Ed25519PublicKey.from_public_bytes(material[1:])
        return cls(text, name, kid, material[0], public_key)

    def accepts(self, text: str, signature: bytes) -> bool:
        """Whether signature (after the key ID) is this key's over note text ``text``."""
        message = text.encode()
        if self.alg == ALG_COSIGNATURE:
            if len(signature) != 8 + 64:
                return False
            stamp = int.from_bytes(signature[:8], "big")
            message = f"cosignature/v1\ntime {stamp}\n".encode() + message
            signature = signature[8:]
        if len(signature) != 64:
            return False
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


def split_note(note: str) -> tuple[str, list[tuple[str, bytes, bytes]]]:
    """The note text and its signatures ``(name, key ID, signature)`` (C2SP signed-note)."""
    if re.search(r"[\x00-\x09\x0b-\x1f]", note) or not _is_utf8(note):
        raise Failed("the checkpoint note is not UTF-8 text without control characters")
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise Failed("the checkpoint is not a signed note (text, blank line, signature lines)")
    text, lines = note[: split + 1], note[split + 2 : -1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise Failed(f"the checkpoint note has more than {MAX_SIGNATURES} signatures")
    return text, [_signature(line) for line in lines]


def _signature(line: str) -> tuple[str, bytes, bytes]:
    name, _, blob = line.removeprefix("— ").partition(" ")
    if not line.startswith("— ") or not name:
        raise Failed(f"malformed signature line {line[:40]!r}")
    raw = b64decode(blob, f"the signature line {line[:40]!r}")
    if len(raw) < 5:
        raise Failed(f"the signature line {line[:40]!r} is too short")
    return name, raw[:4], raw[4:]


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes


def parse_checkpoint(text: str) -> Checkpoint:
    """Origin, size and root of a checkpoint's text (c2sp.org/tlog-checkpoint), strictly."""
    lines = text[:-1].split("\n")
    if len(lines) < 3 or "" in lines:
        raise Failed("the checkpoint text needs origin, size and root hash lines, none empty")
    if not re.fullmatch(r"0|[1-9][0-9]*", lines[1], re.ASCII) or int(lines[1]) >= 2**64:
        raise Failed(f"the checkpoint size {lines[1][:30]!r} is not a decimal number")
    root = b64decode(lines[2], "the checkpoint root hash")
    if len(root) != 32:
        raise Failed(f"the checkpoint root hash is {len(root)} bytes, not 32")
    return Checkpoint(lines[0], int(lines[1]), root)


# -- the bundle --------------------------------------------------------------------------------


@dataclass
class Bundle:
    """The parsed JSON; fields are read through `field`, which fails the step asking."""

    data: dict[str, Any]
    keys: list[Key]

    def field(self, name: str, kind: type | tuple[type, ...], what: str) -> Any:
        value = self.data.get(name)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            raise Failed(f'"{name}" must be {what}')
        return value

    def is_custody(self) -> bool:
        return self.data.get("entry_kind") == "custody"

    def entry(self) -> bytes:
        return b64decode(self.field("entry", str, "base64 text"), '"entry"')

    def envelope(self) -> dict[str, Any]:
        try:
            value = _strict_json(self.entry())
        except ValueError as exc:
            raise Failed(f"the entry is not JSON: {exc}") from None
        if not isinstance(value, dict):
            raise Failed("the entry is not a JSON object")
        return value

    def index(self, name: str) -> int:
        value: int = self.field(name, int, "a whole number")
        if not 0 <= value < 2**64:
            raise Failed(f'"{name}" is out of range')
        return value

    def checkpoint_note(self) -> str:
        note: str = self.field("checkpoint", str, "the signed checkpoint note, as text")
        return note


def check_bundle(bundle: Bundle) -> str:
    """Step 0: the format, the fields and their types, and the entry's shape."""
    data = bundle.data
    if data.get("format") != FORMAT:
        raise Failed(f'"format" is {data.get("format")!r}; this tool reads {FORMAT!r}')
    if missing := sorted(REQUIRED - data.keys()):
        raise Failed(f"missing field(s): {', '.join(missing)}")
    if unknown := sorted(data.keys() - REQUIRED - OPTIONAL):
        raise Failed(f"unknown field(s), not checked by this tool: {', '.join(unknown)}")
    if data["entry_kind"] not in ENTRY_KINDS:
        known = ", ".join(ENTRY_KINDS)
        raise Failed(f'"entry_kind" {data["entry_kind"]!r} is not one this tool knows ({known})')
    for name, kind in [("sha256", str), ("state", dict), ("timestamp", dict)]:
        if data.get(name) is not None:
            bundle.field(name, kind, f"{kind.__name__} or null")
    if bundle.is_custody():
        if data.get("state") is not None:
            raise Failed('a custody bundle has no "state", but this one carries one')
        return _check_custody(bundle)
    return _check_envelope(bundle)


def _check_canonical(entry: bytes, value: dict[str, Any]) -> None:
    """The entry bytes are exactly the RFC 8785 form of the JSON they hold."""
    try:
        canonical = canonical_json(value) == entry
    except ValueError as exc:
        raise Failed(f"the entry cannot be canonicalized: {exc}") from None
    if not canonical:
        raise Failed("the entry is not in canonical form (RFC 8785)")


def _check_envelope(bundle: Bundle) -> str:
    entry, envelope = bundle.entry(), bundle.envelope()
    if envelope.keys() != REVISION_KEYS:
        raise Failed(f"the entry is not a revision envelope: its keys are {sorted(envelope)}")
    _check_canonical(entry, envelope)
    state_sha256 = envelope["state_sha256"]
    if not isinstance(state_sha256, str) or not HEX64.fullmatch(state_sha256):
        raise Failed("the entry's state_sha256 is not a SHA-256 in hex")
    return (
        f"{FORMAT} bundle; revision {envelope['seq']} of record {envelope['record']}, "
        f"recorded at {envelope['at']}"
    )


def _check_custody(bundle: Bundle) -> str:
    entry, event = bundle.entry(), bundle.envelope()
    if event.keys() != CUSTODY_KEYS:
        raise Failed(f"the entry is not a custody event: its keys are {sorted(event)}")
    _check_canonical(entry, event)
    kind, sha256 = event["custody"], event["sha256"]
    if kind not in CUSTODY_KINDS:
        raise Failed(f"the custody event's kind {kind!r} is not one of {', '.join(CUSTODY_KINDS)}")
    if not isinstance(sha256, str) or not HEX64.fullmatch(sha256):
        raise Failed("the custody event's sha256 is not a SHA-256 in lowercase hex")
    for name, types, what in [
        ("actor", str, "text"),
        ("at", str, "text"),
        ("reason", (str, type(None)), "text or null"),
        ("details", dict, "a JSON object"),
    ]:
        if not isinstance(event[name], types):
            raise Failed(f'the custody event\'s "{name}" is not {what}')
    return f"{FORMAT} bundle; custody event {kind} of file {sha256}, recorded at {event['at']}"


def check_state(bundle: Bundle) -> str:
    """Step 1: the state hashes to what the entry commits to."""
    if bundle.is_custody():
        raise Skipped("no state: a custody event")
    if bundle.data.get("state") is None:
        raise Skipped("no state in the bundle: the entry commits to state_sha256 alone")
    state = bundle.field("state", dict, "a JSON object")
    try:
        digest = hashlib.sha256(canonical_json(state)).hexdigest()
    except ValueError as exc:
        raise Failed(f"the state cannot be canonicalized: {exc}") from None
    expected = bundle.envelope().get("state_sha256")
    if digest != expected:
        raise Failed(f"SHA-256 of the canonical state is {digest}, the entry says {expected}")
    return f"SHA-256 of the canonical state is {digest}, as the entry says"


def check_entry(bundle: Bundle) -> str:
    """Step 2: the entry is the revision whose hash the archive shows."""
    if bundle.data.get("sha256") is None:
        raise Skipped('no "sha256" in the bundle to compare with')
    expected = bundle.field("sha256", str, "hex text")
    digest = hashlib.sha256(bundle.entry()).hexdigest()
    if digest != expected:
        raise Failed(f'SHA-256 of the entry is {digest}, "sha256" says {expected}')
    what = "custody event's" if bundle.is_custody() else "revision"
    return f"SHA-256 of the entry is {digest}, the {what} hash given"


def check_leaf(bundle: Bundle) -> str:
    """Step 3: the leaf hash, as the log computes it."""
    return f"SHA-256(0x00 || entry) = {leaf_hash(bundle.entry()).hex()}"


def check_inclusion(bundle: Bundle) -> str:
    """Step 4: the audit path leads from the leaf to the checkpoint's root."""
    index, size = bundle.index("leaf_index"), bundle.index("tree_size")
    cp = parse_checkpoint(split_note(bundle.checkpoint_note())[0])
    if size != cp.size:
        raise Failed(f'"tree_size" is {size}, but the checkpoint is for {cp.size} entries')
    if index >= size:
        raise Failed(f'"leaf_index" {index} is not below the tree size {size}')
    items = bundle.field("inclusion_proof", list, "a list of base64 hashes")
    if not all(isinstance(p, str) for p in items):
        raise Failed('"inclusion_proof" must be a list of base64 hashes')
    path = [b64decode(p, "an inclusion proof hash") for p in items]
    if not verify_inclusion(leaf_hash(bundle.entry()), index, size, path, cp.root):
        raise Failed(f"the proof does not lead from entry {index} to the root of {size} entries")
    root = base64.b64encode(cp.root).decode()
    return f"leaf_index {index} of {size} entries: {len(path)} hashes lead to the root {root}"


def check_signature(bundle: Bundle) -> str:
    """Step 5: every given key signed (or cosigned) the checkpoint note."""
    text, signatures = split_note(bundle.checkpoint_note())
    cp = parse_checkpoint(text)
    for key in bundle.keys:
        mine = [sig for name, kid, sig in signatures if (name, kid) == (key.name, key.key_id)]
        if not mine:
            raise Failed(f"the checkpoint carries no signature by {key.name}+{key.key_id.hex()}")
        if not all(key.accepts(text, sig) for sig in mine):
            raise Failed(f"the signature by {key.name}+{key.key_id.hex()} does not match the note")
    names = ", ".join(f"{k.name}+{k.key_id.hex()}" for k in bundle.keys)
    return f"checkpoint of {cp.origin!r}, {cp.size} entries, signed by {names}"


def check_timestamp(bundle: Bundle) -> str:
    """Step 6: the RFC 3161 response over the signed checkpoint, checked by the stock
    ``openssl ts -verify`` (parsing CMS is beyond the standard library and ``cryptography``)."""
    stamp = bundle.data.get("timestamp")
    if stamp is None:
        raise Skipped("no timestamp in the bundle")
    response = stamp.get("response") if isinstance(stamp, dict) else None
    chain = stamp.get("tsa_chain") if isinstance(stamp, dict) else None
    if not isinstance(response, str) or not isinstance(chain, str):
        raise Failed('"timestamp" must hold "response" (base64) and "tsa_chain" (PEM)')
    openssl = shutil.which("openssl")
    if openssl is None:
        raise Skipped(
            "openssl is not installed; check with: openssl ts -verify -data "
            "CHECKPOINT -in RESPONSE.tsr -CAfile TSA-CHAIN.pem"
        )
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "checkpoint.txt").write_bytes(bundle.checkpoint_note().encode("utf-8"))
        (folder / "reply.tsr").write_bytes(b64decode(response, '"timestamp.response"'))
        (folder / "chain.pem").write_text(chain, encoding="ascii")
        verify = [
            openssl,
            "ts",
            "-verify",
            "-data",
            "checkpoint.txt",
            "-in",
            "reply.tsr",
            "-CAfile",
            "chain.pem",
        ]
        if subprocess.run(verify, cwd=folder, capture_output=True).returncode != 0:
            raise Failed("openssl ts -verify rejects the token for this checkpoint and chain")
        shown = subprocess.run(
            [openssl, "ts", "-reply", "-in", "reply.tsr", "-text"],
            cwd=folder,
            capture_output=True,
            text=True,
        ).stdout
    when = next(
        (ln.split(":", 1)[1].strip() for ln in shown.splitlines() if ln.startswith("Time stamp:")),
        "?",
    )
    return (
        f"the TSA signed this checkpoint at {when} (chain taken from the bundle: obtain the "
        "TSA's certificate independently to rely on it)"
    )


STEPS: list[tuple[str, Callable[[Bundle], str]]] = [
    ("0 bundle", check_bundle),
    ("1 state", check_state),
    ("2 entry", check_entry),
    ("3 leaf", check_leaf),
    ("4 inclusion", check_inclusion),
    ("5 signature", check_signature),
    ("6 timestamp", check_timestamp),
]


def run(bundle: Bundle, out: Callable[[str], None]) -> list[str]:
    """Run every step, print one line each, and return the names of those that failed."""
    failed = []
    for name, step in STEPS:
        try:
            verdict, detail = "PASS", step(bundle)
        except Failed as exc:
            verdict, detail = "FAIL", str(exc)
            failed.append(name)
        except Skipped as exc:
            verdict, detail = "SKIP", str(exc)
        out(f"{verdict}  {name:<12} {detail}")
    return failed


def load(path: Path) -> dict[str, Any]:
    try:
        data = _strict_json(path.read_bytes())
    except ValueError as exc:
        raise Failed(f"{path} is not a JSON bundle: {exc}") from None
    if not isinstance(data, dict):
        raise Failed(f"{path} holds JSON, but not an object")
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="sviedka_verify.py",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("bundle", type=Path, help="the proof bundle, a JSON file")
    parser.add_argument(
        "--key",
        action="append",
        required=True,
        metavar="NAME+HASH+BASE64",
        help="a verifier key to require on the checkpoint; repeat for cosigners",
    )
    args = parser.parse_args(argv)
    try:
        keys = [Key.parse(k) for k in args.key]
    except ValueError as exc:
        parser.error(f"--key: {exc}")
    if not args.bundle.is_file():
        parser.error(f"{args.bundle}: no such file")
    try:
        bundle = Bundle(load(args.bundle), keys)
    except Failed as exc:
        print(f"FAIL  {'0 bundle':<12} {exc}")
        print("Result: NOT VERIFIED.")
        return 1
    print(f"Proof bundle {args.bundle}")
    failed = run(bundle, print)
    if failed:
        print(f"Result: NOT VERIFIED. Failed: {'; '.join(failed)}.")
        return 1
    print("Result: VERIFIED (see --help for what this does and does not prove).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
