"""Charts on the dashboard: the statistics' own Vega-Lite specs (``analysis.charts``, the same
the CLI draws), rendered to SVG on the server and served as images (no chart script runs in the
browser). Beside each chart its numbers are given as a table, for screen readers and copying.

Counts cover what the user may read: the levels of their clearance, never restricted records
(compartments cannot be counted without telling that records exist), as the API does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...services.analysis.stats import Scope, StatsResult
    from .pages import Page

__all__ = [
    "CHARTS",
    "Chart",
    "breakdown",
    "held_chart",
    "render_svg",
    "scope_of",
]

YEARS = 2
CHARTS = ("held", "by-article", "by-facility")


@dataclass(frozen=True)
class Chart:
    name: str
    points: list[dict[str, Any]]
    svg_available: bool


def scope_of(page: Page) -> Scope:
    """What the page's user may count (``Forbidden`` unless they may read)."""
    from ...services.analysis.stats import Scope

    return Scope.of(page.principal)


def _result(
    page: Page, name: str, today: date, scope: Scope | None = None
) -> tuple[StatsResult, dict[str, Any]]:
    """The statistics behind a chart, and its Vega-Lite spec."""
    from ...services.analysis import charts, stats

    scope, store = scope or scope_of(page), page.archive.store
    if name == "held":
        start = date(today.year - YEARS, today.month, 1)
        result = stats.series(store, start, today, every=stats.Every.MONTH, scope=scope)
        return result, charts.held_series_spec(result, lang=page.lang)
    by = stats.Breakdown.ARTICLE if name == "by-article" else stats.Breakdown.FACILITY
    result = stats.held_on(store, today, by=by, scope=scope, lang=page.lang)
    return result, charts.breakdown_spec(result, lang=page.lang)


def held_chart(page: Page, today: date) -> Chart:
    result, _ = _result(page, "held", today)
    return Chart("held", [dict(row) for row in result.rows], True)


def breakdown(page: Page, name: str, today: date) -> Chart:
    result, _ = _result(page, name, today)
    return Chart(name, [dict(row) for row in result.rows], True)


def render_svg(page: Page, name: str, today: date) -> str | None:
    """The chart as SVG text, or None if there is no such chart."""
    from ...services.analysis import charts

    scope = scope_of(page)  # what the user may count, asked first: 403 before 404
    if name not in CHARTS:
        return None
    _, spec = _result(page, name, today, scope)
    return str(charts.svg(spec))
