"""What one CLI command costs, the parse worker's children included (issue 15).

``/usr/bin/time`` counts only the children a process waited for; a spare parse
worker left behind by a one-shot command is never waited for, so its CPU is
missing from that figure. This script makes itself a *child subreaper*
(Linux ``prctl(PR_SET_CHILD_SUBREAPER)``): every orphaned descendant is
re-parented to it and reaped here, so ``RUSAGE_CHILDREN`` holds the CPU of
the command *and* of every process it left behind.

Run from the checkout root::

    python bench/bench_cli_start.py [--repeat 3] [-- report data/demo]

Prints, per run: wall time until the command exited, wall time until its last
descendant exited, CPU (user + system) of all of them, and how many
descendants outlived the command.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def _subreaper() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def _one(command: list[str]) -> tuple[float, float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "mapping", *command],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    child.wait()
    done = time.perf_counter() - started
    left = 0
    while True:  # reap every orphan the command left (a spare parse worker)
        try:
            pid, _status = os.wait()
        except ChildProcessError:
            break
        if pid != child.pid:
            left += 1
    last = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return done, last, cpu, left


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("command", nargs="*", default=["report", "data/demo"])
    args = parser.parse_args()
    _subreaper()
    print(f"python -m mapping {' '.join(args.command)}  (load average "
          f"{os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs)")
    print(f"{'run':>3}  {'wall (command)':>14}  {'wall (all)':>10}  {'CPU (all)':>9}  left")
    for run in range(1, args.repeat + 1):
        done, last, cpu, left = _one(args.command)
        print(f"{run:>3}  {done:>12.2f} s  {last:>8.2f} s  {cpu:>7.2f} s  {left:>4}")


if __name__ == "__main__":
    main()
