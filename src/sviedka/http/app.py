"""``create_app``: the ASGI application, the API under ``/api/v1`` and the web UI if installed.

``app.state`` holds ``archive`` (the open ``Archive``), ``keys`` (the unlocked ``ArchiveKeys`` or
None) and ``config`` (the ``ServerConfig``). Everything outside ``/api/v1`` belongs to the web
package, which ``create_app`` installs last unless the config says ``web=False``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from .. import __version__
from ..services.archive.folder import open_archive
from ..services.archive.keys import unlock_archive
from ..settings import load_settings
from .api.models import ErrorOut
from .api.routes import (
    admin,
    auth,
    clusters,
    evidence,
    imports,
    ledger,
    records,
    review,
    search,
    stats,
    system,
)
from .config import API_PREFIX, ServerConfig
from .docs import install_docs
from .errors import install_error_handlers
from .middleware import BodyLimit, RateLimit, RequestContext

__all__ = [
    "API_PREFIX",
    "CONFIG_VARIABLE",
    "ERROR_RESPONSES",
    "config_to_environment",
    "configure_logging",
    "create_app",
    "worker_app",
]

CONFIG_VARIABLE = "SVIEDKA_SERVE_CONFIG"  # set by `sviedka serve` for its worker processes

# Documented for every route: the one error shape (schemathesis checks answers against it).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in {
        401: "not logged in, or a bad token",
        403: "the role or the token's scope does not allow it, or a missing CSRF token",
        404: "no such thing, or not visible to you",
        409: "a stale revision or a clash with stored data",
        413: "the body is too large",
        422: "the input breaks a rule; `errors` names the fields",
        429: "too many requests or failed logins",
        503: "the database or the archive keys are not available",
    }.items()
}
_DESCRIPTION = """Sviedka's REST API. Authenticate with `Authorization: Bearer <token>` (made by
`sviedka token create`) or the session cookie from `POST /api/v1/auth/login` (then send the CSRF
token as `X-CSRF-Token` on unsafe requests). Every error has one shape:
`{"ok": false, "error": "...", "errors": [{"field": ..., "problem": ...}], "status": N}`.
A record you may not read answers 404, exactly like one that does not exist."""


def create_app(config: ServerConfig) -> FastAPI:
    """The application for one archive; the archive is opened now and closed at shutdown."""
    archive = open_archive(config.archive, database_url=config.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        archive.close()

    app = FastAPI(
        title="Sviedka API",
        version=__version__,
        description=_DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # our own page, loading nothing from the internet (``docs.py``)
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=lifespan,
        # FastAPI's own OpenTelemetry: off. It would export every request's URL and timing to
        # whatever collector the environment names, and it costs CPU on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.archive = archive
    app.state.keys = config.keys
    app.state.config = config
    install_error_handlers(app)
    for module in _routers():
        router = module.make_router(config) if hasattr(module, "make_router") else module.router
        app.include_router(router, responses=ERROR_RESPONSES)
    app.add_middleware(
        BodyLimit,
        limit=config.max_body,
        upload_limit=config.max_upload,
        upload_paths=config.upload_paths,
    )
    app.add_middleware(RateLimit, per_minute=config.rate_limit)
    app.add_middleware(RequestContext)
    install_docs(app, title=app.title, openapi_url=f"{API_PREFIX}/openapi.json")
    if config.trusted_proxies:  # outermost: the rate limit and the lockout see the real client
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(config.trusted_proxies))
    if config.web:
        _install_web(app)
    return app


def _routers() -> list[Any]:
    return [
        system,
        auth,
        records,
        evidence,
        ledger,
        admin,
        clusters,
        stats,
        search,
        imports,
        review,
    ]


def _install_web(app: FastAPI) -> None:
    from .web import install  # the pages: only when the server serves them

    install(app)


# -- worker processes ------------------------------------------------------------------------


def config_to_environment(config: ServerConfig, *, unlock: bool) -> str:
    """The config as JSON for ``CONFIG_VARIABLE`` (never the keys: workers unlock their own)."""
    data = {k: v for k, v in asdict(config).items() if k not in ("keys", "database_url")}
    data["archive"] = str(config.archive)
    data["unlock"] = unlock
    return json.dumps(data)


def configure_logging() -> None:
    """The server's log: one JSON object a line on stderr (each worker process sets its own)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("sviedka.http")
    logger.handlers = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False


def worker_app() -> FastAPI:
    """The factory each uvicorn worker calls (``sviedka serve --workers N``)."""
    configure_logging()
    data = json.loads(os.environ[CONFIG_VARIABLE])
    unlock = data.pop("unlock", False)
    settings = load_settings()
    data |= {"archive": Path(data["archive"]), "upload_paths": tuple(data["upload_paths"])}
    data["trusted_proxies"] = tuple(data["trusted_proxies"])
    config = ServerConfig(**data, database_url=settings.database_url)
    if unlock:
        config = _unlocked(config)
    return create_app(config)


def _unlocked(config: ServerConfig) -> ServerConfig:
    from dataclasses import replace

    from ..services.archive.folder import read_config

    settings = load_settings()
    archive_id = read_config(config.archive).id
    keys = unlock_archive(config.archive, archive_id, settings.custodian, settings.passphrase or "")
    return replace(config, keys=keys)
