"""What-if: remove organisations or collaborations, add hypothetical collaborations.

The scenario is applied to a copy of the :class:`~mapping.analysis.coverage.Network`;
coverage is recomputed for the groups the change can affect and copied for
the rest. A group can only be affected when one of its reachers lies in a
connected component (of the collaboration graph before or after the change)
that contains a changed organisation, because routes and distances never leave
a component; everything else is reused unchanged.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mapping.analysis.coverage import (
    RANK,
    Coverage,
    Network,
    compute,
    distances,
    group_coverages,
)
from mapping.analysis.coverage_summary import helped_share
from mapping.i18n import Catalog, format_percent, translate
from mapping.locales import catalog

Pair = tuple[str, str]


@dataclass
class Scenario:
    """A change to the network.

    Attributes
    ----------
    remove_orgs
        Organisation ids that disappear (with their reach links and collaborations).
    remove_links
        Collaborations (pairs of organisation ids, either order) that end.
    add_links
        Hypothetical new collaborations (pairs of organisation ids).
    """

    remove_orgs: tuple[str, ...] = ()
    remove_links: tuple[Pair, ...] = ()
    add_links: tuple[Pair, ...] = ()

    def touched(self) -> set[str]:
        """Organisations whose links the scenario changes."""
        touched = set(self.remove_orgs)
        for a, b in (*self.remove_links, *self.add_links):
            touched.update((a, b))
        return touched


def apply(net: Network, scenario: Scenario) -> Network:
    """A changed copy of ``net``; ``net`` itself is untouched.

    Copy on write: the copy shares the neighbour dicts of every organisation the
    scenario leaves alone (nothing changes a network in place; a later scenario
    copies what it changes again), so one new link costs two small dicts, not a
    copy of a city's 100,000. The changed dicts keep their order, a new partner last.
    """
    adj = dict(net.adj)
    owned: set[str] = set()

    def own(org: str) -> dict[str, None]:
        if org not in owned:
            adj[org] = dict.fromkeys(adj[org])
            owned.add(org)
        return adj[org]

    for a, b in scenario.remove_links:
        if a in adj and b in adj[a]:
            own(a).pop(b, None)
        if b in adj and a in adj[b]:
            own(b).pop(a, None)
    for a, b in scenario.add_links:
        if a != b and a in adj and b in adj:  # self-collaborations are not links
            own(a)[b] = None  # a new partner goes last: the others keep their order
            own(b)[a] = None
    formal = set(net.formal)
    reach = dict(net.reach)
    for org in scenario.remove_orgs:
        for other in adj.pop(org, {}):
            if other in adj:
                own(other).pop(org, None)
        formal.discard(org)
    gone = set(scenario.remove_orgs)
    if gone:
        reach = {k: tuple(o for o in v if o not in gone) for k, v in reach.items()}
    return net.derive(adj, formal, reach, changed=owned | gone)


def _component(adj: dict[str, dict[str, None]], starts: Iterable[str]) -> set[str]:
    seen = {s for s in starts if s in adj}
    queue = deque(seen)
    while queue:
        for w in adj[queue.popleft()]:
            if w not in seen:
                seen.add(w)
                queue.append(w)
    return seen


def affected_groups(before: Network, after: Network, scenario: Scenario) -> set[str]:
    """Groups whose coverage the scenario may change (a superset, never fewer)."""
    touched = scenario.touched()
    region = _component(before.adj, touched) | _component(after.adj, touched) | touched
    return {gid for gid, orgs in before.reach.items() if any(o in region for o in orgs)}


def recompute(cov: Coverage, scenario: Scenario) -> Coverage:
    """Coverage after ``scenario``, recomputing only the affected groups."""
    after = apply(cov.network, scenario)
    dist, toward = distances(after)
    affected = affected_groups(cov.network, after, scenario)
    fresh = group_coverages(after, [gid for gid in cov.groups if gid in affected], dist, toward)
    groups = {gid: fresh.get(gid, gc) for gid, gc in cov.groups.items()}
    return Coverage(after, groups, dist, toward)


def diff(before: Coverage, after: Coverage) -> list[dict[str, Any]]:
    """Groups whose class, distance or routes changed.

    Each entry: ``id``, ``name``, ``families``, ``before``/``after`` (class),
    ``routes_before``/``routes_after``, ``distance_before``/``distance_after``
    and ``change``: ``"gained"`` (better class, or more routes) or ``"lost"``.
    """
    out = []
    for gid, old in before.groups.items():
        new = after.groups[gid]
        if (old.coverage, old.routes, old.distance) == (new.coverage, new.routes, new.distance):
            continue
        better = (RANK[new.coverage], new.routes) > (RANK[old.coverage], old.routes) or (
            RANK[new.coverage] == RANK[old.coverage] and new.routes == old.routes
            and (new.distance or 0) < (old.distance or 0))
        out.append({
            "id": gid,
            "name": before.network.name(gid, is_group=True),
            "families": before.network.families(gid),
            "before": old.coverage, "after": new.coverage,
            "routes_before": old.routes, "routes_after": new.routes,
            "distance_before": old.distance, "distance_after": new.distance,
            "change": "gained" if better else "lost",
        })
    return out


def gain(before: Coverage, after: Coverage) -> tuple[int, list[str]]:
    """Families (and group ids) moved to a better class or out of fragility.

    This is the measure collaboration suggestions are ranked by: a group
    counts when its class improved, or when it had exactly one route before
    and at least two after.
    """
    families, ids = 0, []
    for gid, old in before.groups.items():
        new = after.groups[gid]
        if RANK[new.coverage] > RANK[old.coverage] or (old.routes == 1 and new.routes >= 2):
            families += before.network.families(gid)
            ids.append(gid)
    return families, ids


def what_if(
    cov: Coverage,
    remove_orgs: Iterable[str] = (),
    remove_links: Iterable[Pair] = (),
    add_links: Iterable[Pair] = (),
) -> dict[str, Any]:
    """Coverage after a change, and how it differs from now.

    Parameters
    ----------
    cov
        Current coverage (:func:`mapping.analysis.coverage.coverage`).
    remove_orgs, remove_links, add_links
        The change (see :class:`Scenario`).

    Returns
    -------
    dict
        ``coverage`` (the new :class:`~mapping.analysis.coverage.Coverage`), ``changes``
        (:func:`diff`), ``gained``/``lost`` (group ids), ``families_gained``/
        ``families_lost``.
    """
    scenario = Scenario(tuple(remove_orgs), tuple(map(tuple, remove_links)),
                        tuple(map(tuple, add_links)))
    after = recompute(cov, scenario)
    changes = diff(cov, after)
    gained = [c for c in changes if c["change"] == "gained"]
    lost = [c for c in changes if c["change"] == "lost"]
    return {
        "coverage": after,
        "changes": changes,
        "gained": [c["id"] for c in gained],
        "lost": [c["id"] for c in lost],
        "families_gained": sum(c["families"] for c in gained),
        "families_lost": sum(c["families"] for c in lost),
    }


EFFECTS: tuple[str, ...] = ("class_up", "route_added", "class_down", "route_removed")
"""What can happen to a group, in the order the sentences are given."""

MESSAGES: Catalog = catalog.namespace("whatif")


def effect(change: dict[str, Any]) -> str | None:
    """Which of :data:`EFFECTS` a :func:`diff` entry is (``None``: only the distance changed)."""
    before, after = RANK[change["before"]], RANK[change["after"]]
    if after != before:
        return "class_up" if after > before else "class_down"
    if change["routes_after"] != change["routes_before"]:
        return "route_added" if change["routes_after"] > change["routes_before"] else (
            "route_removed")
    return None


def effect_sentences(before: Coverage, result: dict[str, Any], lang: str = "nl") -> list[str]:
    """What a :func:`what_if` result means, one sentence per kind of effect, share last.

    A group that gains a second route and a group that gets its first are
    different news, and so are a group that falls to a worse class and one
    that only loses one of several routes: each gets its own sentence and
    figures, and the share of families with a route is given before → after.
    """
    buckets: dict[str, list[dict[str, Any]]] = {e: [] for e in EFFECTS}
    for change in result["changes"]:
        kind = effect(change)
        if kind is not None:
            buckets[kind].append(change)
    out = []
    for kind in EFFECTS:
        if buckets[kind]:
            n = len(buckets[kind])
            groups = translate(MESSAGES, "groups_count", lang, n=n)
            out.append(translate(MESSAGES, kind, lang, groups=groups,
                                 families=sum(c["families"] for c in buckets[kind])))
    old, new = helped_share(before), helped_share(result["coverage"])
    if old is not None and new is not None:
        out.append(translate(MESSAGES, "share", lang, before=format_percent(old, lang),
                             after=format_percent(new, lang)))
    return out


def full_recompute(cov: Coverage, scenario: Scenario) -> Coverage:
    """Coverage after ``scenario`` recomputed for every group (reference for tests)."""
    return compute(apply(cov.network, scenario))
