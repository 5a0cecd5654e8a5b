"""Issue 13: directed links of network files keep their direction, and nothing merges silently.

Reach has no direction (an organisation–group link either way is reach; a pair
linked both ways is one reach link, said); a directed collaboration keeps its
from/to as source/target, so a pair that names each other gives two ratings,
one from each side, and a link named by one side only gives one row; both said.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from mapping.analysis.coverage_summary import coverage_table
from mapping.analysis.quality import rating_side
from mapping.analysis.report import analyse
from mapping.io.graph_import import Mapping, import_graph, read_graph
from tests.io import samples

ROOT = Path(__file__).resolve().parents[2]

DIRECTED = {
    "gexf": ([("wijk.gexf", samples.directed_gexf())], "Soort"),
    "graphml": ([("wijk.graphml", samples.directed_graphml())], "Soort"),
    "kumu": ([("wijk.xlsx", samples.directed_kumu_workbook())], "Type"),
    "gephi-csv": (samples.directed_gephi_csv(), "Soort"),
    "polinode": ([("polinode.xlsx", samples.polinode_directed_workbook())], "Type"),
}
NAMES = {i: label for i, label, _ in samples.DIRECTED_NODES}


def mapping(field: str) -> Mapping:
    return Mapping(field, (samples.FORMAL,), (samples.INFORMAL,), (samples.GROUP,))


def by_name(ds, frame, *columns):
    """Rows of ``frame`` with organisation and group ids replaced by names."""
    names = {**dict(zip(ds.organisations["id"], ds.organisations["name"], strict=True)),
             **dict(zip(ds.parent_groups["id"], ds.parent_groups["name"], strict=True))}
    return [tuple(names[v] for v in row) for row in zip(*(frame[c] for c in columns),
                                                       strict=True)]


@pytest.mark.parametrize("case", list(DIRECTED))
def test_readers_see_the_direction_of_each_link(case):
    files, _field = DIRECTED[case]
    graph = read_graph(files)
    assert [e.directed for e in graph.edges] == [way == "directed"
                                                 for *_, way, _t in samples.DIRECTED_EDGES]


@pytest.mark.parametrize("case", list(DIRECTED))
def test_directed_collaborations_keep_from_and_to_and_each_side_rates(case):
    files, field = DIRECTED[case]
    result = import_graph(files, mapping(field), "en")
    assert result.ok, result.errors
    ds = result.dataset
    collabs = by_name(ds, ds.collaborations, "source", "target")
    # The mutual pair stays two rows, one per direction; nothing merged.
    assert collabs == [("Moskee Nuur", "Wijkteam De Sluis"), ("Wijkteam De Sluis", "Moskee Nuur"),
                       ("Vrouwennetwerk", "Moskee Nuur"), ("Wijkteam De Sluis", "Vrouwennetwerk")]
    assert [float(t) for t in ds.collaborations["trust"]] == [4.0, 2.0, 5.0, 3.0]
    # Each rating counts as the side it starts from (the quality module's rule).
    names = dict(zip(ds.organisations["id"], ds.organisations["name"], strict=True))
    sides = [names[rating_side(row, (row["source"], row["target"]), names)]
             for row in ds.collaborations.to_dict("records")]
    assert sides[:2] == ["Moskee Nuur", "Wijkteam De Sluis"]


@pytest.mark.parametrize("case", list(DIRECTED))
def test_reach_both_ways_and_from_a_group_are_one_reach_link_each_and_said(case):
    files, field = DIRECTED[case]
    result = import_graph(files, mapping(field), "en")
    ds = result.dataset
    assert by_name(ds, ds.reach, "organisation", "group") == [
        ("Moskee Nuur", "Somalische moeders"), ("Vrouwennetwerk", "Turkse vaders")]
    codes = {w.code: w for w in result.warnings}
    # s -> m and t -> v run from a group; m <-> s is the pair linked both ways.
    expected = {"reach_both_ways": 1, "reach_from_group": 2, "collab_mutual": 1,
                "collab_one_way": 1}
    for code, n in expected.items():
        assert code in codes, [w.code for w in result.warnings]
        assert codes[code].message.startswith(f"{n} ")
    assert "multigraph" not in codes  # nothing merged without being said as what it is
    assert "Vrouwennetwerk → Moskee Nuur" in codes["collab_one_way"].message
    assert "Moskee Nuur" in codes["collab_mutual"].message
    table = coverage_table(analyse(ds)).set_index("name")
    assert table.loc["Somalische moeders", "coverage"] == "bridged"
    assert table.loc["Turkse vaders", "coverage"] == "bridged"


def test_direction_messages_exist_in_dutch():
    result = import_graph(*DIRECTED["gexf"][:1], mapping("Soort"), "nl")
    texts = {w.code: w.message for w in result.warnings}
    assert "van één kant genoemd" in texts["collab_one_way"]
    assert "noemen elkaar" in texts["collab_mutual"]
    assert "in beide richtingen" in texts["reach_both_ways"]
    assert "van een oudergroep" in texts["reach_from_group"]


def test_undirected_file_says_nothing_about_direction():
    result = import_graph([("wijk.gexf", samples.gexf("1.3"))], mapping("Soort"), "en")
    assert not {w.code for w in result.warnings} & {
        "collab_one_way", "collab_mutual", "reach_both_ways", "reach_from_group"}


def test_kumu_mutual_connection_is_one_undirected_link():
    book = samples.workbook({
        "Elements": [["Label", "Type"], ["A", samples.FORMAL], ["B", samples.INFORMAL]],
        "Connections": [["From", "To", "Direction"], ["A", "B", "mutual"]]})
    graph = read_graph([("k.xlsx", book)])
    assert [e.directed for e in graph.edges] == [False]
    ds = import_graph([("k.xlsx", book)], mapping("Type"), "en").dataset
    assert len(ds.collaborations) == 1 and "direction" not in ds.collaborations.columns


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mapping", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)


@pytest.mark.parametrize("case", ["gexf", "graphml"])
def test_cli_imports_a_directed_file_and_exports_it_again(tmp_path, case):
    (name, data), = DIRECTED[case][0]
    source = tmp_path / name
    source.write_bytes(data)
    out = tmp_path / "out"
    done = _cli("import-graph", str(source), "--type-field", "Soort", "--formal",
                samples.FORMAL, "--informal", samples.INFORMAL, "--group", samples.GROUP,
                "--out", str(out), "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "name each other" in done.stdout and "from one side only" in done.stdout
    files = {p.stem: p for p in out.glob("*.csv")}
    collab_file = next(p for stem, p in files.items() if "collab" in stem or "samen" in stem)
    with collab_file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=_delimiter(collab_file)))
    pairs = [(r[_key(r, "source")], r[_key(r, "target")]) for r in rows]
    assert pairs == [("m", "w"), ("w", "m"), ("v", "m"), ("w", "v")]
    exported = tmp_path / "again.gexf"
    done = _cli("export-graph", str(out), "--format", "gexf", "--out", str(exported))
    assert done.returncode == 0, done.stderr
    back = import_graph([("again.gexf", exported.read_bytes())],
                        Mapping("type", ("formal",), ("informal",), ("parent_group",)), "en")
    assert back.ok, back.errors
    assert set(coverage_table(analyse(back.dataset))["coverage"]) == {"bridged"}


def _delimiter(path: Path) -> str:
    head = path.read_text(encoding="utf-8-sig").splitlines()[0]
    return ";" if head.count(";") > head.count(",") else ","


def _key(row: dict[str, str], canonical: str) -> str:
    """The header of ``row`` for a canonical column (the CSV may use Dutch headers)."""
    from mapping.domain import schema as sc

    lookup = sc.column_lookup("collaborations")
    return next(k for k in row if lookup.get(sc.normalise_header(k)) == canonical)


def test_cli_directed_file_without_the_type_field_is_a_message_not_a_traceback(tmp_path):
    source = tmp_path / "wijk.gexf"
    source.write_bytes(samples.directed_gexf())
    done = _cli("import-graph", str(source), "--type-field", "Kleur", "--formal", "x",
                "--out", str(tmp_path / "out"), "--lang", "en")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Kleur" in done.stderr and "Soort" in done.stderr


def test_kumu_project_reversed_connection_swaps_its_ends():
    import json

    doc = json.loads(samples.kumu_project_json())
    doc["connections"][0].update(direction="directed", reversed=True)  # bbb -> aaa, drawn back
    graph = read_graph([("p.json", json.dumps(doc).encode())])
    first = graph.edges[0]
    assert (first.source, first.target, first.directed) == ("elem-aaa", "elem-bbb", True)
    assert "reversed" not in first.attrs and "direction" not in first.attrs


@pytest.mark.parametrize(("edge_type", "directed"), [
    ("mutual", False), ("undirected", False), ("directed", True), ("", True)])
def test_gexf_edge_type_overrides_the_graph_default(edge_type, directed):
    data = samples.directed_gexf().replace(
        b'<edge id="0" source="m" target="w">',
        f'<edge id="0" source="m" target="w" type="{edge_type}">'.encode()
        if edge_type else b'<edge id="0" source="m" target="w">')
    assert read_graph([("x.gexf", data)]).edges[0].directed is directed
