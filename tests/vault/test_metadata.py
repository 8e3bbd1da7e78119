"""Metadata extraction on working copies: every input is built here, nothing reaches the network.

A signed C2PA file is made with a throw-away certificate chain (``cryptography``) and c2pa-python's
own Builder, with no time-stamp authority, so the signer is reported as untrusted: that is the point
of the test, not a flaw.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import struct
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import c2pa
import exifread
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image, ImageDraw, ImageFile
from pypdf import PdfWriter

from sviedka.vault import metadata
from sviedka.vault.metadata import Extracted, extract, near_duplicates

BOMB = "too many pixels (possible decompression bomb)"
SECRET = "SECRET-WITNESS-NAME"

# --- builders ----------------------------------------------------------------------------------

# Not a speed target (those live in bench/): decoding a bomb would take minutes and gigabytes,
# so finishing within this generous bound shows it was refused before being decoded, even on a
# busy CI machine.
BOMB_SECONDS = 10.0


def scene(seed: int = 1, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A picture with structure at several scales, so perceptual hashes mean something."""
    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        r = rng.randrange(20, 120)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    return image


def gps_exif(lat_ref: str = "N", lon_ref: str = "E", make: str = "Canon") -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = make
    exif[0x0110] = "EOS 5D Mark IV"
    photo = exif.get_ifd(0x8769)
    photo[0x9003] = "2020:08:09 21:15:03"  # DateTimeOriginal
    photo[0x9011] = "+03:00"  # OffsetTimeOriginal
    photo[0x927C] = b"maker-private-bytes" * 10  # MakerNote
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = lat_ref, (53.0, 54.0, 9.0)
    gps[3], gps[4] = lon_ref, (27.0, 33.0, 54.0)
    gps[5], gps[6] = b"\x00", 220.5
    return exif


def jpeg(path: Path, image: Image.Image | None = None, **save: object) -> Path:
    (image or scene()).save(path, "JPEG", **save)
    return path


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_declaring(path: Path, width: int, height: int, extra: bytes = b"") -> Path:
    """A PNG whose header claims ``width`` x ``height`` pixels, backed by one tiny row of data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * (width + 1), 9)
    body = png_chunk(b"IHDR", header) + extra + png_chunk(b"IDAT", rows) + png_chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    return path


def pdf(path: Path, pages: int = 3, **info: str) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({f"/{key}": value for key, value in info.items()})
    with path.open("wb") as out:
        writer.write(out)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- images, EXIF and GPS ----------------------------------------------------------------------


def test_jpeg_yields_exif_capture_time_and_signed_decimal_gps(tmp_path: Path) -> None:
    photo = jpeg(tmp_path / "p", exif=gps_exif())

    result = extract(photo)

    assert result.media_type == "image/jpeg"
    assert result.problems == {}
    fields = result.fields
    assert (fields["exif.Make"], fields["exif.Model"]) == ("Canon", "EOS 5D Mark IV")
    assert fields["exif.DateTimeOriginal"] == "2020-08-09T21:15:03"
    assert fields["exif.OffsetTimeOriginal"] == "+03:00"
    assert fields["gps.latitude"] == round(53 + 54 / 60 + 9 / 3600, 7)
    assert fields["gps.longitude"] == round(27 + 33 / 60 + 54 / 3600, 7)
    assert fields["gps.altitude"] == 220.5
    assert (fields["image.width"], fields["image.height"]) == (640, 480)


def test_southern_and_western_hemispheres_are_negative(tmp_path: Path) -> None:
    photo = jpeg(tmp_path / "p", exif=gps_exif(lat_ref="S", lon_ref="W"))

    fields = extract(photo).fields

    assert fields["gps.latitude"] == -round(53 + 54 / 60 + 9 / 3600, 7)
    assert fields["gps.longitude"] == -round(27 + 33 / 60 + 54 / 3600, 7)


def test_maker_notes_and_ifd_pointers_are_left_out(tmp_path: Path) -> None:
    fields = extract(jpeg(tmp_path / "p", exif=gps_exif())).fields

    assert [key for key in fields if "MakerNote" in key or key[-6:] == "Offset"] == []
    assert "exif.GPSInfo" not in fields


def test_long_exif_strings_are_capped(tmp_path: Path) -> None:
    photo = jpeg(tmp_path / "p", exif=gps_exif(make="A" * 5000))

    make = extract(photo).fields["exif.Make"]

    assert isinstance(make, str)
    assert len(make) == metadata.MAX_TEXT
    assert make.endswith("…")


def test_png_gets_dimensions_phash_and_a_png_thumbnail_when_transparent(tmp_path: Path) -> None:
    source = tmp_path / "in"
    scene().convert("RGBA").save(source, "PNG")
    thumbs = tmp_path / "thumbs"
    thumbs.mkdir()

    result = extract(source, thumbnail_dir=thumbs)

    assert result.media_type == "image/png"
    assert (result.fields["image.width"], result.fields["image.format"]) == (640, "PNG")
    assert result.phash is not None and len(result.phash) == 16
    assert result.thumbnail == thumbs / f"{result.phash}.thumb.png"
    with Image.open(result.thumbnail) as thumbnail:
        assert max(thumbnail.size) == metadata.THUMBNAIL_SIZE


def test_thumbnail_is_a_marked_working_copy_without_exif(tmp_path: Path) -> None:
    photo = jpeg(tmp_path / "p", exif=gps_exif())

    result = extract(photo, thumbnail_dir=tmp_path, thumbnail_stem="a" * 64)

    assert result.thumbnail == tmp_path / f"{'a' * 64}.thumb.jpg"
    with Image.open(result.thumbnail) as thumbnail:
        assert thumbnail.size == (320, 240)
        assert dict(thumbnail.getexif()) == {}
        assert thumbnail.info["comment"] == b"sviedka working copy: a thumbnail, not evidence"


@pytest.mark.parametrize("stem", ["../escape", "a/b", ".hidden", ""])
def test_thumbnail_stem_must_be_a_plain_name(tmp_path: Path, stem: str) -> None:
    with pytest.raises(ValueError):
        extract(jpeg(tmp_path / "p"), thumbnail_dir=tmp_path, thumbnail_stem=stem)


def test_a_thumbnail_in_memory_is_the_same_marked_working_copy_and_no_file(
    tmp_path: Path,
) -> None:
    photo = jpeg(tmp_path / "p", exif=gps_exif())

    result = extract(photo, thumbnail_in_memory=True)

    assert (result.thumbnail, sorted(p.name for p in tmp_path.iterdir())) == (None, ["p"])
    assert result.thumbnail_data is not None
    with Image.open(io.BytesIO(result.thumbnail_data)) as thumbnail:
        assert (thumbnail.format, thumbnail.size) == ("JPEG", (320, 240))
        assert dict(thumbnail.getexif()) == {}
        assert thumbnail.info["comment"] == b"sviedka working copy: a thumbnail, not evidence"


def test_no_thumbnail_without_a_folder(tmp_path: Path) -> None:
    result = extract(jpeg(tmp_path / "p"))

    assert result.thumbnail is None
    assert result.phash is not None


def test_missing_thumbnail_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    result = extract(jpeg(tmp_path / "p"), thumbnail_dir=tmp_path / "nowhere")

    assert result.problems == {"thumbnail": "could not write the thumbnail"}
    assert result.thumbnail is None
    assert result.phash is not None


def test_truncated_jpeg_keeps_exif_and_reports_the_image(tmp_path: Path) -> None:
    whole = jpeg(tmp_path / "whole", exif=gps_exif()).read_bytes()
    cut = tmp_path / "cut"
    cut.write_bytes(whole[: len(whole) * 2 // 3])

    result = extract(cut, thumbnail_dir=tmp_path)

    assert result.media_type == "image/jpeg"
    assert result.problems == {"image": "truncated or corrupted image data"}
    assert result.fields["exif.Make"] == "Canon"
    assert result.fields["gps.latitude"] == round(53 + 54 / 60 + 9 / 3600, 7)
    assert result.fields["image.width"] == 640
    assert (result.phash, result.thumbnail) == (None, None)


def test_exif_orientation_is_applied_before_hashing(tmp_path: Path) -> None:
    upright = scene(seed=4)
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # as a sensor would store it
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    tagged = jpeg(tmp_path / "tagged", stored, exif=exif, quality=95)
    plain = jpeg(tmp_path / "plain", upright, quality=95)

    tagged_hash, plain_hash = extract(tagged).phash, extract(plain).phash

    assert tagged_hash is not None and plain_hash is not None
    assert near_duplicates(tagged_hash, {"plain": plain_hash}, max_distance=4) != []


# --- bombs and hostile images ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (30_000, 30_000),  # beyond twice Pillow's limit: DecompressionBombError
        (10_000, 9_000),  # beyond Pillow's limit: DecompressionBombWarning, treated as an error
        (9_000, 9_000),  # within Pillow's limit but beyond ours
    ],
)
def test_decompression_bomb_is_refused_quickly(tmp_path: Path, width: int, height: int) -> None:
    bomb = png_declaring(tmp_path / "bomb", width, height)
    thumbs = tmp_path / "thumbs"
    thumbs.mkdir()

    started = time.perf_counter()
    result = extract(bomb, thumbnail_dir=thumbs)

    assert time.perf_counter() - started < BOMB_SECONDS
    assert result.problems == {"image": BOMB}
    assert (result.phash, result.thumbnail) == (None, None)
    assert list(thumbs.iterdir()) == []


def test_our_pixel_limit_holds_when_pillows_is_switched_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    bomb = png_declaring(tmp_path / "bomb", 30_000, 30_000)

    started = time.perf_counter()
    result = extract(bomb)

    assert time.perf_counter() - started < BOMB_SECONDS
    assert result.problems == {"image": BOMB}
    assert (result.fields["image.width"], result.fields["image.height"]) == (30_000, 30_000)


def test_gif_frame_larger_than_its_screen_is_refused(tmp_path: Path) -> None:
    screen = b"GIF89a" + struct.pack("<HHBBB", 10, 10, 0x80, 0, 0) + b"\x00" * 3 + b"\xff" * 3
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, 30_000, 30_000, 0) + b"\x02\x02\x44\x01\x00"
    bomb = tmp_path / "bomb"
    bomb.write_bytes(screen + frame + b"\x3b")

    started = time.perf_counter()
    result = extract(bomb)

    assert time.perf_counter() - started < BOMB_SECONDS
    assert result.media_type == "image/gif"
    assert result.problems == {"image": BOMB}


def test_png_text_chunk_zip_bomb_is_refused_quickly(tmp_path: Path) -> None:
    payload = zlib.compress(b"A" * (64 * 1024 * 1024), 9)  # 64 MiB behind a few dozen KiB
    ztxt = png_chunk(b"zTXt", b"Comment\x00\x00" + payload)
    bomb = png_declaring(tmp_path / "bomb", 16, 16, extra=ztxt)

    started = time.perf_counter()
    result = extract(bomb)

    assert time.perf_counter() - started < BOMB_SECONDS
    assert result.problems == {"image": "text chunk too large (possible zip bomb)"}
    assert result.phash is None


def test_pillow_set_to_load_truncated_images_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)

    result = extract(jpeg(tmp_path / "p"))

    assert result.problems == {
        "image": "refusing to decode: Pillow is set to load truncated images"
    }


def test_a_crashing_extractor_does_not_stop_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError(SECRET)

    monkeypatch.setattr(exifread, "process_file", explode)

    result = extract(jpeg(tmp_path / "p", exif=gps_exif()), thumbnail_dir=tmp_path)

    assert result.problems == {"exif": "unexpected RuntimeError"}
    assert result.fields["image.width"] == 640
    assert result.phash is not None and result.thumbnail is not None


def test_problems_never_quote_the_file(tmp_path: Path) -> None:
    whole = jpeg(tmp_path / "whole", exif=gps_exif(make=SECRET)).read_bytes()
    cut = tmp_path / SECRET
    cut.write_bytes(whole[:700])  # EXIF intact, image data gone

    result = extract(cut)

    assert result.problems  # something did fail
    assert all(SECRET not in message for message in result.problems.values())


def test_damaged_files_never_raise_and_never_take_long(tmp_path: Path) -> None:
    """A small deterministic fuzz: flipped bytes and cut tails in each kind of input."""
    seeds = [
        jpeg(tmp_path / "jpeg", exif=gps_exif()).read_bytes(),
        pdf(tmp_path / "pdf", Title="t", CreationDate="D:2021").read_bytes(),
        png_declaring(tmp_path / "png", 64, 64).read_bytes(),
    ]
    rng = random.Random(7)
    for attempt in range(150):
        data = bytearray(seeds[attempt % len(seeds)])
        for _ in range(rng.randint(1, 12)):
            data[rng.randrange(min(len(data), 1500))] = rng.randrange(256)
        damaged = tmp_path / "damaged"
        damaged.write_bytes(bytes(data[: rng.randrange(len(data) // 2, len(data) + 1)]))

        started = time.perf_counter()
        result = extract(damaged, thumbnail_dir=tmp_path)

        assert time.perf_counter() - started < BOMB_SECONDS
        assert [m for m in result.problems.values() if m.startswith("unexpected")] == []


# --- near duplicates ---------------------------------------------------------------------------


def test_resized_and_recompressed_copy_is_a_near_duplicate(tmp_path: Path) -> None:
    original = jpeg(tmp_path / "original", scene(seed=1), quality=95)
    copy = jpeg(tmp_path / "copy", scene(seed=1).resize((384, 288)), quality=40)
    other = jpeg(tmp_path / "other", scene(seed=2), quality=95)
    hashes = {name: extract(path).phash for name, path in [("copy", copy), ("other", other)]}
    target = extract(original).phash
    assert target is not None and None not in hashes.values()

    found = near_duplicates(target, {k: v for k, v in hashes.items() if v})

    assert [name for name, _ in found] == ["copy"]
    assert found[0][1] <= 8


def test_near_duplicates_are_sorted_by_distance_then_key() -> None:
    others = {"b": "0000000000000003", "a": "0000000000000003", "c": "0000000000000001"}

    assert near_duplicates("0000000000000000", others, max_distance=2) == [
        ("c", 1),
        ("a", 2),
        ("b", 2),
    ]
    assert near_duplicates("0000000000000000", {"far": "ffffffffffffffff"}) == []


@pytest.mark.parametrize("bad", ["xyz", "00", "FFFFFFFFFFFFFFFF"])
def test_near_duplicates_refuse_malformed_hashes(bad: str) -> None:
    with pytest.raises(ValueError):
        near_duplicates("0000000000000000", {"x": bad})


# --- PDF ---------------------------------------------------------------------------------------


def test_pdf_pages_and_info(tmp_path: Path) -> None:
    verdict = pdf(
        tmp_path / "v",
        Title="Verdict in case 1-123/2021",
        Author="Court of the Lieninski district",
        Producer="scanner 2.1",
        CreationDate="D:20210925143000+03'00'",
    )

    result = extract(verdict)

    assert result.media_type == "application/pdf"
    assert result.problems == {}
    assert result.fields == {
        "pdf.encrypted": False,
        "pdf.title": "Verdict in case 1-123/2021",
        "pdf.author": "Court of the Lieninski district",
        "pdf.producer": "scanner 2.1",
        "pdf.creation_date": "2021-09-25T14:30:00+03:00",
        "pdf.pages": 3,
    }


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("D:2021", "2021"),
        ("D:202109", "2021-09"),
        ("D:20210925", "2021-09-25"),
        ("D:20210925143000", "2021-09-25T14:30:00"),
        ("D:20210925143000Z", "2021-09-25T14:30:00Z"),
        ("D:20210925143000-05'30", "2021-09-25T14:30:00-05:30"),
        ("D:20211345", "D:20211345"),  # no month 13: kept as the file says it
        ("yesterday", "yesterday"),
    ],
)
def test_pdf_dates_keep_their_precision_and_offset(tmp_path: Path, raw: str, iso: str) -> None:
    result = extract(pdf(tmp_path / "d", pages=1, CreationDate=raw))

    assert result.fields["pdf.creation_date"] == iso


def test_pdf_with_a_user_password_is_flagged_not_opened(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.add_metadata({"/Title": SECRET})
    writer.encrypt(user_password="witness", owner_password="owner", algorithm="AES-256")
    locked = tmp_path / "locked"
    with locked.open("wb") as out:
        writer.write(out)

    result = extract(locked)

    assert result.fields == {"pdf.encrypted": True}
    assert result.problems == {"pdf": "encrypted; not readable without the password"}


def test_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.add_metadata({"/Title": "Appeal"})
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    restricted = tmp_path / "restricted"
    with restricted.open("wb") as out:
        writer.write(out)

    result = extract(restricted)

    assert result.problems == {}
    assert result.fields["pdf.encrypted"] is True
    assert result.fields["pdf.title"] == "Appeal"
    assert result.fields["pdf.pages"] == 1


def test_huge_page_trees_are_not_walked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metadata, "MAX_PAGES_WALKED", 2)

    result = extract(pdf(tmp_path / "big", pages=3))

    assert (result.fields["pdf.pages"], result.fields["pdf.pages_declared_only"]) == (3, True)


def test_broken_pdf_is_a_problem(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.write_bytes(b"%PDF-1.7\n" + SECRET.encode() + b"\n%%EOF\n")

    result = extract(broken)

    assert result.media_type == "application/pdf"
    assert result.problems == {
        "pdf": "not a readable PDF (PdfReadError)",
        "c2pa": "C2PA data unreadable (Other)",  # c2pa cannot parse it either
    }


# --- other files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "media_type"),
    [
        ("Свядчанне: 12 жніўня 2020 года…\n".encode(), "text/plain"),
        (b"", "application/octet-stream"),
        (random.Random(0).randbytes(4096), "application/octet-stream"),
    ],
    ids=["text", "empty", "random"],
)
def test_other_files_get_a_type_and_nothing_else(
    tmp_path: Path, content: bytes, media_type: str
) -> None:
    path = tmp_path / "f"
    path.write_bytes(content)

    assert extract(path, thumbnail_dir=tmp_path) == Extracted(media_type, {})


def test_type_comes_from_content_not_the_name(tmp_path: Path) -> None:
    photo_named_pdf = jpeg(tmp_path / "verdict.pdf")
    pdf_named_photo = pdf(tmp_path / "photo.jpg", pages=1)

    assert extract(photo_named_pdf).media_type == "image/jpeg"
    assert extract(pdf_named_photo).media_type == "application/pdf"


def test_unreadable_file_is_one_problem(tmp_path: Path) -> None:
    result = extract(tmp_path / "gone")

    assert result == Extracted(
        "application/octet-stream", {}, problems={"file": "cannot read the file"}
    )


# --- C2PA ------------------------------------------------------------------------------------


def test_no_manifest_means_no_c2pa_fields_and_no_problem(tmp_path: Path) -> None:
    result = extract(jpeg(tmp_path / "p"))

    assert [key for key in result.fields if key.startswith("c2pa.")] == []
    assert result.problems == {}


def test_corrupt_jumbf_is_a_c2pa_problem_and_the_rest_still_works(tmp_path: Path) -> None:
    data = jpeg(tmp_path / "clean", exif=gps_exif()).read_bytes()
    jumbf = b"JP\x00\x01\x00\x00\x00\x01\x00\x00\x00\x20jumb\x00\x00\x00\x18jumdc2pa" + b"\xff" * 20
    app11 = b"\xff\xeb" + struct.pack(">H", len(jumbf) + 2) + jumbf
    broken = tmp_path / "broken"
    broken.write_bytes(data[:2] + app11 + data[2:])

    result = extract(broken)

    assert result.problems == {"c2pa": "C2PA data unreadable (Verify)"}
    assert result.fields["exif.Make"] == "Canon"
    assert result.phash is not None


def _certificate(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Certificate | None,
    signer: ec.EllipticCurvePrivateKey,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, subject),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test NGO"),
        ]
    )
    is_ca = issuer is None
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(not is_ca, False, False, False, False, is_ca, is_ca, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if not is_ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        ).add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False
        )
    return builder.sign(signer, hashes.SHA256())


@pytest.fixture(scope="module")
def c2pa_signer() -> c2pa.Signer:
    """A throw-away root and signing certificate: valid signatures, untrusted signer."""
    root_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root = _certificate("Test Root", root_key, None, root_key)
    leaf = _certificate("Test Signer", key, root, root_key)
    chain = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (leaf, root))
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", chain, private, None))


def signed_jpeg(path: Path, signer: c2pa.Signer) -> Path:
    created = {
        "action": "c2pa.created",
        "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture",
    }
    manifest = {
        "claim_generator_info": [{"name": "sviedka-tests", "version": "0.1"}],
        "title": "cell.jpg",
        "assertions": [{"label": "c2pa.actions", "data": {"actions": [created]}}],
    }
    source, signed = io.BytesIO(jpeg(path.with_suffix(".src")).read_bytes()), io.BytesIO()
    with c2pa.Builder(manifest) as builder:
        builder.sign(signer, "image/jpeg", source, signed)
    path.write_bytes(signed.getvalue())
    return path


def test_signed_c2pa_manifest_is_summarised(tmp_path: Path, c2pa_signer: c2pa.Signer) -> None:
    result = extract(signed_jpeg(tmp_path / "signed", c2pa_signer))

    assert result.problems == {}
    fields = {k: v for k, v in result.fields.items() if k.startswith("c2pa.")}
    label = fields.pop("c2pa.active_manifest")
    assert isinstance(label, str) and label.startswith("urn:c2pa:")
    assert fields == {
        "c2pa.manifests": 1,
        "c2pa.claim_generator": "sviedka-tests/0.1",
        "c2pa.title": "cell.jpg",
        "c2pa.signature_issuer": "Test NGO",
        "c2pa.signature_common_name": "Test Signer",
        "c2pa.validation_state": "Valid",
        "c2pa.validation": ["signingCredential.untrusted"],
        "c2pa.actions": ["c2pa.created"],
    }


def test_tampered_c2pa_asset_is_reported_invalid(tmp_path: Path, c2pa_signer: c2pa.Signer) -> None:
    signed = signed_jpeg(tmp_path / "signed", c2pa_signer)
    data = bytearray(signed.read_bytes())
    data[-100] ^= 0xFF  # inside the compressed image data, which the manifest hashes
    signed.write_bytes(bytes(data))

    result = extract(signed)

    assert result.fields["c2pa.validation_state"] == "Invalid"
    validation = result.fields["c2pa.validation"]
    assert isinstance(validation, list) and "assertion.dataHash.mismatch" in validation


# --- the working copy is only read -------------------------------------------------------------

BUILDERS: dict[str, Callable[[Path], object]] = {
    "jpeg": lambda p: jpeg(p, exif=gps_exif()),
    "png": lambda p: scene().save(p, "PNG"),
    "bomb": lambda p: png_declaring(p, 30_000, 30_000),
    "pdf": lambda p: pdf(p, Title="t"),
    "truncated": lambda p: p.write_bytes(jpeg(p, exif=gps_exif()).read_bytes()[:2000]),
    "random": lambda p: p.write_bytes(random.Random(1).randbytes(2048)),
}


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_extraction_changes_nothing_but_the_thumbnail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    (tmp_path / "work").mkdir()
    (tmp_path / "thumbs").mkdir()
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    source = tmp_path / "work" / "file"
    BUILDERS[kind](source)
    before = {p: sha256(p) for p in tmp_path.rglob("*") if p.is_file()}

    result = extract(source, thumbnail_dir=tmp_path / "thumbs")

    after = {p: sha256(p) for p in tmp_path.rglob("*") if p.is_file()}
    assert {p: h for p, h in after.items() if p != result.thumbnail} == before
    assert sorted((tmp_path / "thumbs").iterdir()) == (
        [result.thumbnail] if result.thumbnail else []
    )
