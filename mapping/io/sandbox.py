"""Reading untrusted files in a separate process with a memory and a time limit.

The file readers run native code (calamine in Rust, the csv and json C
parsers, pandas, pyproj). Whatever such code does with a hostile file --
allocate 512 GiB and abort (calamine#693), spin for minutes, crash -- must not
take the Streamlit server or the command line with it. So uploads, ``--data``
folders and the files of CLI commands are read by :func:`mapping.io.load.load_files`
/ :func:`mapping.io.load.load_path` in a child process (``python -m
mapping.io.sandbox``) that

* cannot grow beyond :attr:`Limits.parse_memory_bytes` of address space
  (``RLIMIT_AS``: an allocation beyond it fails, in Python as ``MemoryError``,
  in Rust as an abort -- of the child only);
* is killed after :attr:`Limits.parse_seconds`;
* runs at a lower CPU priority, so other sessions' page runs keep their core.

Each child reads one job and exits, so nothing one upload did can leak into
the next. Starting Python and importing pandas takes about a second, so one
*spare* child is always started ahead: it imports the readers and waits on its
stdin; a job takes the spare and a new spare starts behind it. The job goes in
and the result comes back pickled over the child's pipes (the bytes come from
our own child, never from the file). A subprocess rather than
``multiprocessing``: forking the threaded Streamlit server is unsafe, and
``spawn``/``forkserver`` re-run the ``__main__`` script in every child.

Everything that goes wrong comes back as a :class:`mapping.io.load.LoadResult`
with one error naming the limit, never as an exception.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mapping.domain.limits import LIMITS
from mapping.io.load import LoadResult
from mapping.io.validate import Collector

WORKERS = max(1, min(2, os.cpu_count() or 1))
"""Jobs read at the same time; further uploads wait their turn (within the time limit)."""

_NICE = 10  # the child yields the CPU to page runs of other sessions
_ROOT = Path(__file__).resolve().parents[2]
_READY = b"ready\n"
_slots = threading.BoundedSemaphore(WORKERS)
_lock = threading.Lock()
_spare: subprocess.Popen | None = None

Job = tuple[str, Any, str, "str | None", "str | None"]
"""``(kind, payload, lang, name, hook)``: kind ``files`` or ``path``; hook for tests only."""


# --------------------------------------------------------------------------- parent side


def _start() -> subprocess.Popen:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH")) if p)
    # One thread per numeric library: less address space under RLIMIT_AS, and the child
    # never competes with the server for both cores.
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return subprocess.Popen([sys.executable, "-m", "mapping.io.sandbox"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            cwd=str(_ROOT), close_fds=True)


def _take() -> subprocess.Popen:
    """A child ready for a job: the spare when there is one, else a new one."""
    global _spare
    with _lock:
        child, _spare = _spare, None
    if child is not None and child.poll() is None:
        return child
    if child is not None:
        _reap(child)
    return _start()


def _reap(child: subprocess.Popen) -> None:
    for stream in (child.stdin, child.stdout, child.stderr):
        if stream is not None:
            stream.close()
    child.wait()


def warm_up() -> None:
    """Start the spare child now, so the first upload does not wait for Python to start."""
    global _spare
    with _lock:
        if _spare is None or _spare.poll() is not None:
            _spare = _start()


def _failure(label: str, lang: str, code: str, **params: Any) -> LoadResult:
    col = Collector("en" if lang == "en" else "nl")
    params.setdefault("seconds", f"{LIMITS.parse_seconds:g}")
    params.setdefault("memory", f"{LIMITS.parse_memory_bytes / 1024 ** 3:g}")
    col.error(code, label, **params)
    return LoadResult(None, col.errors, col.warnings)


def _signal_name(code: int | None) -> str:
    if code is None or code >= 0:
        return f"exit status {code}"
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


def _run(job: Job, label: str) -> LoadResult:
    """Run ``job`` in a bounded child: its result, or one error naming the limit it hit."""
    lang = job[2]
    started = time.monotonic()
    if not _slots.acquire(timeout=LIMITS.parse_seconds):
        return _failure(label, lang, "parse_timeout")
    try:
        try:
            child = _take()
        except OSError as exc:  # no process could be started (out of memory, pid limit)
            return _failure(label, lang, "parse_failed", detail=exc.strerror or "OSError")
        left = max(LIMITS.parse_seconds - (time.monotonic() - started), 0.1)
        try:
            out, _err = child.communicate(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL),
                                          timeout=left)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            return _failure(label, lang, "parse_timeout")
        except OSError:  # the child died before it read the job (a broken pipe)
            child.kill()
            out = b""
            child.wait()
        answer = out[len(_READY):] if out.startswith(_READY) else b""
        if child.returncode != 0 or not answer:
            # A Rust allocation failure aborts (SIGABRT); the kernel's OOM killer sends SIGKILL.
            code = child.returncode
            kind = ("parse_memory" if code in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV)
                    else "parse_failed")
            return _failure(label, lang, kind, detail=_signal_name(code))
        try:
            status, result = pickle.loads(answer)  # our own child wrote these
        except Exception as exc:  # a truncated answer: the child died while writing it
            return _failure(label, lang, "parse_failed", detail=type(exc).__name__)
        if status == "memory":
            return _failure(label, lang, "parse_memory", detail=result)
        return result
    finally:
        _slots.release()
        # The next spare starts after the job, not beside it: its imports would take the
        # CPU from the job (and from other sessions) exactly when it is needed.
        warm_up()


def load_files_isolated(files: Sequence[tuple[str, bytes]], lang: str = "nl",
                        name: str | None = None) -> LoadResult:
    """:func:`mapping.io.load.load_files` in a bounded child process.

    Parameters
    ----------
    files
        ``(file name, content)`` pairs, as an upload gives them.
    lang
        Language of the messages (``nl`` or ``en``).
    name
        Label of the dataset; defaults to the file names.

    Returns
    -------
    LoadResult
        What the loader returned, or one error naming the time or memory
        limit that the reading ran into (``parse_timeout``, ``parse_memory``)
        or how the reader stopped (``parse_failed``).
    """
    label = name or ", ".join(Path(n).name for n, _ in files) or "upload"
    return _run(("files", list(files), lang, name, None), label)


def load_path_isolated(path: str | Path, lang: str = "nl") -> LoadResult:
    """:func:`mapping.io.load.load_path` in a bounded child process (the CLI, ``--data``)."""
    return _run(("path", str(Path(path).resolve()), lang, None, None), str(path))


# --------------------------------------------------------------------------- child side


def _limit_self() -> None:
    """Cap the address space, lower the priority, leave no core file."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS,
                           (LIMITS.parse_memory_bytes, LIMITS.parse_memory_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):  # pragma: no cover - Windows
        pass
    with contextlib.suppress(AttributeError, OSError):  # no nice() on Windows
        os.nice(_NICE)


def work(job: Job) -> LoadResult:
    """The child's work: read the files of ``job`` (what the parent would otherwise do)."""
    from mapping.io import load

    kind, payload, lang, name, _hook = job
    if kind == "path":
        return load.load_path(payload, lang)
    return load.load_files(payload, lang, name=name)


def _serve() -> None:
    """Child main: import the readers, wait for one job on stdin, answer on stdout, exit."""
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever a library prints goes to stderr, never into the answer
    import importlib

    from mapping.io import geo, load

    # The slow part of starting, done ahead while the spare waits: imports, the PROJ
    # database, pandas' lazily imported paths (the bundled demo district, read once).
    geo._rd_to_wgs84()
    demo = _ROOT / "data" / "demo"
    if demo.is_dir():
        load.load_path(demo)
    from python_calamine import CalamineWorkbook  # noqa: F401

    answer.write(_READY)
    answer.flush()
    request = sys.stdin.buffer.read()
    if not request:  # the parent ended while this spare waited: nothing to do
        os._exit(0)
    job: Job = pickle.loads(request)  # from our own parent
    _limit_self()
    hook = job[4]
    try:
        if hook:  # tests only: a child that aborts or allocates without bound
            module, _, function = hook.partition(":")
            result: Any = getattr(importlib.import_module(module), function)(job)
        else:
            result = work(job)
        data = pickle.dumps(("ok", result), protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("memory", "MemoryError"))
    answer.write(data)
    answer.flush()
    sys.stderr.flush()
    # No interpreter teardown (freeing pandas' objects takes half a second): the parent
    # waits for this process to end, and there is nothing left to save.
    os._exit(0)


if __name__ == "__main__":
    _serve()
