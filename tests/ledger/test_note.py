"""Signed notes, checkpoints and cosignatures, against the published Go vectors.

Vectors: the PeterNeumann and EnochRoot keys, text and signatures of golang.org/x/mod
``sumdb/note/note_test.go``; a cosignature/v1 note signed by github.com/transparency-dev/formats
``note`` (captured in yaglo/signed_note ``test/support/vectors/typed_notes.tsv``); the checkpoint
example of c2sp.org/tlog-checkpoint.
"""

from __future__ import annotations

import base64
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sviedka.errors import IntegrityFailure
from sviedka.ledger.note import (
    ALG_COSIGNATURE_V1,
    ALG_ED25519,
    Checkpoint,
    cosign,
    cosigner_key,
    key_id,
    open_checkpoint,
    open_note,
    parse_verifier_key,
    sign_note,
    verifier_key,
    verify_cosignature,
)

PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6"
    "KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WW"
    "d1RvMc+QQ=\n"
)
COSIGNER_VKEY = "vec.example/cosigv10+c12688da+BLMSTPoQj0PojM8eKiPf9xUT8g6b0OuMyvYb5sSu9JH5"
COSIGNED_NOTE = (
    "vec.example/cosigv10\n42\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
    "— vec.example/cosigv10 wSaI2gAAAABqbL5Q3HjbTCJeqMg3tmpdYGAg05ijTi7k0pyreJSULmtv3g+yXH+G/Ko87JG"
    "+QkLF6af9+GVVNlEIgf6T0bw0wQyMDw==\n"
)
SPEC_CHECKPOINT = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
)
ROOT = base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")


def peter_key() -> Ed25519PrivateKey:
    seed = base64.b64decode(PETER_SKEY.split("+", 4)[4])
    assert seed[0] == ALG_ED25519
    return Ed25519PrivateKey.from_private_bytes(seed[1:])


@pytest.fixture
def log_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


# -- Go sumdb/note vectors -----------------------------------------------------------------------


def test_signing_reproduces_the_go_note_byte_for_byte() -> None:
    assert sign_note(TEXT, "PeterNeumann", peter_key()) == TEXT + "\n" + PETER_SIG


def test_verifier_key_reproduces_the_go_vkey() -> None:
    assert verifier_key("PeterNeumann", peter_key().public_key()) == PETER_VKEY
    parsed = parse_verifier_key(PETER_VKEY)
    assert (parsed.name, parsed.key_id.hex(), parsed.alg) == ("PeterNeumann", "c74f20a3", 1)
    assert str(parsed) == PETER_VKEY


def test_open_reports_the_known_signers_and_ignores_unknown_ones() -> None:
    note = TEXT + "\n" + PETER_SIG + ENOCH_SIG
    assert open_note(note, [PETER_VKEY]) == (TEXT, ["PeterNeumann"])
    assert open_note(note, [PETER_VKEY, ENOCH_VKEY]) == (TEXT, ["PeterNeumann", "EnochRoot"])
    assert open_note(TEXT + "\n" + PETER_SIG + PETER_SIG, [PETER_VKEY]) == (TEXT, ["PeterNeumann"])


def test_open_fails_when_no_known_key_signed() -> None:
    with pytest.raises(IntegrityFailure, match="None of the trusted keys"):
        open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [])
    with pytest.raises(IntegrityFailure, match="None of the trusted keys"):
        open_note(TEXT + "\n" + ENOCH_SIG, [PETER_VKEY])


def test_a_bad_signature_by_a_known_key_rejects_the_whole_note() -> None:
    forged = PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(IntegrityFailure, match="PeterNeumann"):
        open_note(TEXT + "\n" + forged + ENOCH_SIG, [PETER_VKEY, ENOCH_VKEY])
    with pytest.raises(IntegrityFailure, match="EnochRoot"):
        open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG[:60] + "ABCD" + ENOCH_SIG[60:], [ENOCH_VKEY])


@pytest.mark.parametrize(
    "message",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        "\udcff" + TEXT + "\n" + PETER_SIG,  # Go's "\xff": not UTF-8
        TEXT + "\n" + "— Bad Name" + PETER_SIG[len("— PeterNeumann") :],
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + PETER_SIG * 101,
        TEXT.replace("\n", "\r\n") + "\n" + PETER_SIG,
        TEXT + "\n" + PETER_SIG.replace("— ", "-- "),
        TEXT + "\n" + "— PeterNeumann AAAA\n",
        TEXT + "\n" + "— PeterNeumann x08go!\n",
    ],
)
def test_open_rejects_malformed_notes(message: str) -> None:
    with pytest.raises(ValueError):
        open_note(message, [PETER_VKEY])


def test_every_truncation_or_one_character_change_of_a_vkey_is_rejected() -> None:
    # As note_test.go TestNewVerifier: every proper substring, and every character incremented.
    bad = {
        PETER_VKEY[i:j]
        for i in range(len(PETER_VKEY))
        for j in range(i + 1, len(PETER_VKEY) + 1)
        if (i, j) != (0, len(PETER_VKEY))
    }
    bad |= {
        PETER_VKEY[:i] + chr(ord(c) + 1) + PETER_VKEY[i + 1 :] for i, c in enumerate(PETER_VKEY)
    }
    bad |= {
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",  # length
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # algorithm
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # upper-case hex
    }
    for vkey in bad:
        with pytest.raises(ValueError):
            parse_verifier_key(vkey)


def test_ambiguous_trusted_keys_are_refused(log_key: Ed25519PrivateKey) -> None:
    impostor = parse_verifier_key(PETER_VKEY)
    other = type(impostor)("PeterNeumann", impostor.key_id, 1, log_key.public_key())
    with pytest.raises(ValueError, match="share name and ID"):
        open_note(TEXT + "\n" + PETER_SIG, [PETER_VKEY, other])


# -- round trips ---------------------------------------------------------------------------------


def test_sign_and_open_round_trip(log_key: Ed25519PrivateKey) -> None:
    body = Checkpoint("archive.example/log", 8, ROOT).body()
    signed = sign_note(body, "archive.example/log", log_key)
    vkey = verifier_key("archive.example/log", log_key.public_key())
    assert open_note(signed, [vkey]) == (body, ["archive.example/log"])
    assert open_checkpoint(signed, [vkey]) == (
        Checkpoint("archive.example/log", 8, ROOT),
        ["archive.example/log"],
    )


def test_a_signature_by_another_key_does_not_verify(log_key: Ed25519PrivateKey) -> None:
    body = Checkpoint("archive.example/log", 8, ROOT).body()
    thief = Ed25519PrivateKey.generate()
    signed = sign_note(body, "archive.example/log", thief)
    with pytest.raises(IntegrityFailure):
        open_note(signed, [verifier_key("archive.example/log", log_key.public_key())])


def test_a_signature_over_an_altered_body_does_not_verify(log_key: Ed25519PrivateKey) -> None:
    signed = sign_note(
        Checkpoint("archive.example/log", 8, ROOT).body(), "archive.example/log", log_key
    )
    vkey = verifier_key("archive.example/log", log_key.public_key())
    for altered in [
        signed.replace("\n8\n", "\n9\n"),
        signed.replace("archive.example/log\n", "archive.example/lag\n", 1),
        signed.replace("\n\n", "\nextension\n\n"),
    ]:
        with pytest.raises(IntegrityFailure):
            open_note(altered, [vkey])


def test_sign_refuses_text_that_cannot_be_a_note(log_key: Ed25519PrivateKey) -> None:
    for body, name in [("no newline", "k"), ("a\r\n", "k"), ("ok\n", "a b"), ("ok\n", "a+b")]:
        with pytest.raises(ValueError):
            sign_note(body, name, log_key)


def test_key_id_is_the_truncated_hash_of_name_type_and_key() -> None:
    raw = parse_verifier_key(PETER_VKEY)
    public = raw.public_key.public_bytes_raw()
    assert key_id("PeterNeumann", ALG_ED25519, public).hex() == "c74f20a3"
    assert key_id("PeterNeumann", ALG_COSIGNATURE_V1, public) != raw.key_id


# -- cosignatures --------------------------------------------------------------------------------


def test_a_transparency_dev_cosignature_verifies() -> None:
    assert verify_cosignature(COSIGNED_NOTE, COSIGNER_VKEY) == 1785511504
    assert open_note(COSIGNED_NOTE, [COSIGNER_VKEY])[1] == ["vec.example/cosigv10"]


def test_cosign_round_trip_beside_the_log_signature(log_key: Ed25519PrivateKey) -> None:
    witness = Ed25519PrivateKey.generate()
    signed = sign_note(SPEC_CHECKPOINT, "example.com/behind-the-sofa", log_key)
    line = cosign(signed, "partner.example/w1", witness, 1679315147)
    assert line.startswith("— partner.example/w1 ")
    cosigned = signed + line
    wkey = cosigner_key("partner.example/w1", witness.public_key())
    lkey = verifier_key("example.com/behind-the-sofa", log_key.public_key())
    assert verify_cosignature(cosigned, wkey) == 1679315147
    assert open_note(cosigned, [lkey, wkey])[1] == [
        "example.com/behind-the-sofa",
        "partner.example/w1",
    ]
    assert open_note(cosigned, [lkey])[1] == ["example.com/behind-the-sofa"]


def test_a_cosignature_signs_the_timestamp_and_the_checkpoint() -> None:
    witness = Ed25519PrivateKey.generate()
    wkey = cosigner_key("partner.example/w1", witness.public_key())
    line = cosign(SPEC_CHECKPOINT, "partner.example/w1", witness, 1679315147)
    assert verify_cosignature(SPEC_CHECKPOINT + "\n" + line, wkey) == 1679315147
    raw = bytearray(base64.b64decode(line.split(" ")[2]))
    raw[4 + 7] ^= 1  # the timestamp's last byte
    retimed = f"— partner.example/w1 {base64.b64encode(bytes(raw)).decode()}\n"
    with pytest.raises(IntegrityFailure):
        verify_cosignature(SPEC_CHECKPOINT + "\n" + retimed, wkey)
    with pytest.raises(IntegrityFailure):
        verify_cosignature(SPEC_CHECKPOINT.replace("20852163", "20852164") + "\n" + line, wkey)


def test_a_missing_cosignature_is_an_integrity_failure(log_key: Ed25519PrivateKey) -> None:
    signed = sign_note(SPEC_CHECKPOINT, "example.com/behind-the-sofa", log_key)
    wkey = cosigner_key("partner.example/w1", Ed25519PrivateKey.generate().public_key())
    with pytest.raises(IntegrityFailure):
        verify_cosignature(signed, wkey)
    with pytest.raises(ValueError, match="not a cosigner key"):
        verify_cosignature(signed, PETER_VKEY)


def test_cosign_refuses_bad_timestamps_and_non_checkpoints() -> None:
    witness = Ed25519PrivateKey.generate()
    for timestamp in (-1, 2**63):
        with pytest.raises(ValueError, match="timestamp"):
            cosign(SPEC_CHECKPOINT, "w", witness, timestamp)
    with pytest.raises(ValueError):
        cosign(TEXT, "w", witness, 1)


# -- checkpoints ---------------------------------------------------------------------------------


def test_checkpoint_body_and_parse_round_trip() -> None:
    cp = Checkpoint.parse(SPEC_CHECKPOINT)
    assert cp == Checkpoint("example.com/behind-the-sofa", 20852163, ROOT)
    assert cp.body() == SPEC_CHECKPOINT
    with_ext = Checkpoint("o", 0, ROOT, ("ext one", "ext two"))
    assert Checkpoint.parse(with_ext.body()) == with_ext


def test_the_spec_example_checkpoint_parses_from_its_signed_note() -> None:
    signed = (
        SPEC_CHECKPOINT
        + "\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOo"
        "RDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    )
    # The spec publishes no key for it: it parses, and no trusted key signed it.
    with pytest.raises(IntegrityFailure):
        open_checkpoint(signed, [PETER_VKEY])


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("o\n1\n", "needs origin, size and root"),
        ("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", "newline"),
        ("\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "origin line is empty"),
        ("o\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "leading zero"),
        ("o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "not an ASCII decimal"),
        ("o\n+1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "not an ASCII decimal"),
        ("o\n 1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "not an ASCII decimal"),
        ("o\n١\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "not an ASCII decimal"),
        ("o\n0x1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "not an ASCII decimal"),
        (f"o\n{2**64}\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "64 bits"),
        ("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n", "not valid base64"),
        ("o\n1\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n", "not valid base64"),
        ("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n", "not canonical base64"),
        ("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx\n", "30 bytes, not 32"),
        ("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\next\n", "empty extension"),
        ("o\r\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "carriage return"),
        ("o\t\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "control character U+0009"),
    ],
)
def test_checkpoint_parse_names_each_problem(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        Checkpoint.parse(text)


def test_checkpoint_refuses_impossible_values() -> None:
    for args in [("", 1, ROOT), ("o", -1, ROOT), ("o", 1, ROOT[:31]), ("a\nb", 1, ROOT)]:
        with pytest.raises(ValueError):
            Checkpoint(*args)
    with pytest.raises(ValueError):
        Checkpoint("o", 1, ROOT, ("",))
