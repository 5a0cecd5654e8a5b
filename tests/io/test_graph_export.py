"""Issue 13 item 2: GEXF, GraphML, Kumu, Polinode and Dutch-Excel exports."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from mapping.analysis.coverage_summary import coverage_table
from mapping.analysis.report import analyse
from mapping.io import graph_export as ge
from mapping.io.graph_import import Mapping, import_graph
from mapping.io.load import load_path
from tests.security.corpus import FORMULAS

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
SAME = Mapping("type", ("formal",), ("informal",), ("parent_group",))
NAMES = {"gexf": "x.gexf", "graphml": "x.graphml", "kumu": "x.xlsx", "polinode": "x.xlsx"}


@pytest.fixture(scope="module")
def demo():
    result = load_path(DEMO)
    assert result.ok
    return result.dataset


def _coverage(dataset) -> pd.DataFrame:
    table = coverage_table(analyse(dataset))
    return table.set_index("id")[["coverage", "distance", "routes"]].sort_index()


@pytest.mark.parametrize("fmt", list(NAMES))
def test_round_trip_gives_identical_coverage_for_every_group(demo, fmt):
    data = ge.export_bytes(demo, fmt)
    result = import_graph([(NAMES[fmt], data)], SAME, "en")
    assert result.ok, result.errors[:3]
    assert not result.warnings, result.warnings[:3]
    pd.testing.assert_frame_equal(_coverage(result.dataset), _coverage(demo))
    back = result.dataset
    assert back.counts()["organisations"] == demo.counts()["organisations"]
    assert set(back.parent_groups["id"]) == set(demo.parent_groups["id"])


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_networkx_reads_every_attribute(demo, fmt):
    graph = ge.read_back(ge.export_bytes(demo, fmt), fmt)
    assert graph.number_of_nodes() == 90
    expected = _coverage(demo)
    for gid, row in expected.iterrows():
        node = graph.nodes[gid]
        assert node["coverage"] == row["coverage"]
        assert node["routes"] == row["routes"]
        if not pd.isna(row["distance"]):
            assert node["distance"] == row["distance"]
    wijkteam = graph.nodes["F01"]
    assert wijkteam["kind"] == "formal" and wijkteam["category"] == "wijkteam"
    assert wijkteam["degree"] >= 1 and 0 <= wijkteam["betweenness"] <= 1
    assert 1 <= wijkteam["trust"] <= 5
    collab = [d for _, _, d in graph.edges(data=True) if d["type"] == "collaboration"]
    assert collab and all("quality" in d or d.get("raters") for d in collab)
    assert any(1 <= d.get("role_clarity", 0) <= 5 for d in collab)


def test_igraph_reads_the_graphml(demo, tmp_path):
    igraph = pytest.importorskip("igraph")
    path = tmp_path / "demo.graphml"
    path.write_bytes(ge.export_bytes(demo, "graphml"))
    graph = igraph.Graph.Read_GraphML(str(path))
    assert graph.vcount() == 90
    assert "coverage" in graph.vs.attributes() and "trust" in graph.es.attributes()


def _hostile(demo):
    orgs = demo.organisations.copy()
    orgs["name"] = [FORMULAS[i % len(FORMULAS)] for i in range(len(orgs))]
    orgs["notes"] = [FORMULAS[(i + 3) % len(FORMULAS)] for i in range(len(orgs))]
    groups = demo.parent_groups.copy()
    groups["name"] = [FORMULAS[i % len(FORMULAS)] + f" {i}" for i in range(len(groups))]
    return demo.replace(organisations=orgs, parent_groups=groups)


def _cells_of_xlsx(data: bytes):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _assert_neutral_text(value) -> None:
    if isinstance(value, str):
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


@pytest.mark.parametrize("fmt", ["kumu", "polinode"])
def test_formulas_are_neutralised_in_workbooks(demo, fmt):
    data = ge.export_bytes(_hostile(demo), fmt)
    seen = 0
    for cell in _cells_of_xlsx(data):
        assert cell.data_type != "f"
        _assert_neutral_text(cell.value)
        seen += isinstance(cell.value, str) and cell.value.startswith("'=")
    assert seen


def test_formulas_are_neutralised_in_every_csv_and_the_xlsx_of_the_zip(demo):
    data = ge.export_bytes(_hostile(demo), "csv-nl")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert "dekking.csv" in names and "wijknetwerk.xlsx" in names
        for name in names:
            if name.endswith(".csv"):
                text = archive.read(name).decode("utf-8-sig")
                import csv
                for row in csv.reader(io.StringIO(text, newline=""), delimiter=";"):
                    for cell in row:
                        _assert_neutral_text(cell)
        for cell in _cells_of_xlsx(archive.read("wijknetwerk.xlsx")):
            assert cell.data_type != "f"
            _assert_neutral_text(cell.value)


def test_safe_matches_the_shared_rule():
    for text in FORMULAS:
        assert ge._safe(text) == "'" + text
    assert ge._safe(-2.5) == -2.5 and ge._safe(3) == 3 and ge._safe("Moskee") == "Moskee"


def test_gexf_and_graphml_keep_hostile_text_as_data(demo):
    hostile = _hostile(demo)
    for fmt in ("gexf", "graphml"):
        graph = ge.read_back(ge.export_bytes(hostile, fmt), fmt)
        labels = {d.get("label") for _, d in graph.nodes(data=True)}
        assert "=1+1" in labels or any(str(x).startswith("=") for x in labels)


def test_dutch_excel_csv_has_bom_semicolons_and_decimal_comma(demo):
    data = ge.export_bytes(demo, "csv-nl")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        raw = archive.read("samenwerkingen.csv")
        coverage = archive.read("dekking.csv").decode("utf-8-sig")
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.startswith("organisatie_a;organisatie_b;")
    assert "4,2" in text and "\r\n" in text
    assert coverage.splitlines()[0].startswith("id;name;")  # result tables carry ids
    # It loads back through the normal loader (a ;-file reads decimal commas).
    from mapping.io.load import load_files

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = [(n, archive.read(n)) for n in ("organisaties.csv", "oudergroepen.csv",
                                                "bereik.csv", "samenwerkingen.csv")]
    loaded = load_files(files)
    assert loaded.ok, loaded.errors[:3]
    assert loaded.dataset.collaborations["trust"].sum() == pytest.approx(
        demo.collaborations["trust"].sum())


def test_research_export_leaves_out_people_and_small_cells(demo):
    research, suppressed = ge.research_dataset(demo, min_families=50)
    for table in ("organisations", "collaborations"):
        assert not {"contact", "reported_by"} & set(research.table(table).columns)
    small = demo.parent_groups["families"].astype("Float64") < 50
    assert research.parent_groups.loc[small.fillna(False).astype(bool), "families"].isna().all()
    assert suppressed.groups == int(small.fillna(False).sum()) > 0
    pairs = demo.collaborations.apply(lambda r: tuple(sorted((r.source, r.target))), axis=1)
    few = pairs.map(pairs.value_counts()) < 3
    assert research.collaborations.loc[few, "trust"].isna().all()
    data = ge.export_bytes(demo, "kumu", research=True, lang="en")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    readme = [c.value for c in book["README (ignore)"]["A"]]
    assert any("fewer than 3 raters" in line for line in readme)
    assert "contact" not in [c.value for c in book["Elements"][1]]


def test_cli_export_graph(tmp_path):
    out = tmp_path / "demo.gexf"
    done = subprocess.run([sys.executable, "-m", "mapping", "export-graph", str(DEMO),
                           "--format", "gexf", "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert ge.read_back(out.read_bytes(), "gexf").number_of_nodes() == 90
    bad = subprocess.run([sys.executable, "-m", "mapping", "export-graph", str(tmp_path / "nope"),
                          "--format", "csv-nl", "--out", str(tmp_path / "x.zip")], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr


def test_control_and_markup_characters_still_give_valid_xml(demo):
    from tests.security.corpus import CONTROL, HTML_INJECTION

    hostile = list(CONTROL) + list(HTML_INJECTION)
    orgs = demo.organisations.copy()
    orgs["name"] = [hostile[i % len(hostile)] + f" {i}" for i in range(len(orgs))]
    dataset = demo.replace(organisations=orgs)
    for fmt in ("gexf", "graphml"):
        graph = ge.read_back(ge.export_bytes(dataset, fmt), fmt)
        assert graph.number_of_nodes() == 90
        labels = {d.get("label") for _, d in graph.nodes(data=True)}
        assert any("<script>" in str(x) for x in labels)  # kept as text, escaped in the file
