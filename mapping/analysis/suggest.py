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

Between two picks nothing is redone for the whole city (100,000 organisations at
national size): the network after the new link shares every neighbour dict but
two with the one before (:func:`mapping.analysis.whatif.apply` copies on write),
the distances are shortened outward from the new link only, the components
without a chain to help lose the one that just got connected, and the partner
order is sorted once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mapping.analysis.coverage import Coverage, GroupCoverage, Network, group_coverages
from mapping.analysis.coverage_summary import join_names
from mapping.analysis.network_arrays import arrays_of
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
    state = _State.of(cov)
    partners = _partner_order(cov.network, allowed)  # a new link never changes who is formal
    for _ in range(k):
        pick = _best_pair(state, partners, same_neighbourhood)
        if pick is None:
            break
        formal, cand = pick
        picks.append(_describe(state, formal, cand, lang))
        if len(picks) < k:  # the state after the last pick is never read
            state = _add_link(state, formal, cand.informal)
    return picks


@dataclass
class _Gains:
    """Which informal organisations would gain which groups: the candidates, kept up to date.

    ``of_group[gid]`` holds the organisations a link to a plain formal partner
    would help group ``gid`` through (see the module docstring);
    ``groups_of[org]`` the groups it would help, ``families[org]`` their
    families; ``residual_formal`` counts, per formal organisation, the fragile
    groups whose residual reaches it (no plain partner for anyone). A pick
    changes a few groups, and only their entries are redone.
    """

    of_group: dict[str, frozenset[str]] = field(default_factory=dict)
    groups_of: dict[str, dict[str, None]] = field(default_factory=dict)
    families: dict[str, int] = field(default_factory=dict)
    residual_formal: dict[str, int] = field(default_factory=dict)

    def add(self, net: Network, gid: str, gc: GroupCoverage,
            dead: dict[str, frozenset[str]]) -> None:
        """Count the gains of group ``gid`` (coverage ``gc``)."""
        formal = net.formal
        orgs: set[str] = set()
        fragile = gc.fragile
        if gc.coverage == "informal_only" or (fragile and len(gc.reachers) > 1):
            for r in gc.reachers:
                comp = dead.get(r)
                if comp is not None:
                    orgs |= comp
        if fragile and gc.residual is not None:
            for org in gc.residual:
                if org in formal:
                    self.residual_formal[org] = self.residual_formal.get(org, 0) + 1
                else:
                    orgs.add(org)
        if not orgs:
            return
        self.of_group[gid] = frozenset(orgs)
        families = net.families(gid)
        for org in orgs:
            groups = self.groups_of.get(org)
            if groups is None:
                self.groups_of[org] = {gid: None}
                self.families[org] = families
            else:
                groups[gid] = None
                self.families[org] += families

    def drop(self, net: Network, gid: str, gc: GroupCoverage) -> None:
        """Forget what :meth:`add` counted for group ``gid`` (coverage ``gc``)."""
        if gc.fragile and gc.residual is not None:
            for org in gc.residual & net.formal:
                left = self.residual_formal[org] - 1
                if left:
                    self.residual_formal[org] = left
                else:
                    del self.residual_formal[org]
        families = net.families(gid)
        for org in self.of_group.pop(gid, ()):
            groups = self.groups_of[org]
            del groups[gid]
            if groups:
                self.families[org] -= families
            else:
                del self.groups_of[org], self.families[org]

    def ranked(self) -> Iterator[str]:
        """Candidates best first: most families, then most groups, then by id."""
        groups_of, families = self.groups_of, self.families
        if not groups_of:
            return

        def key(org: str) -> tuple[int, int, str]:
            return -families[org], -len(groups_of[org]), org

        best = min(groups_of, key=key)  # it almost always has a partner: skip sorting
        yield best
        for org in sorted(groups_of, key=key):
            if org != best:
                yield org


@dataclass
class _State:
    """The greedy's view of the network after the picks so far.

    What the gains are read from, kept up to date one new link at a time instead
    of recomputed over the whole city: each group's coverage (class, routes,
    flow paths and residual exactly as :func:`group_coverage` finds them), the
    distances (exact; the chains behind them, ``toward``, are not kept, so the
    ``route`` of a recomputed group is its first organisation only: suggestions
    never read it), the organisations without a chain to professional help,
    each mapped to its collaboration component, and the candidates
    (:class:`_Gains`, changed in place by :func:`_add_link`: the states of one
    :func:`suggest` call follow each other, and only the latest is read).
    """

    network: Network
    groups: dict[str, GroupCoverage]
    distance: dict[str, int]
    dead: dict[str, frozenset[str]]
    gains: _Gains = field(default_factory=_Gains)
    memo: dict[int, Any] = field(default_factory=dict)  # per coverage object, see _used_formal
    residual_of: dict[str, list[str]] = field(default_factory=dict)
    """Organisation -> groups whose residual held it (some since recomputed: check)."""

    @classmethod
    def of(cls, cov: Coverage) -> _State:
        """The state of ``cov`` before any pick."""
        net = cov.network
        state = cls(net, cov.groups, cov.distance, _dead_components(net.adj, cov.distance))
        for gid, gc in cov.groups.items():
            state.gains.add(net, gid, gc, state.dead)
            state.index_residual(gid, gc)
        return state

    def index_residual(self, gid: str, gc: GroupCoverage) -> None:
        """Note the organisations of the group's residual (see :func:`_add_link`)."""
        if gc.residual:
            for org in gc.residual:
                self.residual_of.setdefault(org, []).append(gid)


def _best_pair(
    state: _State, partners: list[str], same_hood: bool,
) -> tuple[str, _Candidate] | None:
    net, gains = state.network, state.gains
    for org in gains.ranked():
        cand = _candidate(state, org)
        formal = _partner(net, cand, partners, same_hood)
        if formal is not None:
            return formal, cand
    return None


def _candidate(state: _State, org: str) -> _Candidate:
    """The candidate ``org`` with its excluded partners: the formal organisations on
    the flow paths of the groups it would help, and those some fragile group's
    residual reaches."""
    groups = state.gains.groups_of[org]
    formal, memo = state.network.formal, state.memo
    excluded = set(state.gains.residual_formal)
    for gid in groups:
        excluded |= _used_formal(state.groups[gid], formal, memo)
    return _Candidate(org, set(groups), excluded)


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


def _dead_components(adj: dict[str, Any], alive: dict[str, int]) -> dict[str, frozenset[str]]:
    """Organisations without a chain to professional help -> their component."""
    result: dict[str, frozenset[str]] = {}
    for start in adj:
        if start in alive or start in result:
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


def _partner_order(net: Network, allowed: set[str] | None) -> list[str]:
    """Formal organisations in the order they are proposed: preferred categories, then id."""
    rank = {c: i for i, c in enumerate(CATEGORY_PREFERENCE)}
    last, orgs = len(rank), net.orgs
    category = {f: orgs.get(f, {}).get("category") for f in net.formal}
    ids = sorted(f for f, c in category.items() if allowed is None or c in allowed)
    ids.sort(key=lambda f: rank.get(category[f], last))  # stable: ids stay sorted per rank
    return ids


def _partner(net: Network, cand: _Candidate, partners: list[str], same_hood: bool
             ) -> str | None:
    """The preferred plain formal partner for ``cand``: same neighbourhood first."""
    hood = net.orgs.get(cand.informal, {}).get("neighbourhood")
    taken = net.adj.get(cand.informal, {})
    if same_hood and hood is None:  # nobody shares an unknown neighbourhood
        return None
    excluded, orgs = cand.excluded, net.orgs
    fallback = None
    for f in partners:
        if f in excluded or f in taken:
            continue
        if hood is not None and orgs[f].get("neighbourhood") == hood:
            return f
        if fallback is None and not same_hood:
            fallback = f
    return fallback


def _add_link(state: _State, formal: str, informal: str) -> _State:
    """The state after adding one link, recomputing only groups that can change.

    A group's flow can only grow if the new link's tail was residual-reachable, or
    one of its reachers sits in a component that just got connected (the one
    ``informal`` is in, when it had no chain to professional help). Those groups
    are found through indexes (the residual index of the state, the reach of the
    connected component), not by looking at every group of the city, and their
    routes are searched in one call.
    """
    before = state.network
    net = apply(before, Scenario(add_links=((formal, informal),)))
    region = state.dead.get(informal, frozenset()) | state.dead.get(formal, frozenset())
    dist, shorter = _shortened(state.distance, net.adj, formal, informal)
    _carry_alive(before, state.distance, net, dist, shorter)
    dead = ({o: c for o, c in state.dead.items() if o not in region} if region
            else state.dead)
    groups = state.groups
    touched: set[str] = set()
    if region:
        touched.update(gid for gid, orgs in net.reach.items() if not region.isdisjoint(orgs))
    for org in (formal, informal):
        touched.update(gid for gid in state.residual_of.get(org, ())
                       if org in (groups[gid].residual or ()))
    changed = [gid for gid in groups if gid in touched] if touched else []
    fresh = group_coverages(net, changed, dist, {})
    gains = state.gains
    for gid in changed:
        gains.drop(before, gid, groups[gid])
    for gid in changed:
        gains.add(net, gid, fresh[gid], dead)
    new = _State(net, {**groups, **fresh} if fresh else groups, dist, dead, gains, state.memo,
                 state.residual_of)
    for gid in changed:
        new.index_residual(gid, fresh[gid])
    return new


def _carry_alive(before: Network, old: dict[str, int], net: Network, dist: dict[str, int],
                 changed: list[str]) -> None:
    """Give ``net``'s arrays the mask and steps of ``dist`` from those of ``old``.

    ``changed`` are the organisations whose distance is new or shorter.
    """
    arrays_before = arrays_of(before)
    mask, steps = arrays_before.mask(old), arrays_before.steps(old)
    arrays = arrays_of(net)
    if changed:
        mask, steps = mask.copy(), steps.copy()
        numbers = arrays.numbers(lambda: changed, len(changed))
        known = numbers >= 0
        mask[numbers[known]] = True
        steps[numbers[known]] = np.fromiter(map(dist.__getitem__, changed), np.int64,
                                            len(changed))[known]
    arrays.remember_alive(dist, mask, steps)


def _shortened(dist: dict[str, int], adj: dict[str, Any], a: str, b: str
               ) -> tuple[dict[str, int], list[str]]:
    """:func:`distances` after the new link ``a - b``, from those before it.

    Only chains through the new link get shorter: a search from its far end,
    spreading only where it shortens a distance, finds every change. Also
    returns the organisations whose distance is new or shorter.
    """
    far = float("inf")
    if dist.get(a, far) > dist.get(b, far):
        a, b = b, a
    if a not in dist or dist[a] + 1 >= dist.get(b, far):
        return dist, []
    changed = [b]
    dist = dict(dist)
    dist[b] = dist[a] + 1
    queue = deque([b])
    while queue:
        u = queue.popleft()
        step = dist[u] + 1
        for w in adj[u]:
            if step < dist.get(w, far):
                changed.append(w)
                dist[w] = step
                queue.append(w)
    return dist, changed


def _describe(cov: Coverage | _State, formal: str, cand: _Candidate, lang: str
              ) -> dict[str, Any]:
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


def _names(cov: Coverage | _State, groups: list[str], lang: str, shown: int = 3) -> str:
    """Group names for a sentence, largest first, the rest counted."""
    net = cov.network
    ordered = sorted(groups, key=lambda g: (-net.families(g), g))
    names = [net.name(g, is_group=True) for g in ordered[:shown]]
    if len(ordered) > shown:
        rest = len(ordered) - shown
        names.append(translate(MESSAGES, "more_count", lang, n=rest))
    return join_names(names, lang)
