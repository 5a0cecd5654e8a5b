"""Every catalog key written in the code exists in both catalogs (``nl.toml`` and ``en.toml``).

A key that is missing shows up as a ``KeyError`` on a page, in the middle of a
meeting; this test finds it first. It reads ``app.py``, ``mapping/`` and
``pages/`` as syntax trees (no code runs) and follows how the code really
reaches the catalogs:

* catalog views: ``X = catalog.namespace("ns")`` (``X[lang]["key"]``,
  ``X[lang].get("key")``, ``translate(X, "key", lang)``, a local ``t = X[lang]``
  then ``t["key"]``) and ``X = catalog.pairs("ns")`` (``X["key"]``);
* ``mapping.i18n.t("ns.key")`` and ``catalog.template("ns.key", lang)``;
* every function, method, lambda factory and exception class that passes one of
  its parameters on as a key (``ui_text.t``, ``limits.message``, ``Layout.t``,
  ``StoreError(key)``, ``report._translator(lang)``...), found by following the
  code to a fixed point, through imports, module aliases (``ws.text``) and
  arguments handed to functions of the same module;
* a view chosen by a condition (``MESSAGES if ... else ui_text.TEXT``): the key
  must be in one of those namespaces.

Keys built at run time (f-strings, variables) are not literal and not checked here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mapping.locales import LANGS, catalog

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (ROOT / "app.py", *sorted((ROOT / "mapping").rglob("*.py")),
           *sorted((ROOT / "pages").glob("*.py")))


@dataclass(frozen=True)
class View:
    """A catalog view: ``{lang: {key: text}}``, or with ``pairs`` ``{key: (nl, en)}``."""

    ns: frozenset[str]
    pairs: bool = False


@dataclass(frozen=True)
class Table:
    """One language of a view: ``{key: text}``."""

    ns: frozenset[str]


@dataclass(frozen=True)
class Lookup:
    """A callable whose arguments ``keys`` (``(index, keyword)`` each) are keys of ``ns``.

    ``ns`` ``None``: the key names its namespace (``"common.date_time"``).
    """

    ns: frozenset[str] | None
    keys: tuple[tuple[int, str], ...]
    attr: str | None = None
    """For a class: the attribute its constructor keeps the key in (``self.key``)."""


@dataclass(frozen=True)
class Factory:
    """A function that returns a :class:`Lookup` (a translator bound to a language)."""

    lookup: Lookup


TRANSLATE = "translate"
"""``mapping.i18n.translate(view, key, lang, ...)``."""


@dataclass(frozen=True)
class Use:
    """A literal key at ``path:line``."""

    path: Path
    line: int
    ns: frozenset[str] | None
    key: str


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


class Module:
    """One source file: its tree, top-level names and what they were found to be."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = _module_name(path)
        self.tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        self.imports: dict[str, tuple[str, str | None]] = {}  # local: (module, name or None)
        self.defs: dict[str, ast.AST] = {}
        self.values: dict[str, object] = {}
        self.bound: dict[tuple[str, str], object] = {}  # (function, parameter): value passed
        package = self.name if path.name == "__init__.py" else self.name.rpartition(".")[0]
        for node in self.tree.body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self.imports[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else alias.name.split(".")[0], None)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                    + ([base] if base else []))
                for alias in node.names:
                    self.imports[alias.asname or alias.name] = (base, alias.name)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                self.defs[node.name] = node
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                value = _catalog_call(node.value)
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if value is not None and isinstance(target, ast.Name):
                        self.values[target.id] = value


def _catalog_call(node: ast.AST | None) -> View | None:
    """``catalog.namespace("ns")`` / ``catalog.pairs("ns")`` as a :class:`View`."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "catalog"
            and node.func.attr in ("namespace", "pairs") and node.args
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        return View(frozenset({node.args[0].value}), pairs=node.func.attr == "pairs")
    return None


def _params(func: ast.FunctionDef | ast.Lambda, method: bool) -> list[str]:
    names = [a.arg for a in (*func.args.posonlyargs, *func.args.args)]
    return names[1:] if method else names


class Scanner:
    """Follows the code to a fixed point, then lists the literal keys it reaches."""

    def __init__(self) -> None:
        self.modules = {m.name: m for m in map(Module, SOURCES)}
        i18n = self.modules["mapping.i18n"]
        i18n.values["t"] = Lookup(None, ((0, "key"),))
        i18n.values[TRANSLATE] = TRANSLATE
        self.owner = {id(node): (mod, name) for mod in self.modules.values()
                      for name, node in mod.defs.items()}

    # -- what a name or an expression is

    def symbol(self, module: str, name: str, depth: int = 0) -> object:
        mod = self.modules.get(module)
        if mod is None or depth > 20:
            return None
        if name in mod.values:
            return mod.values[name]
        if name in mod.defs:
            return mod.defs[name]
        if name in mod.imports:
            source, original = mod.imports[name]
            if original is None:
                return ("module", source)
            if f"{source}.{original}" in self.modules:
                return ("module", f"{source}.{original}")
            return self.symbol(source, original, depth + 1)
        return None

    def value(self, node: ast.AST, mod: Module, env: dict[str, object],
              cls: ast.ClassDef | None) -> object:
        if isinstance(node, ast.Name):
            return env[node.id] if node.id in env else self.symbol(mod.name, node.id)
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == "self" and cls is not None:
                return mod.values.get(f"{cls.name}.{node.attr}")
            base = self.value(node.value, mod, env, cls)
            if isinstance(base, tuple) and base[0] == "module":
                return self.symbol(base[1], node.attr)
            return None
        if isinstance(node, ast.IfExp):
            body, other = (self.value(n, mod, env, cls) for n in (node.body, node.orelse))
            if isinstance(body, View) and isinstance(other, View) and body.pairs == other.pairs:
                return View(body.ns | other.ns, body.pairs)
            return None
        if isinstance(node, ast.Subscript):
            base = self.value(node.value, mod, env, cls)
            return Table(base.ns) if isinstance(base, View) and not base.pairs else None
        if isinstance(node, ast.Call):
            func = self.value(node.func, mod, env, cls)
            if isinstance(func, Factory):
                return func.lookup
            return _catalog_call(node)
        if isinstance(node, ast.Lambda):
            sites = self.sites(node.body, mod, env, cls)
            params = _params(node, method=False)
            for key, ns, _ in sites:
                if isinstance(key, ast.Name) and key.id in params:
                    return Lookup(ns, ((params.index(key.id), key.id),))
        return None

    def lookup_of(self, thing: object, mod: Module) -> Lookup | None:
        if isinstance(thing, Lookup):
            return thing
        if isinstance(thing, ast.ClassDef) and id(thing) in self.owner:
            # a class found to take a key, or a subclass of one
            owner, name = self.owner[id(thing)]
            found = owner.values.get(name)
            return found if isinstance(found, Lookup) else None
        return None

    # -- where keys are used

    def sites(self, root: ast.AST, mod: Module, env: dict[str, object],
              cls: ast.ClassDef | None) -> list[tuple[ast.AST, frozenset[str] | None, int]]:
        """``(key expression, namespaces, line)`` of every key use below ``root``."""
        found: list[tuple[ast.AST, frozenset[str] | None, int]] = []
        for node in ast.walk(root):
            if isinstance(node, ast.Subscript):
                base = self.value(node.value, mod, env, cls)
                if isinstance(base, Table) or (isinstance(base, View) and base.pairs):
                    found.append((node.slice, base.ns, node.lineno))
            elif isinstance(node, ast.Call):
                self.call_site(node, mod, env, cls, found)
        return found

    def call_site(self, node: ast.Call, mod: Module, env: dict[str, object],
                  cls: ast.ClassDef | None, found: list) -> None:
        func = self.value(node.func, mod, env, cls)
        if func == TRANSLATE and len(node.args) >= 2:
            view = self.value(node.args[0], mod, env, cls)
            if isinstance(view, View) and not view.pairs:
                found.append((node.args[1], view.ns, node.lineno))
            return
        lookup = self.lookup_of(func, mod)
        if lookup is not None:
            keyword = {k.arg: k.value for k in node.keywords}
            for index, name in lookup.keys:
                key = node.args[index] if len(node.args) > index else keyword.get(name)
                if key is not None:
                    found.append((key, lookup.ns, node.lineno))
            return
        if (isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args):
            base = self.value(node.func.value, mod, env, cls)
            if isinstance(base, Table) or (isinstance(base, View) and base.pairs):
                found.append((node.args[0], base.ns, node.lineno))
            return
        if (isinstance(node.func, ast.Attribute) and node.func.attr == "template"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "catalog"
                and node.args):
            found.append((node.args[0], None, node.lineno))
            return
        if isinstance(func, ast.FunctionDef) and mod.defs.get(func.name) is func:
            # A view, table or translator handed to a function of this module: its parameter
            # is that value inside it (render_map passes ``t = TEXT[lang]`` down).
            for name, arg in zip(_params(func, method=False), node.args, strict=False):
                passed = self.value(arg, mod, env, cls)
                if isinstance(passed, (View, Table, Lookup)):
                    mod.bound.setdefault((func.name, name), passed)

    # -- the fixed point

    def env(self, func: ast.FunctionDef, mod: Module, cls: ast.ClassDef | None,
            outer: dict[str, object]) -> dict[str, object]:
        env = dict(outer)
        if cls is None:
            for (name, param), value in mod.bound.items():
                if name == func.name:
                    env[param] = value
        for node in ast.walk(func):
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)):
                value = self.value(node.value, mod, env, cls)
                if value is not None:
                    env[node.targets[0].id] = value
        return env

    def functions(self, mod: Module):
        for node in mod.tree.body:
            if isinstance(node, ast.FunctionDef):
                yield node, None, node.name
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef):
                        yield item, node, f"{node.name}.{item.name}"

    def settle(self) -> None:
        for _ in range(20):
            changed = False
            for mod in self.modules.values():
                changed |= self.settle_module(mod)
            if not changed:
                return

    def settle_module(self, mod: Module) -> bool:
        changed = False
        before = len(mod.bound)
        keyed_attrs: dict[str, dict[str, frozenset[str] | None]] = {}
        for func, cls, name in self.functions(mod):
            env = self.env(func, mod, cls, {})
            params = _params(func, method=cls is not None)
            for key, ns, _ in self.sites(func, mod, env, cls):
                if isinstance(key, ast.Name) and key.id in params:
                    # every namespace the parameter is looked up in (issues.message tries three)
                    # and every parameter that is a key (page_header: title and intro)
                    old = mod.values.get(name)
                    keys: tuple[tuple[int, str], ...] = ((params.index(key.id), key.id),)
                    if isinstance(old, Lookup):
                        ns = ns if old.ns is None else old.ns if ns is None else old.ns | ns
                        keys = tuple(sorted(set(old.keys) | set(keys)))
                    elif old is not None:
                        continue
                    new = Lookup(ns, keys)
                    if new != old:
                        mod.values[name] = new
                        changed = True
                elif (cls is not None and isinstance(key, ast.Attribute)
                      and isinstance(key.value, ast.Name) and key.value.id == "self"):
                    keyed_attrs.setdefault(cls.name, {})[key.attr] = ns
            for node in func.body:
                if (isinstance(node, ast.Return) and node.value is not None
                        and name not in mod.values):
                    made = self.value(node.value, mod, env, cls)
                    if isinstance(made, Lookup):
                        mod.values[name] = Factory(made)
                        changed = True
        for cls in (n for n in mod.tree.body if isinstance(n, ast.ClassDef)):
            found = self.class_lookup(cls, keyed_attrs.get(cls.name, {}), mod)
            if found is not None and found != mod.values.get(cls.name):
                mod.values[cls.name] = found
                changed = True
        return changed or len(mod.bound) != before

    def class_lookup(self, cls: ast.ClassDef, keyed: dict[str, frozenset[str] | None],
                     mod: Module) -> Lookup | None:
        init = next((n for n in cls.body if isinstance(n, ast.FunctionDef)
                     and n.name == "__init__"), None)
        if init is None:  # inherits its base's constructor, perhaps not its messages
            for base in cls.bases:
                found = self.lookup_of(self.value(base, mod, {}, None), mod)
                if found is not None and found.attr in keyed:  # WorkshopError.message
                    return Lookup(keyed[found.attr], found.keys, found.attr)
                if found is not None:
                    return found
            return None
        params = _params(init, method=True)
        for node in ast.walk(init):
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Attribute)
                    and node.targets[0].attr in keyed and isinstance(node.value, ast.Name)
                    and node.value.id in params):
                return Lookup(keyed[node.targets[0].attr],
                              ((params.index(node.value.id), node.value.id),),
                              node.targets[0].attr)
        return None

    def collect(self) -> list[Use]:
        self.settle()
        uses: list[Use] = []
        for mod in self.modules.values():
            roots: list[tuple[ast.AST, dict[str, object], ast.ClassDef | None]] = [
                (node, {}, None) for node in mod.tree.body
                if not isinstance(node, (ast.FunctionDef, ast.ClassDef))]
            roots += [(func, self.env(func, mod, cls, {}), cls)
                      for func, cls, _ in self.functions(mod)]
            seen: set[tuple[int, int]] = set()
            for root, env, cls in roots:
                for key, ns, line in self.sites(root, mod, env, cls):
                    if (isinstance(key, ast.Constant) and isinstance(key.value, str)
                            and (id(key), line) not in seen):
                        seen.add((id(key), line))
                        uses.append(Use(mod.path, line, ns, key.value))
        return uses


@cache
def _uses() -> tuple[Use, ...]:
    """Every literal key the scanner reaches (scanned once per test run)."""
    return tuple(Scanner().collect())


def _missing(use: Use) -> list[str]:
    """The catalogs that lack ``use`` (empty when one of its namespaces has it in both)."""
    if use.ns is None:
        name, _, key = use.key.partition(".")
        candidates = [(name, key)]
    else:
        candidates = [(name, use.key) for name in sorted(use.ns)]
    lacking: list[str] = []
    for name, key in candidates:
        absent = [f"{lang}.toml [{name}] {key}" for lang in LANGS
                  if key not in catalog.load(lang).get(name, {})]
        if not absent:
            return []
        lacking += absent
    return lacking


def test_every_literal_key_in_the_code_is_in_both_catalogs():
    uses = _uses()
    problems = [f"{u.path.relative_to(ROOT)}:{u.line}: {u.key!r} missing in "
                + ", ".join(lacking) for u in uses if (lacking := _missing(u))]
    assert not problems, "\n".join(problems)
    # the scanner really follows the code: several hundred references, in pages and modules
    assert len(uses) >= 500, len(uses)
    assert len({u.path for u in uses if u.path.parent.name == "pages"}) >= 10
    namespaces = set().union(*(u.ns or {u.key.partition(".")[0]} for u in uses))
    assert {"ui", "render_map", "repository", "live", "validate", "limits"} <= namespaces


def test_the_scanner_sees_each_way_of_naming_a_key():
    uses = {(u.path.relative_to(ROOT).as_posix(), u.key) for u in _uses()}
    assert ("mapping/i18n.py", "common.date_time") in uses  # t("ns.key")
    assert ("pages/roles.py", "roles_intro") in uses  # page_header(.., intro_key): a wrapper of t
    assert ("mapping/store/locks.py", "busy") in uses  # StoreError("busy"): a class taking a key
    assert ("mapping/views/pdf_layout.py", "version") in uses  # self.t(...) in Layout
