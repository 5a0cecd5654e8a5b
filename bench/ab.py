"""Run one benchmark on two revisions, alternately, and print before/after per figure.

A machine's speed drifts from hour to hour (other jobs, CPU steal on a shared host), so
figures measured on different days cannot show that a change made something slower. This
script checks out ``--before`` into a temporary git worktree, then runs the same benchmark
module there and in this checkout in turns (before, after, before, after, ...), and keeps
the best time of each figure per side. Every line of the benchmark's output that ends in
``<number> s`` is one figure; the line above that names a dataset gives it its context.

Run: ``.venv/bin/python -m bench.ab --before e10bcef --runs 3 bench_report``
(extra arguments after the module name go to the benchmark).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURE = re.compile(r"^\s*(?P<label>.*?\S)\s*[:=]?\s+(?P<value>\d+(?:\.\d+)?)\s*s\b")


def figures(output: str) -> dict[str, float]:
    """Every ``label ... N s`` line of ``output``, keyed by its context and label."""
    found: dict[str, float] = {}
    context = ""
    for line in output.splitlines():
        match = FIGURE.match(line)
        if match is None:
            if line.strip() and not line.startswith(" "):
                context = line.split(":")[0].strip()[:40]
            continue
        key = f"{context} | {match['label']}" if context else match["label"]
        found[key] = float(match["value"])
    return found


def run(checkout: Path, module: str, extra: list[str]) -> dict[str, float]:
    """One run of ``python -m bench.<module>`` inside ``checkout``."""
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *extra],
        cwd=checkout, capture_output=True, text=True, check=False,
        env={"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin"},
    )
    if done.returncode != 0:
        raise SystemExit(f"{module} failed in {checkout}:\n{done.stderr[-2000:]}")
    return figures(done.stdout)


def best(runs: list[dict[str, float]]) -> dict[str, float]:
    """The smallest value of each figure over ``runs``."""
    keys = {key for result in runs for key in result}
    return {key: min(r[key] for r in runs if key in r) for key in keys}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", required=True, help="git revision to compare against")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("module", help="benchmark module in bench/, e.g. bench_report")
    parser.add_argument("extra", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old),
                        args.before], check=True, capture_output=True)
        try:
            before, after = [], []
            for _ in range(args.runs):
                before.append(run(old, args.module, args.extra))
                after.append(run(ROOT, args.module, args.extra))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)],
                           check=False, capture_output=True)
    old_best, new_best = best(before), best(after)
    print(f"{args.module}: best of {args.runs}, alternating; before = {args.before}")
    print(f"{'figure':<60} {'before':>9} {'after':>9} {'ratio':>6}")
    for key in sorted(old_best.keys() & new_best.keys()):
        ratio = new_best[key] / old_best[key] if old_best[key] else float("nan")
        flag = "  SLOWER" if ratio > 1.10 and new_best[key] - old_best[key] > 0.02 else ""
        print(f"{key[:60]:<60} {old_best[key]:>8.3f}s {new_best[key]:>8.3f}s {ratio:>6.2f}{flag}")
    for key in sorted(new_best.keys() - old_best.keys()):
        print(f"{key[:60]:<60} {'':>9} {new_best[key]:>8.3f}s   new")


if __name__ == "__main__":
    main()
