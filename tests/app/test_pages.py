"""Every page under AppTest: runs without exception, shows its elements and the report's figures."""

from __future__ import annotations

import pandas as pd
import pytest

from mapping.analysis.coverage_summary import worst_first
from mapping.analysis.report import analyse
from mapping.i18n import format_percent
from mapping.session import md_escape
from mapping.ui_text import number, t
from mapping.views.palette import label
from mapping.views.render_network import filter_graph
from tests.app.conftest import (
    DEMO,
    PAGES,
    assert_elements,
    cli_report,
    network_nodes,
    shown_dataset,
)

TITLES = {"overview": "overview_title", "network": "network_title", "map": "map_title",
          "gaps": "gaps_title", "collaboration": "collab_title", "roles": "roles_title",
          "topics": "topics_title", "data": "data_title"}


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_with_demo(app, page):
    """Title, no error, the page's elements, and the pages of one dataset say which it is."""
    at = app(page)
    assert not at.exception, at.exception
    assert [x.value for x in at.title] == [t(TITLES[page], "nl")]
    assert not at.error, [e.value for e in at.error]
    assert_elements(at, page, DEMO)
    if page in ("overview", "network", "map", "gaps", "collaboration"):
        captions = [c.value for c in at.caption]
        name = md_escape(shown_dataset().name)
        assert any(name in c and "Getoond" in c for c in captions), captions


@pytest.mark.parametrize("page", PAGES)
def test_page_in_english(app, page):
    at = app(page, {"lang": "en"})
    assert not at.exception
    assert [x.value for x in at.title] == [t(TITLES[page], "en")]


def test_overview_figures_equal_the_report(app, demo_report):
    """The overview shows what ``python -m mapping report data/demo --json`` prints."""
    at = app("overview")
    dataset = shown_dataset()
    report = demo_report
    metrics = {m.label: m.value for m in at.metric}
    families = sum(v["families"] for v in report["summary"].values())
    formal = int((dataset.organisations["kind"] == "formal").sum())
    assert metrics[t("organisations", "nl")] == number(len(dataset.organisations))
    split = {m.label: m.proto.delta for m in at.metric}[t("organisations", "nl")]
    assert split == t("orgs_split", "nl", formal=formal,
                      informal=len(dataset.organisations) - formal)
    assert metrics[t("groups", "nl")] == number(len(report["groups"]))
    assert metrics[t("families", "nl")] == number(families)
    assert metrics[t("share_route", "nl")] == format_percent(report["share"], "nl")
    assert metrics[t("unreached_groups", "nl")] == number(report["summary"]["unreached"]["groups"])
    assert metrics[t("informal_only_groups", "nl")] == number(
        report["summary"]["informal_only"]["groups"])
    fragile = sum(1 for g in report["groups"] if g["fragile"])
    assert metrics[t("fragile_groups", "nl")] == number(fragile)
    gaps = "\n".join(m.value for m in at.markdown)
    assert report["gaps"]
    for sentence in report["gaps"]:
        assert md_escape(sentence) in gaps


def test_overview_respects_quality_threshold(app):
    at = app("overview", {"q": "3"})
    report = cli_report(DEMO, "--min-quality", "3")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("share_route", "nl")] == format_percent(report["share"], "nl")


def test_gaps_table_equals_the_report(app, demo_report):
    at = app("gaps")
    report = demo_report
    table = at.dataframe[0].value
    assert len(table) == len(report["groups"])
    # Worst first: the report's groups in the order worst_first gives them.
    groups = worst_first(pd.DataFrame(report["groups"]))
    assert list(table[t("col_name", "nl")]) == list(groups["name"])
    assert list(table[t("col_routes", "nl")]) == list(groups["routes"])
    assert list(table[t("col_coverage", "nl")]) == [label(c, "nl") for c in groups["coverage"]]
    assert list(table[t("col_distance", "nl")]) == [
        "–" if pd.isna(d) else str(int(d)) for d in groups["distance"]]
    text = "\n".join(m.value for m in at.markdown)
    assert report["suggestions"]
    for s in report["suggestions"]:
        assert md_escape(s["explanation"]) in text


def test_gaps_what_if_shows_before_and_after(app):
    at = app("gaps")
    dataset = shown_dataset()
    formal = dataset.organisations.query("kind == 'formal'")["id"].tolist()
    at.multiselect(key="gap_rm.nl").set_value(formal).run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert t("before", "nl") in labels and t("after", "nl") in labels


def test_network_draws_the_filtered_graph(app):
    dataset = shown_dataset()
    hood = sorted(h for h in dataset.parent_groups["neighbourhood"] if h)[0]
    at = app("network", {"hood": hood})
    assert not at.exception
    assert at.multiselect(key="net_hood.nl").value == [hood]
    from mapping.analysis.graph import build_graph

    expected = filter_graph(build_graph(dataset), [hood],
                            coverage=analyse(dataset)).number_of_nodes()
    assert network_nodes(at) == expected


def test_network_filter_change_recomputes_no_analysis(app):
    from pages import _shared

    at = app("network")
    before = dict(_shared.CALLS)
    dataset = shown_dataset()
    category = sorted(dataset.organisations["category"])[0]
    at.multiselect(key="net_cat.nl").set_value([category]).run()
    at.toggle(key="net_phys.nl").set_value(True).run()
    at.selectbox(key="net_grp.nl").set_value(str(dataset.parent_groups["id"].iloc[0])).run()
    assert not at.exception
    assert dict(_shared.CALLS) == before
    assert at.query_params["cat"] in (category, [category])


def test_quality_threshold_change_recomputes_coverage_once(app):
    from pages import _shared

    at = app("network")
    before = _shared.CALLS["coverage"]
    # AppTest drops app.py's sidebar widgets from its tree after switch_page, so the
    # sidebar slider is set through its session-state key.
    at.session_state["min_q.nl"] = 4.5
    at.run()
    assert _shared.CALLS["coverage"] == before + 1
    at.multiselect(key="net_cls.nl").set_value(["unreached"]).run()
    at.session_state["min_q.nl"] = 4.5
    at.run()
    assert _shared.CALLS["coverage"] == before + 1


def test_network_view_survives_in_the_url(app):
    dataset = shown_dataset()
    group = str(dataset.parent_groups["id"].iloc[0])
    at = app("network", {"grp": group, "phys": "1", "cls": ["unreached", "bogus"]})
    assert not at.exception
    assert at.selectbox(key="net_grp.nl").value == group
    assert at.toggle(key="net_phys.nl").value is True
    assert at.multiselect(key="net_cls.nl").value == ["unreached"]


def test_presentation_mode_from_url(app):
    at = app("overview", {"present": "1"})
    assert at.toggle(key="present.nl").value is True
    assert any("font-size: 22px" in h.value for h in at.get("html")) or at.session_state[
        "present"]
    assert not at.exception


def test_collaboration_flags_few_raters(app):
    at = app("collaboration")
    table = at.dataframe[0].value
    flag_col = t("col_few_raters", "nl")
    assert flag_col in table.columns
    assert (table[flag_col] == t("few_raters_flag", "nl")).any()
    scores = [v for v in table[t("trust", "nl")] if v]
    assert scores and all("," in v and "." not in v for v in scores)  # Dutch decimal comma


def test_map_page_embeds_the_map(app):
    at = app("map")
    frames = at.get("iframe")
    assert len(frames) == 1
    assert "wijkkaart-status" in frames[0].proto.srcdoc


def test_map_and_collaboration_view_changes_recompute_no_analysis(app):
    from pages import _shared

    at = app("map")
    before = dict(_shared.CALLS)
    at.toggle(key="map_lines.nl").set_value(True).run()
    at.session_state["map_base.nl"] = "none"
    at.run()
    assert not at.exception
    at.switch_page("pages/collaboration.py")
    at.run()
    at.switch_page("pages/map.py")
    at.run()
    # Only the collaboration page's own tables were new; nothing was recomputed.
    own = ("quality", "exchange", "collab_links", "collab_exchange", "collab_charts",
           "collab_csv")
    assert {k: v for k, v in _shared.CALLS.items() if k not in own} == \
        {k: v for k, v in before.items() if k not in own}
    assert at.query_params["lines"] in ("1", ["1"])



def test_what_only_reads_the_graph_does_not_wait_for_a_layout(app):
    """At city size the layout costs several times the graph: measures, roles, map and the
    collaboration exchange read the graph alone, and the network page lays out that same object."""
    import streamlit as st

    from mapping.io.load import load_path
    from pages import _analysis, _shared

    dataset = load_path(DEMO).dataset
    before = dict(_shared.CALLS)
    _shared.measures("k", None, dataset)
    _shared.graph("k", dataset)
    assert _shared.CALLS["graph"] - before.get("graph", 0) == 1
    assert _shared.CALLS["layout"] == before.get("layout", 0)
    st.session_state.clear()
    built, placed = _analysis.graph_and_positions("k", dataset)
    assert built is _shared.graph("k", dataset)  # one graph in memory, not a second copy
    assert set(placed) == set(built.nodes)
    assert _shared.CALLS["layout"] - before.get("layout", 0) == 1
    assert _shared.CALLS["graph"] - before.get("graph", 0) == 1
