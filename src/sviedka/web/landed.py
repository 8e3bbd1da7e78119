"""Services other parts of the project deliver on their own schedule (statistics, charts, search,
name matching): the pages use them when they are installed and say so plainly when not."""

from __future__ import annotations

import importlib.util
from functools import cache

__all__ = ["landed"]


@cache
def landed(module: str) -> bool:
    """Whether ``sviedka.services.<module>`` is installed."""
    return importlib.util.find_spec(f"sviedka.services.{module}") is not None
