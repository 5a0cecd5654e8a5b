"""What-if sentences: first route, extra route, worse class and one route less told apart."""

from __future__ import annotations

from mapping.analysis.report import analyse
from mapping.analysis.whatif import effect_sentences, what_if
from tests.analysis.conftest import make_dataset


def _district():
    # G1 (40): reached by I1 only, no chain (informal only).
    # G2 (25): reached by I2 (works with F1) and I3 (works with nobody): bridged, one route.
    # G3 (10): reached by F1 and F2 directly: two routes.
    return make_dataset(
        [("F1", "formal"), ("F2", "formal"), ("I1", "informal"), ("I2", "informal"),
         ("I3", "informal")],
        groups=[("G1", 40), ("G2", 25), ("G3", 10)],
        reach=[("I1", "G1"), ("I2", "G2"), ("I3", "G2"), ("F1", "G3"), ("F2", "G3")],
        collaborations=[("I2", "F1")])


def test_adding_links_separates_first_route_from_extra_route():
    cov = analyse(_district())
    result = what_if(cov, add_links=[("F2", "I1"), ("F2", "I3")])
    assert effect_sentences(cov, result, "en") == [
        "To a better coverage class (for example from informal only to bridged): 1 group "
        "(40 families).",
        "Same class, one more route (such as a second route): 1 group (25 families).",
        # 35 of 75 families had a route; all 75 have one after.
        "Families with a route to professional help: 47% → 100%.",
    ]


def test_removing_separates_worse_class_from_one_route_less():
    cov = analyse(_district())
    assert effect_sentences(cov, what_if(cov, remove_orgs=["F1"]), "nl") == [
        "Naar een slechtere dekkingsklasse: 1 groep (25 gezinnen).",
        "Zelfde klasse, een route minder: 1 groep (10 gezinnen).",
        "Gezinnen met een route naar professionele hulp: 47% → 13%.",
    ]
