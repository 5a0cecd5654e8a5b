"""No user-facing text written in a page: every label comes from the catalog (``ui_text.t``).

Scans ``app.py`` and ``pages/*.py`` for string literals passed to Streamlit's text and
widget calls (``st.write``, ``st.button``, ``col.caption``...). A literal is user-facing
when, after removing ``{placeholders}``, HTML tags and ``:material/icon:`` names, a
word of two letters or more is left; keys (``key=``), CSS class names and separators
such as ``" · "`` pass. What is still written in a page is listed, with its file, in
``page_literals_allowed.txt``: the list may only shrink (a new literal fails, and so
does a line whose literal has gone, so the list stays exact).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = Path(__file__).with_name("page_literals_allowed.txt")
CALLS = frozenset({
    "write", "markdown", "caption", "text", "title", "header", "subheader", "info", "warning",
    "error", "success", "exception", "toast", "button", "download_button", "link_button",
    "page_link", "form_submit_button", "selectbox", "multiselect", "radio", "checkbox",
    "toggle", "text_input", "text_area", "number_input", "slider", "select_slider",
    "date_input", "time_input", "file_uploader", "color_picker", "camera_input", "metric",
    "expander", "tabs", "popover", "status", "spinner", "set_page_config", "dialog",
    "segmented_control", "pills", "feedback", "chat_input", "chat_message", "progress",
})
"""Streamlit calls whose text arguments a user reads."""
TABLE_CALLS = frozenset({"dataframe", "table", "data_editor"})
"""Streamlit tables: the literal column names of a ``pd.DataFrame({...})`` shown are read."""
TEXT_KEYWORDS = frozenset({"label", "body", "help", "placeholder", "page_title", "title",
                           "caption", "text", "value"})
NOT_STREAMLIT = frozenset({"re", "log", "logger", "logging", "os", "sys", "str", "json", "np",
                           "pd", "lines", "parts", "out"})
"""Receivers that are not Streamlit (a logger's ``warning`` is for the server log)."""
_HIDDEN = re.compile(r"\{[^{}]*\}|<[^<>]*>|:material/[a-z_]+:|&[a-z]+;|https?://\S+"
                     r"|\S+\.py\b")  # a page path (st.page_link, st.switch_page) is no text
_WORD = re.compile(r"[^\W\d_]{2,}")


def _files() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]


def _texts(node: ast.AST) -> list[str]:
    """The literal text parts of an argument (both branches of ``a if c else b``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)]
    if isinstance(node, (ast.List, ast.Tuple)):  # st.tabs([...]), st.radio(options=...)
        return [text for element in node.elts for text in _texts(element)]
    if isinstance(node, ast.IfExp):
        return _texts(node.body) + _texts(node.orelse)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _texts(node.left) + _texts(node.right)
    return []


def _column_names(node: ast.AST) -> list[str]:
    """Literal keys of the dicts given to ``pd.DataFrame(...)`` (the shown column names)."""
    if not (isinstance(node, ast.Call) and node.args):
        return []
    data = node.args[0]
    dicts = [data] if isinstance(data, ast.Dict) else [
        e for e in getattr(data, "elts", []) if isinstance(e, ast.Dict)]
    if isinstance(data, ast.ListComp) and isinstance(data.elt, ast.Dict):
        dicts = [data.elt]
    return [text for d in dicts for k in d.keys if k is not None for text in _texts(k)]


def is_user_text(text: str) -> bool:
    """Whether ``text`` holds a word once placeholders, tags and icon names are gone."""
    return bool(_WORD.search(_HIDDEN.sub(" ", text)))


def _receiver(func: ast.Attribute) -> str:
    node = func.value
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id.strip("_").lower() if isinstance(node, ast.Name) else ""


def offenders() -> set[tuple[str, str]]:
    """``(file, literal)`` for each user-facing literal passed to a Streamlit call."""
    found: set[tuple[str, str]] = set()
    for path in _files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and _receiver(node.func) not in NOT_STREAMLIT):
                continue
            if node.func.attr in TABLE_CALLS and node.args:
                found.update((rel, text) for text in _column_names(node.args[0])
                             if is_user_text(text))
            if node.func.attr not in CALLS:
                continue
            args = [*node.args[:1], *(k.value for k in node.keywords if k.arg in TEXT_KEYWORDS)]
            for arg in args:
                found.update((rel, text) for text in _texts(arg) if is_user_text(text))
    return found


def allowed() -> set[tuple[str, str]]:
    """The allow-list: ``file: 'literal'`` per line (``#`` starts a comment)."""
    out: set[tuple[str, str]] = set()
    for line in ALLOWED.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            file, _, literal = line.partition(": ")
            out.add((file, ast.literal_eval(literal)))
    return out


def test_the_check_tells_text_from_keys_and_markup():
    assert is_user_text("Opslaan") and is_user_text("{n} rows saved")
    assert not is_user_text("{name}") and not is_user_text(" · ") and not is_user_text("---")
    assert not is_user_text('<div class="{cls}"></div>')
    assert not is_user_text(":material/download:") and not is_user_text("1.")
    assert not is_user_text("pages/join.py")


def test_no_new_literal_in_a_page():
    new = sorted(offenders() - allowed())
    assert not new, "user-facing text in a page; use a ui_text key:\n" + "\n".join(
        f"{f}: {text!r}" for f, text in new)


def test_allow_list_only_holds_literals_still_there():
    gone = sorted(allowed() - offenders())
    assert not gone, "no longer in the page; remove from page_literals_allowed.txt:\n" + \
        "\n".join(f"{f}: {text!r}" for f, text in gone)


if __name__ == "__main__":  # python tests/i18n/test_page_literals.py > ...allowed.txt
    print("# User-facing literals still written in a page (tests/i18n/test_page_literals.py).")
    print("# Move each to the [ui] table of mapping/locales/*.toml and delete its line here.")
    for file, text in sorted(offenders()):
        print(f"{file}: {text!r}")
