"""Topics: which parent groups are reached by an organisation that discusses a topic.

A reach link carries the topics discussed with that group; when its ``topics``
cell is empty, the reaching organisation's own ``topics`` stand in for it.
Topic values are compared after normalisation (lower case, spaces and hyphens
as underscores), so ``"Honour violence"`` matches ``honour_violence``.
"""

from __future__ import annotations

from typing import Any

from mapping.coverage import Network
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
