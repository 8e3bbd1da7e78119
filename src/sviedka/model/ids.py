"""Record ids: UUIDv7 (RFC 9562), time-ordered so that ids sort by creation time.

Written here rather than taken from a package because Python 3.11's ``uuid`` lacks version 7 and
the recipe is twelve lines; ids made within one millisecond stay ordered through a counter
(RFC 9562, section 6.2, method 1).
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid

__all__ = ["is_record_id", "new_id"]

_lock = threading.Lock()
_last = [0, 0]  # millisecond, counter
_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def new_id() -> str:
    """A new UUIDv7 as a lower-case string; strictly increasing within this process."""
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last[0]:
            ms, counter = _last[0], _last[1] + 1
        else:
            counter = int.from_bytes(os.urandom(2), "big") & 0x3FF  # leave room to count up
        if counter > 0xFFF:
            ms, counter = ms + 1, 0
        _last[:] = [ms, counter]
    rand = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | rand
    return str(uuid.UUID(int=value))


def is_record_id(text: str) -> bool:
    return bool(_ID.match(text))
