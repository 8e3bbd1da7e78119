"""Reading an evidence upload form: the files, and what the collector states about them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from ..errors import Invalid
from ..services.evidence import Collection

if TYPE_CHECKING:
    from .pages import Page

__all__ = ["close_files", "collection_of", "files_of"]


def files_of(form: FormData) -> list[UploadFile]:
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if not files:
        raise Invalid("Choose at least one file.", {"files": "choose at least one file"})
    return files


async def close_files(request: Request, form: FormData) -> None:
    """Close the uploaded files' spooled copies now, not when the collector finds them."""
    await form.close()
    await request.close()


def _text(form: FormData, key: str) -> str | None:
    value = form.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def collection_of(page: Page, form: FormData) -> Collection:
    """Links must be to records the user may read (else: as if they did not exist)."""
    from .queries import titles

    wanted = [v.strip() for v in form.getlist("link") if isinstance(v, str) and v.strip()]
    readable = titles(page.archive.store, page.me, wanted)
    missing = {f"link.{i}": "no such record" for i, v in enumerate(wanted) if v not in readable}
    if missing:
        raise Invalid("The files cannot be linked as asked; nothing was stored.", missing)
    return Collection(
        links=tuple(wanted),
        source=_text(form, "source"),
        collected_by=_text(form, "collected_by"),
        collected_at=_text(form, "collected_at"),
        collected_place=_text(form, "collected_place"),
        note=_text(form, "note"),
    )
