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


__all__ = ["astar", "bounded_bfs", "capped_sums"]
