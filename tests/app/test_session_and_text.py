"""The pure helpers behind the pages: URL view state, safe Markdown, the label catalog."""

from __future__ import annotations

import re
import string

from mapping import session
from mapping.ui_text import TEXT, t


def _fields(value: str | dict[str, str]) -> set[str]:
    # A plural entry's "other" form holds every placeholder ("one" may write 1 out).
    template = value["other"] if isinstance(value, dict) else value
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_catalog_has_every_label_in_both_languages():
    assert set(TEXT["nl"]) == set(TEXT["en"])
    for key in TEXT["nl"]:
        assert _fields(TEXT["nl"][key]) == _fields(TEXT["en"][key]), key


def test_numbers_follow_the_language():
    assert t("charted_links", "nl", shown=10, total=1234) == (
        "De 10 zwakste van 1.234 samenwerkingen.")
    assert t("charted_links", "en", shown=10, total=1234) == (
        "The 10 weakest of 1,234 collaborations.")


def test_cli_reads_data_and_db_and_ignores_the_rest():
    assert session.parse_cli(["--data", "x", "--db", "sqlite:///a", "--foo"]) == \
        session.CliOptions("x", "sqlite:///a")
    assert session.parse_cli([]) == session.CliOptions()


def test_url_values_are_read_defensively():
    params = {"q": ["2,5"], "bad": ["x"], "cls": ["unreached", "bogus", "unreached"],
              "present": ["1"], "off": ["0"]}
    assert session.get_float(params, "q", 0.0, 0.0, 5.0) == 2.5
    assert session.get_float(params, "bad", 1.0, 0.0, 5.0) == 1.0
    assert session.get_float({"q": ["99"]}, "q", 0.0, 0.0, 5.0) == 5.0
    assert session.get_list(params, "cls", ["unreached", "direct"]) == ["unreached"]
    assert session.get_bool(params, "present") is True
    assert session.get_bool(params, "off") is False
    assert session.get_str(params, "missing", "d") == "d"
    assert session.get_str({"lang": ["xx"]}, "lang", "nl", ("nl", "en")) == "nl"


def test_defaults_stay_out_of_the_url():
    to_set, to_drop = session.param_updates(
        {"hood": ["BU01"], "cat": [], "phys": False, "q": 2.5, "lang": "nl"},
        {"hood": [], "cat": [], "phys": False, "q": 0.0, "lang": "nl"})
    assert to_set == {"hood": ["BU01"], "q": "2.5"}
    assert set(to_drop) == {"cat", "phys", "lang"}


def test_markdown_escape_leaves_no_live_markup():
    text = "[x](javascript:alert(1)) **b** $x$ :material/home: <img src=x onerror=1>"
    escaped = session.md_escape(text)
    assert re.sub(r"\\(.)", r"\1", escaped) == text
    assert "[x]" not in escaped and "**" not in escaped and "\\$x\\$" in escaped


def test_zero_threshold_means_every_collaboration_counts():
    assert session.min_quality_or_none(0.0) is None
    assert session.min_quality_or_none(3.0) == 3.0


def test_page_scripts_have_no_bare_strings_for_streamlit_magic_to_show():
    """A string statement in a page script (an attribute docstring) is drawn on the page."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    scripts = [root / "app.py", *(p for p in (root / "pages").glob("*.py")
                                  if not p.name.startswith("_"))]
    found = [f"{path.name}:{node.lineno}" for path in scripts
             for node in ast.parse(path.read_text(encoding="utf-8")).body[1:]
             if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
             and isinstance(node.value.value, str)]
    assert len(scripts) > 10 and found == []
