"""The compiled kernels (betweenness, routes), warmed once per process in the background.

numba compiles a kernel on its first call (seconds; once per machine, then it loads
from the cache in a fraction of a second). A server warms them on a daemon thread as
soon as the first page loads a district, so the first team lead who opens a page
with routes or betweenness does not wait for the compiler; ``tools/start.sh`` warms
them once after installing, so not even the first visit after an install waits.
"""

from __future__ import annotations

import logging
import threading

_LOG = logging.getLogger(__name__)
_STARTED = threading.Lock()
_THREAD: threading.Thread | None = None


def warm() -> None:
    """Compile or load every kernel now, in this thread (both are safe to repeat)."""
    from mapping.analysis import brandes, flow

    flow.warm()
    brandes.warm()


def _warm_quietly() -> None:
    try:
        warm()
    except Exception:  # a kernel that cannot warm compiles on first use instead
        _LOG.warning("warming the compiled kernels failed", exc_info=True)


def warm_in_background() -> threading.Thread:
    """Start :func:`warm` on a daemon thread, once per process; return that thread."""
    global _THREAD
    with _STARTED:
        if _THREAD is None:
            _THREAD = threading.Thread(target=_warm_quietly, name="warm-kernels", daemon=True)
            _THREAD.start()
        return _THREAD
