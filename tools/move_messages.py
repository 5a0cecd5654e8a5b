"""Move the message catalogs written in modules into ``mapping/locales/*.toml``.

Finds every module-level ``MESSAGES``, ``TEXT`` or ``_FAILURE_MESSAGES`` assigned a
literal dict under ``mapping/`` in one of the two shapes the code uses:

- ``{"nl": {key: template}, "en": {key: template}}`` becomes
  ``NAME = catalog.namespace("<namespace>")``;
- ``{code: (nl, en)}`` becomes ``NAME = catalog.pairs("<namespace>")``.

Its entries are merged into the table of the module's namespace (the module's file
name, ``ui`` for ``mapping/ui_text.py``) in both language files, the literal is
replaced by that one line (its annotation kept) and ``from mapping.locales import
catalog`` is added among the module's imports. A key the locale files already hold
with another text is a conflict: nothing is written and the conflicts are listed
(``--take-module`` lets the module's text win, for a text edited on a branch).

Safe to run again: a module already moved has no literal left, and a literal whose
entries are in the locale files already changes nothing there.

Usage::

    python tools/move_messages.py            # move, in the checkout this file is in
    python tools/move_messages.py --check    # exit 1 if a literal is left, change nothing
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

NAMES = ("MESSAGES", "TEXT", "_FAILURE_MESSAGES")
"""Module-level names whose literal dict is a message catalog."""
LANGS = ("nl", "en")
SPECIAL_NAMESPACES = {
    "mapping/ui_text.py": "ui",
    # Catalogs that moved with their code when a module was split keep their namespace.
    "mapping/io/issues.py": "validate",
    "mapping/io/graph_formats/model.py": "graph_import",
    "mapping/io/surveys/catalog.py": "surveys",
    "mapping/store/errors.py": "repository",
    "mapping/views/pdf_text.py": "report_pdf",
    "mapping/workshop/messages.py": "live",
}
"""Modules whose namespace is not their file name."""
RETIRED: dict[str, frozenset[str]] = {
    # Replaced by one plural entry ({one = ..., other = ...}) under a new name; a branch
    # merged later may still carry them in its literal, so they are dropped, not re-added.
    "access": frozenset({"hour_one", "hours"}),
    "coverage": frozenset({"informal_only", "informal_only_many"}),
    "forms": frozenset({"entrance_one", "entrance"}),
    "roles": frozenset({"worse_one", "worse", "route_one", "route"}),
    "suggest": frozenset({"more_one", "more"}),
    "whatif": frozenset({"one", "many"}),
    "render_map": frozenset(f"{what}_{where}_{n}" for what in ("groups", "orgs")
                            for where in ("missing", "centroid", "beside") for n in "1n"),
}
"""Keys no longer in the catalog, per namespace."""
IMPORT_LINE = "from mapping.locales import catalog"
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_VIEW = re.compile(r"""catalog\.(?:namespace|pairs)\(["']([^"']+)["']\)""")
HEADER = ("# Message catalog ({lang}): one table per namespace (see mapping/locales/__init__.py).\n"
          "# A value is a str.format template, or {{one = ..., other = ...}} for a count.\n"
          "# Written by tools/move_messages.py; edit the texts freely, keep the layout.\n")


class MoveError(Exception):
    """The move cannot be done (conflicting texts, a clash of namespaces, bad files)."""


@dataclass
class Literal:
    """One catalog literal found in a module."""

    path: Path
    name: str
    shape: str  # "namespace" or "pairs"
    namespace: str
    entries: dict[str, dict[str, object]]  # lang -> key -> template
    node: ast.Assign | ast.AnnAssign


@dataclass
class Report:
    """What a run did (or, with ``check``, would do)."""

    moved: list[str] = field(default_factory=list)
    added: int = 0
    replaced: int = 0
    skipped: list[str] = field(default_factory=list)


def namespace_of(root: Path, path: Path) -> str:
    """The namespace of the module at ``path``: its file name, unless listed as special."""
    rel = path.relative_to(root).as_posix()
    return SPECIAL_NAMESPACES.get(rel, path.stem)


def _shape(value: object) -> str | None:
    if not isinstance(value, dict) or not value:
        return None
    if set(value) <= set(LANGS) and all(isinstance(v, dict) for v in value.values()):
        return "namespace"
    if all(isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, str) for x in v)
           for v in value.values()):
        return "pairs"
    return None


def find_literals(root: Path, report: Report | None = None) -> list[Literal]:
    """Every catalog literal left in ``root/mapping`` (``locales`` itself excluded)."""
    found: list[Literal] = []
    for path in sorted((root / "mapping").rglob("*.py")):
        if "locales" in path.relative_to(root / "mapping").parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in tree.body:
            target = node.targets[0] if isinstance(node, ast.Assign) and len(
                node.targets) == 1 else getattr(node, "target", None)
            if not isinstance(node, (ast.Assign, ast.AnnAssign)) or not isinstance(
                    target, ast.Name) or target.id not in NAMES:
                continue
            if not isinstance(node.value, ast.Dict):
                continue  # already a view (or built by code): nothing to move
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                if report is not None:
                    report.skipped.append(f"{path}:{node.lineno} {target.id} is not a literal")
                continue
            shape = _shape(value)
            if shape is None:
                if report is not None:
                    report.skipped.append(f"{path}:{node.lineno} {target.id}: unknown shape")
                continue
            if shape == "namespace":
                entries = {lang: dict(value.get(lang, {})) for lang in LANGS}
            else:
                entries = {lang: {k: v[i] for k, v in value.items()}
                           for i, lang in enumerate(LANGS)}
            found.append(Literal(path, target.id, shape, namespace_of(root, path), entries, node))
    return found


def load_locales(root: Path) -> dict[str, dict[str, dict[str, object]]]:
    """The locale files as ``{lang: {namespace: {key: template}}}`` (empty when absent)."""
    out: dict[str, dict[str, dict[str, object]]] = {}
    for lang in LANGS:
        file = root / "mapping" / "locales" / f"{lang}.toml"
        out[lang] = tomllib.loads(file.read_text(encoding="utf-8")) if file.exists() else {}
    return out


def _string(text: str) -> str:
    # A JSON string is a TOML basic string, except that TOML also refuses a raw DEL.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007F")


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _string(key)


def _value(value: object) -> str:
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return "{ " + ", ".join(f"{_key(k)} = {_string(v)}" for k, v in value.items()) + " }"
    raise MoveError(f"cannot write {value!r}: a message is a text or a table of plural forms")


def dump_locale(lang: str, data: dict[str, dict[str, object]]) -> str:
    """``data`` (namespace -> key -> template) as the text of a locale file."""
    parts = [HEADER.format(lang=lang)]
    for name, table in data.items():
        if not isinstance(table, dict):
            raise MoveError(f"{lang}.toml: {name} is not a table")
        parts.append(f"\n[{_key(name)}]\n")
        parts.extend(f"{_key(k)} = {_value(v)}\n" for k, v in table.items())
    return "".join(parts)


def view_owners(root: Path) -> dict[str, set[Path]]:
    """Namespace -> the modules that already read it through a one-line view."""
    owners: dict[str, set[Path]] = {}
    for path in sorted((root / "mapping").rglob("*.py")):
        if path.parent.name == "locales":  # the catalog's own docstring names example views
            continue
        for name in _VIEW.findall(path.read_text(encoding="utf-8")):
            owners.setdefault(name, set()).add(path)
    return owners


def merge(locales: dict[str, dict[str, dict[str, object]]], literals: list[Literal],
          take_module: bool = False, owners_before: dict[str, set[Path]] | None = None) -> int:
    """Merge the literals' entries into ``locales`` in place; the number of entries added.

    Raises
    ------
    MoveError
        When a key already holds another text (unless ``take_module``), or when two
        modules would share one namespace.
    """
    owners: dict[str, Path] = {}
    conflicts: list[str] = []
    added = 0
    for lit in literals:
        owner = owners.setdefault(lit.namespace, lit.path)
        # a module moved before owns its namespace too (a new module of the same file name
        # elsewhere must not pour its texts into it)
        others = (owners_before or {}).get(lit.namespace, set()) - {lit.path}
        if owner != lit.path or others:
            other = owner if owner != lit.path else sorted(others)[0]
            raise MoveError(f"{lit.path} and {other} both map to namespace {lit.namespace!r}; "
                            "add one to SPECIAL_NAMESPACES")
        for lang in LANGS:
            table = locales[lang].setdefault(lit.namespace, {})
            for key, text in lit.entries[lang].items():
                if key in RETIRED.get(lit.namespace, ()):
                    continue
                if key not in table:
                    table[key] = text
                    added += 1
                elif table[key] != text:
                    if take_module:
                        table[key] = text
                        added += 1
                    else:
                        conflicts.append(f"{lit.path}: {lit.namespace}.{key} ({lang}): module "
                                         f"{text!r} != locale {table[key]!r}")
    if conflicts:
        raise MoveError("conflicting texts, nothing written:\n  " + "\n  ".join(conflicts))
    return added


def _import_position(tree: ast.Module) -> tuple[int, str]:
    """Where the import of ``catalog`` goes (0-based line before which, and a prefix).

    Among the module's ``from mapping...`` imports in sorted order, as isort places
    it; after the last import, in a block of its own, when there are none.
    """
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    first_party = [n for n in imports if isinstance(n, ast.ImportFrom) and n.level == 0
                   and n.module and (n.module == "mapping" or n.module.startswith("mapping."))]
    for node in first_party:
        if node.module > "mapping.locales":
            return node.lineno - 1, ""
    if first_party:
        return first_party[-1].end_lineno, ""
    if imports:
        return imports[-1].end_lineno, "\n"
    return 0, ""


def rewrite(path: Path, literals: list[Literal]) -> str:
    """The text of ``path`` with each of ``literals`` replaced by its one-line view."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    for lit in sorted(literals, key=lambda x: x.node.lineno, reverse=True):
        node = lit.node
        head = lines[node.lineno - 1][: node.col_offset]
        target = ast.get_source_segment(source, node.target if isinstance(
            node, ast.AnnAssign) else node.targets[0])
        annotation = (": " + ast.get_source_segment(source, node.annotation)
                      if isinstance(node, ast.AnnAssign) else "")
        tail = lines[node.end_lineno - 1][node.value.end_col_offset:]
        call = "namespace" if lit.shape == "namespace" else "pairs"
        new = f'{head}{target}{annotation} = catalog.{call}("{lit.namespace}"){tail}'
        if not new.endswith("\n"):
            new += "\n"
        lines[node.lineno - 1: node.end_lineno] = [new]
    text = "".join(lines)
    tree = ast.parse(text)
    has_import = any(isinstance(n, ast.ImportFrom) and n.module == "mapping.locales"
                     and any(a.name == "catalog" and a.asname is None for a in n.names)
                     for n in tree.body)
    if not has_import:
        lines = text.splitlines(keepends=True)
        position, prefix = _import_position(tree)
        lines.insert(position, prefix + IMPORT_LINE + "\n")
        text = "".join(lines)
    return text


def run(root: Path, check: bool = False, take_module: bool = False) -> Report:
    """Move every catalog literal under ``root/mapping`` into the locale files.

    With ``check`` nothing is written; the report says what would move.
    """
    report = Report()
    literals = find_literals(root, report)
    report.moved = [f"{lit.path.relative_to(root)}:{lit.name} -> {lit.namespace}"
                    for lit in literals]
    if check or not literals:
        return report
    locales = load_locales(root)
    report.added = merge(locales, literals, take_module, view_owners(root))
    by_path: dict[Path, list[Literal]] = {}
    for lit in literals:
        by_path.setdefault(lit.path, []).append(lit)
    new_sources = {path: rewrite(path, lits) for path, lits in by_path.items()}
    texts = {lang: dump_locale(lang, locales[lang]) for lang in LANGS}
    for lang, text in texts.items():  # check the output reads back the same before writing
        if tomllib.loads(text) != locales[lang]:
            raise MoveError(f"{lang}.toml would not read back as written")
    (root / "mapping" / "locales").mkdir(parents=True, exist_ok=True)
    for lang, text in texts.items():
        (root / "mapping" / "locales" / f"{lang}.toml").write_text(text, encoding="utf-8")
    for path, text in new_sources.items():
        path.write_text(text, encoding="utf-8")
    report.replaced = len(literals)
    return report


def main(argv: list[str] | None = None) -> int:
    """Command line entry; 0 when done (or nothing left), 1 on a conflict or a literal left."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="the checkout (default: the one this tool is in)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a "
                        "literal catalog is left")
    parser.add_argument("--take-module", action="store_true", help="on a conflict, the "
                        "module's text wins (a text edited on a branch)")
    args = parser.parse_args(argv)
    try:
        report = run(args.root.resolve(), args.check, args.take_module)
    except MoveError as exc:
        print(f"move_messages: {exc}", file=sys.stderr)
        return 1
    for line in report.skipped:
        print(f"skipped: {line}")
    for line in report.moved:
        print(("left: " if args.check else "moved: ") + line)
    if args.check:
        return 1 if report.moved else 0
    print(f"{report.replaced} catalog(s) replaced, {report.added} entries added")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
