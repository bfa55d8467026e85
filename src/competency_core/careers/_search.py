"""Graph searches on compact adjacency lists: bounded BFS, A* and Yen's k shortest paths.

Nodes are integers and edges are integers indexing a weight list; a weight that is not
finite (NaN or inf) means the edge may not be used. The k-shortest search is Yen's
algorithm (with Lawler's saving: a path is only deviated from at or after the node where it
deviated from its parent), whose spur searches are A* guided by the exact distance to the
target in the whole graph. That distance never overestimates the distance in a graph with
nodes or edges removed, so every spur search stays exact while it explores little more
than the path it returns.
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


@dataclass(frozen=True, slots=True)
class Adjacency:
    """Out-edges of every node in CSR form, as Python lists (fast to walk from Python)."""

    ptr: list[int]
    nbr: list[int]
    edge: list[int]

    @classmethod
    def build(cls, n: int, src: npt.NDArray[np.int64], dst: npt.NDArray[np.int64]) -> Adjacency:
        """Adjacency of ``n`` nodes with edges ``src[e] -> dst[e]`` (edge ids kept)."""
        order = np.lexsort((dst, src))
        counts = np.bincount(src, minlength=n)
        ptr = np.concatenate(([0], np.cumsum(counts)))
        return cls(ptr.tolist(), dst[order].tolist(), order.tolist())


@dataclass(frozen=True, slots=True)
class Route:
    """A found path: its edges and nodes in order, and its cost (the sum of its weights)."""

    cost: float
    nodes: tuple[int, ...]
    edges: tuple[int, ...]


def bounded_bfs(
    adj: Adjacency, start: int, depth: int, usable: Sequence[bool]
) -> dict[int, tuple[int, int]]:
    """Nodes reachable from ``start`` in ``1..depth`` usable edges: node -> (hops, edge in).

    The edge in is the last edge of one fewest-hops route (the first found, in adjacency
    order), so routes can be read back by following edges to ``start``.
    """
    seen: dict[int, tuple[int, int]] = {start: (0, -1)}
    frontier = [start]
    ptr, nbr, edge = adj.ptr, adj.nbr, adj.edge
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
    weights: Sequence[float],
    reversed_graph: csr_matrix,
    source: int,
    target: int,
    k: int,
    edge_source: Sequence[int],
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
        routes = k_shortest(adj, weights, h.tolist(), source, target, k, edge_source)
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


def _astar(
    adj: Adjacency,
    esrc: Sequence[int],
    weights: Sequence[float],
    h: Sequence[float],
    source: int,
    target: int,
    banned_nodes: set[int],
    banned_edges: set[int],
) -> Route | None:
    """Cheapest route ``source -> target`` avoiding the banned nodes and edges, or None."""
    ptr, nbr, edge = adj.ptr, adj.nbr, adj.edge
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
            if not (w < math.inf and hv < math.inf):  # NaN and inf both fail
                continue
            gv = g + w
            if gv < best.get(v, math.inf):
                best[v] = gv
                back[v] = e
                heapq.heappush(heap, (gv + hv, k + 1, v, gv))
    return None


def k_shortest(
    adj: Adjacency,
    weights: Sequence[float],
    h: Sequence[float],
    source: int,
    target: int,
    k: int,
    edge_source: Sequence[int],
) -> list[Route]:
    """The ``k`` cheapest simple paths ``source -> target``, cheapest first (Yen + A*).

    ``h`` is the exact cheapest cost from each node to ``target`` in the whole graph
    (inf where it cannot be reached); ``edge_source`` the source node of every edge. Ties
    break on fewer edges, then on node order.
    """
    if source == target or not h[source] < math.inf:
        return []
    first = _astar(adj, edge_source, weights, h, source, target, set(), set())
    if first is None:
        return []
    found = [_fix(first, weights)]
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
            tail = _astar(adj, edge_source, weights, h, spur, target, banned_nodes, banned_edges)
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


def _sum(weights: Sequence[float], edges: Sequence[int]) -> float:
    total = 0.0
    for e in edges:
        total += weights[e]
    return total


def _fix(route: Route, weights: Sequence[float]) -> Route:
    return Route(_sum(weights, route.edges), route.nodes, route.edges)


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
