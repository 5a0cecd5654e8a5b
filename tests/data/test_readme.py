"""The README's format table is generated from the schema and must match it."""

from __future__ import annotations

import re
from pathlib import Path

from mapping.domain.schema import markdown_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_format_table_matches_schema():
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- schema:start -->\n(.*)\n<!-- schema:end -->", text, re.S)
    assert found, "README lost its schema markers"
    assert found.group(1) == markdown_table("en"), (
        "README format table is stale: regenerate with python -m mapping schema")


def test_readme_has_exactly_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert "bash tools/start.sh" in text and "bash tools/test.sh" in text
    ci = (README.parent / ".ci" / "run").read_text()
    assert "tools/test.sh" in ci


def test_readme_limits_table_matches_the_limits():
    from mapping.domain.limits import markdown_table as limits_table

    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- limits:start -->\n(.*)\n<!-- limits:end -->", text, re.S)
    assert found, "README lost its limits markers"
    assert found.group(1) == limits_table()
