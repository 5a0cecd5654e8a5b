"""tools/move_messages.py: moves literal catalogs into the locale files, and is safe to rerun."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("move_messages", ROOT / "tools" / "move_messages.py")
move = importlib.util.module_from_spec(_spec)
sys.modules["move_messages"] = move  # dataclasses look their module up there
_spec.loader.exec_module(move)

NESTED = '''\
"""A module with a nested catalog."""

from __future__ import annotations

from mapping.i18n import Catalog, translate

MESSAGES: Catalog = {
    "nl": {
        "hello": "Hallo {name}", "quote": 'Zeg "ja"\\\\n',
        "files": {"one": "{n} bestand", "other": "{n} bestanden"},
    },
    "en": {
        "hello": "Hello {name}", "quote": 'Say "yes"\\\\n',
        "files": {"one": "{n} file", "other": "{n} files"},
    },
}  # kept comment


def text(key, lang, **values):
    return translate(MESSAGES, key, lang, **values)
'''

PAIRS = '''\
"""A module with pairs."""

import re

TEXT: dict[str, tuple[str, str]] = {
    "bad": ("Fout in {row}", "Error in {row}"),
}
'''


def _checkout(tmp_path: Path) -> Path:
    (tmp_path / "mapping" / "sub").mkdir(parents=True)
    (tmp_path / "mapping" / "sub" / "nested.py").write_text(NESTED, encoding="utf-8")
    (tmp_path / "mapping" / "pairs.py").write_text(PAIRS, encoding="utf-8")
    (tmp_path / "mapping" / "locales").mkdir()
    for lang, word in (("nl", "Ja"), ("en", "Yes")):
        (tmp_path / "mapping" / "locales" / f"{lang}.toml").write_text(
            f'[other]\nyes = "{word}"\n', encoding="utf-8")
    return tmp_path


def _locale(root: Path, lang: str) -> dict:
    return tomllib.loads((root / "mapping" / "locales" / f"{lang}.toml").read_text("utf-8"))


def test_both_shapes_move_and_the_module_reads_the_same(tmp_path):
    root = _checkout(tmp_path)
    report = move.run(root)
    assert report.replaced == 2
    nl, en = _locale(root, "nl"), _locale(root, "en")
    assert nl["other"] == {"yes": "Ja"}  # what was there stays
    assert nl["nested"] == {"hello": "Hallo {name}", "quote": 'Zeg "ja"\\n',
                            "files": {"one": "{n} bestand", "other": "{n} bestanden"}}
    assert en["pairs"] == {"bad": "Error in {row}"}
    nested = (root / "mapping" / "sub" / "nested.py").read_text("utf-8")
    assert 'MESSAGES: Catalog = catalog.namespace("nested")  # kept comment\n' in nested
    assert "from mapping.locales import catalog\n" in nested
    assert nested.index("mapping.i18n") < nested.index("mapping.locales")
    pairs = (root / "mapping" / "pairs.py").read_text("utf-8")
    assert 'TEXT: dict[str, tuple[str, str]] = catalog.pairs("pairs")\n' in pairs
    assert "import re\n\nfrom mapping.locales import catalog\n" in pairs
    compile(nested, "nested.py", "exec")
    compile(pairs, "pairs.py", "exec")


def test_second_run_changes_nothing(tmp_path):
    root = _checkout(tmp_path)
    move.run(root)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    report = move.run(root)
    assert report.replaced == 0 and report.added == 0
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    assert move.run(root, check=True).moved == []


def test_entries_added_on_a_branch_are_moved_after_the_merge(tmp_path):
    root = _checkout(tmp_path)
    move.run(root)
    # a branch still had the literal, with one entry more: the merge brings it back
    (root / "mapping" / "pairs.py").write_text(PAIRS.replace(
        '    "bad": ("Fout in {row}", "Error in {row}"),\n',
        '    "bad": ("Fout in {row}", "Error in {row}"),\n    "new": ("Nieuw", "New"),\n'),
        encoding="utf-8")
    report = move.run(root)
    assert report.added == 2  # one key, two languages
    assert _locale(root, "nl")["pairs"] == {"bad": "Fout in {row}", "new": "Nieuw"}
    assert (root / "mapping" / "pairs.py").read_text("utf-8").count("from mapping.locales") == 1


def test_a_conflicting_text_is_refused_and_nothing_is_written(tmp_path):
    root = _checkout(tmp_path)
    move.run(root)
    changed = PAIRS.replace('"Error in {row}"', '"Mistake in {row}"')
    (root / "mapping" / "pairs.py").write_text(changed, encoding="utf-8")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    with pytest.raises(move.MoveError, match=r"pairs\.bad \(en\)"):
        move.run(root)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    move.run(root, take_module=True)
    assert _locale(root, "en")["pairs"]["bad"] == "Mistake in {row}"


def test_a_new_module_of_the_same_name_does_not_join_a_moved_namespace(tmp_path):
    root = _checkout(tmp_path)
    move.run(root)
    (root / "mapping" / "sub" / "pairs.py").write_text(PAIRS.replace('"bad"', '"other"'),
                                                         encoding="utf-8")
    with pytest.raises(move.MoveError, match="both map to namespace 'pairs'"):
        move.run(root)


def test_hostile_texts_survive_the_round_trip(tmp_path):
    from tests.security.corpus import CONTROL, INVISIBLE, TEMPLATE_INJECTION

    texts = [*TEMPLATE_INJECTION, *CONTROL, *INVISIBLE, "\x7f", "a\\b", '"""', "'''"]
    data = {"ns": {f"k{i}": text for i, text in enumerate(texts)}}
    assert tomllib.loads(move.dump_locale("nl", data)) == data


def test_check_lists_what_is_left_and_the_command_line_works(tmp_path):
    root = _checkout(tmp_path)
    assert len(move.run(root, check=True).moved) == 2
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "move_messages.py"), "--root",
                           str(root)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    again = subprocess.run([sys.executable, str(ROOT / "tools" / "move_messages.py"), "--root",
                            str(root), "--check"], capture_output=True, text=True, check=False)
    assert again.returncode == 0


def test_this_checkout_has_no_literal_catalog_left():
    assert move.run(ROOT, check=True).moved == []
