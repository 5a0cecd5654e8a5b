"""The parse worker's answer: never a pickle, read strictly (mapping.io.worker_answer).

The worker reads hostile files with native parsers. If one of them ever gave
a file control of the worker, the worker's answer would be the attacker's
bytes. These tests stand in for such a worker: it answers with a pickle that
would create the canary when unpickled, with garbage, a truncated or
oversized answer, or a value of the wrong shape. Every one becomes one error
(``parse_answer``) in the user's language, nothing runs, and the next upload
works. The round trips show that every kind of answer arrives as the readers
gave it: tables with their dtypes, index and columns, issues, surveys, graphs.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import json
import os
import pickle
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mapping.domain.dataset import TABLES
from mapping.io import isolated_readers as isolated
from mapping.io import sandbox
from mapping.io import surveys as sv
from mapping.io import worker_answer as wa
from mapping.io.graph_formats.model import Mapping
from mapping.io.load import LoadResult
from mapping.io.validate import Issue
from tests.io import samples
from tests.security import corpus
from tests.security.test_input import district

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
SURVEYS = ROOT / "tests" / "io" / "fixtures" / "surveys"
HOOKS = "tests.security.test_worker_answer"
LISTS = [("organisaties.csv", b"id,naam,soort,categorie\nM1,Moskee Al-Fath,informeel,moskee\n"
                              b"B9,Bibliotheek Oost,formeel,bibliotheek\n"),
         ("oudergroepen.csv", b"id,naam,gezinnen\nG1,Somalische moeders,40\n")]
BIG = 1 << 40
ROWS = 10_000_000

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the parse worker's limits: Linux only")


class Bomb:
    """Unpickling this runs code: it writes the canary (what an attacker's answer would do)."""

    def __reduce__(self):
        return (exec, (f"open({str(corpus.CANARY)!r}, 'w').write('the pickle ran')",))


def bomb_pickle() -> bytes:
    """The answer a taken-over worker would send to the old parent: ``("ok", <code>)``."""
    return pickle.dumps(("ok", Bomb()), protocol=pickle.HIGHEST_PROTOCOL)


# --------------------------------------------------------------------------- comparing


def same(a: Any, b: Any, where: str = "answer") -> None:
    """``a`` and ``b`` are equal, type for type (tables: dtypes, index, columns, values)."""
    assert type(a) is type(b), (where, type(a), type(b))
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        assert list(a.dtypes) == list(b.dtypes), where
        assert a.columns.dtype == b.columns.dtype and type(a.index) is type(b.index), where
        assert a.attrs == b.attrs, where
        for column in range(a.shape[1]):
            if a.dtypes.iloc[column] == np.dtype(object):
                assert [type(v) for v in a.iloc[:, column]] == \
                    [type(v) for v in b.iloc[:, column]], (where, a.columns[column])
    elif dataclasses.is_dataclass(a):
        for field in dataclasses.fields(a):
            if field.compare:
                same(getattr(a, field.name), getattr(b, field.name), f"{where}.{field.name}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{i}]")
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for key in a:
            same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b), where
    else:
        assert a == b, where


def round_trip(kind: str, value: Any, check: bool = True) -> Any:
    status, back = wa.decode_answer(kind, wa.encode_answer(kind, "ok", value), BIG, ROWS,
                                    check=check)
    assert status == "ok"
    same(value, back, kind)
    return back


def work(kind: str, payload: Any, lang: str = "en") -> Any:
    return sandbox.work((kind, payload, lang, None, None))


# --------------------------------------------------------------------------- round trips


def test_the_schema_names_every_field_of_every_class():
    assert wa.check_classes() == []
    assert set(wa.ANSWERS) == set(sandbox.KINDS)


def test_a_district_round_trips_exactly():
    result = work("path", str(DEMO))
    assert result.ok
    back = round_trip("path", result)
    assert back.dataset.fingerprint() == result.dataset.fingerprint()
    assert back.dataset.neighbourhoods == result.dataset.neighbourhoods
    assert isinstance(back.dataset.organisations["languages"].iloc[0], tuple)


def _hinted(kind: str, payload: Any) -> tuple[Any, dict]:
    """What the worker reads for a job, with the reader's codes it passes to the answer."""
    hints: dict = {}
    return sandbox.work((kind, payload, "en", None, None), hints), hints


def test_the_readers_codes_give_the_same_answer():
    """The text columns go out with the codes the CSV reader had (no hashing): same tables."""
    result, hints = _hinted("path", str(DEMO))
    assert result.ok and len(hints) == 4  # each table's text columns came with their codes
    tables = [result.dataset.table(t) for t in TABLES]
    assert set(hints) == {id(frame) for frame in tables}
    assert all(hints[id(frame)][0] is frame for frame in tables)
    fast = wa.encode_answer("path", "ok", result, hints)
    for answer in (fast, wa.encode_answer("path", "ok", result)):
        status, back = wa.decode_answer("path", answer, BIG, ROWS)
        assert status == "ok"
        same(result, back)
        assert back.dataset.fingerprint() == result.dataset.fingerprint()


def test_the_readers_codes_carry_blanks_repairs_and_hostile_text():
    """Blank cells, texts equal once their blanks are off, the corpus: as without the codes."""
    repairs = ["", "  ", " Moskee", "Moskee ", "Moskee", "\tMoskee", "é" * 300]
    for text in ([*corpus.TEMPLATE_INJECTION, *corpus.HTML_INJECTION, *repairs],
                 [*corpus.FORMULAS, *repairs]):  # a lone CR: the Python reader, no codes
        result, hints = _hinted("files", district(organisations__csv=_organisations_csv(text)))
        assert result.ok, result.errors
        status, back = wa.decode_answer("files", wa.encode_answer("files", "ok", result, hints),
                                        BIG, ROWS)
        assert status == "ok"
        same(result, back)
        assert back.dataset.organisations["notes"].tolist().count("Moskee") == 3
    result, hints = _hinted("files", district(organisations__csv=_organisations_csv(
        [*corpus.TEMPLATE_INJECTION, *repairs])))
    _codes, values = hints[id(result.dataset.organisations)][1]["notes"]
    assert None in values.tolist() and values.tolist().count("Moskee") == 3  # one per text read


def test_codes_that_do_not_fit_their_column_are_not_used():
    """A hint is checked cell for cell: wrong codes, values or lengths change nothing sent."""
    result, hints = _hinted("path", str(DEMO))
    frame = result.dataset.organisations
    _frame, columns = hints[id(frame)]
    codes, values = columns["name"]
    wrong = {
        "shuffled": (np.roll(codes, 1), values),
        "short": (codes[:-1], values),
        "out of range": (codes + len(values), values),
        "not text": (codes, np.array([1.5, *values.tolist()[1:]], dtype=object)),
        "other text": (codes, np.array(["Anders", *values.tolist()[1:]], dtype=object)),
        "not arrays": (codes.tolist(), values),
    }
    for label, hint in wrong.items():
        bad = {id(frame): (frame, {**columns, "name": hint})}
        status, back = wa.decode_answer("path", wa.encode_answer("path", "ok", result, bad),
                                        BIG, ROWS)
        assert status == "ok", label
        assert back.dataset.organisations["name"].tolist() == frame["name"].tolist(), label
    other = frame.copy()  # codes of another frame (same id never: the frame is kept) are not used
    status, back = wa.decode_answer("path", wa.encode_answer(
        "path", "ok", result, {id(other): (other, {"name": (np.roll(codes, 1), values)})}),
        BIG, ROWS)
    assert back.dataset.organisations["name"].tolist() == frame["name"].tolist()


def _organisations_csv(words: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "name", "kind", "notes", "extra kolom"])
    writer.writerows([["W1", "Wijkteam", "formal", "", ""], ["M1", "Moskee", "informal", "", ""]])
    writer.writerows([f"O{i}", w.strip() or "leeg", "formal", w, w] for i, w in enumerate(words))
    return out.getvalue().encode()


def test_hostile_text_in_every_table_round_trips():
    """The corpus as names, notes and an extra column (also the failing load's issues)."""
    text = [*corpus.TEMPLATE_INJECTION, *corpus.HTML_INJECTION, *corpus.FORMULAS, "", "  ",
            "é" * 300]
    loaded = work("files", district(organisations__csv=_organisations_csv(text)))
    assert loaded.ok, loaded.errors
    round_trip("files", loaded)
    refused_load = work("files", district(organisations__csv=_organisations_csv(
        [*text, *corpus.INVISIBLE, *corpus.CONTROL])))
    assert not refused_load.ok
    round_trip("files", refused_load)


def test_a_failed_load_round_trips():
    result = work("files", [("wijk.xlsx", b"PK\x03\x04 not a workbook")])
    assert not result.ok
    round_trip("files", result)


@pytest.mark.parametrize("fixture", sorted(p.name for p in SURVEYS.iterdir()
                                           if p.suffix in (".csv", ".xlsx")))
def test_every_survey_read_and_kind_round_trips(fixture):
    files = [(fixture, (SURVEYS / fixture).read_bytes())]
    round_trip("survey", work("survey", files))
    round_trip("kind", work("kind", files))


def test_network_canvas_and_the_other_kinds_round_trip():
    nc = SURVEYS / "network_canvas"
    files = [(p.name, p.read_bytes()) for p in sorted(nc.rglob("*")) if p.is_file()]
    table, _issues = round_trip("survey", work("survey", files))
    assert table is not None and table.links
    round_trip("kind", work("kind", district()))  # the district's own tables
    kind, _read = round_trip("kind", work("kind", [("wijk.gexf", samples.gexf())]))
    assert kind in ("network", "tables")
    round_trip("lists", work("lists", LISTS))


def test_an_applied_survey_with_name_matches_round_trips():
    files = [("google_forms.csv", (SURVEYS / "google_forms.csv").read_bytes())]
    table, _col = sv.read_surveys(files, "en")
    lists = sv.load_lists(LISTS, "en").dataset
    result = work("apply", (table, sv.guess_mapping(table), b"k", lists))
    assert result.ok and result.mapping is not None and result.dropped
    back = round_trip("apply", result)
    assert back.matches == result.matches and back.mapping == result.mapping


@pytest.mark.parametrize("name", ["kumu_workbook", "kumu_json", "gexf", "graphml",
                                  "polinode_workbook", "network_canvas", "directed_gexf"])
def test_every_network_file_round_trips(name):
    suffix = {"kumu_workbook": "xlsx", "polinode_workbook": "xlsx", "kumu_json": "json",
              "graphml": "graphml", "network_canvas": "graphml"}.get(name, "gexf")
    files = [(f"wijk.{suffix}", getattr(samples, name)())]
    graph, message = round_trip("graph", work("graph", files))
    assert graph is not None and graph.nodes and message is None
    mapping = Mapping("Type", (samples.FORMAL,), (samples.INFORMAL,), (samples.GROUP,))
    round_trip("graph_import", work("graph_import", (files, mapping)))
    assert round_trip("graph", work("graph", [("wijk.gexf", b"<gexf/>")]))[0] is None


def _frame() -> pd.DataFrame:
    """One column of every dtype a table may hold, with missing values, an index, attrs."""
    n = 5
    frame = pd.DataFrame({
        "f": [1.5, np.nan, -0.0, np.inf, 1e308],
        "i": np.arange(n, dtype="int64"),
        "small": np.arange(n, dtype="uint8"),
        "b": [True, False, True, True, False],
        "Int64": pd.array([1, None, 3, None, 2**40], dtype="Int64"),
        "Float64": pd.array([0.5, None, 2.0, 3.0, None], dtype="Float64"),
        "boolean": pd.array([True, None, False, True, None], dtype="boolean"),
        "when": pd.to_datetime(["2024-01-02", None, "2025-03-04", "2026-12-01", "2020-02-29"]),
        "cat": pd.Categorical(["b", "a", None, "b", "c"], categories=["c", "b", "a"],
                              ordered=True),
        "str": pd.array(["x", None, "ü", "", "x"], dtype=pd.StringDtype("pyarrow", np.nan)),
        "strNA": pd.array(["x", None, "y", "", "x"], dtype=pd.StringDtype("python", pd.NA)),
        "text": pd.Series(["a", None, "a", "é\x00", ""], dtype=object),
        "tuples": pd.Series([(), ("Nederlands", "Somalisch"), (), ("Arabisch",), ("",)],
                            dtype=object),
        "mixed": pd.Series(["a", np.nan, 3, (1, None), [{"k": (2.5,)}]], dtype=object),
        "surrogate": pd.Series(["\udc80", None, "ok", "ok", "x"], dtype=object),
        "nothing": pd.Series([None] * n, dtype=object),
    }, index=pd.Index(["r1", "r2", "r3", "r4", "r5"], name="rij", dtype=object))
    frame.attrs = {"source": "test", "sizes": (1, 2)}
    return frame


def test_every_dtype_round_trips():
    frame = _frame()
    empty = frame.iloc[:0]
    twice = pd.DataFrame([[1.0, "a"]], columns=pd.Index(["x", "x"], dtype=object))
    ranged = frame.reset_index(drop=True).iloc[1:4]
    no_columns = pd.DataFrame(index=pd.RangeIndex(3, 13, 5))
    for table in (frame, empty, twice, ranged, no_columns):
        dataset = work("path", str(DEMO)).dataset.replace(reach=table)
        # The transport alone: no validation makes these tables (answer_checks refuses them).
        round_trip("path", LoadResult(dataset, [], [], {"reach": len(table)}), check=False)


def test_a_value_no_schema_declares_is_not_sent():
    with pytest.raises(wa.AnswerError, match="expected LoadResult"):
        wa.encode_answer("files", "ok", ("not", "a", "result"))
    with pytest.raises(wa.AnswerError, match=r"Issue\.row"):
        wa.encode_answer("files", "ok", LoadResult(None, [Issue("f", "3", None, None, "m")]))
    with pytest.raises(wa.AnswerError, match="not supported"):
        frame = pd.DataFrame({"p": pd.period_range("2024-01", periods=2, freq="M")})
        dataset = work("path", str(DEMO)).dataset.replace(reach=frame)
        wa.encode_answer("path", "ok", LoadResult(dataset))


# --------------------------------------------------------------------------- refused answers


def split(answer: bytes) -> tuple[dict, list[bytes]]:
    """An answer's header and buffers (the format of :mod:`mapping.io.worker_answer`)."""
    (size,) = struct.unpack_from("<Q", answer, 4)
    header = json.loads(answer[12:12 + size])
    at = 12 + size
    (count,) = struct.unpack_from("<I", answer, at)
    lengths = struct.unpack_from(f"<{count}Q", answer, at + 4)
    at += 4 + 8 * count
    buffers = []
    for length in lengths:
        buffers.append(answer[at:at + length])
        at += length + (-length % 8)
    return header, buffers


def pack(header: dict, buffers: list[bytes]) -> bytes:
    raw = json.dumps(header).encode()
    out = [wa.MAGIC, struct.pack("<Q", len(raw)), raw, struct.pack("<I", len(buffers))]
    out += [struct.pack("<Q", len(b)) for b in buffers]
    for b in buffers:
        out += [b, b"\0" * (-len(b) % 8)]
    return b"".join(out)


def refused(kind: str, answer: bytes, max_bytes: int = BIG, match: str | None = None) -> str:
    with pytest.raises(wa.AnswerError, match=match) as caught:
        wa.decode_answer(kind, answer, max_bytes, ROWS)
    return str(caught.value)


def test_a_pickle_is_refused_and_nothing_runs():
    corpus.canary_clear()
    refused("files", bomb_pickle(), match="no magic")
    refused("files", wa.MAGIC + bomb_pickle())
    assert not corpus.canary_tripped()


def test_the_pickle_is_live(tmp_path):
    """The same bytes do run code when unpickled: the old parent would have been taken."""
    canary = tmp_path / "canary"
    code = (f"import pickle, sys; sys.path.insert(0, {str(ROOT)!r}); "
            f"import tests.security.test_worker_answer as t; pickle.loads(t.bomb_pickle())")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120,
                   env={**os.environ, "WIJKNETWERK_CANARY": str(canary)})
    assert canary.exists()


def _small_answer() -> bytes:
    return wa.encode_answer("path", "ok", work("path", str(DEMO)))


def test_truncated_extended_and_oversized_answers_are_refused():
    answer = _small_answer()
    for cut in (0, 3, 4, 11, 12, 100, len(answer) // 2, len(answer) - 9, len(answer) - 1):
        refused("path", answer[:cut])
    refused("path", answer + b"\0", match="after the answer")
    refused("path", answer + b"x" * 8, match="after the answer")
    refused("path", answer, max_bytes=len(answer) - 1, match="at most")
    refused("files", answer, match="another job")
    assert wa.decode_answer("path", answer, len(answer), ROWS)[0] == "ok"


def _tamper(change) -> bytes:
    header, buffers = split(_small_answer())
    change(header, buffers)
    return pack(header, buffers)


def _dataset(header: dict) -> list:
    return header["value"][0][0]  # LoadResult.dataset: the optional's one item


def _organisations(header: dict) -> dict:
    return _dataset(header)[0]


def test_a_wrong_field_or_type_is_refused():
    refused("path", _tamper(lambda h, b: h.update(status="pickle")), match="bad status")
    refused("path", _tamper(lambda h, b: h.update(extra=1)), match="bad header")
    refused("path", _tamper(lambda h, b: h["value"].append([])), match="LoadResult")
    refused("path", _tamper(lambda h, b: _dataset(h).append("x")), match="Dataset")
    refused("path", _tamper(lambda h, b: _dataset(h).__setitem__(5, 7)), match="name")
    refused("path", _tamper(lambda h, b: h["value"][3].append(["x", "1"])), match="counts")
    refused("path", _tamper(lambda h, b: h["value"].__setitem__(0, {"__reduce__": 1})))


@functools.cache
def _demo_columns() -> list[str]:
    return list(work("path", str(DEMO)).dataset.organisations.columns)


def _column(header: dict, name: str) -> dict:
    """The spec of the demo's organisations column ``name`` in an answer's header."""
    return _organisations(header)["data"][_demo_columns().index(name)]


def test_a_malformed_table_is_refused():
    def unknown(h, b):
        _column(h, "name")["t"] = "pickle"

    def dtype(h, b):
        _column(h, "lat")["dtype"] = "|O"

    def rows(h, b):
        _organisations(h)["n"] = 10**12

    def short(h, b):
        b[_column(h, "lat")["b"]] = b[_column(h, "lat")["b"]][:-8]

    def reused(h, b):
        _column(h, "lon")["b"] = _column(h, "lat")["b"]

    def unused(h, b):
        b.append(b"spare")

    def utf8(h, b):
        text = _column(h, "name")["text"]
        b[text["bytes"]] = b"\xff" + b[text["bytes"]][1:]

    def offsets(h, b):
        text = _column(h, "name")["text"]
        ends = np.frombuffer(b[text["offsets"]], dtype="<i8").copy()
        ends[3] = 10**9
        b[text["offsets"]] = ends.tobytes()

    def codes(h, b):
        text = _column(h, "name")["text"]
        b[text["codes"]["b"]] = np.full(60, 999, dtype="<i4").tobytes()

    def deep(h, b):
        value: Any = 1
        for _ in range(100):
            value = {"l": [value]}
        _dataset(h)[4] = [["t", value]]

    def tag(h, b):
        _dataset(h)[4] = [["t", {"x": []}]]

    for change, match in ((unknown, "unknown column type"), (dtype, "bad numbers"),
                          (rows, "row count"), (short, "bytes for"), (reused, "buffer"),
                          (unused, "no table uses"), (utf8, "invalid text"),
                          (offsets, "invalid text"), (codes, "out of range"),
                          (deep, "tagged"), (tag, "tagged")):
        refused("path", _tamper(change), match=match)


def test_nesting_beyond_the_parser_is_refused():
    header = json.dumps({"kind": "path", "status": "ok", "value": None})
    deep = header.replace("null", "[" * 100_000 + "]" * 100_000).encode()
    answer = wa.MAGIC + struct.pack("<Q", len(deep)) + deep + struct.pack("<I", 0)
    refused("path", answer)


# --------------------------------------------------------------------------- through the worker


def _send(raw: bytes) -> None:
    """Write ``raw`` as this worker's whole answer and end (as a taken-over worker would)."""
    answer = sys._getframe(2).f_locals["answer"]  # the answer stream of sandbox._serve
    answer.write(raw)
    answer.flush()
    os._exit(0)


def pickle_child(job):
    _send(bomb_pickle())


def garbage_child(job):
    _send(os.urandom(4096))


def truncated_child(job):
    _send(wa.encode_answer(job[0], "ok", sandbox.work(job))[:-100])


def flood_child(job):
    _send(wa.MAGIC + b"\0" * (8 * 1024 * 1024))


def wrong_shape_child(job):
    return LoadResult(None, [], [], {"organisations": {1, 2}})


def _hostile(hook: str, lang: str) -> LoadResult:
    return sandbox._run(("files", district(), lang, None, f"{HOOKS}:{hook}"), "upload.csv")


@linux_only
def test_the_worker_gives_what_the_reader_gives_type_for_type():
    from mapping.io.load import load_path

    same(load_path(DEMO, "en"), sandbox.load_path_isolated(DEMO, "en"))


@linux_only
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_worker_answering_with_a_pickle_runs_nothing(lang):
    corpus.canary_clear()
    result = _hostile("pickle_child", lang)
    assert not corpus.canary_tripped()
    assert [i.code for i in result.errors] == ["parse_answer"] and result.dataset is None
    message = result.errors[0].message
    assert ("refused" if lang == "en" else "geweigerd") in message, message
    assert result.errors[0].file == "upload.csv"
    assert sandbox.load_files_isolated(district(), lang).ok  # and the next upload just works


@linux_only
@pytest.mark.parametrize("hook", ["garbage_child", "truncated_child", "wrong_shape_child"])
def test_a_worker_answering_garbage_gives_one_error(hook):
    result = _hostile(hook, "en")
    assert [i.code for i in result.errors] == ["parse_answer"], result.errors
    assert "Traceback" not in result.errors[0].message


@linux_only
def test_a_worker_flooding_its_answer_is_cut_off(monkeypatch):
    monkeypatch.setattr(sandbox, "_answer_bytes", lambda: 1024 * 1024)
    result = _hostile("flood_child", "en")
    assert [i.code for i in result.errors] == ["parse_answer"]
    assert "more than 1048576 bytes" in result.errors[0].message
    assert sandbox.load_files_isolated(district(), "en").ok


@linux_only
def test_every_reader_refuses_a_pickle_in_the_shape_its_caller_expects(monkeypatch):
    call, run = sandbox._call, sandbox._run
    monkeypatch.setattr(isolated, "_call",
                        lambda job, label: call((*job[:4], f"{HOOKS}:pickle_child"), label))
    monkeypatch.setattr(isolated, "_run",
                        lambda job, label: run((*job[:4], f"{HOOKS}:pickle_child"), label))
    corpus.canary_clear()
    files = [("enquete.csv", (SURVEYS / "google_forms.csv").read_bytes())]
    kind, read, failure = isolated.upload_kind_isolated(files, "en")
    assert (kind, read) == ("tables", None) and failure.errors[0].code == "parse_answer"
    table, issues = isolated.read_surveys_isolated(files, "en")
    assert table is None and [i.code for i in issues] == ["parse_answer"]
    assert isolated.load_lists_isolated(LISTS, "en").errors[0].code == "parse_answer"
    survey, _col = sv.read_surveys(files, "en")
    applied = isolated.apply_survey_isolated(survey, sv.guess_mapping(survey), "en", b"k")
    assert isinstance(applied, sv.SurveyResult) and applied.errors[0].code == "parse_answer"
    graph, message = isolated.read_graph_isolated([("wijk.gexf", samples.gexf())], "en")
    assert graph is None and "refused" in message
    imported = isolated.import_graph_isolated([("wijk.gexf", samples.gexf())], None, "en")
    assert imported.errors[0].code == "parse_answer"
    assert not corpus.canary_tripped()


# ------------------------------------------------------------- what validation guarantees

# A taken-over worker can send a *well-formed* answer whose dataset validation would have
# refused. The server checks the invariants again (mapping.io.answer_checks) and refuses.


def _cell(table: str, column: str, value: Any, row: int = 0):
    """A tamper: one cell of ``table`` set to ``value``."""
    def change(dataset):
        frame = getattr(dataset, table).copy()
        cells = frame[column].astype(object) if isinstance(value, (str, tuple)) \
            or value is None else frame[column]
        cells = cells.copy()
        cells.iloc[row] = value
        frame[column] = cells
        return dataset.replace(**{table: frame})
    return change


def _frame_change(table: str, how):
    return lambda dataset: dataset.replace(**{table: how(getattr(dataset, table).copy())})


def _copy_cell(table: str, column: str, source: tuple[str, str]):
    def change(dataset):
        frame = getattr(dataset, table).copy()
        frame.loc[0, column] = getattr(dataset, source[0])[source[1]].iloc[
            1 if (source[0], source[1]) == (table, column) else 0]
        return dataset.replace(**{table: frame})
    return change


LONG = "x" * 10_001  # one character over Limits.cell_chars
TAMPERS = {
    "duplicate id": (_copy_cell("organisations", "id", ("organisations", "id")), "not unique"),
    "unknown organisation": (_cell("reach", "organisation", "NOBODY"), "refers to no"),
    "unknown group": (_cell("reach", "group", "NO GROUP"), "refers to no"),
    "unknown partner": (_cell("collaborations", "target", "NOBODY"), "refers to no"),
    "number as a name": (_cell("organisations", "name", 12), "not text"),
    "missing name": (_cell("organisations", "name", None), "required"),
    "bad kind": (_cell("organisations", "kind", "boss"), "neither formal"),
    "score out of range": (_cell("collaborations", "trust", 9.0), "range"),
    "infinite coordinate": (_cell("organisations", "lat", float("inf")), "beyond"),
    "negative families": (_cell("parent_groups", "families", -1), "range|count"),
    "long text": (_cell("organisations", "notes", LONG), "more than 10000 characters"),
    "long text among mixed values": (_cell("organisations", "notes", (LONG,)),
                                     "more than 10000|not text"),
    "long list item": (_cell("organisations", "languages", (LONG,)), "more than 10000"),
    "list that is text": (_cell("organisations", "languages", "Somalisch"), "not a list of text"),
    "list of numbers": (_cell("organisations", "languages", (1, 2)), "not a list of text"),
    "missing column": (_frame_change("organisations", lambda f: f.drop(columns="name")),
                       "missing"),
    "text coordinates": (_frame_change("organisations", lambda f: f.assign(
        lat=f["lat"].astype(str).astype(object))), "expected lat"),
    "float families": (_frame_change("parent_groups", lambda f: f.assign(
        families=f["families"].astype("float64") + 0.5)), "count"),
    "bad neighbourhoods": (lambda d: d.replace(neighbourhoods={"features": "all of them"}),
                           "neighbourhoods"),
}


@pytest.fixture(scope="module")
def demo_load() -> LoadResult:
    result = work("path", str(DEMO))
    assert result.ok
    return result


def test_the_demo_passes_every_check(demo_load):
    round_trip("path", demo_load)  # checked: the real thing is never refused


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_a_dataset_validation_would_refuse_is_refused(demo_load, name):
    tamper, match = TAMPERS[name]
    hostile = dataclasses.replace(demo_load, dataset=tamper(demo_load.dataset))
    answer = wa.encode_answer("path", "ok", hostile)  # well formed: the worker's side agrees
    assert wa.decode_answer("path", answer, BIG, ROWS, check=False)[0] == "ok"
    refused("path", answer, match=match)


def test_more_rows_than_the_limit_are_refused(demo_load, monkeypatch):
    from mapping.io import answer_checks

    answer = wa.encode_answer("path", "ok", demo_load)
    monkeypatch.setattr(answer_checks, "_row_limit", lambda: 10)
    refused("path", answer, match="rows, at most 10")


def test_an_oversized_header_is_refused_before_it_is_parsed(demo_load, monkeypatch):
    answer = wa.encode_answer("path", "ok", demo_load)
    size = struct.unpack_from("<Q", answer, 4)[0]
    assert wa.decode_answer("path", answer, BIG, ROWS, header_bytes=size)[0] == "ok"
    with pytest.raises(wa.AnswerError, match=f"header of {size} bytes, at most {size - 1}"):
        wa.decode_answer("path", answer, BIG, ROWS, header_bytes=size - 1)
    # The default is the declared limit: a header of a GB of empty lists is never parsed.
    header = b'{"kind":"path","status":"ok","value":[' + b"[]," * 400 + b"[]]}"
    bloated = wa.MAGIC + struct.pack("<Q", len(header)) + header + struct.pack("<I", 0)
    parsed = []
    monkeypatch.setattr(wa.json, "loads", lambda *a, **k: parsed.append(1))
    with pytest.raises(wa.AnswerError, match="header of"):
        wa.decode_answer("path", bloated, BIG, ROWS, header_bytes=1000)
    assert parsed == []
    assert wa.LIMITS.answer_header_bytes == 128 * 1024 * 1024


def invalid_dataset_child(job):
    """A taken-over worker: a well-formed answer whose organisations share one id."""
    result = sandbox.work(job)
    tamper, _match = TAMPERS["duplicate id"]
    return dataclasses.replace(result, dataset=tamper(result.dataset))


@linux_only
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_worker_sending_an_invalid_dataset_gives_one_error(lang):
    result = _hostile("invalid_dataset_child", lang)
    assert [i.code for i in result.errors] == ["parse_answer"] and result.dataset is None
    message = result.errors[0].message
    assert ("refused" if lang == "en" else "geweigerd") in message, message
    assert "not unique" in message and "Traceback" not in message
    assert sandbox.load_files_isolated(district(), lang).ok
