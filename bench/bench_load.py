"""Benchmark: loading and validating a synthetic city (issue 2).

Target: 5,000 organisations, 1,500 parent groups and about 40,000 links load
and validate in under 2 s on a 2-core machine. Prints the time at 1x, 2x and
4x that size for a UTF-8 CSV folder, plus 1x as Dutch-Excel CSV and as XLSX.

Then the cost of the parse worker (:mod:`mapping.io.sandbox`), which reads every
upload, ``--data`` folder and CLI input in a separate, bounded process: the
demo district and the 1x city, in this process and through the worker.

Run: ``.venv/bin/python bench/bench_load.py [--repeat N]``
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
    times = []
    counts: dict[str, int] = {}
    for _ in range(repeat):
        if loader is not load_path:
            time.sleep(3)  # the spare worker that the previous job left behind is ready
        start = time.perf_counter()
        result = loader(path)
        times.append(time.perf_counter() - start)
        assert result.ok, result.errors[:3]
        counts = result.dataset.counts()
    return statistics.median(times), counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cpu = next((line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    print(f"machine: {os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        for scale in (1, 2, 4):
            dataset = demo.generate(organisations=5000 * scale, groups=1500 * scale, seed=scale)
            folder = Path(tmp) / f"city{scale}"
            write.write_csv(dataset, folder)
            seconds, counts = _time(folder, args.repeat)
            links = counts["reach"] + counts["collaborations"]
            print(f"{scale}x csv  {counts['organisations']:>6} orgs {counts['parent_groups']:>5} "
                  f"groups {links:>7} links: {seconds:6.2f} s")
            if scale == 1:
                nl = Path(tmp) / "city1-nl"
                write.write_csv(dataset, nl, dialect="excel-nl", headers="nl")
                print(f"1x Dutch-Excel CSV (;, cp1252, decimal comma): "
                      f"{_time(nl, args.repeat)[0]:6.2f} s")
                book = Path(tmp) / "city1.xlsx"
                write.write_xlsx(dataset, book)
                print(f"1x XLSX workbook: {_time(book, 1)[0]:6.2f} s")
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
