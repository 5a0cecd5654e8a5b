"""What each side brings: forms of collaboration between formal and informal, both ways.

The source text describes an exchange. Professionals support informal
meetings with expertise and open doors to specialised help (referral);
informal partners advise professionals on approach and cultural accents and
mediate when a professional is stuck; both can run joint projects
(:data:`mapping.domain.schema.FORMS`). Formal organisations tend to treat informal
ones as an entrance to parents; a relation in which only the informal side
gives runs one way, and the rated *equality* of that link is shown next to it.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import pandas as pd

from mapping.analysis import graph as g
from mapping.domain.schema import FORMS, canonical_form
from mapping.i18n import Catalog, format_number, translate
from mapping.locales import catalog

MESSAGES: Catalog = catalog.namespace("forms")

COLUMNS: tuple[str, ...] = (
    "formal", "formal_name", "informal", "informal_name", "forms", "unknown_forms",
    "to_informal", "to_formal", "joint", "one_way", "groups_reached", "equality",
)


def exchange(graph: nx.Graph) -> pd.DataFrame:
    """One row per formal–informal collaboration: who gives what, and one-way relations.

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`: the two ids and names; ``forms`` (known forms,
        canonical, sorted) and ``unknown_forms`` (other words in the cells);
        ``to_informal`` / ``to_formal`` / ``joint`` (some form gives in that
        direction); ``one_way`` (``"informal_gives_only"``,
        ``"formal_gives_only"`` or ``None``; a link with no known form is not
        judged); ``groups_reached`` by the informal organisation (how much of
        an entrance it is); ``equality`` (the link's mean rating or NaN).
    """
    rows = []
    for u, v, data in graph.edges(data=True):
        if data.get("type") != g.COLLABORATION:
            continue
        kinds = {graph.nodes[u].get("kind"), graph.nodes[v].get("kind")}
        if kinds != {"formal", "informal"}:
            continue
        formal, informal = (u, v) if graph.nodes[u].get("kind") == "formal" else (v, u)
        rows.append(_row(graph, formal, informal, data))
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    # Informal partners used as an entrance and getting nothing back first, then the
    # other one-way relations, then the rest; bigger entrances first within each.
    rank = frame["one_way"].map({"informal_gives_only": 0, "formal_gives_only": 1}).fillna(2)
    order = (pd.DataFrame({"rank": rank, "reached": -frame["groups_reached"]})
             .sort_values(["rank", "reached"], kind="stable").index)
    return frame.loc[order].reset_index(drop=True)


def _row(graph: nx.Graph, formal: str, informal: str, data: dict[str, Any]) -> dict[str, Any]:
    known, unknown = set(), set()
    for word in data.get("forms") or ():
        form, ok = canonical_form(word)
        (known if ok else unknown).add(form)
    directions = {FORMS[f] for f in known}
    to_informal, to_formal = "to_informal" in directions, "to_formal" in directions
    joint = "both" in directions
    one_way = None
    if to_formal and not (to_informal or joint):
        one_way = "informal_gives_only"
    elif to_informal and not (to_formal or joint):
        one_way = "formal_gives_only"
    reached = sum(1 for m in graph.neighbors(informal)
                  if graph.edges[informal, m].get("type") == g.REACH)
    equality = data.get("equality")
    return {
        "formal": graph.nodes[formal].get("id"), "formal_name": graph.nodes[formal].get("name"),
        "informal": graph.nodes[informal].get("id"),
        "informal_name": graph.nodes[informal].get("name"),
        "forms": tuple(sorted(known)), "unknown_forms": tuple(sorted(unknown)),
        "to_informal": to_informal, "to_formal": to_formal, "joint": joint,
        "one_way": one_way, "groups_reached": reached,
        "equality": math.nan if equality is None else float(equality),
    }


def brings_and_receives(links: pd.DataFrame) -> pd.DataFrame:
    """Per organisation in :func:`exchange`: the forms it brings and the forms it receives.

    Columns: ``id``, ``name``, ``brings``, ``receives`` (sorted tuples of
    forms), ``one_way_links`` (links of this organisation that run one way).
    """
    table: dict[str, dict[str, Any]] = {}

    def entry(org: str, name: Any) -> dict[str, Any]:
        return table.setdefault(org, {"id": org, "name": name, "brings": set(),
                                      "receives": set(), "one_way_links": 0})

    for row in links.itertuples(index=False):
        formal, informal = entry(row.formal, row.formal_name), entry(row.informal,
                                                                     row.informal_name)
        for form in row.forms:
            giver, taker = ((formal, informal) if FORMS[form] == "to_informal" else
                            (informal, formal) if FORMS[form] == "to_formal" else (None, None))
            if giver is None:  # a joint project: both bring and both receive
                for side in (formal, informal):
                    side["brings"].add(form)
                    side["receives"].add(form)
            else:
                giver["brings"].add(form)
                taker["receives"].add(form)
        if row.one_way:
            formal["one_way_links"] += 1
            informal["one_way_links"] += 1
    rows = [{**e, "brings": tuple(sorted(e["brings"])), "receives": tuple(sorted(e["receives"]))}
            for e in table.values()]
    return pd.DataFrame(rows, columns=["id", "name", "brings", "receives", "one_way_links"])


def form_label(form: str, lang: str = "nl") -> str:
    """Readable name of a form (the word itself when it is not in the vocabulary)."""
    return translate(MESSAGES, form, lang) if form in FORMS else form.replace("_", " ")


def one_way_sentences(links: pd.DataFrame, lang: str = "nl") -> list[str]:
    """One sentence per one-way relation of :func:`exchange`, entrances to most groups first."""
    out = []
    for row in links[links["one_way"].notna()].itertuples(index=False):
        giving = [f for f in row.forms if FORMS[f] == ("to_formal" if row.one_way ==
                                                      "informal_gives_only" else "to_informal")]
        given = f" {translate(MESSAGES, 'and', lang)} ".join(form_label(f, lang) for f in giving)
        n = int(row.groups_reached)
        entrance = ("" if n == 0 else translate(MESSAGES, "entrance_count", lang, n=n))
        equality = (translate(MESSAGES, "unrated", lang) if math.isnan(row.equality)
                    else format_number(row.equality, lang, 1))
        out.append(translate(MESSAGES, row.one_way, lang, formal=row.formal_name or row.formal,
                             informal=row.informal_name or row.informal, given=given,
                             entrance=entrance, equality=equality))
    return out
