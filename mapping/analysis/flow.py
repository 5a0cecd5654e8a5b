"""Routes: a unit-vertex-capacity max flow from a group's reachers to the formal side.

The number of vertex-disjoint routes from a parent group to formal help is the
group's robustness: how many organisations can drop out before it loses every
route. Each organisation carries at most one route (unit vertex capacity), so
the flow is found with BFS augmenting paths over split in/out states, which is
fast for the small values (a handful of routes) a district has.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mapping.analysis.coverage import Network

_SRC = ("source",)  # sentinels: tuples never collide with string org ids
_SNK = ("sink",)


# --- routes (max flow with unit vertex capacities) ---------------------------


@dataclass
class Flow:
    """A unit-vertex-capacity flow for one group: ``prv``/``nxt`` per used org."""

    prv: dict[str, Any] = field(default_factory=dict)
    nxt: dict[str, Any] = field(default_factory=dict)
    value: int = 0

    def paths(self) -> list[list[str]]:
        """The flow's paths, each from a reacher to a formal organisation."""
        result = []
        for start, before in self.prv.items():
            if before is not _SRC:
                continue
            path, node = [start], self.nxt[start]
            while node is not _SNK:
                path.append(node)
                node = self.nxt[node]
            result.append(path)
        return sorted(result, key=lambda p: (len(p), p))


def augmenting_path(
    net: Network,
    reachers: Iterable[str],
    flow: Flow,
    alive: dict[str, int] | set[str],
    blocked: frozenset[str] = frozenset(),
) -> tuple[list[tuple[str, int]] | None, set[str]]:
    """BFS for one augmenting path in the residual graph of ``flow``.

    States are ``(org, 0)`` (entering the org) and ``(org, 1)`` (leaving it);
    node splitting is implicit. The search stops at the first formal
    organisation whose outgoing side is free.

    Returns
    -------
    path, reached_out
        The states from the first reacher to the formal organisation, or
        ``None``; and the organisations whose leaving side was reached (the
        residual-reachable set, complete only when no path was found).
    """
    prv, nxt, formal, adj = flow.prv, flow.nxt, net.formal, net.adj
    par_in: dict[str, Any] = {}
    par_out: dict[str, Any] = {}
    queue: deque[tuple[str, int]] = deque()
    for r in reachers:
        if r in alive and r not in blocked and r not in par_in and prv.get(r) is not _SRC:
            par_in[r] = _SRC
            queue.append((r, 0))
    # Hot loop (every group, every broker test): bound methods and the state tuple
    # of ``v`` are made once, the order of the search is exactly as written.
    pop, push, nxt_get, prv_get = queue.popleft, queue.append, nxt.get, prv.get
    while queue:
        v, side = pop()
        if side == 0:
            before = prv_get(v)
            # Unused: cross the vertex. Used: the only residual arc goes back
            # along the flow to its predecessor's leaving side.
            target = v if before is None else (None if before is _SRC else before)
            if target is None or target in par_out:
                continue
            par_out[target] = (v, 0)
            if target in formal and nxt_get(target) is not _SNK:
                return _trace((target, 1), par_in, par_out), set(par_out)
            push((target, 1))
            continue
        after = nxt_get(v)
        out = (v, 1)
        if v not in par_in and prv_get(v) is not None:
            par_in[v] = out  # undo this vertex's own crossing
            push((v, 0))
        for w in adj[v]:
            if w in par_in or w == after or w not in alive or w in blocked or nxt_get(w) == v:
                continue
            par_in[w] = out
            push((w, 0))
    return None, set(par_out)


def _trace(end: tuple[str, int], par_in: dict, par_out: dict) -> list[tuple[str, int]]:
    states = []
    state: Any = end
    while state is not _SRC:
        states.append(state)
        state = par_out[state[0]] if state[1] else par_in[state[0]]
    states.reverse()
    return states


def augment(flow: Flow, states: list[tuple[str, int]]) -> None:
    """Push one unit along ``states``: cancellations first, then new arcs."""
    prv, nxt = flow.prv, flow.nxt
    pairs = list(pairwise(states))
    for (a, sa), (b, sb) in pairs:
        if sa == 0 and sb == 1 and a != b:  # backward over flow b -> a
            nxt.pop(b, None)
            prv.pop(a, None)
    prv[states[0][0]] = _SRC
    for (a, sa), (b, sb) in pairs:
        if sa == 1 and sb == 0 and a != b:
            nxt[a] = b
            prv[b] = a
    nxt[states[-1][0]] = _SNK
    flow.value += 1


def max_flow(
    net: Network,
    reachers: tuple[str, ...],
    alive: dict[str, int] | set[str],
    blocked: frozenset[str] = frozenset(),
) -> tuple[Flow, frozenset[str] | None]:
    """Maximum number of vertex-disjoint routes from ``reachers`` to formal orgs.

    Returns the flow and, when the final failing search ran, the set of
    organisations whose leaving side it reached.
    """
    flow = Flow()
    limit = sum(1 for r in reachers if r in alive and r not in blocked)
    while flow.value < limit:
        states, reached = augmenting_path(net, reachers, flow, alive, blocked)
        if states is None:
            return flow, frozenset(reached)
        augment(flow, states)
    return flow, None


# --- coverage ---------------------------------------------------------------
