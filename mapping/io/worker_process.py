"""The parse worker's process: starting it, a command's one-shot mode, the row limit it reads.

Split from :mod:`mapping.io.sandbox` (which uses these and still exports
``one_shot``), and importing only the standard library and
:mod:`mapping.domain.limits`: a command starts its parse worker *before* it
imports pandas and the analyses, so the worker's start (Python, pandas, the
readers: most of a second) overlaps the command's own imports instead of
following them (:func:`start_job`).

* :func:`start` starts a child (``python -m mapping.io.sandbox``), warm (a server's
  spare) or cold (a job is waiting).
* :func:`one_shot`: a command reads its files once, so within this block no spare
  child is kept, and a child started ahead for the command's job (:func:`start_job`)
  is taken by :func:`mapping.io.sandbox.load_path_isolated` or, unused, ended.
* :func:`add_max_rows_option`, :func:`apply_max_rows`: ``--max-rows N``, set before
  the worker starts (it reads :data:`mapping.domain.limits.ROWS_ENV` when it starts).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mapping.domain import limits as lim

ROOT = Path(__file__).resolve().parents[2]
"""The checkout (or install) root: the child's working directory and import path."""

_SMALL_JOB = 16 * 1024
"""Largest request handed to a child at its start (a pipe takes it without waiting)."""

_lock = threading.Lock()
_one_shot = False
_started: tuple[bytes, subprocess.Popen] | None = None
"""The child :func:`start_job` started, with the request it was given."""


def start(warm: bool = True) -> subprocess.Popen:
    """A new child; ``warm``: it imports the readers and reads the demo before saying ready."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    # One thread per numeric library: less address space under RLIMIT_AS, and the child
    # never competes with the server for both cores.
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    command = [sys.executable, "-m", "mapping.io.sandbox", *([] if warm else ["--cold"])]
    return subprocess.Popen(command, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            cwd=str(ROOT), close_fds=True)


def path_job(path: str | Path, lang: str) -> tuple[str, str, str, None, None]:
    """The job that reads ``path`` (:func:`mapping.io.sandbox.load_path_isolated`'s)."""
    return ("path", str(Path(path).resolve()), lang, None, None)


def request(job: Any) -> bytes:
    """The bytes a child reads as its job: a pickle (the child trusts its parent)."""
    return pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)


def keep_spare() -> bool:
    """Whether a spare child is kept ready (outside :func:`one_shot`)."""
    return not _one_shot


def reap(child: subprocess.Popen) -> None:
    """Close a child's pipes and wait for it."""
    for stream in (child.stdin, child.stdout, child.stderr):
        if stream is not None:
            stream.close()
    child.wait()


def start_job(job: Any) -> bool:
    """Start a cold child for ``job`` now, inside :func:`one_shot`: whether one started.

    The job is written to the child at once (a small request fits the pipe: nothing
    waits), so the child reads it as soon as its imports are done, while the command
    goes on importing what it needs. The job's own call takes this child
    (:func:`take_started`); a command that ends without that call ends the child
    when its :func:`one_shot` block closes. Outside the block (a server) nothing
    starts: the server's spare serves its jobs. Call it after
    :func:`apply_max_rows`: the child reads the row limit when it starts.
    """
    global _started
    data = request(job)
    if not _one_shot or len(data) > _SMALL_JOB:
        return False
    try:
        child = start(warm=False)
    except OSError:  # no process could be started: the job's call says so itself
        return False
    try:
        child.stdin.write(data)
        child.stdin.close()
    except OSError:  # the child died at once: the job's call starts another
        with contextlib.suppress(OSError):
            child.kill()
        reap(child)
        return False
    with _lock:
        before, _started = _started, (data, child)
    if before is not None:
        _end(before[1])
    return True


def take_started(data: bytes) -> subprocess.Popen | None:
    """The child :func:`start_job` started with this request, once; else ``None``.

    The child may have finished already (a small answer fits its pipe): its answer
    is read all the same.
    """
    global _started
    with _lock:
        held = _started
        if held is None or held[0] != data:
            return None
        _started = None
    return held[1]


def _end(child: subprocess.Popen) -> None:
    with contextlib.suppress(OSError):
        child.kill()  # its job is not wanted any more: nothing is lost
    reap(child)


@contextlib.contextmanager
def one_shot() -> Iterator[None]:
    """Within this block no spare child is kept: for commands that read their files once.

    A spare costs a Python start, the readers' imports and a read of the demo
    district (about a second of CPU) that a one-shot command never uses. The
    server keeps its spare (the default, outside this block). A child started
    ahead for a job (:func:`start_job`) and not taken is ended when the block closes.
    """
    global _one_shot, _started
    before = _one_shot
    _one_shot = True
    sandbox = sys.modules.get("mapping.io.sandbox")
    if sandbox is not None:  # not imported: it has no spare to end
        sandbox.shutdown()
    try:
        yield
    finally:
        _one_shot = before
        with _lock:
            left, _started = _started, None
        if left is not None:
            _end(left[1])


# --------------------------------------------------------------------------- --max-rows


def add_max_rows_option(parser: argparse.ArgumentParser) -> None:
    """``--max-rows N`` on a command that loads data (read by :func:`apply_max_rows`)."""
    parser.add_argument(
        "--max-rows", default=None, metavar="N",
        help=f"allow up to N data rows per table (default {lim.DEFAULT_ROWS:,}, or "
             f"{lim.ROWS_ENV}); for trusted national files, every other bound stays")


def apply_max_rows(args: argparse.Namespace, lang: str = "nl") -> bool:
    """Raise the row limit to ``args.max_rows`` when given; ``False`` after a message if invalid.

    The command then exits 2 (a usage error), in the language of ``--lang``.
    """
    value = getattr(args, "max_rows", None)
    if value is None:
        return True
    try:
        lim.allow_rows(lim.parse_rows(value, "--max-rows"))
    except lim.LimitSettingError as exc:
        print(exc.message(lang), file=sys.stderr)
        return False
    _drop_spare_worker()
    return True


def _drop_spare_worker() -> None:
    """End a spare parse worker started before the limit changed (it read the old one)."""
    sandbox = sys.modules.get("mapping.io.sandbox")
    if sandbox is None:  # a command starts its first worker after this: nothing to drop
        return
    with sandbox._lock:
        spare, sandbox._spare = sandbox._spare, None
    if spare is not None:
        sandbox._reap(spare)  # its stdin closes: it exits without a job
