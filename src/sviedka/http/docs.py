"""The API docs page (``/api/v1/docs``): Swagger UI, served from this server alone.

Swagger UI is vendored from its npm package (``web/static/vendor/swagger-ui``, see its README)
and started by our own script (``web/static/js/api-docs.js``) rather than the inline script of
FastAPI's ``get_swagger_ui_html``, so that the page's policy allows scripts, styles and requests
from this server only (and ``data:`` images: the icons inside Swagger UI's stylesheet); a browser
test checks that it renders without one violation. The static files are mounted here too, so
that an API-only server (no web UI) serves them at the same paths.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from .config import API_PREFIX

__all__ = ["DOCS_CSP", "DOCS_PATH", "install_docs"]

STATIC = Path(__file__).resolve().parent / "web" / "static"
DOCS_PATH = f"{API_PREFIX}/docs"
DOCS_CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi}"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/js/api-docs.js"></script>
</body>
</html>
"""


def install_docs(app: FastAPI, *, title: str, openapi_url: str) -> None:
    """Add the docs page and mount ``/static`` (the web UI, if installed, mounts the same)."""
    page = _PAGE.format(title=title, openapi=openapi_url)

    @app.get(DOCS_PATH, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page, headers={"Content-Security-Policy": DOCS_CSP})

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
