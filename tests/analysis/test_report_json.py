"""``report --json`` through orjson: byte for byte the text ``json.dumps(indent=2)`` wrote.

:mod:`mapping.json_text` promises ``json.dumps(value, ensure_ascii=False, indent=2,
default=...)`` exactly; these tests hold it to that on hostile strings, on the floats
whose notation differs between the two encoders, on every value type a report holds and
on the values only :mod:`json` can write (where it falls back).
"""

from __future__ import annotations

import io
import json
import math
import sys
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pytest

from mapping import cli
from mapping.analysis.report import _json_default, build_report
from mapping.json_text import _python_floats, dumps_indented, print_indented
from tests.factories import DatasetBuilder
from tests.security.corpus import (
    CONTROL,
    FORMULAS,
    HTML_INJECTION,
    HUGE_NUMBERS,
    INVISIBLE,
    TEMPLATE_INJECTION,
    TEXT_ATTACKS,
)

pytest.importorskip("orjson")

HOSTILE = (*TEMPLATE_INJECTION, *HTML_INJECTION, *FORMULAS, *CONTROL, *INVISIBLE,
           *HUGE_NUMBERS, *TEXT_ATTACKS,
           "é ü ß 漢字 🙂", "\u2028\u2029", "\x7f", "a\"b\\c/d", "tab\tnew\nline\r", "",
           # Number-looking text where the float rewrite looks: must stay untouched.
           "1e-7", " 1e-7", "x 0.00001", "0.00001,", ": 1e-7,", "e-5")

FLOATS = (1e16, 1e15, 1e-7, -1e-7, 1e-5, -1e-5, 9.99e-5, 1e-4, 1e-10, 0.1 + 0.2, 1 / 3, 5e-324,
          2.2250738585072014e-308, 1.7976931348623157e308, 1e21, 1e22, 123456789012345680.0,
          -0.0, 0.0, 1.0, 2.5e-6, 4.722452435761166e-07, 10.00001, 100.00001)


def _same(value, default=_json_default):
    expected = json.dumps(value, ensure_ascii=False, indent=2, default=default)
    assert dumps_indented(value, default=default) == expected


def test_hostile_strings_as_values_and_keys():
    _same({"names": list(HOSTILE), "by_name": {s: s for s in HOSTILE},
           "nested": [[s, {"k": s}] for s in HOSTILE]})


@pytest.mark.parametrize("number", FLOATS)
def test_float_notation_is_pythons(number):
    _same({"x": number, "list": [number, -number], "deep": [{"v": number}]})
    _same([number])
    _same(number)


def test_many_floats_in_every_range():
    rng = np.random.default_rng(7)
    exponents = rng.integers(-30, 30, 20_000)
    values = [float(m) * 10.0 ** int(e) for m, e in zip(rng.random(20_000), exponents,
                                                         strict=True)]
    _same({"values": values, "negative": [-v for v in values]})


@dataclass
class _Point:
    x: int


def test_every_value_type_a_report_holds():
    report = {
        "name": "wijk", "min_quality": None, "include_unrated": True, "share": 0.875,
        "int": 3, "big": 2**63, "negative": -(2**63), "bool": False,
        "empty": {}, "none_list": [], "nested_empty": [{}, []], "tuple": ("F1", "F2"),
        "set": {"G2", "G1"}, "frozenset": frozenset({"b", "a"}),
        "numpy": [np.int64(7), np.float64(0.1), np.float32(0.5), np.bool_(True),
                  np.int32(-4), np.float64(1e-7)],
        # Passed to ``default`` by both encoders (orjson would write them itself).
        "date": date(2026, 12, 1), "datetime": datetime(2026, 12, 1, 23, 5, 1),
        "dataclass": _Point(1),
    }
    _same(report)


@pytest.mark.parametrize("value", [
    {"huge": 2**64}, {"huge": -(2**63) - 1}, {"huge": int("9" * 400)},  # beyond 64 bits
    {"surrogate": "\ud800"},                                          # not valid UTF-8
    {1: "int key", None: "none key", 2.5: "float key", False: "bool key"},
    {"min_quality": math.nan}, {"min_quality": math.inf}, {"min_quality": -math.inf},
    {"numpy": [np.float64("nan")]}, {"numpy": np.float32("inf")},     # through ``default``
])
def test_what_only_json_writes_falls_back_to_json(value):
    _same(value)


class _Reading:
    """An object ``default`` turns into a list holding a NaN."""


def _nan_default(value):
    return [1.5, [math.nan]] if isinstance(value, _Reading) else _json_default(value)


@pytest.mark.parametrize("value", [
    {"deep": [{"v": math.nan}]}, {"a": {"b": {"c": -math.inf}}}, [[math.inf]], math.nan,
    -math.inf, {"tuple": (1.0, (2.0, math.nan))}, {"set": {math.nan}},
    {"numpy": [[np.float64("nan")]]}, [1e-7, {"x": [0.5, math.nan]}, "NaN"],
    {"returned": [_Reading()]},  # ``default`` returns a list holding a NaN
])
def test_a_non_finite_float_at_any_depth_is_written_as_json_does(value):
    """orjson wrote ``null`` for a NaN or infinity below the top level; json writes NaN."""
    _same(value, default=_nan_default)
    assert "null" not in dumps_indented(value, default=_nan_default)


@pytest.mark.parametrize("value", [
    {"ints": [-1, -2, -(2**31), 2**31 - 1, -(2**63), 2**63 - 1, 127, 255, 65535]},
    {"text": ["\x7f", "g\x7f\x7f", "\x7f" * 127, "ÿ" * 300, "x" * 127, "x" * 255]},
    {"edges": [1.7976931348623157e308, -1.7976931348623157e308, 5e-324, -0.0, 1e308]},
    [float(i) * -1.5 for i in range(2000)], {"f": 1.5, "again": [1.5, 1.5]},
])
def test_finite_values_stay_on_orjson(value, monkeypatch):
    """Bytes that look like a non-finite float's in the scan are checked, not trusted."""
    from mapping import json_text

    expected = json.dumps(value, ensure_ascii=False, indent=2)

    def no_fallback(*_args):
        raise AssertionError("fell back to json")

    monkeypatch.setattr(json_text, "_json", no_fallback)
    assert dumps_indented(value) == expected


def test_json_errors_stay_json_errors():
    with pytest.raises(TypeError):
        dumps_indented({"x": object()})  # no default: json's TypeError
    def broken(value):
        raise ZeroDivisionError(value)

    with pytest.raises(ZeroDivisionError):  # what ``default`` raises reaches the caller
        dumps_indented({"b": object()}, default=broken)


def test_the_float_rewrite_touches_number_tokens_only():
    text = b'{\n  "a": "x 1e-7",\n  "b": 1e-7,\n  "c": [\n    -0.00001\n  ],\n  "d": 10.00001\n}'
    assert _python_floats(text) == text.replace(b" 1e-7,", b" 1e-07,").replace(
        b"-0.00001", b"-1e-05")


def _hostile_district():
    builder = DatasetBuilder("wijk 🙂 {{7*7}}")
    names = [s for s in HOSTILE if s.strip() and "\x00" not in s]
    builder.org("W1", "formal", name=names[0]).org("M1", "informal", name=names[1])
    builder.org("M2", "informal", name=names[2])
    for i, name in enumerate(names[3:12]):
        builder.group(f"G{i}", 10 + i, name=name)
        builder.reach("M1" if i % 2 else "M2", f"G{i}")
    builder.collab("M1", "W1", trust=4)
    return builder.build()


def test_a_real_report_with_hostile_names():
    report = build_report(_hostile_district(), min_quality=1e-5, lang="en")
    _same(report)


def test_cli_report_json_is_the_old_text(tmp_path, capsys):
    folder = DatasetBuilder.write_csv_of(_hostile_district(), tmp_path / "wijk")
    for extra in ([], ["--min-quality", "nan"], ["--min-quality", "1e-7"]):
        assert cli.main(["report", str(folder), "--json", "--lang", "en", *extra]) == 0
        out = capsys.readouterr().out
        min_quality = float(extra[1]) if extra else None
        report = build_report(_hostile_district(), min_quality=min_quality, lang="en")
        report["name"] = "wijk"  # the folder's name
        expected = json.dumps(report, ensure_ascii=False, indent=2, default=_json_default)
        assert out == expected + "\n"
    assert '"min_quality": 1e-07,' in out


def test_print_indented_to_any_stream():
    value = {"x": "é 🙂", "f": 1e-7}
    expected = json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    plain = io.StringIO()  # no binary buffer: the text path
    print_indented(value, file=plain)
    assert plain.getvalue() == expected
    raw = io.BytesIO()
    wrapper = io.TextIOWrapper(raw, encoding="utf-8")
    wrapper.write("before\n")  # buffered text goes out first
    print_indented(value, file=wrapper)
    wrapper.flush()
    assert raw.getvalue().decode("utf-8") == "before\n" + expected
    latin = io.BytesIO()
    wrapper = io.TextIOWrapper(latin, encoding="utf-16")  # not UTF-8: encoded by the stream
    print_indented(value, file=wrapper)
    wrapper.flush()
    assert latin.getvalue().decode("utf-16") == expected


def test_missing_orjson_is_a_sentence_not_a_traceback(tmp_path, capsys, monkeypatch):
    folder = DatasetBuilder.write_csv_of(_hostile_district(), tmp_path / "wijk")
    monkeypatch.setitem(sys.modules, "orjson", None)  # ``import orjson`` raises ImportError
    for lang, words in (("en", "cannot be written as JSON"), ("nl", "niet als JSON")):
        assert cli.main(["report", str(folder), "--json", "--lang", lang]) == 1
        captured = capsys.readouterr()
        assert words in captured.err and "requirements.txt" in captured.err
        assert "Traceback" not in captured.err and captured.out == ""


def test_cli_compare_json_is_the_old_text(tmp_path, capsys):
    from mapping.analysis.waves import compare

    before = _hostile_district()
    after = before.replace(collaborations=before.collaborations.iloc[:0])
    a = DatasetBuilder.write_csv_of(before, tmp_path / "a")
    b = DatasetBuilder.write_csv_of(after, tmp_path / "b")
    assert cli.main(["compare", str(a), str(b), "--json", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    result = compare(before.replace(name="a"), after.replace(name="b"), "en", None)
    assert out == json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n"
    assert '"before": "a"' in out


def test_compare_without_orjson_is_a_sentence(tmp_path, capsys, monkeypatch):
    folder = DatasetBuilder.write_csv_of(_hostile_district(), tmp_path / "wijk")
    monkeypatch.setitem(sys.modules, "orjson", None)
    for lang, words in (("en", "comparison cannot be written as JSON"),
                        ("nl", "vergelijking kan niet als JSON")):
        assert cli.main(["compare", str(folder), str(folder), "--json", "--lang", lang]) == 1
        captured = capsys.readouterr()
        assert words in captured.err and "Traceback" not in captured.err
