"""Topics: which parent groups are reached by an organisation that discusses a topic.

A reach link carries the topics discussed with that group; when its ``topics``
cell is empty, the reaching organisation's own ``topics`` stand in for it.
Topic values are compared after normalisation (lower case, spaces and hyphens
as underscores), so ``"Honour violence"`` matches ``honour_violence``.
"""

from __future__ import annotations

from typing import Any

from mapping.analysis.coverage import Network
from mapping.i18n import Catalog, translate

TOPICS: tuple[str, ...] = (
    "raising_children", "school", "discrimination", "harmful_influences",
    "homosexuality", "domestic_violence", "honour_violence",
)
"""The topics vocabulary, in display order."""

TABOO: frozenset[str] = frozenset({"homosexuality", "domestic_violence", "honour_violence"})
"""Topics that are hard to raise; the product highlights who can."""

LABELS: Catalog = {
    "nl": {
        "raising_children": "opvoeden in Nederland",
        "school": "het schoolsysteem",
        "discrimination": "omgaan met discriminatie",
        "harmful_influences": "schadelijke invloeden",
        "homosexuality": "homoseksualiteit",
        "domestic_violence": "huiselijk geweld",
        "honour_violence": "eergerelateerd geweld",
    },
    "en": {
        "raising_children": "raising children in the Netherlands",
        "school": "the school system",
        "discrimination": "coping with discrimination",
        "harmful_influences": "harmful influences",
        "homosexuality": "homosexuality",
        "domestic_violence": "domestic violence",
        "honour_violence": "honour-related violence",
    },
}


def normalise_topic(value: str) -> str:
    """Canonical form of a topic name."""
    return "_".join(str(value).strip().lower().replace("-", " ").split())


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(t for t in value.split("|") if t.strip())
    return tuple(value)


def reach_topics(reach_row_topics: Any, org_topics: Any) -> set[str]:
    """Topics of one reach link: its own, or the organisation's when it has none."""
    own = _as_tuple(reach_row_topics)
    return {normalise_topic(t) for t in (own or _as_tuple(org_topics))}


def topic_reach(net: Network, reach_topics_by_link: dict[tuple[str, str], Any]) -> dict[str, Any]:
    """For each topic: the groups reached by an organisation that discusses it.

    Parameters
    ----------
    net
        The network (organisation attributes carry ``topics``).
    reach_topics_by_link
        ``(org id, group id) -> topics`` cell of the reach link.

    Returns
    -------
    dict
        ``topic -> {"groups": [...], "families": n, "organisations": [...],
        "taboo": bool}``; topics outside :data:`TOPICS` are included too.
    """
    result: dict[str, dict[str, Any]] = {
        t: {"groups": set(), "organisations": set(), "taboo": t in TABOO} for t in TOPICS}
    for gid, orgs in net.reach.items():
        for org in orgs:
            topics = reach_topics(reach_topics_by_link.get((org, gid)),
                                  net.orgs.get(org, {}).get("topics"))
            for topic in topics:
                entry = result.setdefault(topic, {"groups": set(), "organisations": set(),
                                                  "taboo": topic in TABOO})
                entry["groups"].add(gid)
                entry["organisations"].add(org)
    for entry in result.values():
        entry["families"] = sum(net.families(gid) for gid in entry["groups"])
        entry["groups"] = sorted(entry["groups"])
        entry["organisations"] = sorted(entry["organisations"])
    return result


def topics_from_dataset(dataset: Any, net: Network) -> dict[str, Any]:
    """:func:`topic_reach` with the reach links' topics taken from ``dataset.reach``."""
    reach = dataset.reach
    cells = reach["topics"] if "topics" in reach.columns else [None] * len(reach)
    by_link = {(str(o), str(gid)): t
               for o, gid, t in zip(reach["organisation"], reach["group"], cells, strict=True)}
    return topic_reach(net, by_link)


def topic_label(topic: str, lang: str = "nl") -> str:
    """Readable name of a topic (the raw name when it is not in the vocabulary)."""
    try:
        return translate(LABELS, topic, lang)
    except KeyError:
        return topic.replace("_", " ")


def _link_topics(dataset: Any, net: Network) -> dict[tuple[str, str], set[str]]:
    """``(org, group) -> topics`` of each reach link (the organisation's if the link has none)."""
    reach = dataset.reach
    cells = reach["topics"] if "topics" in reach.columns else [None] * len(reach)
    return {(str(o), str(gid)): reach_topics(t, net.orgs.get(str(o), {}).get("topics"))
            for o, gid, t in zip(reach["organisation"], reach["group"], cells, strict=True)}


def topic_matrix(dataset: Any, net: Network) -> dict[str, dict[str, list[str]]]:
    """Group x topic: which organisations discuss each topic with each group.

    Returns
    -------
    dict
        Group id -> topic -> sorted organisation ids; every group of the
        network is present (a group nobody reaches has no topics).
    """
    matrix: dict[str, dict[str, list[str]]] = {gid: {} for gid in net.groups}
    for (org, gid), topics in _link_topics(dataset, net).items():
        for topic in topics:
            matrix.setdefault(gid, {}).setdefault(topic, []).append(org)
    for by_topic in matrix.values():
        for orgs in by_topic.values():
            orgs.sort()
    return matrix


def taboo_support(dataset: Any, net: Network) -> dict[str, Any]:
    """Where the taboo topics are discussed, and who could back that up with expertise.

    Returns
    -------
    dict
        ``silent``: ids of groups reached by some organisation but with no
        organisation that discusses any taboo topic with them, most families
        first; ``unreached``: ids of groups nobody reaches (no topic at all);
        ``links``: one entry per (taboo topic, informal organisation, group)
        with ``topic``, ``organisation``, ``group``, ``partners`` (formal
        organisations the informal one already works with: they can support
        the meeting with expertise and open doors to specialised help) and
        ``candidates`` (when it has no formal partner: formal organisations
        that discuss the topic themselves).
    """
    matrix = topic_matrix(dataset, net)
    formal_on: dict[str, list[str]] = {}
    for org, data in net.orgs.items():
        if org in net.formal:
            for topic in reach_topics(None, data.get("topics")):
                formal_on.setdefault(topic, []).append(org)
    links = []
    for gid, by_topic in matrix.items():
        for topic in sorted(TABOO & by_topic.keys()):
            for org in by_topic[topic]:
                if org in net.formal:
                    continue
                partners = sorted(p for p in net.adj.get(org, ()) if p in net.formal)
                links.append({"topic": topic, "organisation": org, "group": gid,
                              "partners": partners,
                              "candidates": [] if partners else sorted(formal_on.get(topic, []))})
    reached = {gid for gid, orgs in net.reach.items() if orgs}
    silent = [gid for gid in net.groups
              if gid in reached and not TABOO & matrix.get(gid, {}).keys()]
    silent.sort(key=lambda gid: (-net.families(gid), gid))
    unreached = sorted((gid for gid in net.groups if gid not in reached),
                       key=lambda gid: (-net.families(gid), gid))
    return {"silent": silent, "unreached": unreached, "links": links}
