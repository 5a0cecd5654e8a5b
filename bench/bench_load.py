"""Benchmark: loading and validating a synthetic city (issue 2).

Target: 5,000 organisations, 1,500 parent groups and about 40,000 links load
and validate in under 2 s on a 2-core machine. Prints the time at 1x, 2x and
4x that size for a UTF-8 CSV folder, plus 1x as Dutch-Excel CSV and as XLSX.

Then the cost of the parse worker (:mod:`mapping.io.sandbox`), which reads every
upload, ``--data`` folder and CLI input in a separate, bounded process: the
demo district and the 1x city, in this process and through the worker.

Every figure is wall time; ``cpu`` lines give this process's CPU seconds (the
machine is shared: wall time also holds other jobs' turns), and the load average
is printed with them.

``--national DIR`` also loads a national-size folder (``python -m mapping demo
--out DIR -n 100000 -g 30000``: about 922,000 rows) with the row limit raised to
``--max-rows``, in this process (wall and CPU) and through the parse worker (wall,
and the worker's CPU seconds).

Run: ``.venv/bin/python bench/bench_load.py [--repeat N] [--national DIR]``
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import tempfile
import time
from pathlib import Path

from mapping.io import demo, sandbox, write
from mapping.io.load import load_path

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


def _time(path: Path, repeat: int, loader=load_path) -> tuple[float, dict[str, int]]:
    return _timed(path, repeat, loader)[::2]


def _timed(path: Path, repeat: int, loader=load_path
           ) -> tuple[float, float, dict[str, int]]:
    """Median wall seconds, median CPU seconds (this process and its finished children)."""
    times, cpus = [], []
    counts: dict[str, int] = {}
    for _ in range(repeat):
        if loader is not load_path:
            time.sleep(3)  # the spare worker that the previous job left behind is ready
        cpu = _cpu()
        start = time.perf_counter()
        result = loader(path)
        times.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
        assert result.ok, result.errors[:3]
        counts = result.dataset.counts()
    return statistics.median(times), statistics.median(cpus), counts


def _cpu() -> float:
    """CPU seconds of this process plus those of its children that have ended (the workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _national(folder: Path, rows: int, repeat: int) -> None:
    """The national folder in this process and through the worker (it is not kept warm)."""
    from mapping.domain import limits

    limits.allow_rows(rows)
    print(f"national {folder} (load average {os.getloadavg()[0]:.1f}):")
    wall, cpu, counts = _timed(folder, repeat)
    print(f"  {sum(v for k, v in counts.items() if k != 'neighbourhoods'):,} rows")
    print(f"  in process: {wall:6.2f} s")
    print(f"  in process, cpu: {cpu:6.2f} s")
    with sandbox.one_shot():
        wall, cpu, _ = _timed(folder, repeat, sandbox.load_path_isolated)
    print(f"  through the parse worker: {wall:6.2f} s")
    print(f"  through the parse worker, cpu (with the worker's start): {cpu:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--national", type=Path, default=None,
                        help="also load this national-size folder (see the docstring)")
    parser.add_argument("--max-rows", type=int, default=600_000)
    parser.add_argument("--skip-cities", action="store_true",
                        help="only the national folder")
    args = parser.parse_args()
    cpu = next((line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    print(f"machine: {os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    if args.national is not None:
        _national(args.national, args.max_rows, args.repeat)
    if args.skip_cities:
        return
    with tempfile.TemporaryDirectory() as tmp:
        for scale in (1, 2, 4):
            dataset = demo.generate(organisations=5000 * scale, groups=1500 * scale, seed=scale)
            folder = Path(tmp) / f"city{scale}"
            write.write_csv(dataset, folder)
            seconds, cpu_seconds, counts = _timed(folder, args.repeat)
            links = counts["reach"] + counts["collaborations"]
            print(f"{scale}x csv  {counts['organisations']:>6} orgs {counts['parent_groups']:>5} "
                  f"groups {links:>7} links: {seconds:6.2f} s")
            print(f"{scale}x csv, cpu: {cpu_seconds:6.2f} s")
            if scale == 1:
                nl = Path(tmp) / "city1-nl"
                write.write_csv(dataset, nl, dialect="excel-nl", headers="nl")
                seconds, cpu_seconds, _ = _timed(nl, args.repeat)
                print(f"1x Dutch-Excel CSV (;, cp1252, decimal comma): {seconds:6.2f} s")
                print(f"1x Dutch-Excel CSV, cpu: {cpu_seconds:6.2f} s")
                book = Path(tmp) / "city1.xlsx"
                write.write_xlsx(dataset, book)
                seconds, cpu_seconds, _ = _timed(book, 1)
                print(f"1x XLSX workbook: {seconds:6.2f} s")
                print(f"1x XLSX workbook, cpu: {cpu_seconds:6.2f} s")
                sandbox.warm_up()
                for label, path in (("demo district", DEMO), ("1x city CSV", folder),
                                    ("1x city XLSX", book)):
                    inside = _time(path, args.repeat)[0]
                    isolated = _time(path, args.repeat, sandbox.load_path_isolated)[0]
                    print(f"parse worker, {label}: {inside:6.2f} s in process, "
                          f"{isolated:6.2f} s isolated (+{isolated - inside:.2f} s)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (up to the 4x city): {peak:.0f} MB")


if __name__ == "__main__":
    main()
