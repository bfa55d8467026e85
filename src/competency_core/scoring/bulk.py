"""Readiness of many people against many roles at once (numpy, chunked).

The engine gives the same numbers as :func:`~competency_core.scoring.score_role` for every
pair (within floating-point rounding; a property test checks it), but computes them as a
few matrix products. The trick is to write a requirement's gap as a sum over the steps of
its scale: with the scale's normalised levels ``t_0 = 0 < t_1 < ... < t_K = 1``,

    max(0, q - a) = sum over steps k with t_k <= q of clip(t_k - a, 0, t_k - t_{k-1})

so the weighted gap mass of every (person, role) pair is ``B @ M``, where ``B[p, (c, k)] =
clip(t_k - a_pc, 0, step)`` depends only on people and ``M[(c, k), r] = w_rc * [q_rc >= t_k]``
only on roles. Whether a requirement is unmet is ``[a < q]``, the indicator of the step
that reaches ``q``: counts of unmet (and unmet essential) requirements are a second
product. People are processed in chunks, so memory stays bounded whatever their number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from competency_core.errors import ScoringError
from competency_core.model import CompetencyModel
from competency_core.people import Assessment, Workforce
from competency_core.scoring.levels import SNAP_TOLERANCE, normalised_grid, resolve_levels
from competency_core.scoring.policy import (
    DEFAULT_POLICY,
    READY_TOLERANCE,
    ScoringPolicy,
    UnassessedPolicy,
)
from competency_core.scoring.ranking import Match, top_k_rows

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]


def _snap_array(values: FloatArray, grid: FloatArray) -> FloatArray:
    """Vectorised :func:`~competency_core.scoring.levels.snap` (same rule, same result)."""
    out = values.copy()
    for t in grid:
        out[np.abs(values - t) <= SNAP_TOLERANCE] = t
    return out


@dataclass(frozen=True)
class PeopleLevels:
    """People's actual levels, normalised to [0, 1] per competency; NaN where unassessed."""

    people: tuple[str, ...]
    competencies: tuple[str, ...]
    normalised: FloatArray
    """Shape ``(len(people), len(competencies))``."""

    def __post_init__(self) -> None:
        shape = (len(self.people), len(self.competencies))
        if self.normalised.shape != shape:
            raise ScoringError(f"levels have shape {self.normalised.shape}, expected {shape}")

    @classmethod
    def from_workforce(
        cls,
        model: CompetencyModel,
        workforce: Workforce,
        *,
        policy: ScoringPolicy = DEFAULT_POLICY,
        on: dt.date | None = None,
        people: Sequence[str] | None = None,
    ) -> PeopleLevels:
        """Resolve every person's assessments (by ``policy``, as of ``on``) into levels."""
        day = on or dt.date.today()
        keys = tuple(people) if people is not None else tuple(p.key for p in workforce.people)
        comps = tuple(c.key for c in model.competencies)
        col = {c: j for j, c in enumerate(comps)}
        row = {p: i for i, p in enumerate(keys)}
        by_person: dict[str, list[Assessment]] = {p: [] for p in keys}
        for a in workforce.assessments:
            if a.person in by_person:
                by_person[a.person].append(a)
        out = np.full((len(keys), len(comps)), np.nan)
        for p, items in by_person.items():
            resolved = resolve_levels(model, items, policy=policy, on=day)
            for ck, lv in resolved.items():
                out[row[p], col[ck]] = lv.normalised
        return cls(keys, comps, out)

    @classmethod
    def from_levels(
        cls,
        model: CompetencyModel,
        people: Sequence[str],
        competencies: Sequence[str],
        levels: npt.ArrayLike,
    ) -> PeopleLevels:
        """Levels given on each competency's own scale (NaN: unassessed), e.g. from a database.

        Values must lie within their scale's range; they are normalised and snapped like
        resolved assessments.
        """
        raw = np.array(levels, dtype=np.float64)
        if raw.shape != (len(people), len(competencies)):
            raise ScoringError(
                f"levels have shape {raw.shape}, expected {(len(people), len(competencies))}"
            )
        out = np.empty_like(raw)
        for j, ck in enumerate(competencies):
            scale = model.scale_of(ck)
            lo, hi = scale.min_value, scale.max_value
            column = raw[:, j]
            bad = ~np.isnan(column) & ((column < lo) | (column > hi))
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise ScoringError(
                    f"level {column[i]} of {people[i]!r} on {ck!r} is outside scale "
                    f"{scale.key!r} ({lo}..{hi})"
                )
            out[:, j] = _snap_array((column - lo) / (hi - lo), np.array(normalised_grid(scale)))
        return cls(tuple(people), tuple(competencies), out)


@dataclass(frozen=True)
class RoleSet:
    """Role requirements compiled into matrices over the steps of the competencies' scales."""

    roles: tuple[str, ...]
    competencies: tuple[str, ...]
    """The competencies that some role requires (the columns people's levels are read from)."""
    step_competency: IntArray
    """For each step, the index of its competency in ``competencies``."""
    step_top: FloatArray
    """For each step, its upper normalised level ``t_k``."""
    step_size: FloatArray
    """For each step, ``t_k - t_{k-1}``."""
    gap_weights: FloatArray
    """``(steps, roles)``: the requirement's weight where it asks for ``t_k`` or more."""
    unmet: npt.NDArray[np.float32]
    """``(steps, 2 * roles)``: 1 where the requirement's level is ``t_k`` (all, then essential)."""
    required: FloatArray
    """``(competencies, roles)``: normalised required level (0 where not required)."""
    weights: FloatArray
    """``(competencies, roles)``: requirement weight (0 where not required)."""
    requires: FloatArray
    """``(competencies, roles)``: 1 where the role requires the competency."""
    blocking: FloatArray
    """``(competencies, roles)``: 1 for essential requirements above the scale minimum."""

    @classmethod
    def from_model(cls, model: CompetencyModel, roles: Sequence[str] | None = None) -> RoleSet:
        """Compile the model's roles (or the named ones)."""
        keys = tuple(roles) if roles is not None else tuple(r.key for r in model.roles)
        profiles = [model.role(k) for k in keys]
        comps = tuple(dict.fromkeys(q.competency for p in profiles for q in p.requirements))
        col = {c: j for j, c in enumerate(comps)}
        n_c, n_r = len(comps), len(keys)
        required = np.zeros((n_c, n_r))
        weights = np.zeros((n_c, n_r))
        requires = np.zeros((n_c, n_r))
        blocking = np.zeros((n_c, n_r))
        level = np.zeros((n_c, n_r), dtype=np.int64)
        essential = np.zeros((n_c, n_r), dtype=bool)
        for r, p in enumerate(profiles):
            for q in p.requirements:
                j = col[q.competency]
                scale = model.scale_of(q.competency)
                required[j, r] = scale.normalise(q.level)
                weights[j, r] = q.weight
                requires[j, r] = 1.0
                level[j, r] = q.level
                essential[j, r] = q.essential
                blocking[j, r] = float(q.essential and q.level > scale.min_value)
        step_c: list[int] = []
        step_level: list[int] = []
        step_top: list[float] = []
        step_size: list[float] = []
        for j, ck in enumerate(comps):
            scale = model.scale_of(ck)
            grid = normalised_grid(scale)
            highest = int(level[j][requires[j] > 0].max())
            for k in range(1, len(grid)):
                if scale.values[k] > highest:
                    break
                step_c.append(j)
                step_level.append(scale.values[k])
                step_top.append(grid[k])
                step_size.append(grid[k] - grid[k - 1])
        sc = np.array(step_c, dtype=np.intp)
        sl = np.array(step_level, dtype=np.int64)
        req_level = level[sc]  # (steps, roles)
        on_step = (requires[sc] > 0) & (req_level == sl[:, None])
        gap_weights = np.where((requires[sc] > 0) & (req_level >= sl[:, None]), weights[sc], 0.0)
        unmet = np.hstack([on_step, on_step & essential[sc]]).astype(np.float32)
        return cls(
            roles=keys,
            competencies=comps,
            step_competency=sc,
            step_top=np.array(step_top, dtype=np.float64),
            step_size=np.array(step_size, dtype=np.float64),
            gap_weights=gap_weights,
            unmet=unmet.reshape(len(sc), 2 * n_r),
            required=required,
            weights=weights,
            requires=requires,
            blocking=blocking,
        )


@dataclass(frozen=True)
class ReadinessMatrix:
    """People x roles: readiness, gap, share met, coverage and ready, with top-k queries."""

    people: tuple[str, ...]
    roles: tuple[str, ...]
    readiness: FloatArray
    gap: FloatArray
    share_met: FloatArray
    coverage: FloatArray
    ready: BoolArray
    policy: ScoringPolicy
    on: dt.date

    def _person(self, key: str) -> int:
        try:
            return self.people.index(key)
        except ValueError:
            from competency_core.errors import UnknownKeyError

            raise UnknownKeyError("person", key) from None

    def _role(self, key: str) -> int:
        try:
            return self.roles.index(key)
        except ValueError:
            from competency_core.errors import UnknownKeyError

            raise UnknownKeyError("role", key) from None

    def match(self, person: str, role: str) -> Match:
        """One pair's figures."""
        return self._match(self._person(person), self._role(role), 0)

    def _match(self, i: int, r: int, rank: int) -> Match:
        return Match(
            person=self.people[i],
            role=self.roles[r],
            rank=rank,
            readiness=float(self.readiness[i, r]),
            gap=float(self.gap[i, r]),
            share_met=float(self.share_met[i, r]),
            coverage=float(self.coverage[i, r]),
            ready=bool(self.ready[i, r]),
        )

    def top_candidates(self, role: str, k: int = 10) -> tuple[Match, ...]:
        """Who is ready for this role: ready people first, then by readiness (then key order)."""
        r = self._role(role)
        idx = top_k_rows(self.readiness[:, r][None, :], self.ready[:, r][None, :], k)[0]
        return tuple(self._match(int(i), r, n) for n, i in enumerate(idx, 1) if i >= 0)

    def top_roles(self, person: str, k: int = 10) -> tuple[Match, ...]:
        """Which roles fit this person best: roles they are ready for first, then by readiness."""
        i = self._person(person)
        idx = top_k_rows(self.readiness[i][None, :], self.ready[i][None, :], k)[0]
        return tuple(self._match(i, int(r), n) for n, r in enumerate(idx, 1) if r >= 0)

    def top_candidates_per_role(self, k: int = 10) -> IntArray:
        """``(roles, k)`` people indices, best first (-1 pads when there are fewer people)."""
        return top_k_rows(self.readiness.T, self.ready.T, k)

    def top_roles_per_person(self, k: int = 10) -> IntArray:
        """``(people, k)`` role indices, best first (-1 pads when there are fewer roles)."""
        return top_k_rows(self.readiness, self.ready, k)


def _columns(levels: PeopleLevels, roles: RoleSet) -> FloatArray:
    """People's levels on the role set's competencies (NaN for competencies they lack)."""
    col = {c: j for j, c in enumerate(levels.competencies)}
    out = np.full((len(levels.people), len(roles.competencies)), np.nan)
    pick = [(j, col[c]) for j, c in enumerate(roles.competencies) if c in col]
    if pick:
        dst, src = zip(*pick, strict=True)
        out[:, list(dst)] = levels.normalised[:, list(src)]
    return out


def _safe_div(num: FloatArray, den: FloatArray, empty: float) -> FloatArray:
    out = np.full(np.broadcast_shapes(num.shape, den.shape), empty)
    np.divide(num, den, out=out, where=np.broadcast_to(den > 0, out.shape))
    return out


def readiness_matrix(
    model: CompetencyModel,
    people: Workforce | PeopleLevels,
    *,
    roles: RoleSet | Sequence[str] | None = None,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
    chunk_size: int = 2048,
) -> ReadinessMatrix:
    """Score every person against every role (default: all the model's roles).

    ``people`` is a workforce (its assessments are resolved by ``policy`` as of ``on``) or
    levels resolved beforehand. Memory is bounded by ``chunk_size`` people at a time, plus
    the result (five people x roles arrays).
    """
    day = on or dt.date.today()
    levels = (
        people
        if isinstance(people, PeopleLevels)
        else PeopleLevels.from_workforce(model, people, policy=policy, on=day)
    )
    rs = roles if isinstance(roles, RoleSet) else RoleSet.from_model(model, roles)
    n_p, n_r = len(levels.people), len(rs.roles)
    shape = (n_p, n_r)
    out = {name: np.empty(shape) for name in ("readiness", "gap", "share_met", "coverage")}
    ready = np.empty(shape, dtype=bool)
    a_all = _columns(levels, rs)
    exclude = policy.unassessed is UnassessedPolicy.EXCLUDE
    n_req = rs.requires.sum(axis=0)
    wq = rs.weights * rs.required
    for start in range(0, n_p, max(1, chunk_size)):
        stop = min(n_p, start + max(1, chunk_size))
        a = a_all[start:stop]
        assessed = ~np.isnan(a)
        filled = np.where(assessed, a, 0.0)
        steps = np.clip(rs.step_top - filled[:, rs.step_competency], 0.0, rs.step_size)
        if exclude:
            steps *= assessed[:, rs.step_competency]
        gap_mass = steps @ rs.gap_weights
        unmet = (steps > 0).astype(np.float32) @ rs.unmet
        assessed_f = assessed.astype(np.float64)
        n_assessed = assessed_f @ rs.requires
        if exclude:
            weight_sum = assessed_f @ rs.weights
            required_mass = assessed_f @ wq
            counted = n_assessed
            blocked = (assessed_f @ rs.blocking) < rs.blocking.sum(axis=0)
        else:
            weight_sum = rs.weights.sum(axis=0)[None, :]
            required_mass = wq.sum(axis=0)[None, :]
            counted = n_req[None, :]
            blocked = np.zeros((stop - start, n_r), dtype=bool)
        # the step sums can round a hair past the exact bounds: clip to [0, 1]
        readiness = np.clip(1.0 - _safe_div(gap_mass, required_mass, 0.0), 0.0, 1.0)
        out["readiness"][start:stop] = readiness
        out["gap"][start:stop] = np.clip(_safe_div(gap_mass, weight_sum, 0.0), 0.0, 1.0)
        out["share_met"][start:stop] = _safe_div(counted - unmet[:, :n_r], counted, 1.0)
        out["coverage"][start:stop] = _safe_div(n_assessed, n_req[None, :], 1.0)
        ready[start:stop] = (
            (unmet[:, n_r:] == 0)
            & ~blocked
            & (readiness >= policy.ready_threshold - READY_TOLERANCE)
        )
    return ReadinessMatrix(
        people=levels.people,
        roles=rs.roles,
        readiness=out["readiness"],
        gap=out["gap"],
        share_met=out["share_met"],
        coverage=out["coverage"],
        ready=ready,
        policy=policy,
        on=day,
    )


__all__ = ["PeopleLevels", "ReadinessMatrix", "RoleSet", "readiness_matrix"]
