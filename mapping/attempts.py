"""Attempt limits per client: after a few free failures each one doubles the wait.

Split from :mod:`mapping.access` (which still exports these names).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Entry:
    failures: int = 0
    blocked_until: float = 0.0
    last: float = 0.0


class AttemptLimiter:
    """Failed attempts per client, with exponential back-off; thread-safe and bounded.

    After ``free`` failures, failure number ``free + k`` makes the client wait
    ``base * 2 ** (k - 1)`` seconds (at most ``cap``) before the next attempt
    is even looked at. A client's count is forgotten ``forget_after`` seconds
    after its last failure; a sign-in that succeeds resets it
    (:meth:`success`). At most ``max_clients`` clients are tracked; the ones
    idle longest are dropped first.

    Parameters
    ----------
    free, base, cap, forget_after, max_clients
        See above (counts and seconds).
    clock
        Monotonic time source (tests pass a fake clock).
    """

    def __init__(self, *, free: int = 5, base: float = 1.0, cap: float = 300.0,
                 forget_after: float = 3600.0, max_clients: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.base, self.cap = int(free), float(base), float(cap)
        self.forget_after, self.max_clients = float(forget_after), int(max_clients)
        self._clock = clock
        self._lock = threading.Lock()
        self._clients: OrderedDict[str, _Entry] = OrderedDict()

    def _entry(self, client: str, now: float) -> _Entry | None:
        entry = self._clients.get(client)
        if entry is not None and now - entry.last > self.forget_after:
            del self._clients[client]
            return None
        return entry

    def wait(self, client: str) -> float:
        """Seconds ``client`` must still wait before an attempt counts (0: go ahead)."""
        with self._lock:
            now = self._clock()
            entry = self._entry(client, now)
            return 0.0 if entry is None else max(0.0, entry.blocked_until - now)

    def wait_seconds(self, client: str) -> int:
        """:meth:`wait` rounded up to whole seconds, for a message."""
        return math.ceil(self.wait(client))

    def delay(self, failures: int) -> float:
        """The wait imposed after the ``failures``-th failure."""
        if failures <= self.free:
            return 0.0
        return min(self.cap, self.base * 2 ** min(failures - self.free - 1, 64))

    def failure(self, client: str) -> float:
        """Record a failed attempt; returns the wait it imposes."""
        with self._lock:
            now = self._clock()
            entry = self._entry(client, now) or _Entry()
            entry.failures += 1
            entry.last = now
            pause = self.delay(entry.failures)
            entry.blocked_until = now + pause
            self._clients[client] = entry
            self._clients.move_to_end(client)
            while len(self._clients) > self.max_clients:
                self._clients.popitem(last=False)
            return pause

    def success(self, client: str) -> None:
        """Forget ``client``'s failures (after a correct password)."""
        with self._lock:
            self._clients.pop(client, None)

    def failures(self, client: str) -> int:
        """How many failures of ``client`` are remembered."""
        with self._lock:
            entry = self._entry(client, self._clock())
            return 0 if entry is None else entry.failures

    def __len__(self) -> int:
        with self._lock:
            return len(self._clients)
