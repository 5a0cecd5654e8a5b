"""Running a benchmark once per input, each in a fresh process of its own module.

Imports, caches and the peak memory (max RSS) then belong to that one input: a 20x city
run after the demo is not measured with the demo's warm caches, nor the demo with the
city's memory.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable, Sequence


def run_each(module: str, runs: Iterable[tuple[str, Sequence[str]]]) -> int:
    """Run ``python -m module ARGS`` for each ``(label, ARGS)`` in turn, printing its output.

    Parameters
    ----------
    module
        The benchmark module (``bench.bench_flow``), which handles ``ARGS`` in-process.
    runs
        ``(label, arguments)`` per input; the label names a failed run.

    Returns
    -------
    int
        0, or 1 after the first run that failed (its stderr's end is printed).
    """
    for label, arguments in runs:
        done = subprocess.run([sys.executable, "-m", module, *arguments], capture_output=True,
                              text=True, check=False)
        print(done.stdout, end="", flush=True)
        if done.returncode != 0:
            print(f"{label} failed:\n{done.stderr[-2000:]}", file=sys.stderr)
            return 1
    return 0
