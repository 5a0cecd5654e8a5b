"""Benchmark: the full coverage report, stage by stage, from the demo district up to national size.

Run: ``.venv/bin/python bench/bench_report.py [--sizes demo 1 2 4] [--data DIR] [--graph]``
(``python -m bench.ab --before main bench_report`` compares two revisions; sizes up to
20 work, 20x being the national size of 100,000 organisations). Prints wall-clock seconds per stage
and for the whole :func:`mapping.analysis.report.build_report`, on
:func:`mapping.io.demo.demo_district` and on :func:`mapping.io.demo.generate` cities (5,000
organisations, 1,500 groups and about 40,000 links per unit of scale). With ``--data`` the
city is written as CSV there once and every run loads it as the command line does
(``load`` stage; the row limit raised as ``--max-rows`` would); the CLI as a whole,
parse worker included, is timed with ``/usr/bin/time -v python -m mapping report DIR
--max-rows 1000000``. ``--graph`` also times the networkx graph and the network read off it
(what the report did before it built the network from the tables). Each size runs in its
own process, so the peak memory printed (max RSS) belongs to that size.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from mapping.domain.dataset import Dataset

try:
    from bench.processes import run_each
except ImportError:  # run as a script (bench/bench_report.py): bench/ itself is on sys.path
    from processes import run_each  # type: ignore[no-redef]


def city(scale: float) -> Dataset:
    """The synthetic city of :func:`mapping.io.demo.generate` at ``scale`` times 5,000/1,500."""
    from mapping.io.demo import generate

    return generate(organisations=int(5000 * scale), groups=int(1500 * scale))


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn, *args, **kwargs):
    """Run ``fn``; print its wall-clock and CPU seconds (on a shared machine the CPU
    figure is the steadier one) and the peak memory so far."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    print(f"  {label:<12} {time.perf_counter() - start:7.3f} s   peak {peak_mb():6.0f} MB",
          flush=True)
    print(f"  {label + ' cpu':<12} {time.process_time() - cpu:7.3f} s", flush=True)
    return result


def _dataset(size: str, data: Path | None) -> Dataset:
    from mapping.io.demo import demo_district

    if size == "demo":
        return demo_district()
    if data is None:
        return city(float(size))
    from mapping.domain.limits import allow_rows
    from mapping.io.load import load_path
    from mapping.io.write import write_csv

    folder = data / f"city-{size}x"
    if not (folder / "organisations.csv").exists():
        write_csv(city(float(size)), folder)
    allow_rows(1_000_000)  # as `--max-rows 1000000`: a national city has 540,000 rows
    result = timed("load", load_path, folder)
    assert result.ok, result.errors[:3]
    return result.dataset


def bench(size: str, data: Path | None, with_graph: bool) -> None:
    from mapping.analysis import graph as g
    from mapping.analysis.brokers import brokers
    from mapping.analysis.coverage import compute, network_from_dataset, network_from_graph
    from mapping.analysis.report import build_report
    from mapping.analysis.suggest import suggest
    from mapping.analysis.topics import topics_from_dataset

    start = time.perf_counter()
    dataset = _dataset(size, data)
    loaded = time.perf_counter() - start
    counts = dataset.counts()
    # The dataset's name heads its figures, as before (bench.ab pairs figures by it).
    print(f"{dataset.name if size == 'demo' or data is None else f'city {size}x'}: "
          f"{counts['organisations']} organisations, "
          f"{counts['parent_groups']} groups, {counts['reach']} reach + "
          f"{counts['collaborations']} collaboration rows", flush=True)
    with g.gc_paused():
        if with_graph:
            graph = timed("graph", g.build_graph, dataset)
            timed("graph net", network_from_graph, graph)
            del graph
        net = timed("network", network_from_dataset, dataset)
        cov = timed("coverage", compute, net)
        timed("brokers", brokers, cov)
        timed("suggestions", suggest, cov, 5)
        timed("topics", topics_from_dataset, dataset, net)
        del net, cov
    start, cpu = time.perf_counter(), time.process_time()
    build_report(dataset)
    report = time.perf_counter() - start
    print(f"  {'FULL REPORT':<12} {report:7.3f} s   peak {peak_mb():6.0f} MB")
    print(f"  {'FULL REPORT cpu':<12} {time.process_time() - cpu:7.3f} s")
    if data is not None and size != "demo":
        print(f"  {'LOAD+REPORT':<12} {loaded + report:7.3f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["demo", "1", "2", "4"])
    parser.add_argument("--data", default=None, help="write cities as CSV here and load them")
    parser.add_argument("--graph", action="store_true", help="also time the networkx path")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: one size, this process
    args = parser.parse_args(argv)
    data = Path(args.data) if args.data else None
    if args.one:
        bench(args.one, data, args.graph)
        return 0
    extra = [*(["--data", str(data)] if data else []), *(["--graph"] if args.graph else [])]
    if run_each("bench.bench_report",
                ((f"size {size}", ["--one", size, *extra]) for size in args.sizes)):
        return 1
    print(json.dumps({"load_average": Path("/proc/loadavg").read_text().split()[:3]})
          if Path("/proc/loadavg").exists() else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
