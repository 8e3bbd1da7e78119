"""Record a case in one form: a detention, or an incident. Saved in one transaction; problems
come back next to their fields, in the user's language. "Add a row" works without JavaScript
(the form comes back with one more row, nothing saved)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ....errors import Invalid, NotFound
from ....model import Confidentiality
from ....services.records import cases
from ....services.records.guarded import recording_levels
from ...deps import client_ip
from .. import forms
from ..options import form_options
from ..pages import Page, PageDep
from ..picks import choices, picker_of
from ..suggest import duplicate_candidates

router = APIRouter()

# A new case starts internal (never public by accident) and its source ungraded (F, 6).
DEFAULTS = {"confidentiality": "internal", "source.reliability": "F", "source.credibility": "6"}

# The fields picked by typing a name (``picks``); incidents add one per perpetrator row.
_PICKS = {
    "detention": (
        "arrest.unit",
        "case.court",
        "case.judge",
        "case.prosecutor",
        "facility",
        "source",
    ),
    "incident": ("event", "source"),
}

_FORMS: dict[str, tuple[str, Callable[..., cases.Registered]]] = {
    "detention": ("record/detention.html", cases.register_detention),
    "incident": ("record/incident.html", cases.register_incident),
}


def _show(
    page: Page,
    kind: str,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    *,
    allowed: list[Confidentiality],
    more: str | None = None,
    status: int = 200,
) -> Response:
    rows = {g: forms.row_count(values, g, more=(g == more)) for g in forms.ROWS}
    fields = [*_PICKS[kind], *(f"perpetrators.{i}" for i in range(rows["perpetrators"]))]
    context: dict[str, Any] = {
        "kind": kind,
        "values": {**DEFAULTS, "names_lang": page.lang, "person.lang": page.lang, **values},
        "errors": {k: page.gettext(v) for k, v in errors.items()},
        "rows": rows,
        "options": form_options(page, kind, allowed),
        "picks": {f: choices(page, f, values) for f in fields},
    }
    if more == "check":
        context["candidates"] = duplicate_candidates(page, values, "person")
    return page.render(_FORMS[kind][0], context, status=status, section="/record")


@router.get("/record")
def detention_form(page: PageDep) -> Response:
    return _show(page, "detention", {}, {}, allowed=recording_levels(page.principal))


@router.get("/record/incident")
def incident_form(page: PageDep) -> Response:
    return _show(page, "incident", {}, {}, allowed=recording_levels(page.principal))


@router.post("/record")
async def save_detention(request: Request, page: PageDep) -> Response:
    return await _save(request, page, "detention")


@router.post("/record/incident")
async def save_incident(request: Request, page: PageDep) -> Response:
    return await _save(request, page, "incident")


async def _save(request: Request, page: Page, kind: str) -> Response:
    allowed = recording_levels(page.principal)  # Forbidden unless the user may record
    values = forms.values_of(await request.form())
    more = values.pop("more", None)
    if more in (*forms.ROWS, "check"):
        return _show(page, kind, values, {}, allowed=allowed, more=more)
    _, register = _FORMS[kind]
    try:
        done = register(
            page.archive.store,
            values,
            actor=page.principal.actor,
            levels=allowed,
            principal=page.principal,
            ip=client_ip(page.request),
        )
    except Invalid as exc:
        return _show(page, kind, values, exc.errors, allowed=allowed, status=422)
    target = f"/people/{done.person}" if done.person else f"/records/{done.main}"
    return RedirectResponse(f"{target}?saved={kind}", status_code=303)


@router.post("/record/duplicates")
async def duplicates(request: Request, page: PageDep) -> Response:
    """Likely duplicates of the person being typed (htmx, as you type; POST keeps the name out
    of URLs and logs)."""
    recording_levels(page.principal)  # part of recording a case: Forbidden unless one may
    values = forms.values_of(await request.form())
    prefix = values.get("prefix", "person")
    found = duplicate_candidates(page, values, prefix)
    context = {"candidates": found, "prefix": prefix, "values": values}
    return page.render("partials/duplicates.html", context)


@router.post("/record/pick")
async def pick(request: Request, page: PageDep) -> Response:
    """Records already recorded that match the name typed in a picker (htmx, as you type)."""
    recording_levels(page.principal)  # part of recording a case: Forbidden unless one may
    values = forms.values_of(await request.form())
    field = values.get("field", "")
    if picker_of(field) is None:
        raise NotFound("No such field.")
    context = {"c": choices(page, field, values), "values": values}
    return page.render("partials/picks.html", context)
