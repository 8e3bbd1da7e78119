"""What a file says about itself: EXIF and GPS, image facts, PDF info, C2PA claims, perceptual hash.

Extraction runs after ingest on a decrypted *working copy*, never on the evidentiary copy. It only
reads that file; the one thing it may write is a thumbnail, itself a working copy, marked as such by
its name (``<stem>.thumb.jpg``) and by a comment inside it, and carrying no EXIF (so no GPS).

Evidence is hostile input: a seized phone hands over a decompression bomb as readily as a photo. So
every extractor is capped (pixels, text chunks, strings, field counts, pages walked), decodes only
a short list of image formats, fetches nothing over the network, and never raises: a failure is
recorded in ``Extracted.problems`` under the extractor's name ("image", "exif", "gps", "thumbnail",
"pdf", "c2pa", "file") with a short fixed message. Library messages are never passed on, since
they may quote the file.

Not protected: the decoders (Pillow, exifread, pypdf, the c2pa native library) parse untrusted
bytes inside this process; run extraction in a separate, sandboxed worker when that matters. The
bomb guard uses ``warnings.catch_warnings``, which is not thread-safe before Python 3.14: run
extractions in processes, or one at a time, not in parallel threads.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import struct
import tempfile
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeAlias

import c2pa
import exifread
import filetype
import imagehash
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PyPdfError

__all__ = ["MAX_PIXELS", "Extracted", "Field", "extract", "near_duplicates"]

Field: TypeAlias = str | int | float | bool | list[str]

MAX_PIXELS = 80_000_000
"""Below Pillow's own warning threshold (about 89.5 MP), so this limit always decides first."""
THUMBNAIL_SIZE = 320
MAX_TEXT = 500
MAX_EXIF_FIELDS = 200
MAX_LIST = 50
MAX_PAGES_WALKED = 10_000

_BOMB = "too many pixels (possible decompression bomb)"
_MARK = "sviedka working copy: a thumbnail, not evidence"
# What Pillow may decode here. Not EPS (Pillow runs Ghostscript on it), nor exotic formats.
_IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP", "AVIF")
_WORK_SIZE = 640  # decode (JPEG draft) and keep at about this size: enough for phash and thumbnail
_HEAD = 8192
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_HEX = re.compile(r"[0-9a-f]+")


@dataclass(frozen=True)
class Extracted:
    """What could be read from one file; ``problems`` says what could not, by extractor."""

    media_type: str
    fields: dict[str, Field]
    phash: str | None = None
    thumbnail: Path | None = None
    problems: dict[str, str] = field(default_factory=dict)
    thumbnail_data: bytes | None = None  # with ``thumbnail_in_memory``: the thumbnail itself


class _Failure(Exception):
    """An extractor's failure; the message is ours, safe to store and show."""


@dataclass
class _Job:
    """The state that extractors share while one file is examined."""

    path: Path
    thumbnail_dir: Path | None
    thumbnail_stem: str | None
    media_type: str = "application/octet-stream"
    fields: dict[str, Field] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    exif: Mapping[str, Any] = field(default_factory=dict)
    picture: Image.Image | None = None
    phash: str | None = None
    thumbnail: Path | None = None
    in_memory: bool = False
    thumbnail_data: bytes | None = None


def extract(
    path: Path,
    *,
    thumbnail_dir: Path | None = None,
    thumbnail_stem: str | None = None,
    thumbnail_in_memory: bool = False,
) -> Extracted:
    """Read what ``path`` says about itself; never raises for anything found in the file.

    :param thumbnail_dir: where to write a thumbnail of an image; none is written without it.
    :param thumbnail_stem: the thumbnail's name before ``.thumb.jpg``/``.thumb.png``; the
        perceptual hash by default. Pass the file's sha256 when two visually identical images
        must not share one thumbnail.
    :param thumbnail_in_memory: without ``thumbnail_dir``, return the thumbnail's bytes
        (``thumbnail_data``) instead of writing a file: nothing derived from the evidence
        touches the disk.
    :raises ValueError: only for a ``thumbnail_stem`` that is not a plain file name.
    """
    if thumbnail_stem is not None and not _STEM.fullmatch(thumbnail_stem):
        raise ValueError("thumbnail_stem must be a plain file name: letters, digits, '.', '_', '-'")
    job = _Job(Path(path), thumbnail_dir, thumbnail_stem, in_memory=thumbnail_in_memory)
    if _run("file", _media_type, job):
        for name, step in _STEPS:
            _run(name, step, job)
    found = (job.media_type, job.fields, job.phash, job.thumbnail, job.problems)
    return Extracted(*found, thumbnail_data=job.thumbnail_data)


def near_duplicates(
    phash: str, others: Mapping[str, str], max_distance: int = 8
) -> list[tuple[str, int]]:
    """Keys of ``others`` whose hash is within ``max_distance`` bits of ``phash``, nearest first.

    :raises ValueError: if a hash is not lower-case hex of the same length as ``phash``.
    """
    target = _bits(phash, len(phash))
    distances = (
        (key, (target ^ _bits(other, len(phash))).bit_count()) for key, other in others.items()
    )
    return sorted(
        ((k, d) for k, d in distances if d <= max_distance), key=lambda kd: (kd[1], kd[0])
    )


def _bits(hex_hash: str, length: int) -> int:
    if len(hex_hash) != length or not _HEX.fullmatch(hex_hash):
        raise ValueError("perceptual hashes must be lower-case hex strings of equal length")
    return int(hex_hash, 16)


def _run(name: str, step: Callable[[_Job], None], job: _Job) -> bool:
    """Run one extractor; whatever it raises becomes a problem, so the others still run."""
    try:
        step(job)
    except _Failure as failure:
        job.problems[name] = str(failure)
    except Exception as exc:  # a crash in a decoder must not stop the other extractors
        job.problems[name] = f"unexpected {type(exc).__name__}"
    else:
        return True
    return False


# --- media type --------------------------------------------------------------------------------


def _media_type(job: _Job) -> None:
    """Decide by content only: a file name is whatever the sender typed."""
    try:
        with job.path.open("rb") as source:
            head = source.read(_HEAD)
    except OSError as exc:
        raise _Failure("cannot read the file") from exc
    job.media_type = _sniff(head)


def _sniff(head: bytes) -> str:
    kind = filetype.guess(head) if head else None
    if kind is not None:
        return str(kind.mime)
    if b"%PDF-" in head[:1024]:  # PDF readers accept junk before the header, so must we
        return "application/pdf"
    if head and _is_text(head):
        return "text/plain"
    return "application/octet-stream"


def _is_text(head: bytes) -> bool:
    if _BINARY.search(head):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:  # a character cut in two by the end of the head is fine
        return exc.reason == "unexpected end of data" and exc.start >= len(head) - 3
    return True


# --- EXIF and GPS ------------------------------------------------------------------------------


def _exif(job: _Job) -> None:
    if job.media_type not in _EXIF_TYPES:
        return
    with job.path.open("rb") as source:
        try:
            tags = exifread.process_file(source, details=False, extract_thumbnail=False)
        except (struct.error, IndexError, ValueError, KeyError, TypeError, EOFError) as exc:
            raise _Failure("truncated or malformed EXIF block") from exc
    job.exif = tags
    job.fields.update(_exif_fields(tags))


_EXIF_TYPES = frozenset(
    f"image/{kind}"
    for kind in ("jpeg", "tiff", "png", "webp", "heic", "heif", "avif", "x-canon-cr2")
)  # what exifread can parse; others would only fill the log with "format not recognized"
_EXIF_IFDS = ("Image", "EXIF", "GPS", "Interoperability")  # not "Thumbnail", not MakerNote IFDs
_EXIF_DATES = ("exif.DateTime", "exif.DateTimeOriginal", "exif.DateTimeDigitized")
_EXIF_POINTERS = ("ExifOffset", "GPSInfo", "InteroperabilityOffset")  # offsets, not facts
_BLOB_TYPES = (1, 7)  # exifread FieldType BYTE and UNDEFINED: printed as lists of byte values


def _exif_fields(tags: Mapping[str, Any]) -> dict[str, Field]:
    """Flatten exifread's tags into ``exif.<Tag>`` text, skipping maker notes and binary blobs."""
    fields: dict[str, Field] = {}
    for name, tag in tags.items():
        ifd, _, tag_name = name.partition(" ")
        key = f"exif.{tag_name}"
        if ifd not in _EXIF_IFDS or tag_name in _EXIF_POINTERS or key in fields:
            continue
        if "MakerNote" in tag_name or _is_blob(tag):
            continue
        text = _text(str(tag))
        if text is not None:
            fields[key] = _exif_date(text) if key in _EXIF_DATES else text
        if len(fields) >= MAX_EXIF_FIELDS:
            break
    return fields


def _is_blob(tag: Any) -> bool:
    return getattr(tag, "field_type", None) in _BLOB_TYPES and str(tag).startswith("[")


def _exif_date(text: str) -> str:
    """ISO 8601 local time, as the camera's clock said it; no time zone is invented."""
    try:
        return datetime.strptime(text, "%Y:%m:%d %H:%M:%S").isoformat()
    except ValueError:
        return text  # what the file says, as it says it


def _gps(job: _Job) -> None:
    tags = job.exif
    if "GPS GPSLatitude" not in tags or "GPS GPSLongitude" not in tags:
        return
    latitude = _degrees(tags["GPS GPSLatitude"], tags.get("GPS GPSLatitudeRef"), "NS", 90)
    longitude = _degrees(tags["GPS GPSLongitude"], tags.get("GPS GPSLongitudeRef"), "EW", 180)
    job.fields["gps.latitude"] = latitude
    job.fields["gps.longitude"] = longitude
    if "GPS GPSAltitude" in tags:
        job.fields["gps.altitude"] = _altitude(
            tags["GPS GPSAltitude"], tags.get("GPS GPSAltitudeRef")
        )


def _degrees(tag: Any, ref: Any, hemispheres: str, limit: int) -> float:
    """Degrees, minutes, seconds and a hemisphere letter to signed decimal degrees."""
    letter = str(ref).strip().upper()[:1] if ref is not None else ""
    if not letter or letter not in hemispheres:
        raise _Failure("GPS coordinate without a valid hemisphere reference")
    try:
        d, m, s = (float(value) for value in tag.values)
    except (ValueError, TypeError, ZeroDivisionError, AttributeError) as exc:
        raise _Failure("malformed GPS coordinates") from exc
    value = d + m / 60 + s / 3600
    if not 0 <= value <= limit:
        raise _Failure("GPS coordinates out of range")
    return round(-value if letter == hemispheres[1] else value, 7)


def _altitude(tag: Any, ref: Any) -> float:
    try:
        metres = float(tag.values[0])
        below_sea = ref is not None and int(ref.values[0]) == 1
    except (ValueError, TypeError, ZeroDivisionError, AttributeError, IndexError) as exc:
        raise _Failure("malformed GPS altitude") from exc
    return round(-metres if below_sea else metres, 2)


# --- images: facts, perceptual hash, thumbnail -------------------------------------------------


def _image(job: _Job) -> None:
    if not job.media_type.startswith("image/"):
        return
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # global switch; it would make damaged files look whole
        raise _Failure("refusing to decode: Pillow is set to load truncated images")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            job.picture = _decode(job)
    except _Failure:
        raise
    except Exception as exc:
        raise _image_failure(exc) from exc
    job.phash = str(imagehash.phash(job.picture))


def _decode(job: _Job) -> Image.Image:
    """Check the declared size before decoding anything, then decode at a reduced size."""
    with Image.open(job.path, formats=_IMAGE_FORMATS) as image:
        job.fields.update({"image.width": image.width, "image.height": image.height})
        job.fields.update({"image.format": str(image.format), "image.mode": image.mode})
        if image.width * image.height > MAX_PIXELS:
            raise _Failure(_BOMB)
        image.draft("RGB", (_WORK_SIZE, _WORK_SIZE))  # JPEG decodes at 1/2..1/8 scale; others no-op
        image.load()
        picture = _upright(image)
    picture.thumbnail((_WORK_SIZE, _WORK_SIZE))
    return picture


def _upright(image: Image.Image) -> Image.Image:
    """Turned as a viewer shows it, so a rotated re-save still hashes near the original."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # a damaged orientation tag: the exif extractor reports on EXIF
        return image.copy()


def _image_failure(exc: Exception) -> _Failure:
    if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
        return _Failure(_BOMB)
    if isinstance(exc, UnidentifiedImageError):
        return _Failure("not an image format that is decoded here")
    if isinstance(exc, ValueError) and "MAX_TEXT" in str(exc):  # Pillow's PNG text-chunk limits
        return _Failure("text chunk too large (possible zip bomb)")
    if isinstance(exc, OSError | EOFError | SyntaxError | ValueError | struct.error | IndexError):
        return _Failure("truncated or corrupted image data")
    return _Failure(f"unexpected {type(exc).__name__}")


def _thumbnail(job: _Job) -> None:
    folder = job.thumbnail_dir
    if job.picture is None or (folder is None and not job.in_memory):
        return
    small = job.picture.copy()
    small.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    if folder is None:
        out = io.BytesIO()
        _encode(small, out)
        job.thumbnail_data = out.getvalue()
        return
    try:
        job.thumbnail = _save(small, folder, job.thumbnail_stem or job.phash or "image")
    except OSError as exc:
        raise _Failure("could not write the thumbnail") from exc


def _save(small: Image.Image, folder: Path, stem: str) -> Path:
    """Write through a temporary file and rename, so no half-written thumbnail is ever seen."""
    target = folder / f"{stem}.thumb.{'png' if _has_alpha(small) else 'jpg'}"
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            _encode(small, out)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _has_alpha(small: Image.Image) -> bool:
    return small.mode in ("RGBA", "LA", "PA") or "transparency" in small.info


def _encode(small: Image.Image, out: Any) -> None:
    """PNG if the picture has transparency, else JPEG; marked as a working copy either way."""
    alpha = _has_alpha(small)
    kind, options = ("PNG", _png_mark()) if alpha else ("JPEG", {"quality": 85, "comment": _MARK})
    small.convert("RGBA" if alpha else "RGB").save(out, kind, **options)


def _png_mark() -> dict[str, Any]:
    info = PngInfo()
    info.add_text("Comment", _MARK)
    return {"pnginfo": info}


# --- PDF -------------------------------------------------------------------------------------

_PDF_INFO = {
    "/Title": "pdf.title",
    "/Author": "pdf.author",
    "/Subject": "pdf.subject",
    "/Keywords": "pdf.keywords",
    "/Creator": "pdf.creator",
    "/Producer": "pdf.producer",
    "/CreationDate": "pdf.creation_date",
    "/ModDate": "pdf.modification_date",
}
_PDF_DATE = re.compile(
    r"(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?"
    r"(?:(Z)(?:00'?(?:00'?)?)?|([+-])(\d{2})'?(?:(\d{2})'?)?)?"
)


def _pdf(job: _Job) -> None:
    """Page count and the info dictionary; an encrypted file is flagged, never attacked."""
    if job.media_type != "application/pdf":
        return
    try:
        with job.path.open("rb") as source:
            reader = PdfReader(source, strict=False)  # tries the empty password, as viewers do
            job.fields["pdf.encrypted"] = reader.is_encrypted
            job.fields.update(_pdf_info(reader))
            job.fields.update(_pdf_pages(reader))
    except FileNotDecryptedError as exc:
        raise _Failure("encrypted; not readable without the password") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise _Failure(f"not a readable PDF ({type(exc).__name__})") from exc


def _pdf_info(reader: PdfReader) -> dict[str, Field]:
    info = reader.metadata
    if info is None:
        return {}
    fields: dict[str, Field] = {}
    for key, name in _PDF_INFO.items():
        value = info.get(key)
        text = _text(value.get_object() if value is not None else None)
        if text is not None:
            fields[name] = _pdf_date(text) if name.endswith("_date") else text
    return fields


def _pdf_pages(reader: PdfReader) -> dict[str, Field]:
    """Walk the page tree only when it is small enough; otherwise report its declared count."""
    pages = reader.root_object.get("/Pages")
    declared = pages.get_object().get("/Count") if pages is not None else None
    if not isinstance(declared, int) or declared < 0:
        raise _Failure("malformed page tree")
    if declared > MAX_PAGES_WALKED:
        return {"pdf.pages": int(declared), "pdf.pages_declared_only": True}
    return {"pdf.pages": len(reader.pages)}


def _pdf_date(text: str) -> str:
    """ISO 8601 to the precision the file gives, with its offset only if it states one."""
    match = _PDF_DATE.fullmatch(text)
    if match is None:
        return text
    year, month, day, hour, minute, second, zulu, sign, off_h, off_m = match.groups()
    try:
        mo, d, h, mi, sec = (int(n or 0) for n in (month, day, hour, minute, second))
        datetime(int(year), mo or 1, d or 1, h, mi, sec)
    except ValueError:
        return text
    date = "-".join(part for part in (year, month, day) if part)
    if hour is None:
        return date
    offset = "Z" if zulu else f"{sign}{off_h}:{off_m or '00'}" if sign else ""
    return f"{date}T{':'.join(p for p in (hour, minute, second) if p)}{offset}"


# --- C2PA ------------------------------------------------------------------------------------


def _c2pa(job: _Job) -> None:
    """Summarise the manifest store if there is one; its absence is not a problem."""
    if job.media_type not in _c2pa_types():
        return
    try:
        with job.path.open("rb") as source:
            reader = c2pa.Reader.try_create(job.media_type, source, None, _c2pa_context())
            if reader is None:
                return
            with reader:
                store = json.loads(reader.json())
    except c2pa.C2paError as exc:
        kind = type(exc).__name__.removeprefix("_C2pa").lstrip("_") or "C2paError"
        raise _Failure(f"C2PA data unreadable ({kind})") from exc
    job.fields.update(_c2pa_fields(store))


@functools.cache
def _c2pa_types() -> frozenset[str]:
    return frozenset(c2pa.Reader.get_supported_mime_types())


@functools.cache
def _c2pa_context() -> Any:
    """No remote manifests, no OCSP: reading evidence must not reach the network."""
    settings = c2pa.Settings.from_dict(
        {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
    )
    return c2pa.Context(settings)


def _c2pa_fields(store: Mapping[str, Any]) -> dict[str, Field]:
    """The active manifest's claim, signer and the library's verdict, as flat fields."""
    label = store.get("active_manifest")
    manifests = _dict(store.get("manifests"))
    manifest = _dict(manifests.get(label)) if isinstance(label, str) else {}
    signature = _dict(manifest.get("signature_info"))
    fields: dict[str, Field | None] = {
        "c2pa.manifests": len(manifests),
        "c2pa.active_manifest": _text(label),
        "c2pa.claim_generator": _claim_generator(manifest),
        "c2pa.title": _text(manifest.get("title")),
        "c2pa.signature_issuer": _text(signature.get("issuer")),
        "c2pa.signature_common_name": _text(signature.get("common_name")),
        "c2pa.signature_time": _text(signature.get("time")),
        "c2pa.validation_state": _text(store.get("validation_state")),
        "c2pa.validation": _texts(
            _dict(s).get("code") for s in _list(store.get("validation_status"))
        ),
        "c2pa.actions": _actions(_list(manifest.get("assertions"))),
    }
    return {key: value for key, value in fields.items() if value not in (None, [])}


def _claim_generator(manifest: Mapping[str, Any]) -> str | None:
    """Claims v1 name one generator string; v2 list generators with versions."""
    if isinstance(manifest.get("claim_generator"), str):
        return _text(manifest["claim_generator"])
    infos = [_dict(info) for info in _list(manifest.get("claim_generator_info"))]
    names = [
        "/".join(str(i[k]) for k in ("name", "version") if k in i) for i in infos if "name" in i
    ]
    return _text("; ".join(names))


def _actions(assertions: list[Any]) -> list[str]:
    """What the signer says was done to the asset: created, edited, cropped ..."""
    actions: list[Any] = []
    for assertion in map(_dict, assertions):
        if str(assertion.get("label", "")).startswith("c2pa.actions"):
            listed = _list(_dict(assertion.get("data")).get("actions"))
            actions += [_dict(action).get("action") for action in listed]
    return _texts(actions)


def _dict(value: Any) -> dict[str, Any]:
    """The value if it is a JSON object, else an empty one: manifests are untrusted input too."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _texts(values: Any) -> list[str]:
    return [text for text in map(_text, values) if text is not None][:MAX_LIST]


# --- shared ----------------------------------------------------------------------------------


def _text(value: object) -> str | None:
    """Printable text, capped: file metadata may be any length and hold any bytes."""
    if not isinstance(value, str):
        return None
    text = _CONTROL.sub("", value).strip()
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1] + "…"
    return text or None


_STEPS: tuple[tuple[str, Callable[[_Job], None]], ...] = (
    ("exif", _exif),
    ("gps", _gps),
    ("image", _image),
    ("thumbnail", _thumbnail),
    ("pdf", _pdf),
    ("c2pa", _c2pa),
)
