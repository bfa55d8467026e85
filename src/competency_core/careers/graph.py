"""The career graph: roles as nodes, transitions as typed edges, on a networkx DiGraph.

:class:`CareerGraph` wraps, and does not hide, a :class:`networkx.DiGraph`: ``cg.graph`` is
the graph itself, so any networkx algorithm runs on it. Nodes are role keys with the
attributes ``title``, ``family``, ``level``, ``track`` and ``rated``; edges carry ``kind``
(a :class:`~competency_core.TransitionKind`), ``typical_months``, ``suggested`` and, for
suggested edges, ``similarity`` (plus whatever ``edge_data`` added, e.g. O*NET's ``tier``
and ``rank``).

Declared transitions come from the model. *Suggested* transitions are derived from how much
two roles' requirement profiles overlap; they are kept apart (``suggested=True``, kind
``related``), never replace a declared edge, and the queries leave them out unless asked.

Alongside the networkx graph the wrapper keeps arrays (requirement vectors of every role,
the gap of every transition) that the queries use to stay fast on large graphs. They are
computed once, and the graph is frozen (:func:`networkx.freeze`: adding or removing nodes
or edges raises). To change it, copy it (``g = nx.DiGraph(cg.graph)``), change the copy
and build a new ``CareerGraph(model, g)``.
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter, methodcaller
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt

from competency_core.careers._engine import FloatArray, IntArray, RoleVectors
from competency_core.careers._search import Adjacency
from competency_core.errors import CompetencyError, UnknownKeyError
from competency_core.model import CompetencyModel
from competency_core.roles import RoleProfile, TransitionKind

KINDS: tuple[TransitionKind, ...] = tuple(TransitionKind)


@dataclass(frozen=True, slots=True)
class CareerTransition:
    """One edge of the career graph, typed."""

    source: str
    target: str
    kind: TransitionKind
    typical_months: int | None = None
    suggested: bool = False
    similarity: float | None = None
    """For a suggested transition: the overlap of the two roles' requirement profiles."""
    attributes: Mapping[str, Any] = field(default_factory=dict)
    """Any other edge attributes (e.g. O*NET's ``tier`` and ``rank``)."""


@dataclass(frozen=True, slots=True)
class SuggestionSettings:
    """How suggested transitions are derived from requirement overlap.

    ``threshold`` is the least overlap (weighted Jaccard of normalised required levels:
    ``sum(min) / sum(max)`` over competencies, 1 for identical profiles) for a suggestion;
    each role gets at most ``per_role`` suggestions, the most similar first. A suggestion
    never leads to a role of a lower level (when both roles have one). Sparse profiles
    overlap less than dense ones: the example ladder's closest pair scores 0.74, while half
    of all O*NET pairs score over 0.6, so pick the threshold for the model at hand.
    """

    threshold: float = 0.75
    per_role: int = 3

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise CompetencyError(
                f"the similarity threshold must be in (0, 1]; got {self.threshold}"
            )
        if self.per_role < 1:
            raise CompetencyError(f"per_role must be at least 1; got {self.per_role}")


def suggest_transitions(
    model: CompetencyModel,
    settings: SuggestionSettings | None = None,
    *,
    vectors: RoleVectors | None = None,
    block: int = 4_000_000,
) -> list[CareerTransition]:
    """Transitions suggested by requirement overlap, excluding pairs already declared.

    Cost grows with (roles)^2 x competencies; ``block`` bounds the temporary memory (in
    array entries). Roles without requirements get no suggestions.
    """
    s = settings or SuggestionSettings()
    vec = vectors or RoleVectors.compile(model, model.roles)
    declared = {(t.source, t.target) for t in model.transitions}
    rated = np.flatnonzero(vec.rated)
    if len(rated) < 2:
        return []
    levels = np.array(
        [np.nan if r.level is None else float(r.level) for r in (model.role(k) for k in vec.roles)]
    )
    step = max(1, block // max(1, len(rated) * len(vec.competencies)))
    out: list[CareerTransition] = []
    for lo in range(0, len(rated), step):
        rows = rated[lo : lo + step]
        sim = vec.similarity(rows, rated)
        for i, r in enumerate(rows.tolist()):
            row = sim[i]
            row[rated == r] = -1.0
            row[levels[rated] < levels[r]] = -1.0  # never suggest a step down
            order = np.lexsort((rated, -row))
            picked = 0
            for j in order.tolist():
                if row[j] < s.threshold - 1e-12 or picked >= s.per_role:
                    break
                src, dst = vec.roles[r], vec.roles[int(rated[j])]
                if (src, dst) in declared:
                    continue
                out.append(
                    CareerTransition(
                        src, dst, TransitionKind.RELATED, None, True, round(float(row[j]), 6)
                    )
                )
                picked += 1
    return out


@contextmanager
def _bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of acyclic objects are made.

    Its passes grow with the heap and would otherwise dominate building a large graph.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_KIND_CODE = {k: i for i, k in enumerate(KINDS)}


def _kind_code(data: Mapping[str, Any]) -> int:
    value = data.get("kind", "promotion")
    try:
        return _KIND_CODE[TransitionKind(value)]
    except ValueError:
        raise CompetencyError(
            f"unknown transition kind {value!r}; use one of {[k.value for k in KINDS]}"
        ) from None


def _lookup(table: Mapping[Any, int], keys: Sequence[Any]) -> list[int]:
    """``[table[k] for k in keys]``, with the loop in C."""
    if not keys:
        return []
    found = itemgetter(*keys)(table)
    return [found] if len(keys) == 1 else list(found)


@dataclass(frozen=True)
class _EdgeArrays:
    """Edges as arrays: ends (node numbers), kind code, typical months (NaN: unknown)."""

    src: IntArray
    dst: IntArray
    kind: npt.NDArray[np.int8]
    months: FloatArray
    suggested: npt.NDArray[np.bool_]

    @classmethod
    def from_triples(
        cls, edges: Sequence[tuple[str, str, Mapping[str, Any]]], index: Mapping[str, int]
    ) -> _EdgeArrays:
        # columns unzipped and looked up with itemgetter / methodcaller: the loops run in C
        us, vs, ds = zip(*edges, strict=True) if edges else ((), (), ())
        kinds = list(map(methodcaller("get", "kind", "promotion"), ds))
        try:
            codes = _lookup(_KIND_CODE, kinds)
        except (KeyError, TypeError):
            codes = [_kind_code(d) for d in ds]
        return cls(
            src=np.array(_lookup(index, us), np.int64),
            dst=np.array(_lookup(index, vs), np.int64),
            kind=np.array(codes, np.int8),
            # None becomes NaN (unknown months), None and False become False
            months=np.array(list(map(methodcaller("get", "typical_months"), ds)), np.float64),
            suggested=np.array(list(map(methodcaller("get", "suggested"), ds)), bool),
        )

    @classmethod
    def from_graph(cls, graph: nx.DiGraph, index: Mapping[str, int]) -> _EdgeArrays:
        return cls.from_triples(list(graph.edges(data=True)), index)


def _digraph(
    nodes: Sequence[tuple[str, dict[str, Any]]],
    edges: Sequence[tuple[str, str, dict[str, Any]]],
    arrays: _EdgeArrays,
) -> nx.DiGraph:
    """The same DiGraph as ``add_nodes_from(nodes); add_edges_from(edges)``, made faster.

    ``add_edges_from`` updates successor and predecessor dicts one edge at a time, in edge
    order: on a million edges in random order nearly every update misses the CPU caches.
    Here the edges are sorted by source (then target), and each node's successor dict is
    made at once by ``dict(zip(targets, data))``; the same for predecessors. Each edge's
    attribute dict is shared by both, exactly as networkx itself stores it. (A transition
    listed twice keeps the last attributes, as networkx would: the sorts are stable.)
    """
    g = nx.DiGraph()
    g.add_nodes_from(nodes)
    if not edges:
        return g
    keys = [k for k, _ in nodes]
    data = [d for _, _, d in edges]
    for outer, by, other in ((g._succ, arrays.src, arrays.dst), (g._pred, arrays.dst, arrays.src)):
        order = np.lexsort((other, by))
        ordered = _gather(data, order.tolist())
        names = _gather(keys, other[order].tolist())
        lo = 0
        for i, hi in enumerate(np.cumsum(np.bincount(by, minlength=len(keys))).tolist()):
            if hi > lo:
                outer[keys[i]] = dict(zip(names[lo:hi], ordered[lo:hi], strict=True))
            lo = hi
    return g


def _gather(items: Sequence[Any], positions: list[int]) -> list[Any]:
    """``[items[p] for p in positions]``, with the loop in C."""
    found = itemgetter(*positions)(items)
    return [found] if len(positions) == 1 else list(found)


class CareerGraph:
    """Roles and transitions of a model as a networkx DiGraph, with fast career queries.

    Build one with :meth:`from_model`; ``graph`` is the networkx graph.

    Examples:
        >>> from competency_core.testing.samples import sample_model
        >>> cg = CareerGraph.from_model(sample_model())
        >>> sorted(cg.graph.edges)
        [('engineer', 'senior-engineer')]
        >>> cg.transition("engineer", "senior-engineer").kind
        <TransitionKind.PROMOTION: 'promotion'>
    """

    def __init__(
        self, model: CompetencyModel, graph: nx.DiGraph, *, _edges: _EdgeArrays | None = None
    ) -> None:
        with _bulk():
            for node in graph.nodes:
                if not model.has_role(node):
                    raise UnknownKeyError("role", str(node))
            self.model = model
            self.graph = graph
            self.roles: tuple[str, ...] = tuple(graph.nodes)
            self.index: dict[str, int] = {k: i for i, k in enumerate(self.roles)}
            self.vectors = RoleVectors.compile(model, [model.role(k) for k in self.roles])
            edges = _edges if _edges is not None else _EdgeArrays.from_graph(graph, self.index)
            self.src: IntArray = edges.src
            self.dst: IntArray = edges.dst
            self.kind_code = edges.kind
            self.months: FloatArray = edges.months
            self.suggested = edges.suggested
            self.step_gap: FloatArray = self.vectors.edge_gaps(self.src, self.dst)
            """The gap of every step measured against its source role (NaN: not rated)."""
            self.adjacency = Adjacency.build(len(self.roles), self.src, self.dst)
            self._shape = (graph.number_of_nodes(), len(self.src))
            self._usable: dict[
                tuple[frozenset[TransitionKind] | None, bool],
                tuple[npt.NDArray[np.bool_], list[bool]],
            ] = {}
            self.cache: dict[object, object] = {}
            """Derived arrays the queries reuse (edge weights per filter, ...)."""
            nx.freeze(graph)  # the arrays above describe this graph: keep it as it is

    # -- building -----------------------------------------------------------------
    @classmethod
    def from_model(
        cls,
        model: CompetencyModel,
        *,
        suggest: bool | SuggestionSettings = False,
        edge_data: Mapping[tuple[str, str], Mapping[str, Any]] | None = None,
    ) -> CareerGraph:
        """The career graph of ``model``: every role, every declared transition.

        ``suggest`` adds suggested transitions (``True``: default
        :class:`SuggestionSettings`). ``edge_data`` adds attributes to declared edges.
        """
        with _bulk():
            t = model.text
            nodes = [
                (
                    r.key,
                    {
                        "title": t(r.title),
                        "family": r.family,
                        "level": r.level,
                        "track": r.track,
                        "rated": bool(r.requirements),
                    },
                )
                for r in model.roles
            ]
            index = {k: i for i, (k, _) in enumerate(nodes)}
            extra = edge_data or {}
            edges: list[tuple[str, str, dict[str, Any]]] = [
                (
                    tr.source,
                    tr.target,
                    {"kind": tr.kind, "typical_months": tr.typical_months, "suggested": False},
                )
                for tr in model.transitions
            ]
            if extra:
                for u, v, d in edges:
                    d.update(extra.get((u, v), {}))
            if suggest:
                settings = suggest if isinstance(suggest, SuggestionSettings) else None
                edges += [
                    (
                        s.source,
                        s.target,
                        {
                            "kind": s.kind,
                            "typical_months": None,
                            "suggested": True,
                            "similarity": s.similarity,
                        },
                    )
                    for s in suggest_transitions(model, settings)
                ]
            arrays = _EdgeArrays.from_triples(edges, index)
            g = _digraph(nodes, edges, arrays)
            g.graph["model"] = model.key
            if g.number_of_edges() != len(edges):  # a transition declared twice: merged
                return cls(model, g)
            return cls(model, g, _edges=arrays)

    # -- lookups --------------------------------------------------------------------
    def check_unchanged(self) -> None:
        """Raise if ``graph`` was unfrozen or gained or lost nodes since this wrapper was built.

        The graph is frozen (:func:`networkx.freeze`), so adding or removing nodes and
        edges through networkx raises at once; this check costs O(1) per query (counting
        the edges of a million-edge graph would cost more than the query).
        """
        if not nx.is_frozen(self.graph) or len(self.graph._succ) != self._shape[0]:
            raise CompetencyError(
                "the networkx graph changed after the CareerGraph was built; "
                "build a new one with CareerGraph(model, graph)"
            )

    def edge_count_unchanged(self) -> bool:
        """Whether the graph still has as many edges as when the wrapper was built (O(edges))."""
        succ = self.graph._succ  # counting edges through the public API is ~20x slower
        return (len(succ), sum(map(len, succ.values()))) == self._shape

    def role_index(self, key: str) -> int:
        """The node number of a role (:class:`UnknownKeyError` if it is not in the graph)."""
        try:
            return self.index[key]
        except KeyError:
            raise UnknownKeyError("role", key) from None

    def role(self, key: str) -> RoleProfile:
        """The role profile of a node."""
        self.role_index(key)
        return self.model.role(key)

    def title(self, key: str) -> str:
        """A role's title in the model's default language."""
        return str(self.graph.nodes[key].get("title", key))

    def is_rated(self, key: str) -> bool:
        """Whether a role has requirements (a role without any is "not rated")."""
        return bool(self.vectors.rated[self.role_index(key)])

    @cached_property
    def competency_names(self) -> tuple[tuple[str, str], ...]:
        """``(key, name)`` of every competency, aligned with ``vectors.competencies``."""
        m = self.model
        return tuple((k, m.text(m.competency(k).name)) for k in self.vectors.competencies)

    @cached_property
    def competency_columns(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Keys and names of every competency, aligned with ``vectors.competencies``."""
        names = self.competency_names
        return tuple(k for k, _ in names), tuple(n for _, n in names)

    @cached_property
    def competency_keys(self) -> npt.NDArray[np.object_]:
        """The competency keys as an object array (many looked up at once by index)."""
        keys = self.competency_columns[0]
        out = np.empty(len(keys), object)
        out[:] = keys
        return out

    @cached_property
    def edge_kinds(self) -> list[str]:
        """The kind of every edge, as its string value."""
        values = [k.value for k in KINDS]
        return [values[c] for c in self.kind_code.tolist()]

    @cached_property
    def role_singles(self) -> tuple[tuple[str], ...]:
        """``(key,)`` of every role: a route's last stop, added to its predecessor's."""
        return tuple(zip(self.roles))

    @cached_property
    def edge_kind_singles(self) -> list[tuple[str]]:
        """``(kind,)`` of every edge (one tuple per kind, shared): a route's last kind."""
        singles = {k: (k,) for k in set(self.edge_kinds)}
        return [singles[k] for k in self.edge_kinds]

    @cached_property
    def suggested_list(self) -> list[bool]:
        """Whether each edge is suggested, as a list."""
        out: list[bool] = self.suggested.tolist()
        return out

    @cached_property
    def titles(self) -> tuple[str, ...]:
        """Every role's title, aligned with ``roles``."""
        return tuple(self.title(k) for k in self.roles)

    @cached_property
    def edge_index(self) -> dict[tuple[str, str], int]:
        """``(source, target) -> edge number`` in the arrays the queries use."""
        r = self.roles
        return {
            (r[s], r[d]): e
            for e, (s, d) in enumerate(zip(self.src.tolist(), self.dst.tolist(), strict=True))
        }

    def transition(self, source: str, target: str) -> CareerTransition:
        """The typed transition ``source -> target`` (:class:`UnknownKeyError` if none)."""
        if not self.graph.has_edge(source, target):
            raise UnknownKeyError("transition", f"{source} -> {target}")
        return _typed(source, target, self.graph.edges[source, target])

    def transitions(self, *, suggested: bool | None = None) -> Iterator[CareerTransition]:
        """Every transition, typed; ``suggested=False`` only declared, ``True`` only suggested."""
        for u, v, data in self.graph.edges(data=True):
            if suggested is None or bool(data.get("suggested", False)) == suggested:
                yield _typed(u, v, data)

    def declared(self) -> nx.DiGraph:
        """A read-only view of the graph without the suggested transitions."""
        return nx.subgraph_view(
            self.graph, filter_edge=lambda u, v: not self.graph.edges[u, v].get("suggested")
        )

    @staticmethod
    def filter_key(
        kinds: Collection[TransitionKind | str] | None, include_suggested: bool
    ) -> tuple[frozenset[TransitionKind] | None, bool]:
        """A hashable key of an edge filter (kinds followed, suggested edges or not)."""
        wanted = None if kinds is None else frozenset(TransitionKind(k) for k in kinds)
        return wanted, include_suggested

    @cached_property
    def src_list(self) -> list[int]:
        """The source node of every edge, as a list."""
        out: list[int] = self.src.tolist()
        return out

    @cached_property
    def dst_list(self) -> list[int]:
        """The target node of every edge, as a list."""
        out: list[int] = self.dst.tolist()
        return out

    @cached_property
    def months_list(self) -> list[int | None]:
        """The typical months of every edge, as a list (None: unknown)."""
        return [None if m != m else int(m) for m in self.months.tolist()]  # m != m: NaN

    def usable(
        self, kinds: Collection[TransitionKind | str] | None, include_suggested: bool
    ) -> tuple[npt.NDArray[np.bool_], list[bool]]:
        """Which edges a query may follow (as an array and as a list); cached per filter."""
        key = self.filter_key(kinds, include_suggested)
        wanted = key[0]
        found = self._usable.get(key)
        if found is None:
            mask = np.ones(len(self.src), bool) if include_suggested else ~self.suggested
            if wanted is not None:
                mask &= np.isin(self.kind_code, [_KIND_CODE[k] for k in wanted])
            found = (mask, mask.tolist())
            self._usable[key] = found
        return found

    def step_cost(self, source: str, target: str) -> float | None:
        """The gap of the step ``source -> target`` against ``source``'s requirements.

        None when either role is not rated (the step cannot be costed without guessing).
        """
        self.role_index(source)
        self.role_index(target)
        e = self.edge_index.get((source, target))
        if e is not None:
            value = float(self.step_gap[e])
        else:
            ends = np.array([self.index[source]]), np.array([self.index[target]])
            value = float(self.vectors.edge_gaps(*ends)[0])
        return None if np.isnan(value) else value

    def __repr__(self) -> str:
        n, e = self._shape
        return f"<CareerGraph {self.model.key!r}: {n} roles, {e} transitions>"


def _typed(u: str, v: str, data: Mapping[str, Any]) -> CareerTransition:
    known = {"kind", "typical_months", "suggested", "similarity"}
    return CareerTransition(
        source=u,
        target=v,
        kind=TransitionKind(data.get("kind", TransitionKind.PROMOTION)),
        typical_months=data.get("typical_months"),
        suggested=bool(data.get("suggested", False)),
        similarity=data.get("similarity"),
        attributes={k: val for k, val in data.items() if k not in known},
    )


__all__ = [
    "KINDS",
    "CareerGraph",
    "CareerTransition",
    "SuggestionSettings",
    "suggest_transitions",
]
