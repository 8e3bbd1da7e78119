"""The pages, one router per section."""

from __future__ import annotations

from fastapi import APIRouter

from . import account, admin, auth, dashboard, evidence, imports, people, record, search

__all__ = ["ROUTERS", "UPLOADS"]

ROUTERS: list[APIRouter] = [
    auth.router,
    account.router,
    dashboard.router,
    people.router,
    record.router,
    evidence.router,
    search.router,
    imports.router,
    admin.router,
]

# Routes that take files: the server's ``max_upload`` applies to them instead of ``max_body``.
UPLOADS: list[APIRouter] = [evidence.uploads, imports.uploads]
