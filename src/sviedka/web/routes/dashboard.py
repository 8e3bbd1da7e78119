"""The dashboard: how many are held today and the trend, recent changes, charts, and what waits
for review (duplicates to judge, imports to confirm)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from fastapi.responses import Response

from ...errors import NotFound
from ...services.access import Permission, require
from ..charts import render_svg
from ..dashboard import dashboard_data
from ..pages import PageDep

router = APIRouter()


@router.get("/")
def dashboard(page: PageDep) -> Response:
    require(page.me, Permission.READ)
    return page.render("dashboard.html", dashboard_data(page), section="/")


@router.get("/charts/{name}.svg")
def chart_svg(page: PageDep, name: str) -> Response:
    """A chart as an SVG image: styles inside the SVG are allowed, scripts are not."""
    require(page.me, Permission.READ)
    svg = render_svg(page, name, date.today())
    if svg is None:
        raise NotFound("No such chart.")
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    headers = {"Content-Security-Policy": policy, "Cache-Control": "no-store"}
    return Response(svg, media_type="image/svg+xml", headers=headers)
