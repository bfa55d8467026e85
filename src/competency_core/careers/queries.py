"""Career queries over a :class:`CareerGraph`: next steps, cheapest paths, what to develop.

Plain functions that take a graph and return plain frozen results (see
:mod:`competency_core.careers.results`). A query starts from a *role* (its key) or from a
*person* (a :class:`PersonProfile`: their current role and assessed levels).

Costs follow the scoring contract (``docs/scoring.md``). The cost of a step ``A -> B`` is
the gap of ``B``'s requirements (the weighted mean of the normalised gaps):

- from a role, measured against ``A``'s required levels, as if they were the levels of the
  person holding ``A`` (competencies ``A`` does not require count at the scale minimum);
- from a person, the first step is measured against the person's assessed levels, and
  each later step against those levels raised to ``A``'s requirements (having held ``A``,
  they meet it). Unassessed competencies follow the scoring policy.

With ``time_weight``, a step also costs ``time_weight x typical_months / 12`` (a year in the
source role costs ``time_weight``; unknown times count as 0 and are reported). A path's cost
is the sum of its steps' costs. Roles without requirements are *not rated*: no cost, gap or
readiness is made up for them; paths avoid them and results say so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import repeat
from operator import add, sub
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from competency_core.careers._engine import (
    FloatArray,
    RequirementGaps,
    StepEntries,
    gap_order,
)
from competency_core.careers._search import (
    bounded_bfs,
    k_shortest_bounded,
    reachable,
    reversed_matrix,
)
from competency_core.careers.graph import CareerGraph
from competency_core.careers.results import (
    BestPaths,
    CareerPath,
    Development,
    DevelopmentItem,
    Gap,
    Gaps,
    NextStep,
    NextSteps,
    PathStatus,
    PathStep,
    Status,
    StepDevelopment,
    made_in_bulk,
)
from competency_core.errors import CompetencyError, ScoringError
from competency_core.people import Workforce
from competency_core.roles import TransitionKind
from competency_core.scoring import DEFAULT_POLICY, PeopleLevels, ScoringPolicy, UnassessedPolicy


@dataclass(frozen=True)
class PersonProfile:
    """A person as the career queries see them: current role and normalised levels.

    ``levels`` is aligned with ``cg.vectors.competencies`` (NaN: not assessed), resolved
    from assessments by :mod:`competency_core.scoring` under ``policy`` as of ``on``.
    """

    person: str
    name: str
    role: str | None
    levels: FloatArray
    policy: ScoringPolicy
    on: dt.date

    @classmethod
    def from_workforce(
        cls,
        cg: CareerGraph,
        workforce: Workforce,
        person: str,
        *,
        policy: ScoringPolicy = DEFAULT_POLICY,
        on: dt.date | None = None,
    ) -> PersonProfile:
        """Resolve one person's assessments into levels (scoring's rules)."""
        who = workforce.person(person)
        day = on or dt.date.today()
        got = PeopleLevels.from_workforce(
            cg.model, workforce, policy=policy, on=day, people=[person]
        )
        col = {c: j for j, c in enumerate(got.competencies)}
        levels = np.array([got.normalised[0, col[c]] for c in cg.vectors.competencies])
        return cls(who.key, who.name, who.role, levels, policy, day)


Start = str | PersonProfile
"""Where a query starts: a role key, or a person."""


def _origin(cg: CareerGraph, start: Start) -> tuple[int, PersonProfile | None]:
    cg.check_unchanged()
    if isinstance(start, PersonProfile):
        if start.role is None:
            raise ScoringError(
                f"person {start.person!r} has no current role: start from a role instead"
            )
        return cg.role_index(start.role), start
    return cg.role_index(start), None


def _state(cg: CareerGraph, origin: int, person: PersonProfile | None) -> FloatArray:
    return person.levels if person is not None else cg.vectors.state_of_role(origin)


def _gap_list(cg: CareerGraph, g: RequirementGaps) -> list[Gap]:
    """:class:`Gap` records of gap arrays, made in bulk (queries make thousands)."""
    keys, names = cg.competency_columns
    c = g.competency.tolist()
    actual: list[float | None] = g.actual.tolist()
    if np.isnan(g.actual).any():
        actual = [None if a != a else a for a in actual]  # a != a: NaN
    rows = zip(
        [keys[i] for i in c],
        [names[i] for i in c],
        g.required.tolist(),
        actual,
        g.gap.tolist(),
        g.weight.tolist(),
        g.essential.tolist(),
        strict=True,
    )
    # tuple.__new__ straight from the rows skips the named tuple's keyword constructor
    return list(map(tuple.__new__, repeat(Gap), rows))


_NO_GAPS = Gaps.of(())


def _gap_slice(cg: CareerGraph, g: RequirementGaps, lo: int, hi: int) -> list[Gap]:
    """The :class:`Gap` records of entries ``lo:hi`` of gap arrays, in gap order."""
    part = RequirementGaps(*(getattr(g, f.name)[lo:hi] for f in dataclasses.fields(g)))
    order = gap_order(part)
    return _gap_list(
        cg, RequirementGaps(*(getattr(part, f.name)[order] for f in dataclasses.fields(g)))
    )


def _gap_records(cg: CareerGraph, g: RequirementGaps) -> tuple[Gap, ...]:
    return tuple(_gap_list(cg, g))


def next_steps(
    cg: CareerGraph,
    start: Start,
    *,
    max_steps: int = 2,
    kinds: Collection[TransitionKind | str] | None = None,
    include_suggested: bool = False,
    policy: ScoringPolicy = DEFAULT_POLICY,
    limit: int | None = None,
) -> NextSteps:
    """Roles reachable in ``1..max_steps`` transitions, ranked by readiness for each.

    From a person, readiness uses their levels (and their policy); from a role, that role's
    required levels (under ``policy``). Each step lists the gaps that block it. Roles that
    are not rated come last with status "not rated". ``kinds`` limits the transition kinds
    followed; ``limit`` keeps the best ones only.

    Examples:
        >>> from competency_core.testing.samples import sample_model
        >>> cg = CareerGraph.from_model(sample_model())
        >>> [(s.role, s.status, round(s.readiness, 3)) for s in next_steps(cg, "engineer").steps]
        [('senior-engineer', 'not ready', 0.538)]
    """
    if max_steps < 1:
        raise CompetencyError(f"max_steps must be at least 1; got {max_steps}")
    origin, person = _origin(cg, start)
    pol = person.policy if person is not None else policy
    usable = cg.usable(kinds, include_suggested)[0]
    nodes, node_hops, edge_in = bounded_bfs(cg.adjacency, origin, max_steps, usable)
    is_rated = cg.vectors.rated[nodes]
    rated = nodes[is_rated]
    state = _state(cg, origin, person)
    # scores and unmet requirements in one compiled pass (Evaluation.scores' sums)
    scores, unmet, unmet_ptr = cg.vectors.score_sums(state, rated, pol)
    order = np.lexsort((rated, node_hops[is_rated], -scores.readiness))
    if limit is not None:
        order = order[:limit]
    # the unmet requirements of the steps in their order (each role's gaps are sorted when
    # first read) and the blocking ones (essential) by gap order now, compiled
    found = cg.vectors.step_gaps(state, pol, order, unmet, unmet_ptr)
    # the steps: rated ones by readiness, then the others by (hops, node)
    unrated_at = np.flatnonzero(~is_rated)
    unrated_at = unrated_at[np.lexsort((nodes[unrated_at], node_hops[unrated_at]))]
    at_array = np.concatenate((np.flatnonzero(is_rated)[order], unrated_at))
    at = at_array.tolist()
    via, kinds_used, sugg = _routes(cg, origin, nodes, node_hops, edge_in)
    n_unrated = len(unrated_at)
    node_of = nodes.tolist()
    step_nodes = [node_of[i] for i in at]
    lo, hi = found.ptr[:-1].tolist(), found.ptr[1:].tolist()
    blocking_keys = cg.competency_keys[found.blocking].tolist()
    bounds = map(slice, found.blocking_ptr[:-1].tolist(), found.blocking_ptr[1:].tolist())
    makers = map(partial, repeat(_gap_slice), repeat(cg), repeat(found.gaps), lo, hi)
    columns: list[list[Any]] = [
        list(map(cg.roles.__getitem__, step_nodes)),
        list(map(cg.titles.__getitem__, step_nodes)),
        node_hops[at_array].tolist(),
        list(map(via.__getitem__, at)),
        list(map(kinds_used.__getitem__, at)),
        sugg[at_array].tolist(),
        [*map(_STATUS.__getitem__, scores.ready[order].tolist()), *repeat("not rated", n_unrated)],
        [*scores.readiness[order].tolist(), *repeat(None, n_unrated)],
        [*scores.gap[order].tolist(), *repeat(None, n_unrated)],
        [*map(Gaps, makers, map(sub, hi, lo)), *repeat(_NO_GAPS, n_unrated)],
        [*map(tuple, map(blocking_keys.__getitem__, bounds)), *repeat((), n_unrated)],
    ]
    return NextSteps(
        origin=cg.roles[origin],
        person=person.person if person is not None else None,
        max_steps=max_steps,
        steps=tuple(made_in_bulk(NextStep, columns)),
    )


_STATUS: tuple[Status, Status] = ("not ready", "ready")
"""A rated step's status by whether it is ready."""


def _routes(
    cg: CareerGraph, origin: int, nodes: np.ndarray, hops: np.ndarray, edge_in: np.ndarray
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]], np.ndarray]:
    """The route of each node found by :func:`bounded_bfs`: (roles on it, kinds, suggested).

    A node's route is its predecessor's plus one step, made frontier by frontier (a node's
    predecessor is in an earlier one) with C-level loops; position ``i`` is ``nodes[i]``'s.
    """
    n = len(nodes)
    where = np.full(len(cg.roles), n, np.int64)  # the origin's route is kept last
    where[nodes] = np.arange(n)
    pred_at = where[cg.src[edge_in]]
    pred = pred_at.tolist()
    empty: tuple[str, ...] = ()
    via = [empty] * n + [cg.role_singles[origin]]
    kinds = [empty] * (n + 1)
    sugg = np.zeros(n + 1, bool)
    names = list(map(cg.role_singles.__getitem__, nodes.tolist()))
    kind_names = list(map(cg.edge_kind_singles.__getitem__, edge_in.tolist()))
    ends: list[int] = np.searchsorted(hops, np.arange(1, int(hops[-1]) + 2)).tolist() if n else []
    lo = 0
    for hi in ends:
        p = pred[lo:hi]
        via[lo:hi] = map(add, map(via.__getitem__, p), names[lo:hi])
        kinds[lo:hi] = map(add, map(kinds.__getitem__, p), kind_names[lo:hi])
        sugg[lo:hi] = sugg[pred_at[lo:hi]] | cg.suggested[edge_in[lo:hi]]
        lo = hi
    return via, kinds, sugg


@dataclass(frozen=True)
class _Weights:
    gap: FloatArray
    cost: FloatArray
    reversed: csr_matrix


def _hops_matrices(
    cg: CareerGraph, usable: np.ndarray, key: object
) -> tuple[csr_matrix, csr_matrix]:
    """Forward and reversed 0/1 matrices of the usable edges (cached per filter)."""
    found = cg.cache.get(("hops", key))
    if isinstance(found, tuple):
        return found[0], found[1]
    n, s, d = len(cg.roles), cg.src[usable], cg.dst[usable]
    ones = np.ones(len(s))
    forward = csr_matrix((ones, (s, d)), shape=(n, n))
    backward = csr_matrix((ones, (d, s)), shape=(n, n))
    cg.cache[("hops", key)] = (forward, backward)
    return forward, backward


def _weights(
    cg: CareerGraph,
    origin: int,
    target: int,
    person: PersonProfile | None,
    usable: np.ndarray,
    key: object,
    time_weight: float,
) -> _Weights:
    """(gap, cost) of every edge; NaN for edges that cannot be used or costed."""
    cache_key = ("weights", key, time_weight)
    cached = cg.cache.get(cache_key)
    if person is None and isinstance(cached, _Weights):
        return cached
    if person is None:
        gap = np.where(usable, cg.step_gap, np.nan)
    else:
        if person.policy.unassessed is UnassessedPolicy.MINIMUM:
            entries = cg.cache.get("step entries")
            if not isinstance(entries, StepEntries):
                entries = cg.vectors.step_entries(cg.src, cg.dst)
                cg.cache["step entries"] = entries
            every = cg.vectors.person_gaps(entries, cg.src, cg.dst, person.levels, origin)
            # every edge costed at once is cheaper than finding the ones that matter; the
            # others do not change the answer (no path from the origin to the target uses
            # them, so the distances to the target seen from the origin's side stay the same)
            gap = np.where(usable, every, np.nan)
        else:
            forward, backward = _hops_matrices(cg, usable, key)
            live = usable & reachable(forward, origin)[cg.src] & reachable(backward, target)[cg.dst]
            gap = np.full(len(cg.src), np.nan)
            ids = np.flatnonzero(live)
            gap[ids] = cg.vectors.edge_gaps(
                cg.src[ids], cg.dst[ids], person.levels, origin, person.policy
            )
    cost = gap + time_weight * np.nan_to_num(cg.months, nan=0.0) / 12.0 if time_weight else gap
    out = _Weights(gap, cost, _reversed(cg, cost))
    if person is None:
        cg.cache[cache_key] = out
    return out


def _reversed(cg: CareerGraph, cost: FloatArray) -> csr_matrix:
    """:func:`reversed_matrix` of ``cost``, from a layout of the edges cached per graph.

    The edges are sorted once by (target, source), so each query only drops the edges that
    cannot be used and counts the rest: the matrix ``reversed_matrix`` builds from
    coordinates (sorted the same way) without its sort. A graph with two edges between the
    same roles (summed by ``reversed_matrix``) takes ``reversed_matrix`` itself.
    """
    layout = cg.cache.get("reversed layout")
    if not isinstance(layout, tuple):
        order = np.lexsort((cg.src, cg.dst))
        s, d = cg.src[order], cg.dst[order]
        single = len(order) < 2 or bool(np.all((np.diff(d) != 0) | (np.diff(s) != 0)))
        layout = (order, s, d, single)
        cg.cache["reversed layout"] = layout
    order, s, d, single = layout
    n = len(cg.roles)
    if not single:
        return reversed_matrix(n, cg.src, cg.dst, cost)
    c = cost[order]
    ok = np.isfinite(c)
    ptr = np.concatenate(([0], np.cumsum(np.bincount(d[ok], minlength=n))))
    return csr_matrix((c[ok], s[ok], ptr), shape=(n, n))


def best_paths(
    cg: CareerGraph,
    start: Start,
    target: str,
    *,
    k: int = 5,
    time_weight: float = 0.0,
    kinds: Collection[TransitionKind | str] | None = None,
    include_suggested: bool = False,
) -> BestPaths:
    """The ``k`` cheapest simple paths from a role (or a person's role) to ``target``.

    A step costs the gap to close for its target role (see the module docs), plus
    ``time_weight`` per year of typical time in the source role. The first path is the
    cheapest there is; the others follow in order of cost (ties: fewer steps first).

    Examples:
        >>> from competency_core.testing.samples import sample_model
        >>> cg = CareerGraph.from_model(sample_model())
        >>> p = best_paths(cg, "engineer", "senior-engineer").paths[0]
        >>> p.roles, round(p.cost, 3)
        (('engineer', 'senior-engineer'), 0.3)
    """
    if k < 1:
        raise CompetencyError(f"k must be at least 1; got {k}")
    if time_weight < 0:
        raise CompetencyError(f"time_weight must be >= 0; got {time_weight}")
    origin, person = _origin(cg, start)
    goal = cg.role_index(target)
    who = person.person if person is not None else None

    def answer(status: PathStatus, message: str, paths: tuple[CareerPath, ...] = ()) -> BestPaths:
        return BestPaths(cg.roles[origin], target, who, k, time_weight, status, message, paths)

    if origin == goal:
        return answer("no path", "the start is the target")
    if not cg.vectors.rated[goal]:
        return answer(
            "not rated", f"{target} has no requirements (not rated): no cost can be given"
        )
    if person is None and not cg.vectors.rated[origin]:
        return answer(
            "not rated",
            f"{cg.roles[origin]} has no requirements (not rated): start from a person instead",
        )
    usable = cg.usable(kinds, include_suggested)[0]
    key = cg.filter_key(kinds, include_suggested)
    w = _weights(cg, origin, goal, person, usable, key, time_weight)
    routes = k_shortest_bounded(cg.adjacency, w.cost, w.reversed, origin, goal, k, cg.src)
    if not routes:
        if reachable(_hops_matrices(cg, usable, key)[0], origin)[goal]:
            return answer("no path", f"{target} is reachable only through roles that are not rated")
        return answer("no path", f"no transitions lead from {cg.roles[origin]} to {target}")
    paths = tuple(_career_path(cg, r.nodes, r.edges, w.gap, w.cost) for r in routes)
    return answer("found", f"{len(paths)} path(s)", paths)


def _career_path(
    cg: CareerGraph, nodes: Sequence[int], edges: Sequence[int], gap: FloatArray, cost: FloatArray
) -> CareerPath:
    roles, src, dst = cg.roles, cg.src_list, cg.dst_list
    kinds, suggested, months = cg.edge_kinds, cg.suggested_list, cg.months_list
    gaps, costs = gap[list(edges)].tolist(), cost[list(edges)].tolist()
    steps = [
        PathStep(
            roles[src[e]],
            roles[dst[e]],
            kinds[e],
            suggested[e],
            months[e],
            g,
            c,
        )
        for e, g, c in zip(edges, gaps, costs, strict=True)
    ]
    total = 0.0
    for s in steps:
        total += s.cost
    gap_total = 0.0
    for s in steps:
        gap_total += s.gap
    return CareerPath(
        roles=tuple(roles[i] for i in nodes),
        steps=tuple(steps),
        cost=total,
        gap=gap_total,
        months=sum(s.typical_months or 0 for s in steps),
        unknown_months=sum(s.typical_months is None for s in steps),
    )


@dataclass
class _Need:
    first: str
    target: int
    needed: list[tuple[str, int]] = field(default_factory=list)
    essential: bool = False


def development_for_path(
    cg: CareerGraph, path: CareerPath | Sequence[str], start: PersonProfile | None = None
) -> Development:
    """What to develop to walk ``path``: the union of its steps' gaps, in path order.

    Each step's gaps are the ones its cost counts (measured against the person, or the
    previous role; see the module docs). Items list each competency once, at the first role
    that needs it, with the highest level the path asks for.
    """
    roles = tuple(path.roles) if isinstance(path, CareerPath) else tuple(path)
    if len(roles) < 2:
        raise CompetencyError("a path needs at least two roles")
    idx = [cg.role_index(r) for r in roles]
    if start is not None and start.role is not None and start.role != roles[0]:
        raise CompetencyError(
            f"the path starts at {roles[0]} but {start.person} holds {start.role}"
        )
    vec = cg.vectors
    pol = start.policy if start is not None else DEFAULT_POLICY
    first_state = start.levels if start is not None else vec.state_of_role(idx[0])
    steps: list[StepDevelopment] = []
    not_rated: list[str] = []
    merged: dict[str, _Need] = {}
    for i in range(1, len(idx)):
        b = idx[i]
        if (
            not vec.rated[b]
            or (i > 1 and not vec.rated[idx[i - 1]])
            or (start is None and not vec.rated[idx[0]])
        ):
            not_rated.append(roles[i])
            continue
        if i == 1:
            state = first_state
        elif start is None:
            state = vec.state_of_role(idx[i - 1])
        else:
            prev = vec.dense[idx[i - 1]]
            state = np.where(
                np.isnan(start.levels) & (prev == 0), np.nan, np.fmax(start.levels, prev)
            )
        gaps = _gap_records(cg, vec.gaps(state, b, pol))
        score = vec.score(state, np.array([b]), pol)
        steps.append(StepDevelopment(roles[i], float(score.gap[0]), gaps))
        for g in gaps:
            need = merged.setdefault(g.competency, _Need(roles[i], g.required))
            need.needed.append((roles[i], g.required))
            need.target = max(need.target, g.required)
            need.essential = need.essential or g.essential
    items = []
    for ck, need in merged.items():
        j = vec.competencies.index(ck)
        a = first_state[j]
        if np.isnan(a) and pol.unassessed is UnassessedPolicy.MINIMUM:
            a = 0.0
        start_level = None if np.isnan(a) else float(vec.scale_min[j] + a * vec.scale_span[j])
        items.append(
            DevelopmentItem(
                competency=ck,
                name=cg.model.text(cg.model.competency(ck).name),
                start=start_level,
                target=need.target,
                first_needed=need.first,
                needed_by=tuple(need.needed),
                essential=need.essential,
                resources=_resources(cg, ck, start_level, need.target),
            )
        )
    return Development(
        roles=roles,
        person=start.person if start is not None else None,
        items=tuple(items),
        steps=tuple(steps),
        not_rated=tuple(not_rated),
    )


def _resources(
    cg: CareerGraph, competency: str, start: float | None, target: int
) -> tuple[str, ...]:
    found = []
    for r in cg.model.learning_resources:
        for d in r.develops:
            if d.competency == competency and (start is None or d.to_level > start):
                found.append((d.to_level < target, r.hours or 0.0, r.key))
    return tuple(key for _, _, key in sorted(found))


def development_plan(
    cg: CareerGraph,
    start: Start,
    target: str,
    *,
    time_weight: float = 0.0,
    kinds: Collection[TransitionKind | str] | None = None,
    include_suggested: bool = False,
) -> tuple[BestPaths, Development | None]:
    """The cheapest path to ``target`` and what to develop along it (None when no path)."""
    found = best_paths(
        cg,
        start,
        target,
        k=1,
        time_weight=time_weight,
        kinds=kinds,
        include_suggested=include_suggested,
    )
    if not found.paths:
        return found, None
    person = start if isinstance(start, PersonProfile) else None
    return found, development_for_path(cg, found.paths[0], person)


__all__ = [
    "PersonProfile",
    "Start",
    "best_paths",
    "development_for_path",
    "development_plan",
    "next_steps",
]
