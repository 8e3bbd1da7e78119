"""Person names across scripts: Belarusian and Russian Cyrillic, Łacinka, and the usual Latin forms.

Pure functions, no I/O: the store (search keys, blocking keys) and the services (matching,
screening) both use them. See ``docs/names.md``.
"""

from __future__ import annotations

from .keys import KEYS_VERSION, search_keys

__all__ = ["KEYS_VERSION", "search_keys"]
