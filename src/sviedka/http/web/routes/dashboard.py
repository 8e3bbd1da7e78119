"""The dashboard: how many are held today and the trend, recent changes, charts, and what waits
for review (duplicates to judge, imports to confirm)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from ....errors import Invalid, NotFound
from ....services.records.matching import judge_records
from ..charts import render_svg
from ..dashboard import dashboard_data
from ..pages import PageDep

router = APIRouter()


@router.get("/")
def dashboard(page: PageDep, judged: str = "") -> Response:
    data = dashboard_data(page)
    if judged:
        data["flash"] = page.gettext("The judgement was saved.")
    return page.render("dashboard.html", data, section="/")


@router.post("/review/judge")
def judge_pair(
    page: PageDep,
    left: Annotated[str, Form()],
    right: Annotated[str, Form()],
    verdict: Annotated[str, Form()],
) -> Response:
    """Decide whether two records are the same person (verifiers); a new judgement replaces
    the "unsure" one and is logged like every judgement."""
    try:
        judge_records(page.archive.store, page.principal, left, right, verdict)
    except (NotFound, Invalid):  # a record it may not read, one record twice, no such verdict
        raise NotFound("No such pair.") from None
    return RedirectResponse("/?judged=1", status_code=303)


@router.get("/charts/{name}.svg")
def chart_svg(page: PageDep, name: str) -> Response:
    """A chart as an SVG image: styles inside the SVG are allowed, scripts are not."""
    svg = render_svg(page, name, date.today())
    if svg is None:
        raise NotFound("No such chart.")
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    headers = {"Content-Security-Policy": policy, "Cache-Control": "no-store"}
    return Response(svg, media_type="image/svg+xml", headers=headers)
