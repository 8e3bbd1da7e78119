"""Services other parts of the project deliver on their own schedule (statistics, charts, search,
name matching): the pages use them when they are installed and say so plainly when not."""

from __future__ import annotations

import importlib
import logging
from functools import cache

__all__ = ["landed"]

log = logging.getLogger("sviedka.web")


@cache
def landed(module: str) -> bool:
    """Whether ``sviedka.services.<module>`` is installed and imports (a half-installed one,
    whose tables are not in this version's schema yet, counts as absent)."""
    try:
        importlib.import_module(f"sviedka.services.{module}")
    except ImportError:
        return False
    except Exception:
        log.warning("sviedka.services.%s is installed but does not import", module)
        return False
    return True
