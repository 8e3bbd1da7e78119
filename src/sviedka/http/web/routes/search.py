"""Search: one box, names in any script, descriptions, testimony and notes, with filters.

The query travels in the body of a POST (htmx sends it as you type), never in the URL: URLs
stay in browser history, proxies' logs and the server's access log, and a name typed here is
personal data. Results are only what the user may read (levels and compartments in the query).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ....errors import Invalid
from ....services.records.search import searchable_kinds
from ..forms import values_of
from ..labels import enum_label
from ..pages import Page, PageDep
from ..picks import search_readable
from ..queries import titles

router = APIRouter()

KINDS = ("person", "organisation", "detention", "event", "act", "evidence", "testimony", "source")
PAGE = 20


def _options(page: Page) -> dict[str, list[tuple[str, str]]]:
    """The filters the page offers (``Forbidden`` unless the user may search)."""
    mine = searchable_kinds(page.principal)
    return {
        "kinds": [(k, enum_label(page, "kind", k)) for k in KINDS if k in mine],
        "statuses": [
            ("held", enum_label(page, "status", "held")),
            ("served", enum_label(page, "status", "released")),
        ],
    }


@router.get("/search")
def search_page(page: PageDep) -> Response:
    context = {"values": {}, "results": None, "error": None, "options": _options(page)}
    return page.render("search.html", context, section="/search")


@router.post("/search")
async def search(request: Request, page: PageDep) -> Response:
    options = _options(page)
    values = values_of(await request.form())
    results, error = None, None
    if values.get("q", "").strip():
        try:
            results = _search(page, values)
            shown = titles(page.archive.store, page.principal, [h.id for h in results.hits])
            page.audit("search", shown.values())
        except Invalid as exc:
            error = page.gettext("The search could not be run: check the dates and the words.")
            error += f" ({', '.join(sorted(exc.errors))})" if exc.errors else ""
    context = {"values": values, "results": results, "error": error, "options": options}
    partial = request.headers.get("hx-request") == "true"
    template = "partials/search_results.html" if partial else "search.html"
    return page.render(template, context, section="/search")


def _search(page: Page, values: dict[str, str]) -> Any:
    offset = int(values["offset"]) if values.get("offset", "").isdigit() else 0
    kind = values.get("kind") if values.get("kind") in KINDS else None
    return search_readable(
        page,
        values["q"],
        kinds=[kind] if kind else None,
        date_from=values.get("from") or None,
        date_to=values.get("to") or None,
        status=values.get("status") or None,
        limit=PAGE,
        offset=min(offset, 10_000),
    )
