"""Topic x group matrix and taboo-topic support on a hand-built district."""

from __future__ import annotations

from mapping.analysis.report import analyse
from mapping.analysis.topics import taboo_support, topic_matrix
from tests.analysis.conftest import make_dataset


def _district():
    return make_dataset(
        [("F", "formal", "veilig_thuis", "C", ["domestic_violence"]),
         ("I1", "informal", "mzo", "C", ["raising_children"]),
         ("I2", "informal", "moskee", "C"),
         ("F2", "formal", "cjg", "C", ["homosexuality"])],
        groups=[("G1", 30), ("G2", 50), ("G3", 10), ("G4", 5)],
        reach=[("I1", "G1", ["domestic_violence"]), ("I2", "G2", ["homosexuality"]),
               ("I1", "G3"), ("F", "G3", ["school"])],
        collaborations=[("I1", "F")])


def test_matrix_uses_link_topics_else_the_organisations():
    ds = _district()
    matrix = topic_matrix(ds, analyse(ds).network)
    assert matrix["G1"] == {"domestic_violence": ["I1"]}
    # G3: I1's link has no topics, so I1's own topics count; F's link says school.
    assert matrix["G3"] == {"raising_children": ["I1"], "school": ["F"]}
    assert matrix["G4"] == {}


def test_taboo_support_names_partners_then_candidates():
    ds = _district()
    found = taboo_support(ds, analyse(ds).network)
    by_group = {link["group"]: link for link in found["links"]}
    # I1 discusses domestic violence with G1 and already works with Veilig Thuis (F).
    assert by_group["G1"]["partners"] == ["F"] and by_group["G1"]["candidates"] == []
    # I2 has no formal partner: the formal organisation that discusses the topic is suggested.
    assert by_group["G2"]["partners"] == [] and by_group["G2"]["candidates"] == ["F2"]
    assert found["silent"] == ["G3"]
    assert found["unreached"] == ["G4"]
