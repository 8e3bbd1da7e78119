"""What the dashboard shows, gathered from the statistics, the records and the review queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ...services.importing import staging
from ...services.records.listings import recent_changes
from ...store.listings import unsure_pairs
from .charts import breakdown, held_chart
from .queries import titles

if TYPE_CHECKING:
    from .pages import Page

__all__ = ["Held", "dashboard_data", "held", "review_queue"]


@dataclass(frozen=True)
class Held:
    """Persons held on a day: certainly, and at most (imprecise dates could add ``possible``)."""

    on: date
    certain: int
    possible: int
    undated: int


def held(page: Page, on: date) -> Held:
    from ...services.analysis import stats

    scope = stats.Scope.of(page.principal)
    row = stats.held_on(page.archive.store, on, scope=scope).rows[0]
    return Held(on, int(row["certain"]), int(row["possible"]), int(row["undated"]))


def review_queue(page: Page, *, limit: int = 20) -> list[dict[str, Any]]:
    """Pairs judged "unsure": someone must decide whether they are the same person. Only pairs
    of records the user may read are fetched, so that others never push them off the list."""
    store, me = page.archive.store, page.principal
    with store.view(me) as view:
        pairs = {(j.left, j.right): j for j in unsure_pairs(view, limit=limit)}
    visible = titles(store, me, [i for pair in pairs for i in pair])
    return [
        {"left": visible[a], "right": visible[b], "judgement": j}
        for (a, b), j in pairs.items()
        if a in visible and b in visible
    ]


def dashboard_data(page: Page) -> dict[str, Any]:
    """What the dashboard shows; ``Forbidden`` first unless the user may read (the latest
    changes are read first: ``services.records.listings``)."""
    changes = recent_changes(page.archive.store, page.principal, limit=12)
    today = date.today()
    now = held(page, today)
    month_ago = held(page, today - timedelta(days=30))
    counts = {
        "held": now,
        "trend": now.certain - month_ago.certain,
        "chart": held_chart(page, today),
        "by_article": breakdown(page, "by-article", today),
        "by_facility": breakdown(page, "by-facility", today),
    }
    review = review_queue(page)
    pairs = [record for item in review for record in (item["left"], item["right"])]
    page.audit("list", [c.record for c in changes] + pairs)
    imports = staging.waiting(page.archive, page.principal)
    return counts | {"changes": changes, "review": review, "imports": imports}
