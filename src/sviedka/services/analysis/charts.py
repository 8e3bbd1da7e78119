"""Charts of the statistics: Vega-Lite specs built with ``altair``, drawn to SVG or PNG by
``vl-convert`` — the same spec the web UI embeds.

Drawing never reaches the network: the data is inline in the spec, ``vl-convert`` is told that no
URL may be loaded, and the text is set in DejaVu Sans (installed with the Debian package
``fonts-dejavu-core``; Cyrillic included), so nothing asks for a remote font either.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert

from ...errors import Invalid
from ...store import SqlStore
from .stats import EVERYONE, Breakdown, Every, Scope, StatsResult, held_on, series

__all__ = [
    "FONT",
    "ChartKind",
    "breakdown_spec",
    "chart_of",
    "held_series_spec",
    "png",
    "render",
    "svg",
    "write_chart",
]

FONT = "DejaVu Sans"
WIDTH = 640
BAR_HEIGHT = 22  # px per row of a breakdown
CERTAIN, POSSIBLE = "#1f4e79", "#9dbbd9"


class ChartKind(StrEnum):
    HELD_OVER_TIME = "held-over-time"
    BY_ARTICLE = "by-article"
    BY_FACILITY = "by-facility"


# The words on a chart, in the UI's languages (labels of keys come with the result).
_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "political": "Political prisoners held",
        "everyone": "Persons held (every detention)",
        "article": "by article",
        "facility": "by facility",
        "band": "Line: certainly held. Band: up to possibly held (imprecise dates).",
        "bars": "Dark: certainly held. Light: possibly held.",
        "source": "{dates}; archive at revision {revision}; method: docs/statistics.md",
        "source_seen": "{dates}; method: docs/statistics.md",
        "persons": "persons",
    },
    "be": {
        "political": "Палітвязні ў зняволенні",
        "everyone": "Асобы ў зняволенні (усе затрыманні)",
        "article": "па артыкулах",
        "facility": "па месцах утрымання",
        "band": "Лінія: напэўна ў зняволенні. Паласа: да магчымага ліку (недакладныя даты).",
        "bars": "Цёмнае: напэўна ў зняволенні. Светлае: магчыма.",
        "source": "{dates}; рэвізія архіва {revision}; метад: docs/statistics.md",
        "source_seen": "{dates}; метад: docs/statistics.md",
        "persons": "асобы",
    },
    "ru": {
        "political": "Политзаключённые в заключении",
        "everyone": "Лица в заключении (все задержания)",
        "article": "по статьям",
        "facility": "по местам содержания",
        "band": "Линия: точно в заключении. Полоса: до возможного числа (неточные даты).",
        "bars": "Тёмное: точно в заключении. Светлое: возможно.",
        "source": "{dates}; ревизия архива {revision}; метод: docs/statistics.md",
        "source_seen": "{dates}; метод: docs/statistics.md",
        "persons": "лица",
    },
}


def chart_of(
    store: SqlStore,
    kind: ChartKind,
    *,
    on: date | None = None,
    start: date | None = None,
    end: date | None = None,
    every: Every = Every.MONTH,
    scope: Scope = EVERYONE,
    lang: str = "en",
    fmt: str = "svg",
) -> tuple[StatsResult, dict[str, Any]]:
    """The statistics a chart shows and its spec: held over time needs ``start`` and ``end``,
    the breakdowns need ``on``. ``fmt`` (svg, png) is checked before any counting."""
    _check_format(fmt)
    if kind is ChartKind.HELD_OVER_TIME:
        if start is None or end is None:
            raise Invalid("This chart needs a range.", {"from/to": "give both days"})
        result = series(store, start, end, every=every, scope=scope)
        return result, held_series_spec(result, lang=lang)
    if on is None:
        raise Invalid("This chart needs a day.", {"on": "give the day"})
    by = Breakdown.ARTICLE if kind is ChartKind.BY_ARTICLE else Breakdown.FACILITY
    result = held_on(store, on, by=by, scope=scope, lang=lang)
    return result, breakdown_spec(result, lang=lang)


def held_series_spec(result: StatsResult, *, lang: str = "en") -> dict[str, Any]:
    """A ``series`` result as a line (certainly held) over a band up to possibly held."""
    text = _words(lang)
    rows = [{k: r[k] for k in ("date", "certain", "possible")} for r in result.rows]
    base = alt.Chart({"values": rows})
    x = alt.X("utcyearmonthdate(date):T", title=None, axis=alt.Axis(format="%Y-%m"))
    band = base.mark_area(color=POSSIBLE, opacity=0.6).encode(
        x=x, y=alt.Y("certain:Q"), y2=alt.Y2("possible:Q")
    )
    line = base.mark_line(color=CERTAIN, strokeWidth=2).encode(
        x=x, y=alt.Y("certain:Q", title=text["persons"]), tooltip=_tooltip("date")
    )
    subtitle = [text["band"], _source(result, text)]
    return _finish(band + line, _title(result, text), subtitle, height=320)


def breakdown_spec(result: StatsResult, *, lang: str = "en") -> dict[str, Any]:
    """A ``held --by`` result as bars: certainly held, and lighter, possibly held."""
    text = _words(lang)
    rows = [{k: r[k] for k in ("label", "certain", "possible")} for r in result.rows]
    order = [r["label"] for r in rows]  # as the result sorts them: most held first
    base = alt.Chart({"values": rows})
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    x = alt.X("possible:Q", title=text["persons"])
    possible = base.mark_bar(color=POSSIBLE).encode(y=y, x=x)
    certain = base.mark_bar(color=CERTAIN).encode(y=y, x="certain:Q", tooltip=_tooltip("label"))
    by = result.method.filters.get("by", "")
    title = f"{_title(result, text)}, {text.get(by, by)}"
    height = max(BAR_HEIGHT * len(rows), BAR_HEIGHT)
    return _finish(possible + certain, title, [text["bars"], _source(result, text)], height=height)


def _words(lang: str) -> dict[str, str]:
    return _TEXT.get(lang, _TEXT["en"])


def _title(result: StatsResult, text: Mapping[str, str]) -> str:
    political = result.method.filters.get("who", "").startswith("recognised")
    return text["political"] if political else text["everyone"]


def _tooltip(first: str) -> list[alt.Tooltip]:
    return [alt.Tooltip(f"{first}:N"), alt.Tooltip("certain:Q"), alt.Tooltip("possible:Q")]


def _source(result: StatsResult, text: Mapping[str, str]) -> str:
    dates = ", ".join(f"{k} {v}" for k, v in result.method.dates.items())
    state = result.method.archive  # None for a user: it describes records they may not see
    if state is None:
        return text["source_seen"].format(dates=dates)
    return text["source"].format(dates=dates, revision=state.revisions)


def _finish(chart: Any, title: str, subtitle: Sequence[str], *, height: int) -> dict[str, Any]:
    titled = chart.properties(
        title=alt.Title(title, subtitle=list(subtitle), anchor="start"),
        width=WIDTH,
        height=height,
    )
    configured = titled.configure(font=FONT).configure_view(stroke=None)
    spec: dict[str, Any] = configured.to_dict()
    return spec


def _check_format(fmt: str) -> None:
    if fmt not in ("svg", "png"):
        raise Invalid(
            "Charts are drawn as SVG or PNG.", {"out": "end the file name in .svg or .png"}
        )


def svg(spec: Mapping[str, Any]) -> str:
    """The chart as SVG text, drawn without any network access."""
    return str(vl_convert.vegalite_to_svg(dict(spec), allowed_base_urls=[]))


def png(spec: Mapping[str, Any]) -> bytes:
    """The chart as PNG (twice the spec's size, for sharp screens and print)."""
    return bytes(vl_convert.vegalite_to_png(dict(spec), scale=2, allowed_base_urls=[]))


def render(spec: Mapping[str, Any], fmt: str) -> bytes:
    """The chart as SVG (UTF-8) or PNG bytes."""
    _check_format(fmt)
    return svg(spec).encode("utf-8") if fmt == "svg" else png(spec)


def write_chart(spec: Mapping[str, Any], path: Path) -> None:
    """Draw the chart in the format the file name ends with (.svg or .png) and write it."""
    data = render(spec, path.suffix.lower().lstrip("."))
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise Invalid(
            f"Cannot write {path.name}: {exc.strerror}.", {"out": "not writable"}
        ) from None
