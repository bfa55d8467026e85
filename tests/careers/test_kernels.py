"""The compiled career kernels give what the Python loops they replaced gave, to the bit.

The Python versions below are the ones :mod:`competency_core.careers._search` used before
A*, the bounded BFS and the person step sums were compiled with numba (issue 19). They are
run on generated graphs with tied, zero, NaN and infinite weights, and every answer must
be the same: the same routes in the same order, the same costs, the same floats.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from competency_core.careers._kernels import capped_sums
from competency_core.careers._search import (
    Adjacency,
    Route,
    bounded_bfs,
    distances_to,
    k_shortest,
    reversed_matrix,
)

WEIGHTS = [0.0, 0.125, 0.25, 0.5, 1.0, math.nan, math.inf]


def _python_astar(
    adj: Adjacency,
    esrc: Sequence[int],
    weights: Sequence[float],
    h: Sequence[float],
    source: int,
    target: int,
    banned_nodes: set[int],
    banned_edges: set[int],
) -> Route | None:
    ptr, nbr, edge = adj.ptr.tolist(), adj.nbr.tolist(), adj.edge.tolist()
    best: dict[int, float] = {source: 0.0}
    back: dict[int, int] = {}
    heap: list[tuple[float, int, int, float]] = [(h[source], 0, source, 0.0)]
    while heap:
        _, k, u, g = heapq.heappop(heap)
        if g > best.get(u, math.inf):
            continue
        if u == target:
            edges: list[int] = []
            nodes = [u]
            while u != source:
                e = back[u]
                edges.append(e)
                u = esrc[e]
                nodes.append(u)
            return Route(g, tuple(reversed(nodes)), tuple(reversed(edges)))
        for i in range(ptr[u], ptr[u + 1]):
            v, e = nbr[i], edge[i]
            if v in banned_nodes or e in banned_edges:
                continue
            w = weights[e]
            hv = h[v]
            if not (w < math.inf and hv < math.inf):
                continue
            gv = g + w
            if gv < best.get(v, math.inf):
                best[v] = gv
                back[v] = e
                heapq.heappush(heap, (gv + hv, k + 1, v, gv))
    return None


def _python_sum(weights: Sequence[float], edges: Sequence[int]) -> float:
    total = 0.0
    for e in edges:
        total += weights[e]
    return total


def _python_k_shortest(
    adj: Adjacency,
    weights: Sequence[float],
    h: Sequence[float],
    source: int,
    target: int,
    k: int,
    edge_source: Sequence[int],
) -> list[Route]:
    if source == target or not h[source] < math.inf:
        return []
    first = _python_astar(adj, edge_source, weights, h, source, target, set(), set())
    if first is None:
        return []
    found = [Route(_python_sum(weights, first.edges), first.nodes, first.edges)]
    deviation = [0]
    candidates: list[tuple[float, int, tuple[int, ...], tuple[int, ...], int]] = []
    queued: set[tuple[int, ...]] = set()
    while len(found) < k:
        last = found[-1]
        for i in range(deviation[-1], len(last.edges)):
            spur = last.nodes[i]
            root_edges = last.edges[:i]
            banned_edges = {p.edges[i] for p in found if p.edges[:i] == root_edges}
            banned_nodes = set(last.nodes[:i])
            tail = _python_astar(
                adj, edge_source, weights, h, spur, target, banned_nodes, banned_edges
            )
            if tail is None:
                continue
            edges = root_edges + tail.edges
            if edges in queued:
                continue
            queued.add(edges)
            nodes = last.nodes[:i] + tail.nodes
            cost = _python_sum(weights, edges)
            heapq.heappush(candidates, (cost, len(edges), nodes, edges, i))
        if not candidates:
            break
        cost, _, nodes, edges, i = heapq.heappop(candidates)
        found.append(Route(cost, nodes, edges))
        deviation.append(i)
    return found


def _python_bfs(
    adj: Adjacency, start: int, depth: int, usable: Sequence[bool]
) -> dict[int, tuple[int, int]]:
    seen: dict[int, tuple[int, int]] = {start: (0, -1)}
    frontier = [start]
    ptr, nbr, edge = adj.ptr.tolist(), adj.nbr.tolist(), adj.edge.tolist()
    for hops in range(1, depth + 1):
        nxt = []
        for u in frontier:
            for i in range(ptr[u], ptr[u + 1]):
                v = nbr[i]
                if v not in seen and usable[edge[i]]:
                    seen[v] = (hops, edge[i])
                    nxt.append(v)
        frontier = nxt
        if not frontier:
            break
    del seen[start]
    return seen


@st.composite
def graphs(draw: st.DrawFn) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """(nodes, src, dst, weights): 2-8 nodes, any simple directed edges, tied weights."""
    n = draw(st.integers(2, 8))
    pairs = [(a, b) for a in range(n) for b in range(n) if a != b]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=len(pairs), unique=True))
    src = np.array([a for a, _ in chosen], np.int64)
    dst = np.array([b for _, b in chosen], np.int64)
    weights = np.array([draw(st.sampled_from(WEIGHTS)) for _ in chosen])
    return n, src, dst, weights


@given(graphs(), st.data())
def test_compiled_yen_and_astar_find_what_the_python_loops_found(
    graph: tuple[int, np.ndarray, np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    n, src, dst, weights = graph
    source = data.draw(st.integers(0, n - 1))
    target = data.draw(st.integers(0, n - 1))
    k = data.draw(st.integers(1, 6))
    adj = Adjacency.build(n, src, dst)
    h = distances_to(reversed_matrix(n, src, dst, weights), target)
    new = k_shortest(adj, weights, h, source, target, k, src)
    old = _python_k_shortest(adj, weights.tolist(), h.tolist(), source, target, k, src.tolist())
    assert new == old
    assert all(type(r.cost) is float for r in new)


@given(graphs(), st.data())
def test_compiled_bfs_reaches_what_the_python_loop_reached(
    graph: tuple[int, np.ndarray, np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    n, src, dst, weights = graph
    start = data.draw(st.integers(0, n - 1))
    depth = data.draw(st.integers(1, 4))
    usable = np.isfinite(weights)  # any mask of edges will do
    adj = Adjacency.build(n, src, dst)
    nodes, hops, edge_in = bounded_bfs(adj, start, depth, usable)
    old = _python_bfs(adj, start, depth, usable.tolist())
    assert nodes.tolist() == list(old)  # the same nodes, found in the same order
    assert list(zip(hops.tolist(), edge_in.tolist(), strict=True)) == list(old.values())


@given(
    st.lists(st.integers(0, 5), max_size=40),
    st.lists(st.sampled_from([0.0, 0.1, 0.2, 1 / 3, 0.7, 1.0, 2.5]), min_size=6, max_size=6),
    st.data(),
)
def test_capped_sums_add_like_bincount(
    seg: list[int], cap: list[float], data: st.DataObject
) -> None:
    """Per edge, min(cap, short) added entry by entry: the floats ``bincount`` makes."""
    edges = 6
    seg_a = np.sort(np.array(seg, np.int64))
    pos = np.array([data.draw(st.integers(0, 5)) for _ in seg], np.int64)
    short = np.array([data.draw(st.sampled_from([0.05, 0.3, 1 / 7, 0.9])) for _ in seg])
    ptr = np.searchsorted(seg_a, np.arange(edges + 1)).astype(np.int64)
    out = np.full(edges, np.nan)
    capped_sums(np.array(cap), pos, short, ptr, out)
    expected = np.bincount(seg_a, np.minimum(np.array(cap)[pos], short), edges)
    assert out.tolist() == expected.tolist()
