"""The report is the same in every process: no route or suggestion follows the hash seed.

The analysis network's neighbour lists, the route search and the suggestion and
broker orders must not depend on the order of a Python set of strings, which
changes with ``PYTHONHASHSEED`` (so with every new process or server restart).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mapping.io.demo import generate
from mapping.io.write import write_csv

ROOT = Path(__file__).resolve().parents[2]
HASH_SEEDS = ("0", "1", "2")


def _report(folder: Path, hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "mapping", "report", "--json", str(folder)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _assert_same_under_every_seed(folder: Path) -> None:
    first = _report(folder, HASH_SEEDS[0])
    assert '"paths"' in first or '"route' in first  # the report has routes to compare
    for seed in HASH_SEEDS[1:]:
        other = _report(folder, seed)
        assert other == first, f"report differs between PYTHONHASHSEED={HASH_SEEDS[0]} and {seed}"


def test_demo_district_report_is_the_same_under_every_hash_seed() -> None:
    _assert_same_under_every_seed(ROOT / "data" / "demo")


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("city")
    write_csv(generate(organisations=300, groups=90, seed=3), folder)
    return folder


def test_synthetic_city_report_is_the_same_under_every_hash_seed(city: Path) -> None:
    _assert_same_under_every_seed(city)
