"""Issue 13 item 1: network files of Kumu, Gephi, Polinode and Network Canvas as a district."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from mapping.analysis.coverage_summary import coverage_table
from mapping.analysis.report import analyse
from mapping.domain import limits
from mapping.io import graph_import as gi
from mapping.io.graph_formats import xml_readers
from mapping.io.graph_import import Mapping, import_graph
from mapping.io.load import load_path
from tests.io import samples

ROOT = Path(__file__).resolve().parents[2]
MAP = {"Soort": Mapping("Soort", (samples.FORMAL,), (samples.INFORMAL,), (samples.GROUP,))}

CASES = {
    "kumu": ([("wijk.xlsx", samples.kumu_workbook())], "Type"),
    "kumu-json": ([("wijk.json", samples.kumu_json())], "type"),
    "kumu-project": ([("project.json", samples.kumu_project_json())], "element type"),
    "gexf-1.2": ([("wijk.gexf", samples.gexf("1.2"))], "Soort"),
    "gexf-1.3": ([("wijk.gexf", samples.gexf("1.3"))], "Soort"),
    "graphml": ([("wijk.graphml", samples.graphml())], "Soort"),
    "gephi-csv": (samples.gephi_csv(), "Soort"),
    "polinode": ([("polinode.xlsx", samples.polinode_workbook())], "Type"),
    "network-canvas": ([("case_1.graphml", samples.network_canvas())], "networkCanvasType"),
}


def mapping(field: str) -> Mapping:
    return Mapping(field, (samples.FORMAL,), (samples.INFORMAL,), (samples.GROUP,))


@pytest.mark.parametrize("case", list(CASES))
def test_every_tool_gives_the_same_district(case):
    files, field = CASES[case]
    result = import_graph(files, mapping(field), "en")
    assert result.ok, [(i.file, i.row, i.column, i.message) for i in result.errors]
    ds = result.dataset
    orgs = dict(zip(ds.organisations["name"], ds.organisations["kind"], strict=True))
    assert orgs["Wijkteam De Sluis"] == "formal"
    assert orgs["Moskee Nuur"] == "informal"
    assert list(ds.parent_groups["name"]) == ["Somalische moeders"]
    table = coverage_table(analyse(ds))
    row = table.set_index("name").loc["Somalische moeders"]
    assert (row["coverage"], row["distance"], row["routes"]) == ("bridged", 1, 1)


@pytest.mark.parametrize("case", ["gexf-1.2", "graphml", "gephi-csv", "network-canvas"])
def test_families_attribute_lands_in_its_column(case):
    files, field = CASES[case]
    ds = import_graph(files, mapping(field)).dataset
    assert int(ds.parent_groups["families"].iloc[0]) == 40


def test_kumu_to_cell_with_pipe_draws_one_connection_per_element_and_ignore_sheet_skipped():
    result = import_graph(CASES["kumu"][0], mapping("Type"), "en")
    ds = result.dataset
    pairs = {tuple(sorted(p)) for p in zip(ds.collaborations["source"],
                                           ds.collaborations["target"], strict=True)}
    assert pairs == {("GGD Regio", "Moskee Nuur"), ("Moskee Nuur", "Wijkteam De Sluis")}
    assert "not an element" not in set(ds.organisations["name"])
    # Multi-values stay lists; other attributes become extra columns.
    mosque = ds.organisations.set_index("id").loc["Moskee Nuur"]
    assert mosque["languages"] == ("Somalisch", "Arabisch")
    assert mosque["description"] == "Vrijdaggebed en ouderavonden"
    assert float(ds.reach["strength"].iloc[0]) == 4.0


def test_gexf_keeps_gephi_attributes_as_extra_columns():
    ds = import_graph(CASES["gexf-1.3"][0], mapping("Soort")).dataset
    wijkteam = ds.organisations.set_index("id").loc["0"]
    assert wijkteam["neighbourhood"] == "De Sluis"
    assert "modularity_class" in ds.organisations.columns
    assert float(ds.collaborations["trust"].iloc[0]) == 4.5


def test_network_canvas_parallel_edges_are_said_not_fatal():
    result = import_graph(CASES["network-canvas"][0], mapping("networkCanvasType"), "en")
    assert result.ok
    codes = {w.code for w in result.warnings}
    assert "multigraph" in codes
    # Two typed links between the same two organisations stay two rating rows.
    assert len(result.dataset.collaborations) == 2
    assert len(result.dataset.reach) == 1


def test_unmapped_values_and_missing_type_field_are_issues_in_both_languages():
    only_formal = Mapping("Soort", (samples.FORMAL,), (), ())
    result = import_graph(CASES["gexf-1.2"][0], only_formal, "nl")
    unmapped = [w for w in result.warnings if w.code == "type_unmapped"]
    assert unmapped and "niet toegewezen" in unmapped[0].message
    missing = import_graph(CASES["gexf-1.2"][0], mapping("Kleur"), "en")
    assert not missing.ok
    issue = missing.errors[0]
    assert issue.code == "type_field_missing" and issue.column == "Kleur"
    assert "Soort" in issue.message


def test_validation_problems_name_file_row_and_column():
    bad = samples.gexf("1.2").replace(b'value="40"', b'value="veertig"')
    result = import_graph([("wijk.gexf", bad)], mapping("Soort"), "en")
    assert not result.ok
    issue = next(i for i in result.errors if i.column == "families")
    assert issue.file == "wijk.gexf, nodes" and issue.row == 3 and issue.value == "veertig"


def test_edge_to_unknown_node_is_a_warning_with_its_row():
    bad = samples.graphml().replace(b'<edge source="s" target="m">',
                                    b'<edge source="s" target="nobody">')
    result = import_graph([("x.graphml", bad)], mapping("Soort"), "en")
    warning = next(w for w in result.warnings if w.code == "edge_unknown_node")
    assert warning.row == 2 and warning.value == "nobody"


@pytest.mark.parametrize(("data", "code"), [
    (b"<gexf><graph><nodes><node id='1'></nodes></graph></gexf>", "xml_invalid"),
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
     b'"&lol;&lol;&lol;">]><graphml><graph>&lol2;</graph></graphml>', "xml_forbidden"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
     b"<gexf><graph>&e;</graph></gexf>", "xml_forbidden"),
    (b'<graphml><graph><hyperedge><endpoint node="a"/></hyperedge></graph></graphml>',
     "hypergraph"),
    (b"just some text", "format_unknown"),
    (b"{not json", "json_invalid"),
    (b"PK\x03\x04broken", "workbook_invalid"),
])
def test_files_that_cannot_be_read_get_a_message_never_a_traceback(data, code):
    name = "x.json" if data.startswith(b"{") else "x.bin"
    for lang in ("nl", "en"):
        result = import_graph([(name, data)], mapping("Soort"), lang)
        assert not result.ok
        assert result.errors[0].code == code, result.errors
        assert result.errors[0].message


def test_limits_are_checked_before_parsing(monkeypatch):
    small = dataclasses.replace(gi.LIMITS, upload_bytes=100, rows=1)
    monkeypatch.setattr(limits, "LIMITS", small)
    result = import_graph(CASES["gexf-1.2"][0], mapping("Soort"), "en")
    assert result.errors[0].code == "too_big"
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(small, upload_bytes=10**6))
    result = import_graph(CASES["gexf-1.2"][0], mapping("Soort"), "en")
    assert result.errors[0].code == "too_many"


def test_a_value_mapped_twice_is_an_error():
    twice = Mapping("Soort", (samples.FORMAL,), (samples.FORMAL,), (samples.GROUP,))
    assert import_graph(CASES["gexf-1.2"][0], twice).errors[0].code == "value_twice"


def test_cli_import_graph_writes_a_folder_that_loads(tmp_path):
    source = tmp_path / "wijk.xlsx"
    source.write_bytes(samples.kumu_workbook())
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "mapping", "import-graph", str(source),
                           "--type-field", "Type", "--formal", samples.FORMAL,
                           "--informal", samples.INFORMAL, "--group", samples.GROUP,
                           "--out", str(out), "--lang", "en"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = load_path(out)
    assert loaded.ok and loaded.dataset.counts()["organisations"] == 3
    bad = subprocess.run([sys.executable, "-m", "mapping", "import-graph", str(source),
                          "--type-field", "Kleur", "--formal", "x", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and "Kleur" in bad.stderr


def test_utf16_file_with_an_entity_still_goes_through_defusedxml():
    text = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE g [<!ENTITY a "x">]>'
            "<gexf><graph>&a;</graph></gexf>")
    result = import_graph([("x.gexf", text.encode("utf-16"))], mapping("Soort"), "en")
    assert result.errors[0].code == "xml_forbidden"


@pytest.mark.parametrize("version", ["1.2", "1.3"])
def test_streamed_gexf_equals_the_tree_reader(monkeypatch, version):
    data = samples.gexf(version)
    streamed = gi.read_gexf("x.gexf", data)
    monkeypatch.setattr(xml_readers, "_plain_xml", lambda _data: False)
    tree = gi.read_gexf("x.gexf", data)
    assert [(n.id, n.attrs, n.row) for n in streamed.nodes] == \
        [(n.id, n.attrs, n.row) for n in tree.nodes]
    assert [(e.source, e.target, e.attrs) for e in streamed.edges] == \
        [(e.source, e.target, e.attrs) for e in tree.edges]


def test_nested_gexf_nodes_are_a_hypergraph_message():
    data = (b'<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph><nodes>'
            b'<node id="a"><nodes><node id="b"/></nodes></node></nodes></graph></gexf>')
    result = import_graph([("h.gexf", data)], mapping("Soort"), "en")
    assert result.errors[0].code == "hypergraph"


# --------------------------------------------------------------------------- recognise


@pytest.mark.parametrize(("case", "expected"), [
    ("kumu", "kumu"), ("kumu-json", "kumu-json"), ("kumu-project", "kumu-json"),
    ("gexf-1.2", "gexf"), ("gexf-1.3", "gexf"), ("graphml", "graphml"),
    ("gephi-csv", "gephi-csv"), ("polinode", "polinode"), ("network-canvas", "network-canvas"),
])
def test_recognise_names_the_tool_of_each_file(case, expected):
    for name, data in CASES[case][0]:
        assert gi.recognise(name, data) == expected
        assert expected in gi.TOOL_FORMATS


def test_recognise_leaves_the_districts_own_files_alone(tmp_path):
    from mapping.io.demo import demo_district
    from mapping.io.write import write_csv, xlsx_bytes

    demo = demo_district()
    assert gi.recognise("wijk.xlsx", xlsx_bytes(demo)) is None
    assert gi.recognise("wijk_en.xlsx", xlsx_bytes(demo, headers="en")) is None
    for headers in ("en", "nl"):
        for path in write_csv(demo, tmp_path / headers, headers=headers):
            assert gi.recognise(path.name, path.read_bytes()) is None, path.name
    for data in (b"", b"not a network", b"<html><body/></html>", b'{"a": 1}',
                 b"PK\x03\x04broken"):
        assert gi.recognise("x.bin", data) is None


def test_recognise_refuses_a_file_over_the_upload_limit(monkeypatch):
    (name, data), = CASES["gexf-1.3"][0]
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, upload_bytes=10))
    assert gi.recognise(name, data) is None
