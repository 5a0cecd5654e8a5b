"""Forms of collaboration with a direction: who brings what, one-way relations flagged."""

from __future__ import annotations

import pandas as pd
import pytest

from mapping.analysis.forms import brings_and_receives, exchange, one_way_sentences
from mapping.analysis.graph import build_graph
from mapping.domain.schema import canonical_form
from tests.analysis.conftest import make_dataset


@pytest.mark.parametrize(("word", "form"), [
    ("Expertise", "expertise"), ("doorverwijzing", "referral"), ("Deuren openen", "referral"),
    ("advies", "advice"), ("Bemiddeling", "mediation"), ("gezamenlijk project", "joint_project"),
    ("Joint project", "joint_project")])
def test_dutch_and_english_words_share_one_form(word, form):
    assert canonical_form(word) == (form, True)


def test_unknown_form_is_kept_without_direction():
    assert canonical_form("Koffie drinken") == ("koffie_drinken", False)


def _links(forms_by_pair):
    orgs = [("F1", "formal"), ("F2", "formal"), ("I1", "informal"), ("I2", "informal")]
    collabs = [{"source": a, "target": b, "form": form, **({} if eq is None else {"equality": eq})}
               for (a, b), (form, eq) in forms_by_pair.items()]
    ds = make_dataset(orgs, groups=[("G1", 10), ("G2", 5)],
                      reach=[("I1", "G1"), ("I1", "G2")], collaborations=collabs)
    return exchange(build_graph(ds))


def test_one_way_relations_are_flagged_informal_first():
    links = _links({("I1", "F1"): ("advies", 2.0), ("F2", "I2"): ("expertise", 4.0),
                    ("F1", "I2"): ("gezamenlijk project", 4.5)})
    by_pair = {(r.formal, r.informal): r for r in links.itertuples()}
    assert by_pair[("F1", "I1")].one_way == "informal_gives_only"
    assert by_pair[("F1", "I1")].groups_reached == 2
    assert by_pair[("F2", "I2")].one_way == "formal_gives_only"
    assert pd.isna(by_pair[("F1", "I2")].one_way) and by_pair[("F1", "I2")].joint
    assert list(links["one_way"])[:2] == ["informal_gives_only", "formal_gives_only"]
    en = one_way_sentences(links, "en")
    assert en[0] == ("Org I1 gives Org F1 advice and is the entrance to 2 parent groups, but "
                     "gets no expertise, referral or joint project back (equality: 2.0).")


def test_two_ways_is_not_one_way_and_unknown_forms_are_not_judged():
    links = _links({("I1", "F1"): ("advies", None), ("F1", "I1"): ("doorverwijzing", None),
                    ("I2", "F2"): ("koffie", None)})
    by_pair = {(r.formal, r.informal): r for r in links.itertuples()}
    assert pd.isna(by_pair[("F1", "I1")].one_way)
    assert pd.isna(by_pair[("F2", "I2")].one_way)
    assert by_pair[("F2", "I2")].unknown_forms == ("koffie",)


def test_brings_and_receives_per_organisation():
    links = _links({("I1", "F1"): ("bemiddeling", None), ("F1", "I1"): ("expertise", None),
                    ("F2", "I2"): ("gezamenlijk project", None)})
    table = brings_and_receives(links).set_index("id")
    assert table.loc["F1", "brings"] == ("expertise",)
    assert table.loc["F1", "receives"] == ("mediation",)
    assert table.loc["I1", "brings"] == ("mediation",)
    assert table.loc["I2", "brings"] == ("joint_project",) == table.loc["F2", "receives"]
