"""Warming the compiled kernels at server start: once per process, never raising."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import pytest

from mapping.analysis import brandes, flow, kernels

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def test_warm_in_background_starts_one_thread_and_compiles_both_kernels(monkeypatch):
    monkeypatch.setattr(kernels, "_THREAD", None)
    calls = []
    monkeypatch.setattr(flow, "warm", lambda: calls.append("flow"))
    monkeypatch.setattr(brandes, "warm", lambda: calls.append("brandes"))
    first = kernels.warm_in_background()
    assert kernels.warm_in_background() is first  # a second page load starts nothing new
    first.join(timeout=30)
    assert not first.is_alive() and first.daemon
    assert sorted(calls) == ["brandes", "flow"]


def test_a_kernel_that_fails_to_warm_is_logged_not_raised(monkeypatch, caplog):
    monkeypatch.setattr(kernels, "_THREAD", None)

    def broken() -> None:
        raise RuntimeError("no cache directory")

    monkeypatch.setattr(flow, "warm", broken)
    with caplog.at_level(logging.WARNING, logger="mapping.analysis.kernels"):
        kernels.warm_in_background().join(timeout=30)
    assert "warming the compiled kernels failed" in caplog.text


def test_the_real_kernels_warm():
    kernels.warm()  # compiles or loads from the cache; raises if either kernel is broken
    assert brandes.warm() in {"cached", "memory", "python"}


def test_the_report_command_warms_only_the_route_kernels(monkeypatch):
    monkeypatch.setattr(kernels, "_THREAD", None)
    calls = []
    monkeypatch.setattr(flow, "warm", lambda: calls.append("flow"))
    monkeypatch.setattr(brandes, "warm", lambda: calls.append("brandes"))
    kernels.warm_in_background(families=("routes",)).join(timeout=30)
    assert calls == ["flow"]


def test_warm_takes_the_families_it_is_asked_for(monkeypatch):
    calls = []
    monkeypatch.setattr(flow, "warm", lambda: calls.append("flow"))
    monkeypatch.setattr(brandes, "warm", lambda: calls.append("brandes"))
    kernels.warm(["betweenness"])
    kernels.warm(families=())
    kernels.warm(["betweenness", "routes", "betweenness"])  # each once, in the order asked
    kernels.warm()
    assert calls == ["brandes", "brandes", "flow", "flow", "brandes"]
    with pytest.raises(ValueError, match="no kernel family 'louvain'"):
        kernels.warm(["routes", "louvain"])
    assert calls[-1] == "brandes"  # nothing warmed before the unknown name was refused
    monkeypatch.setattr(kernels, "_THREAD", None)
    with pytest.raises(ValueError):
        kernels.warm_in_background(["louvain"])
    assert kernels._THREAD is None


def test_the_report_command_asks_for_the_route_kernels_only(monkeypatch, tmp_path):
    from mapping.analysis import report

    asked = []
    monkeypatch.setattr(kernels, "warm_in_background", lambda families=None: asked.append(
        tuple(families)))
    monkeypatch.setattr(report, "build_report", lambda *a, **k: {})
    monkeypatch.setattr(report, "format_report", lambda *a, **k: "")
    args = argparse.Namespace(path=str(DEMO), json=False, min_quality=None, lang="en",
                              pdf=None, hide_names=False, max_rows=None)
    assert report.run(args) == 0
    assert asked == [("routes",)]
