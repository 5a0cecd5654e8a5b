"""The row limit: 200,000 rows per table for uploads, raised only by a trusted operator.

The operator raises it with ``--max-rows N`` on a command that loads data, or
with ``WIJKNETWERK_MAX_ROWS`` for the server (read once, when a process
starts); both are validated, and every other bound stays in force. The
tables here are small: the "default" is lowered to 100 rows with the same
function the CLI uses, so the refusal and the raise run through the real
parse worker in seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mapping.cli import main
from mapping.domain import limits
from mapping.io import sandbox

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def row_limit():
    """Set this process's row limit (as ``--max-rows`` does) and restore it afterwards.

    It restores :data:`mapping.domain.limits.ROWS_ENV` too, so a test sets that
    variable through ``os.environ`` (a ``monkeypatch.setenv`` would put back the
    value this fixture's setter wrote, after this fixture restored it).
    """
    before = limits.current()
    env = os.environ.get(limits.ROWS_ENV)

    def set_rows(rows: int) -> None:
        limits.allow_rows(rows)
        _drop_spare()  # a spare worker started earlier read the limit of its own start

    yield set_rows
    limits.put_in_force(before)
    if env is None:
        os.environ.pop(limits.ROWS_ENV, None)
    else:
        os.environ[limits.ROWS_ENV] = env
    _drop_spare()


def _drop_spare() -> None:
    with sandbox._lock:
        spare, sandbox._spare = sandbox._spare, None
    if spare is not None:
        sandbox._reap(spare)


def _district(folder: Path, orgs: int, columns: int = 3) -> Path:
    folder.mkdir()
    extra = [f"x{i}" for i in range(columns - 3)]
    lines = [",".join(["id", "name", "kind", *extra])]
    lines += [",".join([f"W{i}", f"Org {i}", "formal", *("v" for _ in extra)])
              for i in range(orgs)]
    (folder / "organisations.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "parent_groups.csv").write_text("id,name,families\nG1,Groep,10\n",
                                              encoding="utf-8")
    (folder / "reach.csv").write_text("organisation,group\nW1,G1\n", encoding="utf-8")
    return folder


def test_refused_at_the_limit_with_file_and_how_to_raise(row_limit, tmp_path, capsys):
    row_limit(100)
    folder = _district(tmp_path / "wijk", 150)
    assert main(["validate", str(folder), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "More than 100 rows" in x)
    assert line.strip().startswith("organisations.csv, row 102")  # names the file and row
    assert "--max-rows" in line and limits.ROWS_ENV in line  # and how to raise it
    assert main(["validate", str(folder)]) == 1
    dutch = capsys.readouterr().out
    assert "Meer dan 100 rijen" in dutch and "--max-rows" in dutch


def test_accepted_when_raised_on_the_command_line(row_limit, tmp_path, capsys):
    row_limit(100)
    folder = _district(tmp_path / "wijk", 150)
    assert main(["validate", str(folder), "--max-rows", "200", "--json"]) == 0
    assert '"organisations": 150' in capsys.readouterr().out
    assert limits.LIMITS.rows == 200
    assert os.environ[limits.ROWS_ENV] == "200"  # the parse worker inherits it


def test_report_command_takes_the_option_too(row_limit, tmp_path, capsys):
    row_limit(100)
    folder = _district(tmp_path / "wijk", 150)
    assert main(["report", str(folder), "--lang", "en"]) == 1
    assert "More than 100 rows" in capsys.readouterr().err
    assert main(["report", str(folder), "--lang", "en", "--max-rows", "1_000"]) == 0
    assert "Coverage" in capsys.readouterr().out


def test_raising_rows_keeps_the_other_bounds(row_limit, tmp_path, capsys):
    row_limit(100)
    folder = _district(tmp_path / "wijk", 3, columns=limits.LIMITS.columns + 1)
    assert main(["validate", str(folder), "--lang", "en", "--max-rows", "10000000"]) == 1
    out = capsys.readouterr().out
    assert "columns" in out and "More than" not in out
    assert limits.LIMITS.columns == 200 and limits.LIMITS.cell_chars == 10_000
    assert limits.LIMITS.uncompressed_bytes == 200 * 1024 * 1024


@pytest.mark.parametrize("value", ["0", "-5", "abc", "1e6", "2.5", "", " ", "١٢٣", "10 000"])
def test_invalid_option_is_refused_with_a_message(row_limit, tmp_path, capsys, value):
    row_limit(100)
    folder = _district(tmp_path / "wijk", 3)
    assert main(["validate", str(folder), "--lang", "en", "--max-rows", value]) == 2
    err = capsys.readouterr().err
    assert "--max-rows" in err and "whole number of at least 1" in err
    assert main(["report", str(folder), "--max-rows", value]) == 2
    assert "geheel getal van minstens 1" in capsys.readouterr().err
    assert limits.LIMITS.rows == 100  # nothing changed


@pytest.mark.parametrize(("value", "rows"), [("600000", 600_000), ("600_000", 600_000),
                                             (" 42 ", 42), (7, 7)])
def test_parse_rows_accepts_positive_whole_numbers(value, rows):
    assert limits.parse_rows(value, "--max-rows") == rows


@pytest.mark.parametrize("value", [0, -1, True, 2.0, "0", "+5", "5.0", "ten", None])
def test_parse_rows_refuses_the_rest(value):
    with pytest.raises(limits.LimitSettingError) as caught:
        limits.parse_rows(value, limits.ROWS_ENV)
    assert limits.ROWS_ENV in caught.value.message("en")
    assert "200000" in caught.value.message("nl")


def _rows_in_fresh_process(value: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != limits.ROWS_ENV}
    if value is not None:
        env[limits.ROWS_ENV] = value
    env["PYTHONPATH"] = str(ROOT)
    probe = "from mapping.domain.limits import LIMITS; print(LIMITS.rows)"
    if value == "600000":
        probe += "; print(LIMITS.parse_memory_bytes // 2 ** 30)"
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60, check=True)


def test_environment_variable_is_respected_at_start():
    assert _rows_in_fresh_process(None).stdout.strip() == "200000"
    done = _rows_in_fresh_process("600000")
    assert done.stdout.split() == ["600000", "6"] and done.stderr == ""  # 3x rows, 3x memory


@pytest.mark.parametrize("value", ["lots", "-1", "0", "{{7*7}}", "<script>"])
def test_invalid_environment_variable_keeps_the_default_and_says_why(value):
    done = _rows_in_fresh_process(value)
    assert done.stdout.strip() == "200000"  # fails closed: the upload bound stays
    assert f"{limits.ROWS_ENV}: '{value}' is geen aantal rijen" in done.stderr
    assert "is not a number of rows" in done.stderr and "default stays in force" in done.stderr


def test_environment_variable_reaches_the_parse_worker(row_limit, tmp_path):
    row_limit(100)
    folder = _district(tmp_path / "wijk", 150)
    assert not sandbox.load_path_isolated(folder, "en").ok
    os.environ[limits.ROWS_ENV] = "500"  # as a server started with the variable
    _drop_spare()
    result = sandbox.load_path_isolated(folder, "en")
    assert result.ok and result.dataset.counts()["organisations"] == 150


def test_env_value_is_text_never_a_template():
    error = limits.LimitSettingError(limits.ROWS_ENV, "{default}{source}")
    assert "{default}{source}" in error.message("en")


def test_parse_worker_time_and_memory_follow_the_rows(row_limit):
    default = limits.Limits()
    row_limit(1_000_000)  # five times the default: a national file
    assert limits.LIMITS.parse_memory_bytes == 5 * default.parse_memory_bytes
    assert limits.LIMITS.parse_seconds == 5 * default.parse_seconds
    assert limits.LIMITS.columns == default.columns and limits.LIMITS.cells == default.cells
    assert limits.LIMITS.upload_bytes == default.upload_bytes
    row_limit(100)  # fewer rows never shrink the worker's bounds below the defaults
    assert limits.LIMITS.parse_memory_bytes == default.parse_memory_bytes
    assert limits.LIMITS.parse_seconds == default.parse_seconds
