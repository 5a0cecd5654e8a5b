"""The compiled kernels (betweenness, routes): one way to compile them, warmed once per process.

**Compiling.** Every numba kernel is built by :func:`njit` here, never by numba's own
decorator: :mod:`mapping.analysis.flow_kernels` imports it under numba's name
(``from mapping.analysis.kernels import njit``, then ``@njit(cache=True, nogil=True)``
as before) and :mod:`mapping.analysis.brandes` calls :func:`build` with its signature.
Each kernel gets, in this order:

1. ``cached``: numba's machine code cached on disk (``__pycache__`` beside the module, or
   numba's user cache), compiled once per machine;
2. ``memory``: compiled for this process only, where no cache directory can be written
   (a read-only install, a locked-down server account);
3. ``python``: the function itself, where numba cannot be imported (a broken llvmlite)
   or, for a kernel with a signature (compiled at once), fails to compile. Slow, but the
   same numbers: a page answers late instead of not at all.

Each fallback logs one warning per kernel family (module) and reason, not one per kernel.
:func:`modes` says how each family runs. ``parallel=True`` is refused: numba's default
threading layer aborts the whole process when two threads launch parallel kernels at
once, and Streamlit serves sessions on threads (the kernels use both cores through
thread pools of ``nogil`` kernels instead).

**Warming.** numba compiles a kernel on its first call (seconds; once per machine, then it
loads from the cache in a fraction of a second). A server warms them on a daemon thread as
soon as the first page loads a district, so the first team lead who opens a page with
routes or betweenness does not wait for the compiler; ``tools/start.sh`` warms them once
after installing, so not even the first visit after an install waits.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

_LOG = logging.getLogger(__name__)
_STARTED = threading.Lock()
_THREAD: threading.Thread | None = None

F = TypeVar("F", bound=Callable[..., Any])

RANK = {"cached": 0, "memory": 1, "python": 2}
"""How much slower each way of running is than the one before (for :func:`modes`)."""

FAMILIES = {
    "mapping.analysis.brandes": "betweenness kernel",
    "mapping.analysis.flow_kernels": "route kernels",
}
"""The name a warning gives each module's kernels (others: the module's own name)."""

_MODES: dict[str, str] = {}
_WARNED: set[tuple[str, str]] = set()
_RECORD = threading.Lock()


def njit(*signature: str, cache: bool = True, nogil: bool = True,
         parallel: bool = False) -> Callable[[F], F]:
    """Decorator with numba's ``njit`` arguments: the kernel as :func:`build` makes it.

    Parameters
    ----------
    signature
        numba signature(s): compile at once (else on the first call, per argument types).
    cache
        Keep the machine code on disk (falls back to memory where it cannot).
    nogil
        Release the GIL while the kernel runs (every kernel here does).
    parallel
        Refused (``ValueError``); see the module notes.
    """
    if parallel:
        raise ValueError("parallel=True aborts the process when two threads use it")

    def decorate(fn: F) -> F:
        return build(fn, *signature, cache=cache, nogil=nogil)[0]

    return decorate


def build(fn: F, *signature: str, cache: bool = True, nogil: bool = True) -> tuple[F, str]:
    """``fn`` compiled by numba, cached if it can be, else in memory, else as Python.

    Parameters
    ----------
    fn
        The kernel (plain Python numba can compile).
    signature, cache, nogil
        As :func:`njit`.

    Returns
    -------
    kernel, mode
        The callable and how it runs: ``"cached"``, ``"memory"`` or ``"python"``.
    """
    family = fn.__module__
    try:
        import numba
    except Exception as problem:  # pinned; a broken install (say llvmlite) must not stop a page
        _warn(family, "python", "numba is not importable (%(problem)s): the %(name)s run as "
              "plain Python (slow)", problem)
        return _record(family, fn, "python")
    if cache:
        try:
            return _record(family, numba.njit(*signature, cache=True, nogil=nogil)(fn), "cached")
        except Exception as problem:  # no cache directory to write, a stale index...
            _warn(family, "memory", "%(name)s not cached (%(problem)s): compiling in memory",
                  problem)
    try:
        return _record(family, numba.njit(*signature, cache=False, nogil=nogil)(fn), "memory")
    except Exception as problem:  # a compiler failure must not stop a page
        _warn(family, "python", "the %(name)s do not compile (%(problem)s): plain Python",
              problem)
        return _record(family, fn, "python")


def modes() -> dict[str, str]:
    """How each module's kernels built so far run: its slowest mode (see :func:`build`)."""
    with _RECORD:
        return dict(_MODES)


def _record(family: str, kernel: F, mode: str) -> tuple[F, str]:
    with _RECORD:
        if RANK[mode] >= RANK.get(_MODES.get(family, "cached"), 0):
            _MODES[family] = mode
    return kernel, mode


def _warn(family: str, reason: str, text: str, problem: Exception) -> None:
    """Log ``text`` (``%(name)s``: the family, ``%(problem)s``) once per family and reason."""
    with _RECORD:
        if (family, reason) in _WARNED:
            return
        _WARNED.add((family, reason))
    _LOG.warning(text, {"name": FAMILIES.get(family, family), "problem": problem})


WARMED: dict[str, str] = {
    "routes": "mapping.analysis.flow",
    "betweenness": "mapping.analysis.brandes",
}
"""The kernel families :func:`warm` knows: name -> the module whose ``warm()`` loads them."""


def _families(families: Iterable[str] | None) -> tuple[str, ...]:
    chosen = tuple(WARMED) if families is None else tuple(dict.fromkeys(families))
    unknown = [name for name in chosen if name not in WARMED]
    if unknown:
        raise ValueError(f"no kernel family {unknown[0]!r} (known: {', '.join(WARMED)})")
    return chosen


def warm(families: Iterable[str] | None = None) -> dict[str, str]:
    """Compile or load kernels now, in this thread (both are safe to repeat).

    Parameters
    ----------
    families
        Which families of :data:`WARMED` (``"routes"``, ``"betweenness"``), in
        that order; ``None`` (the default): all. The ``report`` command needs
        only the routes'. An unknown name raises ``ValueError``.

    Returns
    -------
    dict
        :func:`modes` afterwards: module name -> ``"cached"``, ``"memory"`` or ``"python"``.
    """
    import importlib

    for name in _families(families):
        importlib.import_module(WARMED[name]).warm()
    return modes()


def _warm_quietly(families: tuple[str, ...]) -> None:
    try:
        warm(families)
    except Exception:  # a kernel that cannot warm compiles on first use instead
        _LOG.warning("warming the compiled kernels failed", exc_info=True)


def warm_in_background(families: Iterable[str] | None = None) -> threading.Thread:
    """Start :func:`warm` of ``families`` on a daemon thread, once per process; return it.

    ``families`` as :func:`warm` (checked here, in the caller's thread); a second call
    returns the thread of the first, whatever it asks for.
    """
    global _THREAD
    chosen = _families(families)
    with _STARTED:
        if _THREAD is None:
            _THREAD = threading.Thread(target=_warm_quietly, args=(chosen,),
                                       name="warm-kernels", daemon=True)
            _THREAD.start()
        return _THREAD
