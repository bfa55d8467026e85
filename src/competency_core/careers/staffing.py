"""Succession: who could step into a role, how strong each role's bench is, which are at risk.

Readiness and "ready" come from :func:`competency_core.scoring.readiness_matrix` (the
scoring contract and policy). People are put in three bands for a role:

- **ready now**: scoring says ready (no essential requirement unmet, readiness at least the
  policy's threshold);
- **ready in one step**: not ready now, but every unmet requirement is at most one level of
  its scale below the required level: one round of development on each gap makes them
  ready;
- **not ready**: the rest.

The people who hold a role are its incumbents, not its successors: they are left out
unless the :class:`~competency_core.scoring.candidates.CandidateFilter` includes them. The
same filter (the one ``competency fit --role`` takes) can keep to moves up or across, along
declared transitions, to teams or to a manager's reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import networkx as nx
import numpy as np
import numpy.typing as npt

from competency_core.careers._engine import FloatArray
from competency_core.careers.graph import CareerGraph
from competency_core.careers.queries import _gap_records
from competency_core.careers.results import Band, Bench, Candidate, RoleAtRisk, Succession
from competency_core.people import Workforce
from competency_core.scoring import (
    DEFAULT_POLICY,
    PeopleLevels,
    ReadinessMatrix,
    ScoringPolicy,
    UnassessedPolicy,
    readiness_matrix,
)
from competency_core.scoring.candidates import CandidateFilter, select_candidates


def _levels(cg: CareerGraph, people: PeopleLevels) -> FloatArray:
    col = {c: j for j, c in enumerate(people.competencies)}
    out = np.full((len(people.people), len(cg.vectors.competencies)), np.nan)
    for j, c in enumerate(cg.vectors.competencies):
        if c in col:
            out[:, j] = people.normalised[:, col[c]]
    return out


def _one_step(
    cg: CareerGraph, levels: FloatArray, role: int, policy: ScoringPolicy
) -> npt.NDArray[np.bool_]:
    """Per person: every unmet requirement of ``role`` is within one level of it."""
    vec = cg.vectors
    sl = slice(int(vec.indptr[role]), int(vec.indptr[role + 1]))
    a = levels[:, vec.comp[sl]]
    assessed = ~np.isnan(a)
    if policy.unassessed is UnassessedPolicy.MINIMUM:
        a = np.where(assessed, a, 0.0)
        assessed = np.ones_like(assessed)
    q, below = vec.required[sl], vec.below[sl]
    filled = np.where(assessed, a, 0.0)
    unmet = np.where(assessed, filled < q, q > 0)
    close = assessed & (filled >= below)
    out: npt.NDArray[np.bool_] = np.all(~unmet | close, axis=1)
    return out


def _scores(
    cg: CareerGraph,
    workforce: Workforce,
    roles: Sequence[str],
    policy: ScoringPolicy,
    on: dt.date | None,
) -> tuple[PeopleLevels, ReadinessMatrix, FloatArray]:
    day = on or dt.date.today()
    people = PeopleLevels.from_workforce(cg.model, workforce, policy=policy, on=day)
    rated = [r for r in roles if cg.is_rated(r)]
    matrix = readiness_matrix(cg.model, people, roles=rated, policy=policy, on=day)
    return people, matrix, _levels(cg, people)


def _band(ready: bool, soon: bool) -> Band:
    return "ready now" if ready else "ready in one step" if soon else "not ready"


def succession(
    cg: CareerGraph,
    role: str,
    workforce: Workforce,
    *,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
    limit: int | None = None,
    candidate_filter: CandidateFilter | None = None,
) -> Succession:
    """The ranked candidates for ``role``: band, readiness now, the gaps that remain.

    Ranked by band, then readiness (best first), then key. Each candidate also says how
    many transitions separate their current role from ``role`` (None: no route).
    ``candidate_filter`` says who is considered (default: everyone but the incumbents);
    the result's ``filters`` says what each filter left out.

    Examples:
        >>> import datetime as dt
        >>> from competency_core.testing.samples import sample_model, sample_workforce
        >>> cg = CareerGraph.from_model(sample_model())
        >>> s = succession(cg, "senior-engineer", sample_workforce(), on=dt.date(2026, 1, 1))
        >>> [(c.person, c.band, round(c.readiness, 3)) for c in s.candidates]
        [('ada', 'not ready', 0.692), ('linus', 'not ready', 0.462)]
    """
    cg.check_unchanged()
    r = cg.role_index(role)
    incumbents = tuple(p.key for p in workforce.people if p.role == role)
    pool = select_candidates(cg.model, workforce, role, candidate_filter)
    if not cg.vectors.rated[r]:
        return Succession(role, cg.title(role), "not rated", incumbents, (), 0, 0, 0, pool)
    kept = set(pool.kept)
    people, matrix, levels = _scores(cg, workforce, [role], policy, on)
    soon = _one_step(cg, levels, r, policy)
    hops = nx.single_source_shortest_path_length(cg.declared().reverse(copy=False), role)
    rows = []
    for i, key in enumerate(people.people):
        if key not in kept:
            continue
        ready = bool(matrix.ready[i, 0])
        rows.append((i, key, _band(ready, bool(soon[i]))))
    order = {"ready now": 0, "ready in one step": 1, "not ready": 2}
    rows.sort(key=lambda t: (order[t[2]], -matrix.readiness[t[0], 0], t[1]))
    candidates = []
    for i, key, band in rows[:limit] if limit is not None else rows:
        who = workforce.person(key)
        gaps = _gap_records(cg, cg.vectors.gaps(levels[i], r, policy))
        candidates.append(
            Candidate(
                person=key,
                name=who.name,
                current_role=who.role,
                band=band,
                readiness=float(matrix.readiness[i, 0]),
                gap=float(matrix.gap[i, 0]),
                hops=hops.get(who.role) if who.role is not None else None,
                gaps=gaps,
            )
        )
    bands = [b for _, _, b in rows]
    return Succession(
        role=role,
        title=cg.title(role),
        status="rated",
        incumbents=incumbents,
        candidates=tuple(candidates),
        ready_now=bands.count("ready now"),
        ready_in_one_step=bands.count("ready in one step"),
        not_ready=bands.count("not ready"),
        filters=pool,
    )


def bench_strength(
    cg: CareerGraph,
    workforce: Workforce,
    *,
    roles: Sequence[str] | None = None,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
) -> tuple[Bench, ...]:
    """Per role (default: every role of the graph): successors ready now and in one step.

    Examples:
        >>> import datetime as dt
        >>> from competency_core.testing.samples import sample_model, sample_workforce
        >>> cg = CareerGraph.from_model(sample_model())
        >>> bench = bench_strength(cg, sample_workforce(), on=dt.date(2026, 1, 1))
        >>> [(b.role, b.incumbents, b.ready_now) for b in bench]
        [('engineer', 2, 1), ('senior-engineer', 1, 0)]
    """
    cg.check_unchanged()
    keys = list(roles) if roles is not None else list(cg.roles)
    for k in keys:
        cg.role_index(k)
    people, matrix, levels = _scores(cg, workforce, keys, policy, on)
    column = {k: j for j, k in enumerate(matrix.roles)}
    holds = [p.role for p in (workforce.person(k) for k in people.people)]
    out = []
    for key in keys:
        incumbents = sum(h == key for h in holds)
        if key not in column:
            out.append(Bench(key, cg.title(key), False, incumbents, 0, 0, 0, (), ()))
            continue
        j = column[key]
        soon = _one_step(cg, levels, cg.index[key], policy)
        now_people, soon_people, rest = [], [], 0
        for i, person in enumerate(people.people):
            if holds[i] == key:
                continue
            if matrix.ready[i, j]:
                now_people.append(person)
            elif soon[i]:
                soon_people.append(person)
            else:
                rest += 1
        out.append(
            Bench(
                key,
                cg.title(key),
                True,
                incumbents,
                len(now_people),
                len(soon_people),
                rest,
                tuple(now_people),
                tuple(soon_people),
            )
        )
    return tuple(out)


def roles_at_risk(
    cg: CareerGraph,
    workforce: Workforce,
    *,
    roles: Sequence[str] | None = None,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
) -> tuple[RoleAtRisk, ...]:
    """Rated roles with no successor ready now: ``high`` risk first, then by incumbents."""
    at_risk = [
        RoleAtRisk(
            b.role,
            b.title,
            b.incumbents,
            b.ready_in_one_step,
            "high" if b.ready_in_one_step == 0 else "medium",
        )
        for b in bench_strength(cg, workforce, roles=roles, policy=policy, on=on)
        if b.rated and b.ready_now == 0
    ]
    at_risk.sort(key=lambda r: (r.risk != "high", -r.incumbents, r.role))
    return tuple(at_risk)


__all__ = ["bench_strength", "roles_at_risk", "succession"]
