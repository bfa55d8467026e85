"""Graph searches on compact adjacency lists: bounded BFS, A* and Yen's k shortest paths.

Nodes are integers and edges are integers indexing a weight list; a weight that is not
finite (NaN or inf) means the edge may not be used. The k-shortest search is Yen's
algorithm (with Lawler's saving: a path is only deviated from at or after the node where it
deviated from its parent), whose spur searches are A* guided by the exact distance to the
target in the whole graph. That distance never overestimates the distance in a graph with
nodes or edges removed, so every spur search stays exact while it explores little more
than the path it returns. A* and the BFS run compiled (:mod:`competency_core.careers._kernels`,
imported on first use: it loads numba).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order, dijkstra

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Adjacency:
    """Out-edges of every node in CSR form: node ``u``'s are ``ptr[u]:ptr[u + 1]``."""

    ptr: IntArray
    nbr: IntArray
    """The node each out-edge leads to."""
    edge: IntArray
    """The edge id of each out-edge."""

    @classmethod
    def build(cls, n: int, src: npt.NDArray[np.int64], dst: npt.NDArray[np.int64]) -> Adjacency:
        """Adjacency of ``n`` nodes with edges ``src[e] -> dst[e]`` (edge ids kept)."""
        order = np.lexsort((dst, src))
        counts = np.bincount(src, minlength=n)
        ptr = np.concatenate(([0], np.cumsum(counts)))
        return cls(ptr.astype(np.int64), dst[order].astype(np.int64), order.astype(np.int64))


@dataclass(frozen=True, slots=True)
class Route:
    """A found path: its edges and nodes in order, and its cost (the sum of its weights)."""

    cost: float
    nodes: tuple[int, ...]
    edges: tuple[int, ...]


def bounded_bfs(
    adj: Adjacency, start: int, depth: int, usable: npt.NDArray[np.bool_]
) -> tuple[IntArray, IntArray, IntArray]:
    """Nodes reachable from ``start`` in ``1..depth`` usable edges: (nodes, hops, edge in).

    Nodes in the order found (a node after the one it was reached from); the edge in is the
    last edge of one fewest-hops route (the first found, in adjacency order), so routes can
    be read back by following edges to ``start``.
    """
    from competency_core.careers._kernels import bounded_bfs as bfs

    nodes, hops, edge_in = bfs(adj.ptr, adj.nbr, adj.edge, usable, start, depth)
    return nodes, hops, edge_in


def reversed_matrix(
    n: int,
    src: npt.NDArray[np.int64],
    dst: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64],
) -> csr_matrix:
    """The finite-weight edges reversed, as a sparse matrix (for searches *to* a node).

    scipy keeps explicit zeros of a matrix built from coordinates as zero-weight edges.
    """
    ok = np.isfinite(weights)
    return csr_matrix((weights[ok], (dst[ok], src[ok])), shape=(n, n))


def distances_to(
    reversed_graph: csr_matrix, target: int, limit: float = math.inf
) -> npt.NDArray[np.float64]:
    """The cheapest cost from every node to ``target``, at C speed.

    inf where the target cannot be reached, or only at a cost above ``limit`` (the search
    stops there: on a big graph a bounded search is much cheaper than a full one).
    """
    found = dijkstra(reversed_graph, directed=True, indices=target, limit=limit)
    return np.asarray(found, dtype=np.float64)


def k_shortest_bounded(
    adj: Adjacency,
    weights: npt.NDArray[np.float64],
    reversed_graph: csr_matrix,
    source: int,
    target: int,
    k: int,
    edge_source: IntArray,
    limit: float = 1.0,
) -> list[Route]:
    """:func:`k_shortest` with the distances to the target computed only up to a bound.

    Nodes farther than ``limit`` from the target are left out. That cannot change the
    answer when the k-th path found costs at most ``limit``: every path that cheap stays
    clear of them. Otherwise the search runs again with a bound that is enough: the cost
    of the k-th path found (k paths that cheap exist, so the k cheapest cost no more), or,
    with fewer than k found, twice the bound; after a few rounds, no bound.
    """
    rounds = 0
    while True:
        h = distances_to(reversed_graph, target, limit)
        routes = k_shortest(adj, weights, h, source, target, k, edge_source)
        if limit == math.inf or (len(routes) == k and routes[-1].cost <= limit):
            return routes
        rounds += 1
        if rounds >= 6:
            limit = math.inf
        elif len(routes) == k:  # a hair more: sums in another order may round up
            limit = max(routes[-1].cost * (1 + 1e-9) + 1e-12, limit * 1.01)
        else:
            limit *= 2


def reachable(graph: csr_matrix, start: int) -> npt.NDArray[np.bool_]:
    """Which nodes a breadth-first search from ``start`` reaches (``start`` included)."""
    found = np.zeros(graph.shape[0], bool)
    found[breadth_first_order(graph, start, directed=True, return_predecessors=False)] = True
    return found


class _Spurs:
    """A* searches on one graph with one set of weights (scratch space kept between them)."""

    def __init__(
        self,
        adj: Adjacency,
        esrc: IntArray,
        weights: npt.NDArray[np.float64],
        h: npt.NDArray[np.float64],
    ) -> None:
        from competency_core.careers._kernels import astar

        self._astar = astar
        self.adj, self.esrc, self.weights, self.h = adj, esrc, weights, h
        n = len(adj.ptr) - 1
        self.banned_nodes = np.zeros(n, np.bool_)
        self.banned_edges = np.zeros(len(weights), np.bool_)
        self.best = np.full(n, np.inf)
        self.back = np.zeros(n, np.int64)

    def route(
        self, source: int, target: int, nodes: Sequence[int] = (), edges: Sequence[int] = ()
    ) -> Route | None:
        """Cheapest route ``source -> target`` avoiding ``nodes`` and ``edges``, or None."""
        banned_nodes, banned_edges = self.banned_nodes, self.banned_edges
        for u in nodes:
            banned_nodes[u] = True
        for e in edges:
            banned_edges[e] = True
        adj = self.adj
        try:
            found, cost, path, steps = self._astar(
                adj.ptr,
                adj.nbr,
                adj.edge,
                self.esrc,
                self.weights,
                self.h,
                source,
                target,
                banned_nodes,
                banned_edges,
                self.best,
                self.back,
            )
        finally:
            for u in nodes:
                banned_nodes[u] = False
            for e in edges:
                banned_edges[e] = False
        if not found:
            return None
        return Route(float(cost), tuple(path.tolist()), tuple(steps.tolist()))


def k_shortest(
    adj: Adjacency,
    weights: npt.NDArray[np.float64],
    h: npt.NDArray[np.float64],
    source: int,
    target: int,
    k: int,
    edge_source: IntArray,
) -> list[Route]:
    """The ``k`` cheapest simple paths ``source -> target``, cheapest first (Yen + A*).

    ``h`` is the exact cheapest cost from each node to ``target`` in the whole graph
    (inf where it cannot be reached); ``edge_source`` the source node of every edge. Ties
    break on fewer edges, then on node order.
    """
    if source == target or not h[source] < math.inf:
        return []
    spurs = _Spurs(adj, edge_source, weights, h)
    first = spurs.route(source, target)
    if first is None:
        return []
    found = [Route(_sum(weights, first.edges), first.nodes, first.edges)]
    deviation = [0]
    candidates: list[tuple[float, int, tuple[int, ...], tuple[int, ...], int]] = []
    queued: set[tuple[int, ...]] = set()
    while len(found) < k:
        last = found[-1]
        for i in range(deviation[-1], len(last.edges)):
            spur = last.nodes[i]
            root_edges = last.edges[:i]
            banned_edges = {p.edges[i] for p in found if p.edges[:i] == root_edges}
            tail = spurs.route(spur, target, last.nodes[:i], sorted(banned_edges))
            if tail is None:
                continue
            edges = root_edges + tail.edges
            if edges in queued:
                continue
            queued.add(edges)
            nodes = last.nodes[:i] + tail.nodes
            cost = _sum(weights, edges)
            heapq.heappush(candidates, (cost, len(edges), nodes, edges, i))
        if not candidates:
            break
        cost, _, nodes, edges, i = heapq.heappop(candidates)
        found.append(Route(cost, nodes, edges))
        deviation.append(i)
    return found


def _sum(weights: npt.NDArray[np.float64], edges: Sequence[int]) -> float:
    """The cost of a route: its weights added in order (as A* adds them)."""
    total = 0.0
    for e in edges:
        total += float(weights[e])
    return total


__all__ = [
    "Adjacency",
    "Route",
    "bounded_bfs",
    "distances_to",
    "k_shortest",
    "k_shortest_bounded",
    "reachable",
    "reversed_matrix",
]
