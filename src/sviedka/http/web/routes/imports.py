"""Imports: upload a sheet, read the dry-run report (nothing saved yet), confirm or discard.
The use case is ``services.importing.staging``, the same the API calls."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ....errors import Invalid
from ....services.importing import staging
from ....services.importing.desk import importable_formats
from ..pages import Page, PageDep

router = APIRouter()
uploads = APIRouter()  # included with the server's upload size limit

SHEETS = ("viasna-csv", "xlsx", "csv")


def _form(page: Page, error: str | None = None, status: int = 200) -> Response:
    formats = importable_formats(page.principal)  # Forbidden unless the user may import
    context = {
        "formats": [f for f in formats if f in SHEETS] + [f for f in formats if f not in SHEETS],
        "waiting": staging.waiting(page.archive, page.principal),
        "error": error,
    }
    return page.render("imports/upload.html", context, status=status, section="/imports")


@router.get("/imports")
def imports_page(page: PageDep) -> Response:
    return _form(page)


@uploads.post("/imports")
async def upload_sheet(request: Request, page: PageDep) -> Response:
    formats = importable_formats(page.principal)  # Forbidden unless the user may import
    form = await request.form()  # its files closed when the request ends (``closes_forms``)
    sheet, fmt = form.get("sheet"), form.get("format")
    if not isinstance(sheet, UploadFile) or not sheet.filename or fmt not in formats:
        return _form(page, page.gettext("Choose a file and its format."), status=422)
    try:
        made = await run_in_threadpool(  # a dry run takes seconds: not on the event loop
            staging.stage, page.archive, page.principal, sheet.file, name=sheet.filename,
            fmt=str(fmt), actor=page.principal.actor,
        )  # fmt: skip
    except Invalid as exc:
        return _form(page, exc.message, status=422)
    return RedirectResponse(f"/imports/{made.id}", status_code=303)


@router.get("/imports/{import_id}")
def dry_run_report(page: PageDep, import_id: str) -> Response:
    made = staging.staged(page.archive, page.principal, import_id)
    context = {"staged": made, "report": made.report, "done": False}
    return page.render("imports/report.html", context, section="/imports")


@router.post("/imports/{import_id}/confirm")
def confirm_import(
    page: PageDep, import_id: str, keep_going: Annotated[str, Form()] = ""
) -> Response:
    report = staging.confirm(
        page.archive,
        page.principal,
        import_id,
        actor=page.principal.actor,
        keep_going=keep_going == "1",
    )
    context = {"staged": None, "report": report, "done": True}
    return page.render("imports/report.html", context, section="/imports")


@router.post("/imports/{import_id}/discard")
def discard_import(page: PageDep, import_id: str) -> Response:
    staging.discard(page.archive, page.principal, import_id)
    return RedirectResponse("/imports", status_code=303)
