"""Issue 13: real files the tools and their users published, imported (tests/io/fixtures/tools/).

Where each file comes from is in ``tests/io/fixtures/tools/README.md``. The
files are not committed (licences, see the README); a test whose file is not
in the checkout is skipped with the file's name. What is checked against the
file itself, read independently with networkx: node and link counts, the
direction of every collaboration, and each group's coverage class.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from mapping.analysis.coverage_summary import coverage_table
from mapping.analysis.report import analyse
from mapping.io.graph_export import export_bytes
from mapping.io.graph_import import Mapping, import_graph, read_graph, recognise

ROOT = Path(__file__).resolve().parents[2]
TOOLS = Path(__file__).parent / "fixtures" / "tools"


def tool_file(name: str) -> bytes:
    """A published sample file, or a skip naming it when it is not in this checkout."""
    path = TOOLS / name
    if not path.is_file():
        pytest.skip(f"{name} is not in tests/io/fixtures/tools (see its README)")
    return path.read_bytes()


def imported(file: str, name: str, tool: str, mapping: Mapping):
    """A published file recognised as ``tool`` and imported under ``mapping`` (must load)."""
    data = tool_file(file)
    assert recognise(name, data) == tool
    result = import_graph([(name, data)], mapping, "en")
    assert result.ok, result.errors[:3]
    return data, result


def coverage(ds) -> dict[str, str]:
    table = coverage_table(analyse(ds))
    return dict(zip(table["id"].astype(str), table["coverage"], strict=True))


def expected_classes(graph: nx.Graph, kind: dict[str, str]) -> dict[str, str]:
    """Coverage classes computed straight from the file's graph (the domain definition)."""
    plain = graph.to_undirected() if graph.is_directed() else graph
    orgs = plain.subgraph([n for n in plain if kind.get(n) in ("formal", "informal")])
    formal_reach = {n for part in nx.connected_components(orgs)
                    if any(kind[m] == "formal" for m in part) for n in part}
    out = {}
    for node in plain:
        if kind.get(node) != "group":
            continue
        near = [m for m in plain[node] if kind.get(m) in ("formal", "informal")]
        if not near:
            out[node] = "unreached"
        elif any(kind[m] == "formal" for m in near):
            out[node] = "direct"
        elif any(m in formal_reach for m in near):
            out[node] = "bridged"
        else:
            out[node] = "informal_only"
    return out


# --------------------------------------------------------------------------- Gephi Lite

GEPHI_LITE = Mapping("type", ("research group", "entreprise"), ("person",),
                     ("software", "paper", "event"))


def test_gephi_lite_directed_gexf_keeps_every_collaboration_direction():
    data, result = imported("gephi-lite_gephi-lite.gexf", "gephi-lite.gexf", "gexf", GEPHI_LITE)
    ds = result.dataset
    graph = nx.read_gexf(io.BytesIO(data))
    assert graph.is_directed()
    kind = {n: GEPHI_LITE.role(d.get("type")) for n, d in graph.nodes(data=True)}
    assert len(ds.organisations) == sum(k in ("formal", "informal") for k in kind.values())
    assert len(ds.parent_groups) == sum(k == "group" for k in kind.values())
    org_links = [(u, v) for u, v in graph.edges if kind[u] != "group" and kind[v] != "group"]
    assert sorted(zip(ds.collaborations["source"], ds.collaborations["target"],
                      strict=True)) == sorted(org_links)
    reach_pairs = {(u, v) if kind[v] == "group" else (v, u) for u, v in graph.edges
                   if (kind[u] == "group") != (kind[v] == "group")}
    assert set(zip(ds.reach["organisation"], ds.reach["group"], strict=True)) == reach_pairs
    codes = {w.code: w.message for w in result.warnings}
    assert codes["collab_one_way"].startswith(f"{len(org_links)} ")
    assert "group_group" in codes
    assert coverage(ds) == expected_classes(graph, kind)


def test_gephi_lite_gexf_round_trips_through_every_export():
    data = tool_file("gephi-lite_gephi-lite.gexf")
    ds = import_graph([("gephi-lite.gexf", data)], GEPHI_LITE, "en").dataset
    before = coverage(ds)
    ours = Mapping("type", ("formal",), ("informal",), ("parent_group",))
    for fmt, name in (("gexf", "x.gexf"), ("graphml", "x.graphml"), ("kumu", "x.xlsx"),
                      ("polinode", "x.xlsx")):
        back = import_graph([(name, export_bytes(ds, fmt))], ours, "en")
        assert back.ok, (fmt, back.errors[:3])
        assert coverage(back.dataset) == before, fmt


def test_les_miserables_imports_by_modularity_class_and_matches_networkx():
    data = tool_file("gephi-lite_les-miserables.gexf")
    graph = nx.read_gexf(io.BytesIO(data))
    classes = Mapping("modularity_class", ("1",), ("6", "7", "8"), ("0", "2", "3", "4", "5"))
    result = import_graph([("Les Miserables.gexf", data)], classes, "en")
    assert result.ok, result.errors[:3]
    kind = {n: classes.role(str(d.get("modularity_class"))) for n, d in graph.nodes(data=True)}
    assert len(result.dataset.organisations) + len(result.dataset.parent_groups) == len(graph)
    assert coverage(result.dataset) == expected_classes(graph, kind)
    assert not {w.code for w in result.warnings} & {"collab_one_way", "collab_mutual"}


def test_les_miserables_without_a_type_attribute_names_what_it_has():
    data = tool_file("gephi-lite_les-miserables.gexf")
    for lang, word in (("en", "found"), ("nl", "wel")):
        result = import_graph([("Les Miserables.gexf", data)],
                              Mapping("Type", ("a",), ("b",), ("c",)), lang)
        assert not result.ok
        issue = result.errors[0]
        assert issue.code == "type_field_missing" and issue.column == "Type"
        assert word in issue.message and "modularity_class" in issue.message


def test_airlines_graphml_has_no_type_attribute_and_says_so():
    data = tool_file("gephi-lite_airlines.graphml")
    assert recognise("airlines.graphml", data) == "graphml"
    result = import_graph([("airlines.graphml", data)], Mapping("type", ("a",)), "en")
    assert [i.code for i in result.errors] == ["type_field_missing"]
    assert "x, tooltip, y" in result.errors[0].message


# --------------------------------------------------------------------------- Kumu

CHANGELABS = Mapping("element type", ("Stakeholder",), ("Interviewee",), ("Resource",))


def test_kumu_changelabs_template_directed_pair_gives_two_ratings():
    _data, result = imported("kumu_changelabs-template.json", "template.json", "kumu-json",
                             CHANGELABS)
    ds = result.dataset
    names = dict(zip(ds.organisations["id"], ds.organisations["name"], strict=True))
    rows = [(names[s], names[t], p) for s, t, p in zip(
        ds.collaborations["source"], ds.collaborations["target"],
        ds.collaborations["power_score"], strict=True)]
    # Stakeholder A -> B (power score 8) and B -> A (1): two ratings, not merged.
    assert ("Stakeholder A", "Stakeholder B", "8") in rows
    assert ("Stakeholder B", "Stakeholder A", "1") in rows
    one_way = [r for r in rows if r[0].startswith("Interviewee")]
    assert {r[1] for r in one_way} == {"Stakeholder A", "Stakeholder B"} and len(one_way) == 3
    codes = {w.code: w.message for w in result.warnings}
    assert codes["collab_mutual"].startswith("1 ")
    assert codes["collab_one_way"].startswith("3 ")
    unmapped = {w.value for w in result.warnings if w.code == "type_unmapped"}
    assert unmapped == {"Phenomenon", "Desired Outcome", "Current Outcome"}
    assert list(ds.parent_groups["name"]) == ["Resource"]
    assert set(coverage(ds).values()) == {"direct"}  # Stakeholder A -> Resource


REGIONS = Mapping("region", ("Northeast",), ("South", "Midwest"), ("West",))


def test_kumu_tutorial_project_json_and_its_workbook_give_the_same_district():
    project = tool_file("kumu_snap-to-tutorial-project.json")
    book = tool_file("kumu_snap-to-tutorial-data.xlsx")
    assert recognise("data.xlsx", book) == "kumu"
    a = import_graph([("project.json", project)], REGIONS, "en")
    b = import_graph([("data.xlsx", book)], REGIONS, "en")
    assert a.ok and b.ok, (a.errors[:3], b.errors[:3])

    def named(ds):
        names = {**dict(zip(ds.organisations["id"], ds.organisations["name"], strict=True)),
                 **dict(zip(ds.parent_groups["id"], ds.parent_groups["name"], strict=True))}
        reach = {(names[o], names[g]) for o, g in zip(ds.reach["organisation"],
                                                      ds.reach["group"], strict=True)}
        collabs = {frozenset((names[s], names[t])) for s, t in zip(
            ds.collaborations["source"], ds.collaborations["target"], strict=True)}
        table = coverage_table(analyse(ds))
        return reach, collabs, dict(zip(table["name"], table["coverage"], strict=True))

    assert named(a.dataset) == named(b.dataset)
    assert len(a.dataset.parent_groups) == 13
    # Kumu's element Type on a group is kept, beside the graph's own node type.
    assert set(b.dataset.parent_groups["node_type"]) == {"State"}


def test_kumu_tutorial_with_one_element_type_says_which_values_are_unmapped():
    project = tool_file("kumu_snap-to-tutorial-project.json")
    result = import_graph([("project.json", project)],
                          Mapping("element type", ("Organisation",)), "en")
    warning = next(w for w in result.warnings if w.code == "type_unmapped")
    assert warning.value == "State" and "51 nodes" in warning.message


def test_kumu_paypal_mafia_workbook_imports_people_and_companies():
    data, result = imported("kumu_paypal-mafia.xlsx", "paypal-mafia.xlsx", "kumu",
                            Mapping("Type", ("Company",), ("Person",), ()))
    ds = result.dataset
    assert sorted(ds.organisations["kind"].value_counts().items()) == [("formal", 17),
                                                                       ("informal", 17)]
    graph = read_graph([("paypal-mafia.xlsx", data)])
    assert len(ds.collaborations) == len(graph.edges) == 49
    assert "board_affiliations" in ds.organisations.columns or any(
        "board" in c.lower() for c in ds.organisations.columns)


def test_kumu_workbook_broken_as_published_is_a_message_in_both_languages():
    data = tool_file("kumu_overview-of-the-euro-crisis.xlsx")
    assert recognise("euro.xlsx", data) is None
    for lang in ("nl", "en"):
        result = import_graph([("euro.xlsx", data)], CHANGELABS, lang)
        assert [i.code for i in result.errors] == ["workbook_invalid"]
        assert result.errors[0].file == "euro.xlsx"


# --------------------------------------------------------------------------- Network Canvas

CLOSENESS = Mapping("RelStrength", ("Very_close",), ("Somewhat_close",), ("Not_close_at_all",))


def test_network_canvas_export_is_recognised_and_keeps_its_parallel_ties():
    data, result = imported("networkcanvas_case_1.graphml", "case_1.graphml", "network-canvas",
                            CLOSENESS)
    ds = result.dataset
    graph = nx.read_graphml(io.BytesIO(data))
    assert isinstance(graph, nx.MultiGraph) and not graph.is_directed()
    kind = {n: CLOSENESS.role(d.get("RelStrength")) for n, d in graph.nodes(data=True)}
    org_ties = [(u, v) for u, v, _k in graph.edges(keys=True)
                if kind[u] != "group" and kind[v] != "group"]
    assert len(ds.collaborations) == len(org_ties)  # typed parallel ties stay rows
    assert "networkCanvasType" not in ds.organisations.columns
    assert not {w.code for w in result.warnings} & {"collab_one_way", "collab_mutual"}
    assert coverage(ds) == expected_classes(nx.Graph(graph), kind)


def test_network_canvas_with_only_person_nodes_needs_another_attribute():
    data = tool_file("networkcanvas_case_1.graphml")
    result = import_graph([("case_1.graphml", data)],
                          Mapping("networkCanvasType", ("Organisation",)), "en")
    warning = next(w for w in result.warnings if w.code == "type_unmapped")
    assert warning.value == "Person"


def test_cli_imports_a_real_directed_kumu_file(tmp_path):
    data = tool_file("kumu_changelabs-template.json")
    source = tmp_path / "template.json"
    source.write_bytes(data)
    done = subprocess.run([sys.executable, "-m", "mapping", "import-graph", str(source),
                           "--type-field", "element type", "--formal", "Stakeholder",
                           "--informal", "Interviewee", "--group", "Resource",
                           "--out", str(tmp_path / "out"), "--lang", "en"], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "name each other" in done.stdout and "Traceback" not in done.stdout + done.stderr
