"""The web UI for documenters: server-rendered pages (Jinja2 + htmx), in three languages.

``install(app)`` adds the pages, the static files and the security headers to the server's app
(``sviedka.http.app.create_app`` calls it). The API under ``/api/v1`` stays the server's.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from ..deps import closes_forms

__all__ = ["STATIC", "install"]

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Mount the static files and every page, and render errors of HTML requests as pages."""
    from .errors import install_error_pages
    from .routes import ROUTERS, UPLOADS
    from .security import SecurityHeaders

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    closes = [Depends(closes_forms)]  # a page's parsed form, spooled files too, closed when it ends
    for router in ROUTERS:
        app.include_router(router, include_in_schema=False, dependencies=closes)
    limit = getattr(getattr(app.state, "config", None), "max_upload", None)
    for router in UPLOADS:
        app.include_router(
            router, include_in_schema=False, max_body_size=limit, dependencies=closes
        )
    install_error_pages(app)
    app.add_middleware(SecurityHeaders)
