"""The parse worker's spare child: kept warm for the server, none for a one-shot command (issue 15).

A server keeps one spare child ready (imports done, demo read) so an upload
does not wait for Python to start; a command of :mod:`mapping.cli` reads its
files once, so it runs in :func:`mapping.io.sandbox.one_shot` and leaves no
child behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mapping.io import sandbox

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc: Linux only")


def worker_children() -> list[int]:
    """Running children of this process that are parse workers."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, parent = fields[0], int(fields[1])
        if parent == os.getpid() and state != "Z" and b"mapping.io.sandbox" in command:
            found.append(int(entry.name))
    return found


def test_a_cli_command_leaves_no_spare_and_the_server_keeps_its_own():
    from mapping.cli import main

    sandbox.warm_up()  # as a server would have one
    assert worker_children()
    assert main(["validate", str(DEMO)]) == 0
    assert sandbox._spare is None
    assert worker_children() == []
    # Outside the command the server's behaviour is back: a job leaves a spare ready.
    assert sandbox.load_path_isolated(DEMO).ok
    assert sandbox._spare is not None and sandbox._spare.poll() is None
    assert worker_children() == [sandbox._spare.pid]
    sandbox.shutdown()
    assert worker_children() == []


def test_one_shot_reads_like_the_server_does():
    with sandbox.one_shot():
        quick = sandbox.load_path_isolated(DEMO, "en")
        assert sandbox._spare is None
        sandbox.warm_up()  # asked for inside the block: still none
        assert sandbox._spare is None
    assert quick.ok
    assert quick.dataset.fingerprint() == sandbox.load_path_isolated(DEMO, "en").dataset \
        .fingerprint()
    sandbox.shutdown()


def test_the_command_as_run_leaves_no_process_behind():
    """``python -m mapping report``, its orphans reaped by a subreaper: none outlives it."""
    done = subprocess.run([sys.executable, "bench/bench_cli_start.py", "--repeat", "1",
                           "report", str(DEMO)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1].split()
    assert last[0] == "1" and last[-1] == "0", done.stdout  # run 1, 0 processes left


def test_a_command_starts_its_worker_ahead_and_the_job_takes_it(monkeypatch):
    """``report`` starts its child before importing pandas; the job's read takes that child."""
    from mapping.io import worker_process

    assert not worker_process.start_job(worker_process.path_job(DEMO, "en"))  # a server: no
    assert worker_children() == []
    with worker_process.one_shot():
        assert worker_process.start_job(worker_process.path_job(DEMO, "en"))
        ahead = worker_children()
        assert len(ahead) == 1
        started = []
        monkeypatch.setattr(sandbox, "_start", lambda warm=True: started.append(warm))
        result = sandbox.load_path_isolated(DEMO, "en")  # no new child: _start is not called
        assert started == [] and worker_children() == []
    monkeypatch.undo()
    assert result.ok
    assert result.dataset.fingerprint() == sandbox.load_path_isolated(DEMO, "en").dataset \
        .fingerprint()
    sandbox.shutdown()


def test_a_worker_started_ahead_and_not_used_is_ended():
    """Another job does not take it (it reads another path); the block's end ends it."""
    from mapping.io import worker_process

    with worker_process.one_shot():
        assert worker_process.start_job(worker_process.path_job(DEMO, "nl"))
        ahead = worker_process._started[1]
        other = sandbox.load_path_isolated(DEMO, "en")  # another job: a child of its own
        assert other.ok and other.errors == []
        assert worker_process._started[1] is ahead and ahead.returncode is None  # not taken
    assert worker_process._started is None
    assert ahead.returncode is not None  # ended (or done) and waited for: no zombie left
    assert worker_children() == []
