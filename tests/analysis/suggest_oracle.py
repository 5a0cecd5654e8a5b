"""The suggestions as they were computed before they were kept up to date pick by pick.

Reference for ``tests/analysis/test_incremental.py``: after every pick each
group of the city is looked at again (which gains, which changed), each
changed group's coverage is found on its own, and the distances are computed
afresh. The leaves (partner order and choice, the sentences, the dead
components) are the module's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mapping.analysis import suggest as fast
from mapping.analysis.coverage import Coverage, distances, group_coverage
from mapping.analysis.whatif import Scenario, apply


def suggest(cov: Coverage, k: int = 5, same_neighbourhood: bool = False,
            categories: Iterable[str] | None = None, lang: str = "nl") -> list[dict[str, Any]]:
    """:func:`mapping.analysis.suggest.suggest`, every group counted after every pick."""
    partners = fast._partner_order(cov.network, None if categories is None else set(categories))
    net, groups, dist = cov.network, dict(cov.groups), cov.distance
    dead = fast._dead_components(net.adj, dist)
    memo: dict[int, Any] = {}
    picks: list[dict[str, Any]] = []
    while len(picks) < k:
        found = _best(net, groups, dead, memo, partners, same_neighbourhood)
        if found is None:
            return picks
        formal, cand = found
        view = fast._State(net, groups, dist, dead)
        picks.append(fast._describe(view, formal, cand, lang))
        region = dead.get(cand.informal, frozenset()) | dead.get(formal, frozenset())
        net = apply(net, Scenario(add_links=((formal, cand.informal),)))
        dist = distances(net)[0]
        dead = {o: c for o, c in dead.items() if o not in region}
        for gid, gc in list(groups.items()):
            if (not region.isdisjoint(net.reach.get(gid, ()))
                    or (gc.residual is not None
                        and (formal in gc.residual or cand.informal in gc.residual))):
                groups[gid] = group_coverage(net, gid, dist, {})
    return picks


def _best(net: Any, groups: dict[str, Any], dead: dict[str, frozenset[str]],
          memo: dict[int, Any], partners: list[str], same_hood: bool) -> Any:
    """Every candidate counted from all groups, best first, with a plain partner."""
    formal = net.formal
    cands: dict[str, fast._Candidate] = {}
    everywhere: set[str] = set()
    for gid, gc in groups.items():
        orgs: set[str] = set()
        if gc.coverage == "informal_only" or (gc.fragile and len(gc.reachers) > 1):
            for comp in {dead[r] for r in gc.reachers if r in dead}:
                orgs.update(comp)
        if gc.fragile and gc.residual is not None:
            everywhere |= gc.residual & formal
            orgs.update(gc.residual - formal)
        for org in orgs:
            cand = cands.setdefault(org, fast._Candidate(org, set(), set()))
            cand.groups.add(gid)
            cand.excluded |= fast._used_formal(gc, formal, memo)
    ranked = sorted(cands.values(), key=lambda c: (
        -sum(net.families(g) for g in c.groups), -len(c.groups), c.informal))
    for cand in ranked:
        cand.excluded |= everywhere
        partner = fast._partner(net, cand, partners, same_hood)
        if partner is not None:
            return partner, cand
    return None
