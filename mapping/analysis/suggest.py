"""Suggested collaborations: which formal-informal pairs would close the most gaps.

Ranking measure (the same as :func:`mapping.analysis.whatif.gain`): the families of the
groups that a new collaboration would move to a better class
(``informal_only`` -> ``bridged``) or out of fragility (routes 1 -> 2 or more).

Incremental, exact gains without evaluating every pair:

* An ``informal_only`` group (or a fragile group with a reacher that has no
  chain to professional help) gains from a link to *any* formal organisation
  from the collaboration component of one of its reachers, since that
  component holds no formal organisation at all.
* A fragile group gains from a new link ``i - f`` exactly when the residual
  graph of its max flow lets an augmenting path use the new link. The final
  failing flow search already found the organisations whose leaving side is
  residual-reachable; if ``i`` is among them and ``f`` is a formal
  organisation that the group's flow does not use, ``i -> f -> sink`` is an
  augmenting path. Groups with a single reacher can never have two routes.

So each candidate informal organisation ``i`` has a gain that holds for every
"plain" formal partner ``f``: one that is unused by, and not residual-reachable
for, any group counted (those few, whose effect needs a flow search, are
skipped). Greedy: take the best ``i`` with an allowed plain partner, add the
link, recompute the affected groups only, repeat.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mapping.analysis.coverage import Coverage, distances, group_coverage
from mapping.analysis.coverage_summary import join_names
from mapping.analysis.whatif import Scenario, apply
from mapping.i18n import Catalog, translate
from mapping.locales import catalog

CATEGORY_PREFERENCE: tuple[str, ...] = (
    "wijkteam", "jeugdteam", "cjg", "jgz", "ggd", "school", "huisarts", "veilig_thuis",
)
"""Formal partners proposed first: the first points of contact for families."""

MESSAGES: Catalog = catalog.namespace("suggest")


@dataclass
class _Candidate:
    informal: str
    groups: set[str]
    excluded: set[str]  # formal partners whose effect would need a flow search


def suggest(
    cov: Coverage,
    k: int = 5,
    same_neighbourhood: bool = False,
    categories: Iterable[str] | None = None,
    lang: str = "nl",
) -> list[dict[str, Any]]:
    """Greedy top-``k`` new formal-informal collaborations.

    Parameters
    ----------
    cov
        Current coverage.
    k
        How many suggestions at most (fewer when nothing more helps).
    same_neighbourhood
        Only pair organisations registered in the same neighbourhood.
    categories
        Only propose formal organisations of these categories.
    lang
        Language of the explanations.

    Returns
    -------
    list of dict
        In pick order: ``formal``, ``informal`` (ids), ``formal_name``,
        ``informal_name``, ``families`` (the gain, given the earlier picks),
        ``groups`` (ids of the groups that gain), ``explanation``.
    """
    allowed = set(categories) if categories is not None else None
    picks: list[dict[str, Any]] = []
    memo: dict[int, Any] = {}
    for _ in range(k):
        pick = _best_pair(cov, same_neighbourhood, allowed, memo)
        if pick is None:
            break
        formal, cand = pick
        picks.append(_describe(cov, formal, cand, lang))
        cov = _add_link(cov, formal, cand.informal)
    return picks


def _best_pair(
    cov: Coverage, same_hood: bool, allowed: set[str] | None,
    memo: dict[int, Any] | None = None,
) -> tuple[str, _Candidate] | None:
    net = cov.network
    ranked = sorted(_candidates(cov, memo).values(),
                    key=lambda c: (-sum(net.families(gid) for gid in c.groups),
                                   -len(c.groups), c.informal))
    partners = _partner_order(cov, allowed)
    for cand in ranked:
        formal = _partner(cov, cand, partners, same_hood)
        if formal is not None:
            return formal, cand
    return None


def _candidates(cov: Coverage, memo: dict[int, Any] | None = None) -> dict[str, _Candidate]:
    """Every informal organisation with a non-empty, exactly known gain."""
    memo = {} if memo is None else memo
    net = cov.network
    dead_comp = _dead_components(cov)
    residual_formal: set[str] = set()
    cands: dict[str, _Candidate] = {}

    def add(org: str, gid: str, used: set[str]) -> None:
        cand = cands.setdefault(org, _Candidate(org, set(), set()))
        cand.groups.add(gid)
        cand.excluded |= used

    for gid, gc in cov.groups.items():
        used = _used_formal(gc, net.formal, memo)
        if gc.coverage == "informal_only" or (gc.fragile and len(gc.reachers) > 1):
            for comp in {dead_comp[r] for r in gc.reachers if r in dead_comp}:
                for org in comp:
                    add(org, gid, used)
        if gc.fragile and gc.residual is not None:
            residual_formal |= gc.residual & net.formal
            for org in gc.residual - net.formal:
                add(org, gid, used)
    for cand in cands.values():
        cand.excluded |= residual_formal
    return cands


def _used_formal(gc: Any, formal: set[str], memo: dict[int, tuple[Any, frozenset[str]]]
                 ) -> frozenset[str]:
    """The formal organisations on the group's flow paths.

    ``memo`` (one per :func:`suggest` call) keeps them per coverage object: a pick
    recomputes few groups and keeps the others' objects, so their sets are not rebuilt.
    """
    hit = memo.get(id(gc))
    if hit is not None and hit[0] is gc:
        return hit[1]
    used = frozenset(o for p in gc.paths for o in p if o in formal)
    memo[id(gc)] = (gc, used)  # gc itself is kept, so its id is not reused meanwhile
    return used


def _dead_components(cov: Coverage) -> dict[str, frozenset[str]]:
    """Organisations without a chain to professional help -> their component."""
    adj = cov.network.adj
    result: dict[str, frozenset[str]] = {}
    for start in adj:
        if start in cov.distance or start in result:
            continue
        comp, queue = {start}, deque([start])
        while queue:
            for w in adj[queue.popleft()]:
                if w not in comp:
                    comp.add(w)
                    queue.append(w)
        frozen = frozenset(comp)
        result.update(dict.fromkeys(comp, frozen))
    return result


def _partner_order(cov: Coverage, allowed: set[str] | None) -> list[str]:
    net = cov.network
    rank = {c: i for i, c in enumerate(CATEGORY_PREFERENCE)}
    formal = [f for f in net.formal
              if allowed is None or net.orgs.get(f, {}).get("category") in allowed]
    return sorted(formal, key=lambda f: (rank.get(net.orgs[f].get("category"), len(rank)), f))


def _partner(cov: Coverage, cand: _Candidate, partners: list[str], same_hood: bool) -> str | None:
    """The preferred plain formal partner for ``cand``: same neighbourhood first."""
    net = cov.network
    hood = net.orgs.get(cand.informal, {}).get("neighbourhood")
    taken = net.adj.get(cand.informal, {})
    fallback = None
    for f in partners:
        if f in cand.excluded or f in taken:
            continue
        if hood is not None and net.orgs[f].get("neighbourhood") == hood:
            return f
        if fallback is None and not same_hood:
            fallback = f
    return fallback


def _add_link(cov: Coverage, formal: str, informal: str) -> Coverage:
    """Coverage after adding one link, recomputing only groups that can change."""
    net = apply(cov.network, Scenario(add_links=((formal, informal),)))
    dist, toward = distances(net)
    region = _region(cov, formal, informal)
    groups = {
        gid: group_coverage(net, gid, dist, toward) if _can_change(gc, region, formal, informal)
        else gc
        for gid, gc in cov.groups.items()
    }
    return Coverage(net, groups, dist, toward)


def _region(cov: Coverage, formal: str, informal: str) -> frozenset[str]:
    comps = _dead_components(cov)
    return comps.get(informal, frozenset()) | comps.get(formal, frozenset())


def _can_change(gc: Any, region: frozenset[str], formal: str, informal: str) -> bool:
    # A group's flow can only grow if the new link's tail was residual-reachable
    # or one of its reachers sits in a component that just got connected.
    if any(r in region for r in gc.reachers):
        return True
    return gc.residual is not None and (formal in gc.residual or informal in gc.residual)


def _describe(cov: Coverage, formal: str, cand: _Candidate, lang: str) -> dict[str, Any]:
    net = cov.network
    groups = sorted(cand.groups)
    new = [g for g in groups if cov.groups[g].routes == 0]
    second = [g for g in groups if g not in new]
    key = "new" if not second else ("second" if not new else "both")
    families = sum(net.families(g) for g in groups)
    text = translate(
        MESSAGES, key, lang, formal=net.name(formal), informal=net.name(cand.informal),
        groups=_names(cov, groups, lang), new=_names(cov, new, lang),
        second=_names(cov, second, lang), families=families,
    )
    return {
        "formal": formal,
        "informal": cand.informal,
        "formal_name": net.name(formal),
        "informal_name": net.name(cand.informal),
        "families": families,
        "groups": groups,
        "explanation": text,
    }


def _names(cov: Coverage, groups: list[str], lang: str, shown: int = 3) -> str:
    """Group names for a sentence, largest first, the rest counted."""
    net = cov.network
    ordered = sorted(groups, key=lambda g: (-net.families(g), g))
    names = [net.name(g, is_group=True) for g in ordered[:shown]]
    if len(ordered) > shown:
        rest = len(ordered) - shown
        names.append(translate(MESSAGES, "more_count", lang, n=rest))
    return join_names(names, lang)
