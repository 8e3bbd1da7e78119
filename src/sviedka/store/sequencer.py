"""The sequencer: queued log entries are appended to the log soon after they were queued.

An audited read queues its event (one INSERT, committed before the answer is sent) instead of
appending it to the log itself, which takes the log's lock and five more round trips. Soon
after (``DELAY``), a thread of the process drains the queue in one transaction: a burst of reads
costs one append. If that fails (the database is away), it tries again later; the entries stay
queued meanwhile, and any later drain (another process's, the next audit listing, checkpoint or
``verify``, the next opening of the archive) appends them. Nothing queued is lost.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

__all__ = ["DELAY", "Sequencer"]

DELAY = 0.2  # seconds between an enqueue and the drain that appends it
RETRY = 5.0  # seconds before a failed drain is tried again

log = logging.getLogger(__name__)


class Sequencer:
    def __init__(self, drain: Callable[[], int]) -> None:
        self._drain = drain
        self._lock = threading.Lock()  # guards _timer and _closed
        self._draining = threading.Lock()  # one drain at a time; close waits for it
        self._timer: threading.Timer | None = None
        self._closed = False

    def soon(self, delay: float = DELAY) -> None:
        """Drain within ``delay`` seconds (one drain is pending at most)."""
        with self._lock:
            if self._timer is None and not self._closed:
                self._timer = threading.Timer(delay, self._run)
                self._timer.daemon = True
                self._timer.start()

    def close(self) -> None:
        """No more drains in the background: what is pending is drained now, and a drain under
        way is waited for."""
        with self._lock:
            self._closed = True
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        with self._draining:
            if timer is not None:
                self._try()

    def _run(self) -> None:
        with self._lock:
            self._timer = None
            if self._closed:
                return
            self._draining.acquire()  # before close can pass it
        try:
            drained = self._try()
        finally:
            self._draining.release()
        if not drained:
            self.soon(RETRY)

    def _try(self) -> bool:
        try:
            self._drain()
        except Exception as exc:  # any failure: the entries stay queued for the next drain
            log.warning("queued log entries could not be appended yet: %s", type(exc).__name__)
            return False
        return True
