"""Charts on the dashboard: the statistics' own Vega-Lite specs (``services.charts``), rendered
to SVG on the server and served as images (no chart script runs in the browser). Beside each
chart its numbers are given as a table, for screen readers and for copying."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ..services.access import visible_levels
from .landed import landed

if TYPE_CHECKING:
    from ..services.stats import StatsResult
    from .pages import Page

__all__ = ["Chart", "charts_available", "held_chart", "held_series", "render_svg"]

YEARS = 2


@dataclass(frozen=True)
class Chart:
    name: str
    points: list[dict[str, Any]]
    svg_available: bool


def charts_available() -> bool:
    return landed("charts")


def held_series(page: Page, today: date) -> StatsResult:
    from ..services import stats

    start = date(today.year - YEARS, today.month, 1)
    scope = stats.Scope(levels=visible_levels(page.me))
    return stats.series(page.archive.store, start, today, every=stats.Every.MONTH, scope=scope)


def held_chart(page: Page, today: date) -> Chart:
    result = held_series(page, today)
    return Chart("held", [dict(row) for row in result.rows], charts_available())


def render_svg(page: Page, name: str, today: date) -> str | None:
    """The chart as SVG text, or None if this server has no chart renderer."""
    if name != "held" or not charts_available():
        return None
    charts = importlib.import_module("sviedka.services.charts")
    result = held_series(page, today)
    return str(charts.svg(charts.held_series_spec(result, lang=page.lang)))
