"""Commands import only what they use: ``report`` runs without SQLAlchemy and friends."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mapping import cli

ROOT = Path(__file__).resolve().parents[2]

# Run the report command in a fresh interpreter and list which heavy modules it imported.
PROBE = """
import contextlib, io, json, sys
from mapping.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = main(["report", sys.argv[1]])
# (numba, which the route search uses, imports scipy's top package to check its version:
# that costs 20 ms; scipy.sparse, the heavy part, must stay out.)
heavy = ["sqlalchemy", "psycopg", "psycopg2", "reportlab", "streamlit", "igraph",
         "scipy.sparse", "pyproj"]
print(json.dumps({"code": code, "text": out.getvalue(),
                  "imported": [m for m in heavy if m in sys.modules]}))
"""


def test_report_command_imports_no_database_pdf_or_ui_library():
    done = subprocess.run([sys.executable, "-c", PROBE, str(ROOT / "data" / "demo")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 0
    assert "Dekkingsrapport" in result["text"]  # the report really ran
    assert "sqlalchemy" not in result["imported"]
    assert result["imported"] == []


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_every_lazy_command_registers_under_its_own_name(name):
    parser, commands = cli.build_parser(only=name)
    assert list(commands) == [name]
    assert name in parser.format_help()


def test_help_lists_every_command(capsys):
    assert cli.main(["--help"]) == 0
    text = capsys.readouterr().out
    for name in cli.COMMANDS:
        assert name in text


def test_unknown_command_is_a_usage_error(capsys):
    assert cli.main(["no-such-command"]) == 2
    assert "invalid choice" in capsys.readouterr().err
