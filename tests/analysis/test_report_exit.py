"""``python -m mapping`` ends without teardown (cli.exit_now): output complete, codes kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"


def _run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mapping", *args], cwd=ROOT, timeout=300,
                          capture_output=True, **kwargs)


def test_the_whole_report_is_written_before_the_process_ends():
    done = _run("report", str(DEMO), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)  # complete: the last byte was flushed
    assert report["name"] == "demo" and report["groups"]
    text = _run("report", str(DEMO), "--lang", "en")
    assert text.returncode == 0 and text.stdout.decode().endswith("\n")


def test_exit_codes_and_messages_are_kept():
    missing = _run("report", str(DEMO / "nothing-here"))
    assert missing.returncode == 1 and missing.stderr.strip()  # the message came out
    bad = _run("report", str(DEMO), "--max-rows", "abc")
    assert bad.returncode == 2 and b"--max-rows" in bad.stderr


def test_a_reader_that_leaves_early_gives_120_without_a_traceback():
    reader = subprocess.Popen([sys.executable, "-m", "mapping", "report", str(DEMO), "--json"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reader.stdout.read(1)
    reader.stdout.close()  # as `| head -c 1` does
    _out, err = reader.communicate(timeout=300)
    assert reader.returncode in (0, 120)  # 0 when the report fit the pipe before it closed
    assert b"Traceback" not in err
