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
the next. Starting Python and importing pandas takes about a second, so in a
server one *spare* child is always started ahead: it imports the readers and
waits on its stdin; a job takes the spare and a new spare starts behind it. A
one-shot command (:mod:`mapping.cli`) runs inside :func:`one_shot`: no spare,
and the child it starts for its job skips the warm-up and reads the job at once;
``report`` starts that child before it imports pandas and the analyses
(:func:`mapping.io.worker_process.start_job`), so both processes import at once.

Every reader of an upload goes through here, not only the four tables
(:func:`load_files_isolated`): what kind of upload a batch is, a survey
export, the district's own lists and a network tool's file
(:mod:`mapping.io.isolated_readers`, one function per reader). The job goes in
pickled over the child's stdin: the child trusts its parent. The answer comes
back over its stdout in :mod:`mapping.io.worker_answer`'s format, never as a
pickle: the child has just run native parsers on hostile bytes, and if one of
them ever let a file take the child over, a pickle from it would run that
file's code in the server. The answer's reader builds only declared types and
checks each one; the parent reads at most :func:`_answer_bytes` of it. A
subprocess rather than ``multiprocessing``: forking the threaded Streamlit
server is unsafe, and ``spawn``/``forkserver`` re-run the ``__main__`` script
in every child.

Everything that goes wrong comes back as a :class:`mapping.io.load.LoadResult`
(or the shape the reader's caller expects, holding the same one error) naming
the limit, never as an exception; an answer that is not what its job's kind
must return is refused (``parse_answer``).
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
from mapping.io import worker_answer, worker_process
from mapping.io.answer_tables import TextHints
from mapping.io.load import LoadResult
from mapping.io.validate import Collector
from mapping.io.worker_process import one_shot  # noqa: F401  (callers import it from here)

WORKERS = max(1, min(2, os.cpu_count() or 1))
"""Jobs read at the same time; further uploads wait their turn (within the time limit)."""

_NICE = 10  # the child yields the CPU to page runs of other sessions
_ROOT = worker_process.ROOT
_READY = b"ready\n"
_slots = threading.BoundedSemaphore(WORKERS)
_lock = threading.Lock()
_spare: subprocess.Popen | None = None

Job = tuple[str, Any, str, "str | None", "str | None"]
"""``(kind, payload, lang, name, hook)``: kind one of :data:`KINDS`; hook for tests only."""

KINDS: tuple[str, ...] = ("files", "path", "kind", "survey", "apply", "lists", "graph",
                          "graph_import")
"""What a child can be asked to do (:func:`work`)."""


# --------------------------------------------------------------------------- parent side


_start = worker_process.start
_reap = worker_process.reap


def _take(request: bytes) -> tuple[subprocess.Popen, bool]:
    """A child for the job ``request``, and whether the child has the request already.

    The child a command started ahead for this very job
    (:func:`mapping.io.worker_process.start_job`), else the spare when there is one,
    else a new one.
    """
    global _spare
    started = worker_process.take_started(request)
    if started is not None:
        return started, True
    with _lock:
        child, _spare = _spare, None
    if child is not None and child.poll() is None:
        return child, False
    if child is not None:
        _reap(child)
    # A job is waiting: no warm-up (it would read the demo before the job's own files).
    return _start(warm=False), False


def warm_up() -> None:
    """Start the spare child now, so the first upload does not wait for Python to start.

    Does nothing inside :func:`one_shot`.
    """
    global _spare
    with _lock:
        if worker_process.keep_spare() and (_spare is None or _spare.poll() is not None):
            _spare = _start()


def shutdown() -> None:
    """End the spare child, if there is one, and wait for it (it exits on an empty job)."""
    global _spare
    with _lock:
        child, _spare = _spare, None
    if child is not None:
        with contextlib.suppress(OSError):
            child.kill()  # a spare holds no job: nothing is lost
        _reap(child)


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


def _answer_bytes() -> int:
    """The largest answer the parent reads: half the child's address space.

    A child cannot build a larger honest answer (it holds the tables as well);
    a child that sends more is not reading a file, and is not waited for.
    """
    return LIMITS.parse_memory_bytes // 2


def _answer_rows() -> int:
    """The most rows (or distinct values) a table of an answer may have."""
    return max(LIMITS.rows, LIMITS.cells)


def _exchange(child: subprocess.Popen, request: bytes | None, timeout: float,
              limit: int) -> tuple[bytearray, str]:
    """Send ``request``, read the child's answer: ``(its stdout, how it ended)``.

    ``request`` ``None``: the child was given its job when it started.

    Like :meth:`subprocess.Popen.communicate`, but reading at most ``limit``
    bytes: the end is ``done`` (the child closed its stdout), ``timeout`` or
    ``oversized`` (the child is killed in both). Whatever the child writes to
    stderr (a library's warnings) is read and dropped.
    """
    out = bytearray()
    oversized = threading.Event()

    def feed() -> None:
        if request is None:
            return
        try:
            child.stdin.write(request)
        except OSError:  # the child died before it read the job (a broken pipe)
            pass
        finally:
            with contextlib.suppress(OSError):
                child.stdin.close()

    def collect() -> None:
        while chunk := child.stdout.read1(1 << 20):
            if len(out) + len(chunk) > limit:
                oversized.set()
                return
            out.extend(chunk)

    def drain() -> None:
        while child.stderr.read1(1 << 16):
            pass

    threads = [threading.Thread(target=f, daemon=True) for f in (feed, collect, drain)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    threads[1].join(timeout)
    ended = "oversized" if oversized.is_set() else "timeout" if threads[1].is_alive() else "done"
    if ended == "done":
        try:
            child.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            ended = "timeout"
    if ended != "done":
        child.kill()
        child.wait()
    for thread in threads:
        thread.join()
    for stream in (child.stdout, child.stderr):
        stream.close()
    return out, ended


def _call(job: Job, label: str) -> tuple[Any, LoadResult | None]:
    """Run ``job`` in a bounded child: ``(its result, None)`` or ``(None, the failure)``.

    The failure is a :class:`LoadResult` with one error naming the limit the
    child hit (``parse_timeout``, ``parse_memory``) or how it stopped
    (``parse_failed``), in the job's language, labelled ``label``.
    """
    lang = job[2]
    started = time.monotonic()
    if not _slots.acquire(timeout=LIMITS.parse_seconds):
        return None, _failure(label, lang, "parse_timeout")
    try:
        # The request is a pickle: it goes from the server to its own child, which trusts it.
        request = worker_process.request(job)
        try:
            child, given = _take(request)
        except OSError as exc:  # no process could be started (out of memory, pid limit)
            return None, _failure(label, lang, "parse_failed", detail=exc.strerror or "OSError")
        left = max(LIMITS.parse_seconds - (time.monotonic() - started), 0.1)
        out, ended = _exchange(child, None if given else request, left, _answer_bytes())
        if ended == "timeout":
            return None, _failure(label, lang, "parse_timeout")
        if ended == "oversized":
            return None, _failure(label, lang, "parse_answer",
                                  detail=f"more than {_answer_bytes()} bytes")
        # A view, not a copy: at national size the answer is some 60 MB.
        answer = memoryview(out)[len(_READY):] if out.startswith(_READY) else memoryview(b"")
        if child.returncode != 0 or not len(answer):
            # A Rust allocation failure aborts (SIGABRT); the kernel's OOM killer sends SIGKILL.
            code = child.returncode
            kind = ("parse_memory" if code in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV)
                    else "parse_failed")
            return None, _failure(label, lang, kind, detail=_signal_name(code))
        try:
            # Never pickle.loads: these bytes come from a process that read a hostile file.
            status, result = worker_answer.decode_answer(job[0], answer, _answer_bytes(),
                                                         _answer_rows())
        except worker_answer.AnswerError as exc:  # malformed, truncated, not of this kind
            return None, _failure(label, lang, "parse_answer", detail=str(exc))
        if status == "memory":
            return None, _failure(label, lang, "parse_memory", detail=result)
        if status == "error":
            return None, _failure(label, lang, "parse_answer", detail=result)
        return result, None
    finally:
        _slots.release()
        # The next spare starts after the job, not beside it: its imports would take the
        # CPU from the job (and from other sessions) exactly when it is needed.
        warm_up()


def _run(job: Job, label: str) -> LoadResult:
    """Run ``job`` in a bounded child: its result, or one error naming the limit it hit."""
    result, failure = _call(job, label)
    return failure if failure is not None else result


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
    return _run(worker_process.path_job(path, lang), str(path))


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


def work(job: Job, hints: TextHints | None = None) -> Any:
    """The child's work: read the files of ``job`` (what the parent would otherwise do).

    Every answer is plain data of the shape
    :data:`mapping.io.worker_answer.ANSWERS` declares for the kind: a
    :class:`LoadResult` (its tables and issues), a kind, a survey table and its
    issues, or a graph (nodes and links). ``hints``, when given, receives the
    dictionary codes the reader had for the loaded tables' text columns, for
    :func:`mapping.io.worker_answer.encode_answer`.
    """
    from mapping.io import load

    kind, payload, lang, name, _hook = job
    if kind in ("path", "files"):
        codes: load.TextCodes = {}
        result = (load.load_path(payload, lang, text_codes=codes) if kind == "path"
                  else load.load_files(payload, lang, name=name, text_codes=codes))
        if hints is not None and result.dataset is not None:
            for table, columns in codes.items():
                frame = result.dataset.table(table)
                hints[id(frame)] = (frame, columns)
        return result
    if kind in ("graph", "graph_import"):
        from mapping.io import graph_import as gi

        if kind == "graph_import":
            files, mapping = payload
            return gi.import_graph(files, mapping, lang)
        try:
            return gi.read_graph(payload), None
        except gi.ImportProblem as problem:
            return None, gi.problem_message(problem, lang)
    from mapping.io import surveys as sv

    if kind == "kind":  # and a survey's read: the page's next step, in the same child
        upload = sv.upload_kind(payload)
        if upload == "tables":  # the district's own tables: load them in this child too
            return upload, load.load_files(payload, lang)
        if upload != "survey":
            return upload, None
        table, col = sv.read_surveys(payload, lang)
        return upload, (table, [*col.errors, *col.warnings])
    if kind == "lists":
        return sv.load_lists(payload, lang)
    if kind == "survey":
        table, col = sv.read_surveys(payload, lang)
        return table, [*col.errors, *col.warnings]
    if kind == "apply":
        table, mapping, secret, lists = payload
        return sv.apply(table, mapping, lang, secret, lists=lists)
    raise ValueError(f"unknown job {kind!r}")


def _serve(warm: bool = True) -> None:
    """Child main: import the readers, wait for one job on stdin, answer on stdout, exit.

    ``warm`` (a spare): also load the PROJ database and read the demo district
    while waiting, so pandas' lazily imported paths are loaded before a job
    comes. A cold child (a job is already waiting) only imports the readers.
    """
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever a library prints goes to stderr, never into the answer
    import importlib

    from python_calamine import CalamineWorkbook  # noqa: F401

    from mapping.io import geo, load

    if warm:
        # The slow part of starting, done ahead while the spare waits: the other readers,
        # the PROJ database, pandas' lazily imported paths (the demo district, read once).
        from mapping.io import graph_import, surveys  # noqa: F401

        geo._rd_to_wgs84()
        demo = _ROOT / "data" / "demo"
        if demo.is_dir():
            load.load_path(demo)

    answer.write(_READY)
    answer.flush()
    request = sys.stdin.buffer.read()
    if not request:  # the parent ended while this spare waited: nothing to do
        os._exit(0)
    job: Job = pickle.loads(request)  # from our own parent, which this process trusts
    _limit_self()
    kind, hook = job[0], job[4]
    hints: TextHints = {}
    try:
        if hook:  # tests only: a child that aborts or allocates without bound
            module, _, function = hook.partition(":")
            result: Any = getattr(importlib.import_module(module), function)(job)
        else:
            result = work(job, hints)
        data = worker_answer.encode_answer(kind, "ok", result, hints)
    except MemoryError:
        data = worker_answer.encode_answer(kind, "memory", "MemoryError")
    except worker_answer.AnswerError as exc:  # a reader returned what no schema declares
        data = worker_answer.encode_answer(kind, "error", str(exc))
    answer.write(data)
    answer.flush()
    sys.stderr.flush()
    # No interpreter teardown (freeing pandas' objects takes half a second): the parent
    # waits for this process to end, and there is nothing left to save.
    os._exit(0)


if __name__ == "__main__":
    _serve(warm="--cold" not in sys.argv[1:])
