"""Warming the compiled kernels at server start: once per process, never raising."""

from __future__ import annotations

import logging

from mapping.analysis import brandes, flow, kernels


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
    kernels.warm_in_background(betweenness=False).join(timeout=30)
    assert calls == ["flow"]
