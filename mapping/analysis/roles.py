"""Roles in the collaboration network: brokers, sole bridges and brokerage between the sides.

Three questions a team lead asks, each answered in one plain sentence per
organisation:

* **Brokers** (:func:`mapping.analysis.brokers.brokers`): whose departure would leave
  parent groups worse off, and how many families are at stake.
* **Sole bridges**: the organisations that are the *only* route to
  professional help for some group.
* **Brokerage between formal and informal** (Gould & Fernandez 1989): who
  connects organisations that do not work together directly, and across which
  sides. For every organisation *b* and every pair of its partners *a*, *c*
  that do not collaborate themselves, the triad *a – b – c* is classified by
  the sides (the ``kind`` attribute, or any other node attribute):

  ================  ==============================================
  coordinator       a, b and c on the same side
  itinerant         a and c on one side, b on the other (b links two
                    organisations of the other side, e.g. a professional
                    between two informal partners)
  gatekeeper        b and c on one side, a on the other: b opens its
                    own side to an outsider
  representative    a and b on one side, c on the other: b speaks for
                    its own side to an outsider
  liaison           a, b and c on three different sides (only with an
                    attribute of three or more values, such as ``category``)
  ================  ==============================================

  Collaborations are undirected here, so every gatekeeper triad is a
  representative triad read the other way round; both counts are given
  because that is the standard vocabulary, and they are equal.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import networkx as nx
import pandas as pd

from mapping.analysis.coverage import Coverage
from mapping.analysis.coverage_summary import join_names
from mapping.i18n import Catalog, translate
from mapping.locales import catalog

ROLES: tuple[str, ...] = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")
"""Gould-Fernandez brokerage roles, in the order of the table."""

MESSAGES: Catalog = catalog.namespace("roles")


def brokerage(collab: nx.Graph, attribute: str = "kind") -> pd.DataFrame:
    """Gould-Fernandez brokerage counts per organisation (see the module docstring).

    Parameters
    ----------
    collab
        The collaborations that count, from :func:`mapping.analysis.graph.collaboration_graph`.
    attribute
        The node attribute that defines the sides (``"kind"``: formal/informal;
        ``"category"`` gives liaisons as well).

    Returns
    -------
    pandas.DataFrame
        One row per organisation node: ``node``, ``id``, ``name``, ``side``,
        one count column per role in :data:`ROLES` and ``total``, sorted by
        total (largest first), then id. Cost: the sum over organisations of
        their partners squared (a city of 5,000 organisations: well under a
        second).
    """
    adjacency = {n: set(collab.adj[n]) - {n} for n in collab}
    side = {n: collab.nodes[n].get(attribute) for n in collab}
    rows = []
    for broker, partners in adjacency.items():
        counts = dict.fromkeys(ROLES, 0)
        ordered = sorted(partners, key=str)
        for i, a in enumerate(ordered):
            for c in ordered[i + 1:]:
                if c not in adjacency[a]:
                    for role in _roles(side[a], side[broker], side[c]):
                        counts[role] += 1
        data = collab.nodes[broker]
        rows.append({"node": broker, "id": data.get("id", broker), "name": data.get("name"),
                     "side": side[broker], **counts, "total": sum(counts.values())})
    columns = ["node", "id", "name", "side", *ROLES, "total"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["total", "id"], ascending=[False, True], kind="stable",
                             ignore_index=True)


def _roles(a: Hashable, b: Hashable, c: Hashable) -> tuple[str, ...]:
    """The roles of broker ``b`` in the unordered open triad ``a - b - c``."""
    if a == b == c:
        return ("coordinator",)
    if a == c:
        return ("itinerant",)
    if b in (a, c):
        # Read one way b is a gatekeeper, the other way a representative.
        return ("gatekeeper", "representative")
    return ("liaison",)


def broker_sentences(cov: Coverage, brokers: list[dict[str, Any]], lang: str = "nl",
                     limit: int | None = None) -> list[dict[str, Any]]:
    """The brokers of :func:`mapping.analysis.brokers.brokers` with one plain sentence each.

    A group that falls to a worse class and a group that only loses one of
    several routes are different stakes, so they get different sentences and
    their own figures; a broker whose departure costs nothing is left out.

    Returns
    -------
    list of dict
        ``id``, ``name``, ``kind``, ``families`` (at stake: worse off, else
        losing a route), ``sentences`` (one to three strings), ``sole_bridge``.
    """
    net = cov.network
    out = []
    for entry in brokers:
        route_only = [g for g in entry["route_groups"] if g not in entry["worse_groups"]]
        if not entry["worse_groups"] and not route_only:
            continue
        name = entry["name"]
        sentences = []
        if entry["worse_groups"]:
            names = [net.name(g, is_group=True) for g in entry["worse_groups"]]
            sentences.append(translate(MESSAGES, "worse_count", lang, name=name, count=len(names),
                                       groups=len(names), families=entry["worse_families"],
                                       names=join_names(names, lang)))
        if route_only:
            sentences.append(translate(MESSAGES, "route_count", lang, count=len(route_only),
                                       name=name,
                                       groups=len(route_only),
                                       families=sum(net.families(g) for g in route_only)))
        if entry["sole_bridge_for"]:
            names = [net.name(g, is_group=True) for g in entry["sole_bridge_for"]]
            sentences.append(translate(MESSAGES, "sole", lang, name=name,
                                       names=join_names(names, lang)))
        out.append({"id": entry["id"], "name": name, "kind": entry["kind"],
                    "families": entry["worse_families"] or entry["route_families"],
                    "sentences": sentences, "sole_bridge": entry["sole_bridge"]})
        if limit is not None and len(out) >= limit:
            break
    return out


def brokerage_sentence(row: pd.Series | dict[str, Any], lang: str = "nl") -> str:
    """The main bridging role of one row of :func:`brokerage` as a sentence ('' if none)."""
    side = row.get("side")
    own = translate(MESSAGES, side, lang) if side in ("formal", "informal") else str(side)
    other_side = {"formal": "informal", "informal": "formal"}.get(str(side))
    other = translate(MESSAGES, other_side, lang) if other_side else ""
    choices = [("gatekeeper", int(row.get("gatekeeper", 0))),
               ("itinerant", int(row.get("itinerant", 0))),
               ("liaison", int(row.get("liaison", 0)))]
    role, n = max(choices, key=lambda rc: rc[1])
    if n == 0:
        return ""
    return translate(MESSAGES, role, lang, name=row.get("name") or row.get("id"), n=n,
                     own=own, other=other)
