"""The district's lists, survey exports and network files: read in the parse worker, not the page.

The Data page reads more than the project's own tables: it tells what kind an
upload is, reads a survey export, the district's own lists (organisations,
parent groups) and network tools' files, and applies the mapping. Each of
those reads goes through the bounded parse worker
(:mod:`mapping.io.isolated_readers` over :mod:`mapping.io.sandbox`), as the
main upload path does (``tests/security/test_input.py``):

* a workbook bomb or an oversized CSV given as the lists is refused with the
  loader's message, and a reader that aborts, allocates without bound or hangs
  ends in the same message as the main upload path, in Dutch and English;
* while that happens the page's process does not grow (its resident memory is
  sampled during the call);
* on the Data page (AppTest) every reader is switched off in the page's own
  process, and a survey export with the district's lists still imports end to
  end: nothing of the upload is parsed there.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mapping.domain.limits import LIMITS
from mapping.io import isolated_readers as isolated
from mapping.io import sandbox, workbooks
from mapping.io import surveys as sv
from mapping.session import md_escape
from mapping.ui_text import t
from tests.security.test_input import (  # noqa: F401  (the children run them by name: HOOKS)
    abort_child,
    cell_bomb,
    dimension_bomb,
    district,
    greedy_child,
    sleepy_child,
)

HOOKS = "tests.security.test_lists_sandbox"
SURVEYS = Path(__file__).resolve().parents[1] / "io" / "fixtures" / "surveys"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LISTS = [("organisaties.csv", b"id,naam,soort,categorie\nM1,Moskee Al-Fath,informeel,moskee\n"
                              b"B9,Bibliotheek Oost,formeel,bibliotheek\n"),
         ("oudergroepen.csv", b"id,naam,gezinnen\nG1,Somalische moeders,40\n"
                              b"G4,Eritrese ouders,12\n")]
GROWTH = 40 * 1024 * 1024
"""What the page's process may grow by while the worker reads (the job's pickle, threads)."""


# --------------------------------------------------------------------------- hostile children


def unguarded_lists(job):
    """The real calamine on the cell bomb given as the lists, with the zip pre-check off."""
    workbooks._check_workbook = lambda *args: True
    return sandbox.work(("lists", [("organisaties.xlsx", cell_bomb())], *job[2:]))


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


def peak_growth(call: Callable[[], Any]) -> tuple[Any, int]:
    """``call()``'s result and how far this process's resident memory rose above its start."""
    start = _rss()
    peak = [start]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        result = call()
    finally:
        done.set()
        sampler.join()
    return result, max(peak[0], _rss()) - start


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="RLIMIT_AS and /proc: Linux only")


# --------------------------------------------------------------------------- the lists


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_workbook_bomb_as_the_lists_is_refused_with_the_loaders_message(lang):
    result, growth = peak_growth(
        lambda: isolated.load_lists_isolated([("organisaties.xlsx", dimension_bomb())], lang))
    assert [i.code for i in result.errors] == ["limit_dimension"]
    assert result.errors[0].file.startswith("organisaties.xlsx")
    assert "A1:XFD1048576" in result.errors[0].message
    assert growth < GROWTH, growth


def test_an_oversized_csv_as_the_lists_is_refused_and_the_page_does_not_grow():
    rows = LIMITS.rows + 10
    data = b"id,naam,gezinnen\n" + b"".join(b"G%d,Groep %d,10\n" % (i, i) for i in range(rows))
    result, growth = peak_growth(
        lambda: isolated.load_lists_isolated([("oudergroepen.csv", data)], "en"))
    assert "limit_rows" in [i.code for i in result.errors]
    assert result.dataset is None
    assert growth < GROWTH, growth


def test_calamine_aborting_on_the_lists_is_contained():
    real = sandbox._run(("lists", LISTS, "en", None, f"{HOOKS}:unguarded_lists"),
                        "organisaties.xlsx")
    assert [i.code for i in real.errors] == ["parse_memory"]
    assert "SIGABRT" in real.errors[0].message
    assert isolated.load_lists_isolated(LISTS, "en").ok  # and the next upload just works


# --------------------------------------------------------------------------- every reader


def _hooked(monkeypatch, hook: str) -> None:
    """Make every reader of :mod:`mapping.io.isolated_readers` run ``hook`` in its child."""
    call, run = sandbox._call, sandbox._run
    monkeypatch.setattr(isolated, "_call",
                        lambda job, label: call((*job[:4], f"{HOOKS}:{hook}"), label))
    monkeypatch.setattr(isolated, "_run",
                        lambda job, label: run((*job[:4], f"{HOOKS}:{hook}"), label))


def _survey() -> sv.SurveyTable:
    table, col = sv.read_survey("google_forms.csv", (SURVEYS / "google_forms.csv").read_bytes())
    assert table is not None, col.errors
    return table


def _every_reader(lang: str) -> dict[str, tuple[str, str]]:
    """``reader -> (code, message)`` of the one error each reader's failure holds."""
    files = [("enquete.csv", (SURVEYS / "google_forms.csv").read_bytes())]
    table = _survey()
    out: dict[str, tuple[str, str]] = {}
    kind, read, failure = isolated.upload_kind_isolated(files, lang)
    assert (kind, read) == ("tables", None)
    out["kind"] = (failure.errors[0].code, failure.errors[0].message)
    read_table, issues = isolated.read_surveys_isolated(files, lang)
    assert read_table is None and len(issues) == 1
    out["survey"] = (issues[0].code, issues[0].message)
    lists = isolated.load_lists_isolated(LISTS, lang)
    assert not lists.ok and len(lists.errors) == 1
    out["lists"] = (lists.errors[0].code, lists.errors[0].message)
    applied = isolated.apply_survey_isolated(table, sv.guess_mapping(table), lang, b"k")
    assert isinstance(applied, sv.SurveyResult) and applied.dataset is None
    assert applied.matches == () and applied.mapping is not None  # the page reads these
    out["apply"] = (applied.errors[0].code, applied.errors[0].message)
    graph, message = isolated.read_graph_isolated([("wijk.gexf", b"<gexf/>")], lang)
    assert graph is None
    out["graph"] = ("", message)
    imported = isolated.import_graph_isolated([("wijk.gexf", b"<gexf/>")], None, lang)
    out["graph_import"] = (imported.errors[0].code, imported.errors[0].message)
    return out


def test_every_reader_fails_with_the_main_upload_paths_message(monkeypatch, lang="nl"):
    """A reader that aborts (as calamine does on a failed allocation), in every reader.

    In Dutch: every reader's message comes from the one worker failure, whose English
    text the other tests here compare (the lists reader's, under each failure).
    """
    main = sandbox._run(("files", district(), lang, None, f"{HOOKS}:abort_child"), "upload")
    assert [i.code for i in main.errors] == ["parse_memory"]
    _hooked(monkeypatch, "abort_child")
    failures, growth = peak_growth(lambda: _every_reader(lang))
    for reader, (code, message) in failures.items():
        assert message == main.errors[0].message, reader
        assert code in ("parse_memory", ""), reader
        assert "SIGABRT" in message and "2 GB" in message, (reader, message)
    assert growth < GROWTH, growth


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_reader_of_the_lists_allocating_without_bound_stops_in_the_worker(monkeypatch, lang):
    main = sandbox._run(("files", district(), lang, None, f"{HOOKS}:greedy_child"), "upload")
    _hooked(monkeypatch, "greedy_child")
    result, growth = peak_growth(lambda: isolated.load_lists_isolated(LISTS, lang))
    assert [i.code for i in result.errors] == ["parse_memory"]
    assert result.errors[0].message == main.errors[0].message
    assert growth < GROWTH, growth


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_hanging_reader_of_the_lists_is_stopped_at_the_time_limit(monkeypatch, lang):
    monkeypatch.setattr(sandbox, "LIMITS", dataclasses.replace(LIMITS, parse_seconds=2.0))
    _hooked(monkeypatch, "sleepy_child")
    started = time.monotonic()
    result = isolated.load_lists_isolated(LISTS, lang)
    assert [i.code for i in result.errors] == ["parse_timeout"]
    assert "2 s" in result.errors[0].message
    assert time.monotonic() - started < 30
    main = sandbox._run(("files", district(), lang, None, f"{HOOKS}:sleepy_child"), "upload")
    assert main.errors[0].message == result.errors[0].message


def test_readers_in_the_worker_give_what_the_readers_give():
    files = [("google_forms.csv", (SURVEYS / "google_forms.csv").read_bytes())]
    kind, (table, issues), failure = isolated.upload_kind_isolated(files, "en")
    assert (kind, failure) == ("survey", None)
    here, col = sv.read_surveys(files, "en")
    assert table == here and issues == [*col.errors, *col.warnings]
    mapping = sv.guess_mapping(table)
    lists = isolated.load_lists_isolated(LISTS, "en")
    assert lists.ok and lists.dataset.fingerprint() == sv.load_lists(LISTS, "en").dataset \
        .fingerprint()
    there = isolated.apply_survey_isolated(table, mapping, "en", b"k", lists=lists.dataset)
    local = sv.apply(table, mapping, "en", b"k", lists=lists.dataset)
    assert there.ok and there.dataset.fingerprint() == local.dataset.fingerprint()
    assert there.matches == local.matches and there.dropped == local.dropped


# --------------------------------------------------------------------------- the Data page


_READERS = (
    ("mapping.io.text_files", "_decode"),
    ("mapping.io.text_files", "read_csv_rows"),
    ("mapping.io.workbooks", "read_workbook_sheets"),
    ("mapping.io.load", "load_files"),
    ("mapping.io.surveys.kind", "upload_kind"),
    ("mapping.io.surveys.reading", "read_surveys"),
    ("mapping.io.surveys.names", "load_lists"),
    ("mapping.io.surveys.build", "apply"),
    ("mapping.io.graph_formats.detect", "read_graph"),
    ("mapping.io.graph_import", "import_graph"),
)


@pytest.fixture
def no_reader_here(monkeypatch):
    """Every reader of uploaded bytes fails in this process (the worker has its own copies)."""
    import importlib

    from python_calamine import CalamineWorkbook

    for module_name, function_name in _READERS:
        original = getattr(importlib.import_module(module_name), function_name)

        def refuse(*args, _name=f"{module_name}.{function_name}", **kwargs):
            raise AssertionError(f"{_name} ran in the page's process")

        for module in [m for n, m in list(sys.modules.items())
                       if n.startswith("mapping") and m is not None]:
            if getattr(module, function_name, None) is original:
                monkeypatch.setattr(module, function_name, refuse)

    def no_calamine(*args, **kwargs):
        raise AssertionError("calamine ran in the page's process")

    monkeypatch.setattr(CalamineWorkbook, "from_filelike", no_calamine)


@pytest.fixture
def app(monkeypatch, tmp_path):
    """A fresh store for the page (never the user's own) and empty caches."""
    import streamlit as st

    monkeypatch.setenv("MAPPING_DB", f"sqlite:///{tmp_path / 'store.sqlite'}")
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def _data_page():
    from tests.app.conftest import open_page

    at = open_page("data")
    assert not at.exception, at.exception
    return at


def test_a_survey_with_the_lists_imports_end_to_end_with_no_reader_in_the_page(
        app, no_reader_here):
    at = _data_page()
    at.file_uploader[0].set_value([("google_forms.csv", (SURVEYS / "google_forms.csv")
                                    .read_bytes(), "text/csv")]).run()
    assert not at.exception, at.exception
    at.file_uploader[1].set_value([(n, d, "text/csv") for n, d in LISTS]).run()
    assert not at.exception, at.exception
    assert t("import_lists_read", "nl", orgs=2, groups=2) in [c.value for c in at.caption]
    at.button(key="data_confirm").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    shown = " ".join(df.value.to_csv() for df in at.dataframe)
    assert "Eritrese ouders" in shown and "Bibliotheek Oost" in shown


def test_a_bomb_as_the_lists_on_the_data_page_is_a_message(app, no_reader_here):
    at = _data_page()
    at.file_uploader[0].set_value([("google_forms.csv", (SURVEYS / "google_forms.csv")
                                    .read_bytes(), "text/csv")]).run()
    at.file_uploader[1].set_value([("organisaties.xlsx", dimension_bomb(), XLSX)]).run()
    assert not at.exception, at.exception
    assert md_escape(t("import_lists_invalid", "nl")) in [e.value for e in at.error] \
        or t("import_lists_invalid", "nl") in [e.value for e in at.error]
    messages = " ".join(" ".join(map(str, df.value.to_numpy().ravel())) for df in at.dataframe)
    assert "A1:XFD1048576" in messages
    assert at.button(key="data_confirm").disabled  # unusable lists: nothing to confirm
