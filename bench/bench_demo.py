"""Benchmark: generating the synthetic city and the demo district (:mod:`mapping.io.demo`).

Target: the default synthetic city (5,000 organisations, 1,500 parent groups, about
40,000 links) is generated in under 2 s on a 2-core machine. Prints the median of
``--repeat`` runs (after one warm-up run that imports and compiles everything) for
the default city and for :func:`mapping.io.demo.demo_district`.

Run: ``.venv/bin/python bench/bench_demo.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from mapping.io.demo import demo_district, generate

TARGET_SECONDS = 2.0


def median_seconds(build: Callable[[], object], repeat: int) -> float:
    """Median wall-clock seconds of ``repeat`` calls of ``build``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        build()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print the generation times."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    generate(200, 60)  # warm-up: imports and first-call costs are not what a user waits for
    city = median_seconds(generate, args.repeat)
    counts = generate().counts()
    print(f"synthetic city ({counts['organisations']} organisations, "
          f"{counts['parent_groups']} groups, "
          f"{counts['reach'] + counts['collaborations']} links): "
          f"{city:.3f} s median of {args.repeat} (target < {TARGET_SECONDS:.0f} s)")
    demo = median_seconds(demo_district, args.repeat)
    print(f"demo district: {demo * 1000:.1f} ms median of {args.repeat}")


if __name__ == "__main__":
    main()
