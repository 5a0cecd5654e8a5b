"""The Roles and Topics pages show what the command line's report computes."""

from __future__ import annotations

from mapping.analysis.coverage import compute, network_from_graph
from mapping.analysis.graph import build_graph
from mapping.analysis.roles import broker_sentences
from mapping.analysis.topics import taboo_support
from mapping.session import md_escape
from tests.app.conftest import shown_dataset


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_roles_page_lists_the_reports_brokers_with_their_sentences(app, demo_report):
    at = app("roles", {"lang": "en"})
    assert not at.exception, at.exception
    dataset = shown_dataset()
    cov = compute(network_from_graph(build_graph(dataset)))
    expected = broker_sentences(cov, demo_report["brokers"], "en", limit=10)
    assert expected, "the demo district has brokers"
    text = _markdown(at)
    for entry in expected:
        for sentence in entry["sentences"]:
            assert md_escape(sentence) in text
    # The brokerage table and both measure tables are drawn.
    assert len(at.dataframe) == 3
    names = set(dataset.organisations["name"])
    assert set(at.dataframe[0].value.iloc[:, 0]) <= names


def test_topics_page_calls_out_groups_without_a_taboo_topic(app):
    at = app("topics", {"lang": "en"})
    assert not at.exception, at.exception
    dataset = shown_dataset()
    net = compute(network_from_graph(build_graph(dataset))).network
    taboo = taboo_support(dataset, net)
    text = _markdown(at)
    for gid in taboo["silent"]:
        assert md_escape(net.name(gid, is_group=True)) in text
    matrix = at.dataframe[0].value
    assert len(matrix) == len(dataset.parent_groups)
    assert any("(taboo)" in str(c) for c in matrix.columns)


def test_collaboration_page_shows_who_brings_what(app):
    from mapping.analysis.forms import exchange, one_way_sentences

    at = app("collaboration", {"lang": "en"})
    assert not at.exception, at.exception
    links = exchange(build_graph(shown_dataset()))
    sentences = one_way_sentences(links, "en")
    assert sentences, "the demo district has one-way relations"
    text = _markdown(at)
    for sentence in sentences[:25]:  # the page's default rows per chart
        assert md_escape(sentence) in text
    table = at.dataframe[-1].value
    assert len(table) == len(links)


def test_overview_says_what_would_enable_the_population_comparison(app):
    from mapping.analysis.population import population_sentences

    at = app("overview", {"lang": "en"})
    assert not at.exception, at.exception
    assert population_sentences(None, "en")[0] in [c.value for c in at.caption]
