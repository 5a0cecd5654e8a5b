"""Benchmark: the parse worker's answer, as a pickle (before) and in its own format (after).

The worker (:mod:`mapping.io.sandbox`) sends what it read back to the server.
It used to be a pickle; it is now :mod:`mapping.io.worker_answer`'s format, which
cannot run code when read. This prints, per district, the bytes of each and
the time to encode (in the worker) and to decode (in the server), wall and CPU
(best of ``--runs``), and checks that the decoded tables equal the loaded ones.

Run: ``.venv/bin/python -m bench.bench_worker_answer --max-rows 600000 data/demo /tmp/city1x
/tmp/city20x``
"""

from __future__ import annotations

import argparse
import os
import pickle
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from mapping.domain import limits
from mapping.domain.dataset import TABLES
from mapping.io import worker_answer
from mapping.io.load import load_path


def best(call: Callable[[], Any], runs: int) -> tuple[Any, float, float]:
    """``call()``'s result and its best wall and CPU seconds over ``runs``."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return result, min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--max-rows", type=int, default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.max_rows:
        limits.allow_rows(args.max_rows)
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores")
    for path in args.paths:
        result = load_path(path)
        assert result.ok, result.errors[:3]
        rows = sum(result.counts[t] for t in TABLES)
        print(f"{path.name}: {rows:,} rows")
        data, wall, cpu = best(lambda r=result: pickle.dumps(("ok", r), protocol=5), args.runs)
        print(f"  pickle bytes {len(data):,}")
        print(f"  pickle encode {wall:.3f} s")
        print(f"  pickle encode cpu {cpu:.3f} s")
        _, wall, cpu = best(lambda d=data: pickle.loads(d), args.runs)
        print(f"  pickle decode {wall:.3f} s")
        print(f"  pickle decode cpu {cpu:.3f} s")
        del data
        data, wall, cpu = best(
            lambda r=result: worker_answer.encode_answer("path", "ok", r), args.runs)
        print(f"  answer bytes {len(data):,}")
        print(f"  answer encode {wall:.3f} s")
        print(f"  answer encode cpu {cpu:.3f} s")
        (_status, back), wall, cpu = best(
            lambda d=data: worker_answer.decode_answer("path", d, len(d), 10 ** 7), args.runs)
        print(f"  answer decode {wall:.3f} s")
        print(f"  answer decode cpu {cpu:.3f} s")
        for table in TABLES:
            pd.testing.assert_frame_equal(back.dataset.table(table), result.dataset.table(table),
                                          check_exact=True)
        assert back.dataset.fingerprint() == result.dataset.fingerprint()
        print("  decoded tables equal the loaded ones")


if __name__ == "__main__":
    main()
