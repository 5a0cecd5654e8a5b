"""Compiled kernels for routes, brokers and distances (numba, on integer arrays).

Imported lazily by :mod:`mapping.analysis.flow` (importing numba costs about half a
second, which commands that never compute routes should not pay). Every kernel is
``@njit(cache=True, nogil=True)``: compiled once per machine into ``__pycache__``,
and free of the GIL so that Streamlit sessions on several threads can run them at
once. Never ``parallel=True`` (numba's default threading layer aborts the process
when two threads launch parallel kernels at the same time).

The search replays :func:`tests.analysis.flow_oracle.augmenting_path` (the former
pure-Python implementation) state for state, so the routes found are the same:

* organisations are integers ``0..n-1`` numbered in the sorted order of their ids,
  so comparing integers compares ids (the distance search and the sorting of
  routes rely on it);
* the collaborations of organisation ``v`` are ``nbr[start[v]:stop[v]]``, in the
  order of the network's adjacency dicts;
* a state ``(org, side)`` (0: entering the org, 1: leaving it) is ``2 * org + side``;
* ``prv``/``nxt`` hold the flow: ``NONE`` for an unused organisation, ``SRC`` /
  ``SNK`` for the source and sink ends of a route, else the neighbouring organisation;
* ``par_in[v]`` is ``SRC`` or ``u`` for the state ``(u, 1)``, ``par_out[v]`` is ``u``
  for the state ``(u, 0)``;
* "is in the dict" becomes "carries this search's stamp" (``seen_in``/``seen_out``),
  so the scratch arrays are never cleared between the many small searches.

Blocking an organisation (a broker test) is marking it not alive: the search treats
both the same way.
"""

from __future__ import annotations

import numpy as np

# numba's njit through the one compile mechanism of mapping.analysis.kernels: cached,
# else in memory (no cache directory can be written), else plain Python (no numba).
from mapping.analysis.kernels import njit

NONE = -1  # prv / nxt: no flow through this organisation
SRC = -2  # prv: the route starts here (source end); par_in: reached from the source
SNK = -2  # nxt: the route ends here (sink end)

# Rows of the int32 scratch array ``work`` (each of length 2 n + 2).
PRV, NXT, PAR_IN, PAR_OUT, QUEUE, STATES, REACHED = range(7)
WORK_ROWS = 7
# Rows of the int64 stamp array ``marks`` (each of length n).
SEEN_IN, SEEN_OUT, BOUND, DONE = range(4)
MARK_ROWS = 4


@njit(cache=True, nogil=True)
def _grow32(arr: np.ndarray, need: int) -> np.ndarray:
    """``arr`` or a copy at least ``need`` long (doubling, so appends stay linear)."""
    if need <= arr.shape[0]:
        return arr
    new = np.empty(max(need, 2 * arr.shape[0]), np.int32)
    new[: arr.shape[0]] = arr
    return new


@njit(cache=True, nogil=True)
def _search(start, stop, nbr, formal, alive, reachers, r_lo, r_hi, work, marks, clock):
    """One BFS for an augmenting path in the residual graph of the flow in ``work``.

    Returns ``(length, reached)``: the path's states are ``work[STATES, :length]``
    (``length`` 0: no path), and ``work[REACHED, :reached]`` are the organisations
    whose leaving side was reached (the residual-reachable set when no path exists).
    """
    prv, nxt = work[PRV], work[NXT]
    par_in, par_out, queue = work[PAR_IN], work[PAR_OUT], work[QUEUE]
    reached = work[REACHED]
    seen_in, seen_out = marks[SEEN_IN], marks[SEEN_OUT]
    clock[0] += 1
    stamp = clock[0]
    n_reached = 0
    head = 0
    tail = 0
    for k in range(r_lo, r_hi):
        r = reachers[k]
        if r < 0 or not alive[r] or seen_in[r] == stamp or prv[r] == SRC:
            continue
        seen_in[r] = stamp
        par_in[r] = SRC
        queue[tail] = 2 * r
        tail += 1
    while head < tail:
        s = queue[head]
        head += 1
        v = s >> 1
        if (s & 1) == 0:
            before = prv[v]
            # Unused: cross the vertex. Used: the only residual arc goes back along
            # the flow to its predecessor's leaving side.
            if before == SRC:
                continue
            target = v if before == NONE else before
            if seen_out[target] == stamp:
                continue
            seen_out[target] = stamp
            par_out[target] = v
            reached[n_reached] = target
            n_reached += 1
            if formal[target] and nxt[target] != SNK:
                return _trace(target, work), n_reached
            queue[tail] = 2 * target + 1
            tail += 1
            continue
        after = nxt[v]
        if seen_in[v] != stamp and prv[v] != NONE:
            seen_in[v] = stamp  # undo this vertex's own crossing
            par_in[v] = v
            queue[tail] = 2 * v
            tail += 1
        for e in range(start[v], stop[v]):
            w = nbr[e]
            if seen_in[w] == stamp or w == after or not alive[w] or nxt[w] == v:
                continue
            seen_in[w] = stamp
            par_in[w] = v
            queue[tail] = 2 * w
            tail += 1
    return 0, n_reached


@njit(cache=True, nogil=True)
def _trace(target, work):
    """Write the states from the source to ``(target, 1)`` into ``work[STATES]``."""
    states, par_in, par_out = work[STATES], work[PAR_IN], work[PAR_OUT]
    length = 0
    states[length] = 2 * target + 1
    length += 1
    x = par_out[target]
    while True:
        states[length] = 2 * x
        length += 1
        p = par_in[x]
        if p == SRC:
            break
        states[length] = 2 * p + 1
        length += 1
        x = par_out[p]
    i, j = 0, length - 1
    while i < j:
        states[i], states[j] = states[j], states[i]
        i += 1
        j -= 1
    return length


@njit(cache=True, nogil=True)
def _augment(work, length):
    """Push one unit along the states: cancellations first, then new arcs."""
    states, prv, nxt = work[STATES], work[PRV], work[NXT]
    for i in range(length - 1):
        a, sa, b, sb = states[i] >> 1, states[i] & 1, states[i + 1] >> 1, states[i + 1] & 1
        if sa == 0 and sb == 1 and a != b:  # backward over flow b -> a
            nxt[b] = NONE
            prv[a] = NONE
    prv[states[0] >> 1] = SRC
    for i in range(length - 1):
        a, sa, b, sb = states[i] >> 1, states[i] & 1, states[i + 1] >> 1, states[i + 1] & 1
        if sa == 1 and sb == 0 and a != b:
            nxt[a] = b
            prv[b] = a
    nxt[states[length - 1] >> 1] = SNK


@njit(cache=True, nogil=True)
def _path_less(buf, a0, a1, b0, b1):
    """Shorter first, then by ids (node numbers follow the ids' sorted order)."""
    if a1 - a0 != b1 - b0:
        return a1 - a0 < b1 - b0
    for i in range(a1 - a0):
        if buf[a0 + i] != buf[b0 + i]:
            return buf[a0 + i] < buf[b0 + i]
    return False


@njit(cache=True, nogil=True)
def _take_paths(reachers, r_lo, r_hi, work, nodes, n_nodes, plens, n_paths):
    """Append the flow's routes, sorted, to ``nodes``/``plens``; clear the flow.

    Returns the grown arrays and their new lengths.
    """
    prv, nxt = work[PRV], work[NXT]
    buf, offs = work[STATES], work[QUEUE]  # free once the searches are done
    used = 0
    k = 0
    for i in range(r_lo, r_hi):
        r = reachers[i]
        if r < 0 or prv[r] != SRC:
            continue  # (a repeated reacher finds its route cleared below)
        offs[k] = used
        node = r
        while True:
            buf[used] = node
            used += 1
            after = nxt[node]
            prv[node] = NONE
            nxt[node] = NONE
            if after == SNK:
                break
            node = after
        k += 1
    offs[k] = used
    order = np.arange(k)
    for i in range(1, k):  # insertion sort: a group has a handful of routes
        cur = order[i]
        j = i - 1
        while j >= 0 and _path_less(buf, offs[cur], offs[cur + 1], offs[order[j]],
                                    offs[order[j] + 1]):
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = cur
    nodes = _grow32(nodes, n_nodes + used)
    plens = _grow32(plens, n_paths + k)
    for i in range(k):
        p = order[i]
        for q in range(offs[p], offs[p + 1]):
            nodes[n_nodes] = buf[q]
            n_nodes += 1
        plens[n_paths] = offs[p + 1] - offs[p]
        n_paths += 1
    return nodes, n_nodes, plens, n_paths


@njit(cache=True, nogil=True)
def group_flows(start, stop, nbr, formal, alive, gptr, reachers, work, marks, clock):
    """Max flow of every group: ``reachers[gptr[g]:gptr[g + 1]]`` are group ``g``'s.

    Returns
    -------
    values, nodes, plens, rlens, rnodes
        ``values[g]`` routes; the routes of all groups one after the other, sorted
        per group (``plens`` their lengths, ``nodes`` their organisations);
        ``rlens[g]`` the size of the group's residual set (-1: the final failing
        search was skipped) and ``rnodes`` those sets one after the other.
    """
    n_groups = gptr.shape[0] - 1
    values = np.zeros(n_groups, np.int32)
    rlens = np.full(n_groups, -1, np.int32)
    nodes = np.empty(64, np.int32)
    plens = np.empty(16, np.int32)
    rnodes = np.empty(16, np.int32)
    n_nodes = 0
    n_paths = 0
    n_res = 0
    for g in range(n_groups):
        lo, hi = gptr[g], gptr[g + 1]
        limit = 0
        for k in range(lo, hi):
            if reachers[k] >= 0 and alive[reachers[k]]:
                limit += 1
        value = 0
        while value < limit:
            length, reached = _search(start, stop, nbr, formal, alive, reachers, lo, hi,
                                      work, marks, clock)
            if length == 0:
                rnodes = _grow32(rnodes, n_res + reached)
                rnodes[n_res:n_res + reached] = work[REACHED, :reached]
                n_res += reached
                rlens[g] = reached
                break
            _augment(work, length)
            value += 1
        values[g] = value
        nodes, n_nodes, plens, n_paths = _take_paths(reachers, lo, hi, work, nodes, n_nodes,
                                                     plens, n_paths)
    return values, nodes[:n_nodes], plens[:n_paths], rlens, rnodes[:n_res]


@njit(cache=True, nogil=True)
def route_losses(start, stop, nbr, formal, alive, gptr, reachers, routes, pptr, plens, nodes,
                 work, marks, clock):
    """For each organisation on each group's routes: does its loss cost a route?

    Group ``g`` has reachers ``reachers[gptr[g]:gptr[g + 1]]``, ``routes[g]`` routes
    and their paths ``pptr[g]..pptr[g + 1]`` (``plens`` their lengths, ``nodes`` their
    organisations, all groups one after the other). Returns one flag per entry of ``nodes``: 1 the
    route is lost, 0 it is not, -1 the organisation was already decided for this
    group. An organisation is tested by dropping its own route from the flow and
    searching for one augmenting path while it is blocked; when every reacher with a
    chain carries a route, a reacher's loss is a route's loss without a search.
    """
    prv, nxt = work[PRV], work[NXT]
    bound_mark, done_mark = marks[BOUND], marks[DONE]
    flags = np.zeros(nodes.shape[0], np.int8)
    first = 0  # index into nodes of the group's first route
    for g in range(gptr.shape[0] - 1):
        clock[0] += 1
        gstamp = clock[0]
        lo, hi = gptr[g], gptr[g + 1]
        bound = 0
        for k in range(lo, hi):
            r = reachers[k]
            if r >= 0 and alive[r] and bound_mark[r] != gstamp:
                bound_mark[r] = gstamp
                bound += 1
        saturated = routes[g] >= bound
        pos = first
        for p in range(pptr[g], pptr[g + 1]):  # the flow carrying every route
            before = SRC
            for q in range(pos, pos + plens[p]):
                org = nodes[q]
                prv[org] = before
                if before != SRC:
                    nxt[before] = org
                before = org
            nxt[before] = SNK
            pos += plens[p]
        pos = first
        for p in range(pptr[g], pptr[g + 1]):
            end = pos + plens[p]
            removed = False
            for q in range(pos, end):
                org = nodes[q]
                if done_mark[org] == gstamp:
                    flags[q] = -1
                    continue
                done_mark[org] = gstamp
                if saturated and bound_mark[org] == gstamp:
                    flags[q] = 1
                    continue
                if not removed:  # the others' routes only
                    for x in range(pos, end):
                        prv[nodes[x]] = NONE
                        nxt[nodes[x]] = NONE
                    removed = True
                was = alive[org]
                alive[org] = False
                length, _ = _search(start, stop, nbr, formal, alive, reachers, lo, hi,
                                    work, marks, clock)
                alive[org] = was
                flags[q] = 1 if length == 0 else 0
            if removed:
                before = SRC
                for x in range(pos, end):
                    prv[nodes[x]] = before
                    if before != SRC:
                        nxt[before] = nodes[x]
                    before = nodes[x]
                nxt[before] = SNK
            pos = end
        for q in range(first, pos):  # leave the flow arrays clear for the next group
            prv[nodes[q]] = NONE
            nxt[nodes[q]] = NONE
        first = pos
    return flags


@njit(cache=True, nogil=True)
def distances(start, stop, nbr, sources, n):
    """Multi-source BFS from ``sources`` (sorted), visiting new neighbours in id order.

    Returns ``(dist, toward, order)``: ``dist[v]`` (-1: no chain), ``toward[v]`` (the
    next organisation on one shortest chain, -1 for the sources) and the
    organisations in the order the search reached them, sources first.
    """
    dist = np.full(n, -1, np.int32)
    toward = np.full(n, -1, np.int32)
    order = np.empty(n, np.int32)
    tail = 0
    for s in sources:
        if dist[s] == -1:
            dist[s] = 0
            order[tail] = s
            tail += 1
    fresh = np.empty(n, np.int32)
    head = 0
    while head < tail:
        u = order[head]
        head += 1
        m = 0
        for e in range(start[u], stop[u]):
            w = nbr[e]
            if dist[w] == -1:
                fresh[m] = w
                m += 1
        if m == 0:
            continue
        if m > 1:
            fresh[:m] = np.sort(fresh[:m])
        step = dist[u] + 1
        for i in range(m):
            w = fresh[i]
            dist[w] = step
            toward[w] = u
            order[tail] = w
            tail += 1
    return dist, toward, order[:tail]
