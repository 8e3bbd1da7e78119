"""The imports desk as a principal opens it (the imports page, before a sheet is chosen): the
formats it may upload. ``Forbidden`` unless it may import; staging itself is ``staging``."""

from __future__ import annotations

from ...policy import Permission, Principal, require
from . import FORMATS

__all__ = ["importable_formats"]


def importable_formats(principal: Principal) -> tuple[str, ...]:
    """The formats the principal may stage a sheet in; ``Forbidden`` unless it may import."""
    require(principal, Permission.IMPORT)
    return tuple(FORMATS)
