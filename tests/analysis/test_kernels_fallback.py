"""One compile mechanism for every numba kernel: cached, else in memory, else plain Python.

:mod:`mapping.analysis.kernels` builds the betweenness kernel (:mod:`brandes`) and the
route kernels (:mod:`flow_kernels`). Here: the order of the fallbacks and their one
warning per family (a fake numba), and, in fresh processes, both families where no cache
directory can be written and where numba cannot be imported, with the same numbers as
the compiled kernels in this process.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from mapping.analysis import kernels

ROOT = Path(__file__).resolve().parents[2]


def _kernel_a(x):
    return x + 1


def _kernel_b(x):
    return x * 2


def _fake_numba(cache_fails: bool, compile_fails: bool, calls: list) -> types.SimpleNamespace:
    def njit(*signature, cache: bool, nogil: bool):
        calls.append((signature, cache, nogil))
        if (cache and cache_fails) or compile_fails:
            raise RuntimeError("cannot cache function: no locator available")
        return lambda fn: fn

    return types.SimpleNamespace(njit=njit)


@pytest.fixture
def fresh(monkeypatch):
    """No warnings given and no modes recorded yet in this test."""
    monkeypatch.setattr(kernels, "_WARNED", set())
    monkeypatch.setattr(kernels, "_MODES", {})


@pytest.mark.parametrize(("cache_fails", "compile_fails", "mode", "tries"), [
    (False, False, "cached", [True]),
    (True, False, "memory", [True, False]),
    (True, True, "python", [True, False]),
])
def test_cached_then_memory_then_python(monkeypatch, caplog, fresh, cache_fails, compile_fails,
                                        mode, tries):
    calls: list = []
    monkeypatch.setitem(sys.modules, "numba", _fake_numba(cache_fails, compile_fails, calls))
    with caplog.at_level(logging.WARNING, logger="mapping.analysis.kernels"):
        a, got = kernels.build(_kernel_a, "int64(int64)")
        b = kernels.njit(cache=True, nogil=True)(_kernel_b)  # numba's own spelling
    assert got == mode and a(1) == 2 and b(3) == 6
    assert [cache for _, cache, _ in calls] == tries + tries  # both kernels, same path
    assert calls[0] == (("int64(int64)",), True, True) and calls[len(tries)][0] == ()
    assert kernels.modes() == {__name__: mode}
    # One warning per family and reason, not one per kernel.
    assert caplog.text.count("not cached") == (1 if cache_fails else 0)
    assert caplog.text.count("do not compile") == (1 if compile_fails else 0)


def test_without_numba_the_functions_themselves_run(monkeypatch, caplog, fresh):
    monkeypatch.setitem(sys.modules, "numba", None)  # ``import numba`` raises ImportError
    with caplog.at_level(logging.WARNING, logger="mapping.analysis.kernels"):
        a, mode = kernels.build(_kernel_a)
        b = kernels.njit(cache=True, nogil=True)(_kernel_b)
    assert (a, b, mode) == (_kernel_a, _kernel_b, "python")
    assert caplog.text.count("numba is not importable") == 1
    assert kernels.modes() == {__name__: "python"}


def test_the_slowest_mode_of_a_family_is_its_mode(monkeypatch, fresh):
    calls: list = []
    monkeypatch.setitem(sys.modules, "numba", _fake_numba(False, False, calls))
    kernels.build(_kernel_a)
    monkeypatch.setitem(sys.modules, "numba", _fake_numba(True, False, calls))
    kernels.build(_kernel_b)
    monkeypatch.setitem(sys.modules, "numba", _fake_numba(False, False, calls))
    kernels.build(_kernel_a)
    assert kernels.modes() == {__name__: "memory"}


def test_parallel_is_refused():
    with pytest.raises(ValueError, match="parallel"):
        kernels.njit(parallel=True)


# --- both families in a fresh process ------------------------------------------------

SCRIPT = """
import json, sys
if sys.argv[1] == "no-numba":
    sys.modules["numba"] = None
from mapping.analysis import kernels
from mapping.analysis.report import build_report
from mapping.analysis import measures
from mapping.analysis import graph as g
from mapping.io.demo import generate
data = generate(organisations=120, groups=40, seed=3)
modes = kernels.warm()
report = build_report(data)
collab = g.collaboration_graph(g.build_graph(data))
print(json.dumps({"modes": modes, "report": report,
                  "betweenness": measures.exact_betweenness(collab)}, sort_keys=True))
"""

FAMILIES = ("mapping.analysis.brandes", "mapping.analysis.flow_kernels")


def _expected() -> dict:
    from mapping.analysis import graph as g
    from mapping.analysis import measures
    from mapping.analysis.report import build_report
    from mapping.io.demo import generate

    data = generate(organisations=120, groups=40, seed=3)
    collab = g.collaboration_graph(g.build_graph(data))
    return json.loads(json.dumps({"report": build_report(data),
                                  "betweenness": measures.exact_betweenness(collab)},
                                 sort_keys=True))


def _run(how: str, cwd: Path, env: dict[str, str]) -> tuple[dict, str]:
    done = subprocess.run([sys.executable, "-c", SCRIPT, how], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout), done.stderr


def _same_numbers(got: dict, expected: dict) -> None:
    assert got["report"] == expected["report"]
    assert got["betweenness"].keys() == expected["betweenness"].keys()
    for key, value in expected["betweenness"].items():
        assert got["betweenness"][key] == pytest.approx(value, abs=1e-12)


@pytest.mark.slow
def test_without_numba_both_families_run_as_python_with_the_same_numbers():
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    got, stderr = _run("no-numba", ROOT, {**os.environ, "PYTHONPATH": path})
    assert got["modes"] == dict.fromkeys(FAMILIES, "python")
    assert stderr.count("numba is not importable") == 2  # one per family
    assert "betweenness kernel run as plain Python" in stderr
    assert "route kernels run as plain Python" in stderr
    _same_numbers(got, _expected())


@pytest.mark.slow
def test_unwritable_cache_compiles_both_families_in_memory(tmp_path):
    """No ``__pycache__``, no ``NUMBA_CACHE_DIR``, no home cache can be made: it still answers.

    The tests run as root, for whom permissions do not stop a write, so each place numba
    could cache in is blocked by a file where a directory must go (in a copy of the
    package, so the checkout's own cache is left alone).
    """
    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "mapping", copy / "mapping",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "mapping" / "analysis" / "__pycache__").write_text("a file, not a directory")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".cache").write_text("a file, not a directory")
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"),
           "NUMBA_CACHE_DIR": str(home / ".cache" / "numba"), "PYTHONPATH": str(copy),
           "PYTHONDONTWRITEBYTECODE": "1"}
    got, stderr = _run("numba", copy, env)
    assert got["modes"] == dict.fromkeys(FAMILIES, "memory")
    assert stderr.count("not cached") == 2  # one per family, not one per kernel
    assert "betweenness kernel not cached" in stderr and "route kernels not cached" in stderr
    _same_numbers(got, _expected())
