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

# One process per hash seed writes the ``report --json`` of every folder (what
# ``python -m mapping report --json FOLDER`` prints: ``mapping.cli.main``, stdout at the file
# descriptor), so the imports are paid once per seed, not once per seed and folder.
REPORTS = """
import os, sys
from mapping.cli import main
for folder, target in zip(sys.argv[1::2], sys.argv[2::2]):
    with open(target, "wb") as out:
        sys.stdout.flush()
        saved = os.dup(1)
        os.dup2(out.fileno(), 1)
        try:
            code = main(["report", "--json", folder])
            sys.stdout.flush()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
    if code:
        sys.exit(code)
"""


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("city")
    write_csv(generate(organisations=300, groups=90, seed=3), folder)
    return folder


@pytest.fixture(scope="module")
def reports(city: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Folder name (``demo``, ``city``) → hash seed → its ``report --json`` output."""
    folders = {"demo": ROOT / "data" / "demo", "city": city}
    out = tmp_path_factory.mktemp("reports")
    found: dict[str, dict[str, str]] = {name: {} for name in folders}
    for seed in HASH_SEEDS:
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        argv = [str(arg) for name, folder in folders.items()
                for arg in (folder, out / f"{name}-{seed}.json")]
        done = subprocess.run([sys.executable, "-c", REPORTS, *argv], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        for name in folders:
            found[name][seed] = (out / f"{name}-{seed}.json").read_text(encoding="utf-8")
    return found


def _assert_same_under_every_seed(outputs: dict[str, str]) -> None:
    first = outputs[HASH_SEEDS[0]]
    assert '"paths"' in first or '"route' in first  # the report has routes to compare
    for seed in HASH_SEEDS[1:]:
        assert outputs[seed] == first, (
            f"report differs between PYTHONHASHSEED={HASH_SEEDS[0]} and {seed}")


def test_demo_district_report_is_the_same_under_every_hash_seed(reports) -> None:
    _assert_same_under_every_seed(reports["demo"])


def test_synthetic_city_report_is_the_same_under_every_hash_seed(reports) -> None:
    _assert_same_under_every_seed(reports["city"])
