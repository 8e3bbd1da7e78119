"""Person names across scripts: Belarusian and Russian Cyrillic, Łacinka, and the usual Latin forms.

Pure functions, no I/O: the store (search keys, blocking keys) and the services (matching,
screening) both use them. See ``docs/names.md``.
"""

from __future__ import annotations

from .keys import KEYS_VERSION, search_keys
from .score import MATCH_THRESHOLD, Match, match_names, name_similarity
from .variants import name_variants

__all__ = [
    "KEYS_VERSION",
    "MATCH_THRESHOLD",
    "Match",
    "match_names",
    "name_similarity",
    "name_variants",
    "search_keys",
]
