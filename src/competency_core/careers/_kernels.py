"""The career queries' inner loops, compiled with numba: A*, the bounded BFS, step sums.

Each kernel is the Python loop it replaces, statement for statement (the same visiting
order, the same tie-breaks, the same floating-point additions in the same order), so the
answers are the same to the bit; ``tests/careers/test_kernels.py`` checks them against the
Python versions on generated graphs. The loops ran at Python speed (about 0.1 µs an
operation): an O*NET person's 5 cheapest paths spent half their time in A* and Yen, and
a next-steps query a third of its time in the BFS.

This module imports numba (about half a second, once per process; compiled code is cached
on disk beside the module, so only the first run after an install compiles): import it
inside the functions that use it, never at the top of a module that ``competency_core``
or the CLI's start loads.
"""

from __future__ import annotations

import heapq

import numba
import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@numba.njit(cache=True, nogil=True)
def astar(
    ptr: IntArray,
    nbr: IntArray,
    edge: IntArray,
    esrc: IntArray,
    weights: FloatArray,
    h: FloatArray,
    source: int,
    target: int,
    banned_nodes: BoolArray,
    banned_edges: BoolArray,
    best: FloatArray,
    back: IntArray,
) -> tuple[bool, float, IntArray, IntArray]:
    """Cheapest route ``source -> target`` avoiding banned nodes and edges (A*, guided by ``h``).

    Returns (found, cost, nodes, edges). ``best`` must hold inf for every node and ``back``
    be as long (scratch space, left as it was found); a weight or ``h`` that is not finite
    (NaN, inf) makes an edge or node unusable. The heap holds (cost + h, hops, node, cost)
    tuples, so ties break on fewer hops, then on the lower node number.
    """
    touched = [source]
    best[source] = 0.0
    heap = [(h[source], 0, source, 0.0)]
    found = False
    cost = 0.0
    while len(heap) > 0:
        _, k, u, g = heapq.heappop(heap)
        if g > best[u]:
            continue
        if u == target:
            found, cost = True, g
            break
        for i in range(ptr[u], ptr[u + 1]):
            v, e = nbr[i], edge[i]
            if banned_nodes[v] or banned_edges[e]:
                continue
            w = weights[e]
            hv = h[v]
            if not (w < np.inf and hv < np.inf):  # NaN and inf both fail
                continue
            gv = g + w
            if gv < best[v]:
                if best[v] == np.inf:
                    touched.append(v)
                best[v] = gv
                back[v] = e
                heapq.heappush(heap, (gv + hv, k + 1, v, gv))
    length = 0
    if found:
        u = target
        while u != source:
            u = esrc[back[u]]
            length += 1
    nodes = np.empty(length + 1 if found else 0, np.int64)
    edges = np.empty(length, np.int64)
    if found:
        u = target
        nodes[length] = u
        for j in range(length - 1, -1, -1):
            e = back[u]
            edges[j] = e
            u = esrc[e]
            nodes[j] = u
    for t in touched:
        best[t] = np.inf
    return found, cost, nodes, edges


@numba.njit(cache=True, nogil=True)
def bounded_bfs(
    ptr: IntArray, nbr: IntArray, edge: IntArray, usable: BoolArray, start: int, depth: int
) -> tuple[IntArray, IntArray, IntArray]:
    """Nodes reachable from ``start`` in ``1..depth`` usable edges, in the order found.

    Returns (nodes, hops, edge in) arrays. Frontier by frontier, each node's edges in
    adjacency order; a node keeps the first edge that reached it.
    """
    n = len(ptr) - 1
    seen = np.zeros(n, np.bool_)
    seen[start] = True
    queue = np.empty(n, np.int64)  # start, then the nodes found, frontier after frontier
    hops = np.empty(n, np.int64)
    edge_in = np.empty(n, np.int64)
    queue[0] = start
    lo, found = 0, 1
    for step in range(1, depth + 1):
        end = found
        for f in range(lo, end):
            u = queue[f]
            for i in range(ptr[u], ptr[u + 1]):
                v = nbr[i]
                if not seen[v] and usable[edge[i]]:
                    seen[v] = True
                    queue[found] = v
                    hops[found] = step
                    edge_in[found] = edge[i]
                    found += 1
        if found == end:
            break
        lo = end
    return queue[1:found].copy(), hops[1:found].copy(), edge_in[1:found].copy()


@numba.njit(cache=True, nogil=True)
def capped_sums(
    cap: FloatArray, pos: IntArray, short: FloatArray, ptr: IntArray, out: FloatArray
) -> None:
    """``out[e] = sum(min(cap[pos[j]], short[j]) for j in ptr[e]:ptr[e + 1])``, in order.

    The additions run entry by entry from 0.0, as :func:`numpy.bincount` makes them, so
    the sums are the same floats. ``cap`` and ``short`` hold no NaN.
    """
    for e in range(len(ptr) - 1):
        acc = 0.0
        for j in range(ptr[e], ptr[e + 1]):
            c = cap[pos[j]]
            s = short[j]
            acc += c if c < s else s
        out[e] = acc


@numba.njit(cache=True, nogil=True, inline="always")
def _shortfall(a: float, q: float, minimum: bool) -> tuple[bool, float, float]:
    """One requirement (normalised required level ``q``) against level ``a`` (NaN: unassessed).

    ``(assessed, filled, short)``: under ``minimum`` an unassessed level counts as 0 and
    as assessed; ``filled`` is the level (0 where unassessed) and ``short`` the gap
    ``max(0, q - filled)``, computed as :class:`~competency_core.careers._engine.Evaluation`
    computes them, so the floats are the same.
    """
    assessed = a == a  # not NaN
    if minimum and not assessed:
        a = 0.0
        assessed = True
    filled = a if assessed else 0.0
    short = q - filled
    if not short > 0.0:
        short = 0.0
    return assessed, filled, short


@numba.njit(cache=True, nogil=True)
def role_sums(
    indptr: IntArray,
    comp: IntArray,
    required: FloatArray,
    weight: FloatArray,
    essential: BoolArray,
    state: FloatArray,
    roles: IntArray,
    minimum: bool,
    gap_mass: FloatArray,
    weights: FloatArray,
    required_mass: FloatArray,
    unmet_essentials: IntArray,
    unmet_ptr: IntArray,
) -> IntArray:
    """One state against the requirements of ``roles``: the sums of the scoring contract.

    :meth:`~competency_core.careers._engine.RoleVectors.evaluate` and ``Evaluation.scores``
    in one pass, entry by entry in the same order, so the sums are the same floats as
    their :func:`numpy.bincount` calls. Fills, per role, the weighted gap mass, the weights
    and required mass counted (only under the ``exclude`` policy: ``minimum`` counts
    every requirement and the caller has those sums) and the unmet essentials;
    ``unmet_ptr`` (``len(roles) + 1``) points into the returned flat positions of the unmet
    requirements, role after role in requirement order.
    """
    total = 0
    for i in range(len(roles)):
        total += indptr[roles[i] + 1] - indptr[roles[i]]
    unmet = np.empty(total, np.int64)
    found = 0
    unmet_ptr[0] = 0
    for i in range(len(roles)):
        r = roles[i]
        mass = 0.0
        counted_w = 0.0
        counted_q = 0.0
        ess = 0
        for p in range(indptr[r], indptr[r + 1]):
            a = state[comp[p]]
            q = required[p]
            w = weight[p]
            assessed, _, short = _shortfall(a, q, minimum)
            mass += w * (short if assessed else 0.0)
            if not minimum:
                c = 1.0 if assessed else 0.0
                counted_w += w * c
                counted_q += w * q * c
            is_unmet = short > 0.0 if assessed else q > 0.0
            if is_unmet:
                unmet[found] = p
                found += 1
                if essential[p]:
                    ess += 1
        gap_mass[i] = mass
        if not minimum:
            weights[i] = counted_w
            required_mass[i] = counted_q
        unmet_essentials[i] = ess
        unmet_ptr[i + 1] = found
    return unmet[:found].copy()


@numba.njit(cache=True, nogil=True)
def step_gaps(
    order: IntArray,
    unmet_ptr: IntArray,
    unmet: IntArray,
    state: FloatArray,
    minimum: bool,
    comp: IntArray,
    required: FloatArray,
    level: IntArray,
    below: FloatArray,
    weight: FloatArray,
    essential: BoolArray,
    scale_min: FloatArray,
    scale_span: FloatArray,
    rank: IntArray,
) -> tuple[
    IntArray,
    IntArray,
    IntArray,
    FloatArray,
    FloatArray,
    FloatArray,
    BoolArray,
    BoolArray,
    IntArray,
    IntArray,
]:
    """The unmet requirements of the roles ``order`` (indices into :func:`role_sums`' roles).

    Returns ``(ptr, competency, required level, actual, gap, weight, essential, within one
    level, blocking, blocking_ptr)``: role ``order[k]``'s gaps are ``ptr[k]:ptr[k + 1]`` of
    the flat arrays, in requirement order, valued as ``Evaluation.gap_arrays`` values them
    (same operations, so the same floats); ``blocking[blocking_ptr[k]:blocking_ptr[k + 1]]``
    are the competencies of its essential gaps by bigger gap, then ``rank`` (of the
    requirement: heavier weight, then competency order).
    """
    n = len(order)
    ptr = np.empty(n + 1, np.int64)
    ptr[0] = 0
    for k in range(n):
        i = order[k]
        ptr[k + 1] = ptr[k] + unmet_ptr[i + 1] - unmet_ptr[i]
    m = ptr[n]
    out_comp = np.empty(m, np.int64)
    out_level = np.empty(m, np.int64)
    out_actual = np.empty(m, np.float64)
    out_gap = np.empty(m, np.float64)
    out_weight = np.empty(m, np.float64)
    out_ess = np.empty(m, np.bool_)
    out_within = np.empty(m, np.bool_)
    blocking = np.empty(m, np.int64)
    blocking_gap = np.empty(m, np.float64)
    blocking_rank = np.empty(m, np.int64)
    blocking_ptr = np.empty(n + 1, np.int64)
    blocking_ptr[0] = 0
    nb = 0
    for k in range(n):
        i = order[k]
        j0 = ptr[k]
        for t in range(unmet_ptr[i + 1] - unmet_ptr[i]):
            p = unmet[unmet_ptr[i] + t]
            c = comp[p]
            a = state[c]
            q = required[p]
            assessed, filled, short = _shortfall(a, q, minimum)
            j = j0 + t
            out_comp[j] = c
            out_level[j] = level[p]
            out_actual[j] = scale_min[c] + filled * scale_span[c] if assessed else np.nan
            out_gap[j] = short if assessed else q
            out_weight[j] = weight[p]
            out_ess[j] = essential[p]
            out_within[j] = assessed and filled >= below[p]
        # the essential gaps by (bigger gap, rank): an insertion sort into ``blocking``
        # (a role's essential gaps are few; ranks differ, so the order is total)
        first = nb
        for j in range(j0, ptr[k + 1]):
            if not out_ess[j]:
                continue
            g, r = out_gap[j], rank[unmet[unmet_ptr[i] + j - j0]]
            t = nb
            while t > first and (
                blocking_gap[t - 1] < g or (blocking_gap[t - 1] == g and blocking_rank[t - 1] > r)
            ):
                blocking[t] = blocking[t - 1]
                blocking_gap[t] = blocking_gap[t - 1]
                blocking_rank[t] = blocking_rank[t - 1]
                t -= 1
            blocking[t] = out_comp[j]
            blocking_gap[t] = g
            blocking_rank[t] = r
            nb += 1
        blocking_ptr[k + 1] = nb
    return (
        ptr,
        out_comp,
        out_level,
        out_actual,
        out_gap,
        out_weight,
        out_ess,
        out_within,
        blocking[:nb].copy(),
        blocking_ptr,
    )


__all__ = ["astar", "bounded_bfs", "capped_sums", "role_sums", "step_gaps"]
