"""Role requirements compiled into arrays, and the gap contract evaluated on them in bulk.

This is the numeric core of the career queries. It evaluates the scoring contract of
:mod:`competency_core.scoring` (``n(l) = (l - min) / (max - min)``; a requirement's gap is
``max(0, n(required) - n(actual))``; a role's gap is the weighted mean of its requirements'
gaps; readiness is ``1 - weighted gap mass / weighted required mass``) for *many* role
pairs at once: every transition of a graph of 100,000 roles, or every role a person can
reach. The scoring engines score people x roles; career paths also need role-to-role steps,
where the "person" is a role's own requirement profile. Tests check that both give the same
numbers.

A *state* is a vector of normalised levels over :attr:`RoleVectors.competencies`, with NaN
for "unassessed" (only a person's state has NaN; a role's state has 0, the scale minimum,
for every competency it does not require).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter

import numpy as np
import numpy.typing as npt

from competency_core.model import CompetencyModel
from competency_core.roles import RoleProfile
from competency_core.scoring.policy import READY_TOLERANCE, ScoringPolicy, UnassessedPolicy

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_COMPETENCY = attrgetter("competency")
_LEVEL = attrgetter("level")
_WEIGHT = attrgetter("weight")
_ESSENTIAL = attrgetter("essential")

_CHUNK = 1 << 20
"""Expanded (edge, requirement) entries evaluated at once: bounds temporary memory."""


@dataclass(frozen=True, slots=True)
class Scores:
    """Scores of one state against several roles (arrays aligned with the roles asked)."""

    readiness: FloatArray
    gap: FloatArray
    ready: BoolArray
    unmet_essentials: IntArray


@dataclass(frozen=True, slots=True)
class RequirementGaps:
    """The unmet requirements of one role for one state, as arrays (biggest gap first)."""

    competency: IntArray
    required: IntArray
    actual: FloatArray
    gap: FloatArray
    weight: FloatArray
    essential: BoolArray
    within_one_level: BoolArray


def gap_order(g: RequirementGaps, seg: IntArray | None = None) -> IntArray:
    """The order of gaps: (role,) bigger gap, heavier weight, then competency order."""
    keys = (g.competency, -g.weight, -g.gap) + (() if seg is None else (seg,))
    out: IntArray = np.lexsort(keys)
    return out


@dataclass(frozen=True, slots=True)
class StepEntries:
    """Every (edge, requirement of its target) pair, with the gap left by the source role."""

    pos: IntArray
    """The requirement (its position in :class:`RoleVectors`' flat arrays)."""
    seg: IntArray
    """The edge."""
    short: FloatArray
    """``weight * max(0, required - the source role's required level)`` (normalised)."""
    edges: int
    ptr: IntArray
    """Edge ``e``'s entries are ``ptr[e]:ptr[e + 1]`` (the entries are in edge order)."""


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A state against the requirements of some roles, entry by entry (see :meth:`RoleVectors.evaluate`).

    ``assessed`` says which entries count (all of them under the ``minimum`` policy);
    ``short`` is ``max(0, required - level)`` with an uncounted level at 0.
    """

    vectors: RoleVectors
    roles: IntArray
    policy: ScoringPolicy
    pos: IntArray
    """Each entry's requirement (its position in the flat arrays)."""
    seg: IntArray
    """Each entry's role (its index in ``roles``)."""
    comp: IntArray
    required: FloatArray
    assessed: BoolArray
    filled: FloatArray
    short: FloatArray
    unmet: BoolArray

    def scores(self) -> Scores:
        """Readiness, gap and ready against each role (the scoring contract)."""
        v, seg, n, q = self.vectors, self.seg, len(self.roles), self.required
        w = v.weight[self.pos]
        gaps = np.where(self.assessed, self.short, 0.0)
        gap_mass: FloatArray = np.bincount(seg, w * gaps, minlength=n).astype(np.float64)
        weights: FloatArray
        required_mass: FloatArray
        if self.policy.unassessed is UnassessedPolicy.MINIMUM:
            weights, required_mass = v.weight_sum[self.roles], v.required_mass[self.roles]
        else:
            counted = self.assessed
            weights = np.bincount(seg, w * counted, minlength=n).astype(np.float64)
            required_mass = np.bincount(seg, w * q * counted, minlength=n).astype(np.float64)
        ess = np.bincount(seg, self.unmet & v.essential[self.pos], minlength=n).astype(np.int64)
        return scores_of_sums(gap_mass, weights, required_mass, ess, self.policy)

    def gap_arrays(self, idx: IntArray) -> RequirementGaps:
        """The gaps of entries ``idx`` (unmet ones), in that order.

        Under the ``exclude`` policy an unassessed requirement above the minimum has its
        whole required level as gap (an upper bound) and no actual level.
        """
        v = self.vectors
        pos = self.pos[idx]
        c = self.comp[idx]
        assessed, filled = self.assessed[idx], self.filled[idx]
        return RequirementGaps(
            competency=c,
            required=v.level[pos],
            actual=np.where(assessed, v.scale_min[c] + filled * v.scale_span[c], np.nan),
            gap=np.where(assessed, self.short[idx], self.required[idx]),
            weight=v.weight[pos],
            essential=v.essential[pos],
            within_one_level=assessed & (filled >= v.below[pos]),
        )


def scores_of_sums(
    gap_mass: FloatArray,
    weights: FloatArray,
    required_mass: FloatArray,
    unmet_essentials: IntArray,
    policy: ScoringPolicy,
) -> Scores:
    """Readiness, gap and ready of roles from their weighted sums (the scoring contract).

    ``gap_mass``: the weighted gaps; ``weights`` and ``required_mass``: the weights and
    the weighted required levels counted (all of them under the ``minimum`` policy).
    """
    n = len(gap_mass)
    readiness = np.ones(n)
    np.divide(gap_mass, required_mass, out=readiness, where=required_mass > 0)
    readiness = np.where(required_mass > 0, np.clip(1.0 - readiness, 0.0, 1.0), 1.0)
    gap = np.zeros(n)
    np.divide(gap_mass, weights, out=gap, where=weights > 0)
    ready = (unmet_essentials == 0) & (readiness >= policy.ready_threshold - READY_TOLERANCE)
    return Scores(readiness, np.clip(gap, 0.0, 1.0), ready, unmet_essentials)


@dataclass(frozen=True, slots=True)
class StepGaps:
    """The unmet requirements of roles in a chosen order, flat (see :meth:`RoleVectors.step_gaps`)."""

    gaps: RequirementGaps
    """Every role's gaps, role after role, each in requirement order (not yet sorted)."""
    ptr: IntArray
    """Role ``k``'s gaps are ``ptr[k]:ptr[k + 1]``."""
    blocking: IntArray
    """The competencies of the essential gaps, role after role, biggest gap first."""
    blocking_ptr: IntArray


def segments(indptr: IntArray, rows: IntArray) -> tuple[IntArray, IntArray]:
    """The flat positions of ``rows``' CSR entries, and the row number (0..) of each."""
    starts = indptr[rows]
    counts = indptr[rows + 1] - starts
    total = int(counts.sum())
    seg = np.repeat(np.arange(len(rows), dtype=np.int64), counts)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return np.arange(total, dtype=np.int64) + offsets, seg


@dataclass(frozen=True)
class RoleVectors:
    """Every role's requirements as CSR arrays over one competency index, plus a dense copy."""

    roles: tuple[str, ...]
    competencies: tuple[str, ...]
    indptr: IntArray
    """Row pointers: role ``r``'s requirements are entries ``indptr[r]:indptr[r + 1]``."""
    comp: IntArray
    """Competency index of each requirement."""
    required: FloatArray
    """Normalised required level of each requirement."""
    level: IntArray
    """Required level value (on the competency's own scale) of each requirement."""
    below: FloatArray
    """Normalised value of the scale level just below the required one (0 at the bottom)."""
    weight: FloatArray
    essential: BoolArray
    dense: FloatArray
    """``(roles, competencies)``: normalised required level, 0 (the minimum) where not required."""
    weight_sum: FloatArray
    required_mass: FloatArray
    rated: BoolArray
    """Whether the role has requirements at all; a role without any is "not rated"."""
    scale_min: FloatArray
    scale_span: FloatArray

    @classmethod
    def compile(cls, model: CompetencyModel, roles: Sequence[RoleProfile]) -> RoleVectors:
        """Compile ``roles`` (in this order) of ``model``."""
        comp_keys = [c.key for c in model.competencies]
        col = {k: j for j, k in enumerate(comp_keys)}
        n_c = len(comp_keys)
        lo = np.empty(n_c)
        span = np.empty(n_c)
        # per competency, a table from level value to the normalised level just below it
        offset = np.empty(n_c, np.int64)
        tables: list[FloatArray] = []
        size = 0
        for j, c in enumerate(model.competencies):
            scale = model.scale(c.scale)
            lo[j], span[j] = scale.min_value, scale.max_value - scale.min_value
            table = np.zeros(scale.max_value - scale.min_value + 1)
            values = scale.values
            for i in range(1, len(values)):
                table[values[i] - values[0]] = scale.normalise(values[i - 1])
            offset[j] = size
            size += len(table)
            tables.append(table)
        below_table = np.concatenate(tables) if tables else np.zeros(0)
        counts = np.fromiter((len(r.requirements) for r in roles), np.int64, len(roles))
        indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        nnz = int(indptr[-1])
        flat = [q for r in roles for q in r.requirements]
        # map + attrgetter: the loops over (up to millions of) requirements run in C
        comp = np.fromiter(map(col.__getitem__, map(_COMPETENCY, flat)), np.int64, nnz)
        level = np.fromiter(map(_LEVEL, flat), np.int64, nnz)
        weight = np.fromiter(map(_WEIGHT, flat), np.float64, nnz)
        essential = np.fromiter(map(_ESSENTIAL, flat), bool, nnz)
        base = lo[comp]
        # the same division as ProficiencyScale.normalise, so the floats are identical
        required = (level - base) / span[comp]
        below = below_table[offset[comp] + (level - base).astype(np.int64)]
        row = np.repeat(np.arange(len(roles)), counts)
        dense = np.zeros((len(roles), n_c))
        dense[row, comp] = required
        return cls(
            roles=tuple(r.key for r in roles),
            competencies=tuple(comp_keys),
            indptr=indptr,
            comp=comp,
            required=required,
            level=level,
            below=below,
            weight=weight,
            essential=essential,
            dense=dense,
            weight_sum=np.bincount(row, weight, minlength=len(roles)).astype(np.float64),
            required_mass=np.bincount(row, weight * required, minlength=len(roles)).astype(
                np.float64
            ),
            rated=counts > 0,
            scale_min=lo,
            scale_span=span,
        )

    def state_of_role(self, role: int) -> FloatArray:
        """A role's own requirement profile as a state (unrequired: the scale minimum, 0)."""
        out: FloatArray = self.dense[role].copy()
        return out

    def score(self, state: FloatArray, roles: IntArray, policy: ScoringPolicy) -> Scores:
        """Readiness, gap and ready of one state against ``roles`` (the scoring contract)."""
        return self.evaluate(state, roles, policy).scores()

    def evaluate(self, state: FloatArray, roles: IntArray, policy: ScoringPolicy) -> Evaluation:
        """One state against the requirements of ``roles``: their scores and gaps come from it.

        A query that needs both (next steps) reads the requirements once.
        """
        pos, seg = segments(self.indptr, roles)
        comp = self.comp[pos]
        a = state[comp]
        q = self.required[pos]
        assessed = ~np.isnan(a)
        if policy.unassessed is UnassessedPolicy.MINIMUM:
            a = np.where(assessed, a, 0.0)
            assessed = np.ones(len(pos), bool)
        filled = np.where(assessed, a, 0.0)
        short = np.maximum(0.0, q - filled)
        unmet = np.where(assessed, short > 0, q > 0)
        return Evaluation(self, roles, policy, pos, seg, comp, q, assessed, filled, short, unmet)

    def score_sums(
        self, state: FloatArray, roles: IntArray, policy: ScoringPolicy
    ) -> tuple[Scores, IntArray, IntArray]:
        """:meth:`score` in one compiled pass, with the unmet requirements found on the way.

        Returns ``(scores, unmet, unmet_ptr)``: the same scores as :meth:`score` (the same
        floats: the sums are made in the same order), and role ``i``'s unmet requirements
        as flat positions ``unmet[unmet_ptr[i]:unmet_ptr[i + 1]]`` (requirement order), for
        :meth:`step_gaps`.
        """
        from competency_core.careers._kernels import role_sums

        n = len(roles)
        minimum = policy.unassessed is UnassessedPolicy.MINIMUM
        gap_mass, ess, unmet_ptr = np.empty(n), np.empty(n, np.int64), np.empty(n + 1, np.int64)
        # under ``minimum`` every requirement counts: the kernel leaves these two alone
        weights, required_mass = np.empty(0 if minimum else n), np.empty(0 if minimum else n)
        unmet = role_sums(
            self.indptr,
            self.comp,
            self.required,
            self.weight,
            self.essential,
            state,
            roles,
            minimum,
            gap_mass,
            weights,
            required_mass,
            ess,
            unmet_ptr,
        )
        if minimum:
            weights, required_mass = self.weight_sum[roles], self.required_mass[roles]
        return scores_of_sums(gap_mass, weights, required_mass, ess, policy), unmet, unmet_ptr

    def step_gaps(
        self,
        state: FloatArray,
        policy: ScoringPolicy,
        order: IntArray,
        unmet: IntArray,
        unmet_ptr: IntArray,
    ) -> StepGaps:
        """The gaps of :meth:`score_sums`' roles ``order`` (indices into its roles), flat.

        Each gap valued as :meth:`Evaluation.gap_arrays` values it; the essential ones also
        listed by competency in :func:`gap_order` (bigger gap, heavier weight, competency
        order), one compiled pass.
        """
        from competency_core.careers._kernels import step_gaps

        minimum = policy.unassessed is UnassessedPolicy.MINIMUM
        ptr, comp, level, actual, gap, weight, ess, within, blocking, blocking_ptr = step_gaps(
            order,
            unmet_ptr,
            unmet,
            state,
            minimum,
            self.comp,
            self.required,
            self.level,
            self.below,
            self.weight,
            self.essential,
            self.scale_min,
            self.scale_span,
            self.gap_rank,
        )
        gaps = RequirementGaps(comp, level, actual, gap, weight, ess, within)
        return StepGaps(gaps, ptr, blocking, blocking_ptr)

    @cached_property
    def gap_rank(self) -> IntArray:
        """Each requirement's rank by (heavier weight, then competency order): gap order's tail.

        Within one role the competencies differ, so sorting a role's gaps by (bigger gap,
        this rank) is :func:`gap_order`'s (bigger gap, heavier weight, competency order).
        """
        rank = np.empty(len(self.comp), np.int64)
        rank[np.lexsort((self.comp, -self.weight))] = np.arange(len(self.comp), dtype=np.int64)
        return rank

    def gaps(self, state: FloatArray, role: int, policy: ScoringPolicy) -> RequirementGaps:
        """The unmet requirements of ``role`` for ``state``, biggest gap first."""
        return self.gaps_many(state, np.array([role], np.int64), policy)[0]

    def gaps_many(
        self, state: FloatArray, roles: IntArray, policy: ScoringPolicy
    ) -> list[RequirementGaps]:
        """The unmet requirements of each of ``roles`` for ``state``, biggest gap first.

        Order within a role: bigger gap, then heavier weight, then competency order.
        Under the ``exclude`` policy an unassessed requirement above the minimum is listed
        with its whole required level as gap (an upper bound) and no actual level.
        """
        flat, bounds = self.gaps_flat(state, roles, policy)
        out = []
        for r in range(len(roles)):
            sl = slice(int(bounds[r]), int(bounds[r + 1]))
            out.append(
                RequirementGaps(
                    competency=flat.competency[sl],
                    required=flat.required[sl],
                    actual=flat.actual[sl],
                    gap=flat.gap[sl],
                    weight=flat.weight[sl],
                    essential=flat.essential[sl],
                    within_one_level=flat.within_one_level[sl],
                )
            )
        return out

    def gaps_flat(
        self, state: FloatArray, roles: IntArray, policy: ScoringPolicy, *, ordered: bool = True
    ) -> tuple[RequirementGaps, IntArray]:
        """:meth:`gaps_many` as one set of arrays: role ``i``'s gaps are ``bounds[i]:bounds[i+1]``.

        Cheaper than :meth:`gaps_many` when many roles are asked (no per-role arrays).
        ``ordered=False`` leaves each role's gaps in requirement order (sort a role's slice
        with :func:`gap_order` when it is needed): sorting them all is most of the work.
        """
        ev = self.evaluate(state, roles, policy)
        idx = np.flatnonzero(ev.unmet)
        if ordered:
            gap = np.where(ev.assessed[idx], ev.short[idx], ev.required[idx])
            idx = idx[np.lexsort((ev.comp[idx], -self.weight[ev.pos[idx]], -gap, ev.seg[idx]))]
        bounds = np.searchsorted(ev.seg[idx], np.arange(len(roles) + 1)).astype(np.int64)
        return ev.gap_arrays(idx), bounds

    def edge_gaps(
        self,
        src: IntArray,
        dst: IntArray,
        person: FloatArray | None = None,
        start: int = -1,
        policy: ScoringPolicy | None = None,
    ) -> FloatArray:
        """The gap of each step ``src[e] -> dst[e]``: NaN when either end is not rated.

        Without ``person``, a step is measured against the source role's required levels
        (what it does not require counts at the scale minimum). With ``person`` (a state),
        steps out of ``start`` are measured against the person's levels, and every other
        step against the person's levels raised to the source role's requirements (having
        held that role, they meet it), under ``policy``.
        """
        out = np.empty(len(src))
        exclude = policy is not None and policy.unassessed is UnassessedPolicy.EXCLUDE
        for lo in range(0, len(src), max(1, _CHUNK // 16)):
            s, d = src[lo : lo + _CHUNK // 16], dst[lo : lo + _CHUNK // 16]
            pos, seg = segments(self.indptr, d)
            c = self.comp[pos]
            have = self.dense[s[seg], c]
            if person is not None:
                mine = person[c]
                from_start = s[seg] == start
                raised = np.where(np.isnan(mine) & (have == 0), np.nan, np.fmax(mine, have))
                have = np.where(from_start, mine, raised)
                counted = ~np.isnan(have) if exclude else np.ones(len(pos), bool)
                have = np.where(np.isnan(have), 0.0, have)
            else:
                counted = np.ones(len(pos), bool)
            w = self.weight[pos] * counted
            mass = np.bincount(seg, w * np.maximum(0.0, self.required[pos] - have), len(s))
            weights = np.bincount(seg, w, len(s)) if exclude else self.weight_sum[d]
            chunk = np.zeros(len(s))
            np.divide(mass, weights, out=chunk, where=weights > 0)
            known = self.rated[s] | (s == start) if person is not None else self.rated[s]
            rated = self.rated[d] & known
            out[lo : lo + len(s)] = np.where(rated, np.clip(chunk, 0.0, 1.0), np.nan)
        return out

    def step_entries(self, src: IntArray, dst: IntArray) -> StepEntries:
        """The (edge, requirement of its target) entries of edges, for :meth:`person_gaps`."""
        pos, seg = segments(self.indptr, dst)
        short = np.empty(len(pos))
        for lo in range(0, len(pos), _CHUNK):
            p, e = pos[lo : lo + _CHUNK], seg[lo : lo + _CHUNK]
            short[lo : lo + _CHUNK] = self.weight[p] * np.maximum(
                0.0, self.required[p] - self.dense[src[e], self.comp[p]]
            )
        # an entry the source role already meets adds nothing to any person's gap (x + 0.0
        # is x): dropping it leaves every sum the same and halves the work on real data
        keep = short > 0
        seg = seg[keep]
        ptr = np.concatenate(([0], np.cumsum(np.bincount(seg, minlength=len(src))))).astype(
            np.int64
        )
        return StepEntries(pos[keep], seg, short[keep], len(src), ptr)

    def person_gaps(
        self,
        entries: StepEntries,
        src: IntArray,
        dst: IntArray,
        person: FloatArray,
        start: int,
    ) -> FloatArray:
        """:meth:`edge_gaps` with ``person`` under the ``minimum`` policy, for every edge, fast.

        A requirement's weighted gap after holding ``u`` is ``w * max(0, q - max(p, d_u))``,
        which is ``min(w * max(0, q - p), w * max(0, q - d_u))`` exactly (``w > 0``): the
        second term does not depend on the person and is kept in ``entries``; the first is
        one value per requirement. Each edge's entries are added in order from 0.0 (a
        compiled loop: one pass over the entries, no temporary arrays), as :meth:`edge_gaps`
        adds them, so the floats are the same.
        """
        from competency_core.careers._kernels import capped_sums

        p = np.nan_to_num(person, nan=0.0)
        mine = self.weight * np.maximum(0.0, self.required - p[self.comp])
        mass = np.empty(entries.edges)
        capped_sums(mine, entries.pos, entries.short, entries.ptr, mass)
        weights = self.weight_sum[dst]
        out = np.zeros(entries.edges)
        np.divide(mass, weights, out=out, where=weights > 0)
        out = np.where(self.rated[dst] & self.rated[src], np.clip(out, 0.0, 1.0), np.nan)
        first = np.flatnonzero(src == start)
        if len(first):  # steps out of the start: measured against the person alone
            policy = ScoringPolicy(unassessed=UnassessedPolicy.MINIMUM)
            out[first] = self.edge_gaps(src[first], dst[first], person, start, policy)
        return out

    def similarity(self, rows: IntArray, cols: IntArray | None = None) -> FloatArray:
        """Weighted Jaccard overlap of required-level profiles: sum(min) / sum(max).

        ``(len(rows), len(cols))``; 1 for identical profiles, 0 when nothing is shared.
        """
        a = self.dense[rows]
        b = self.dense if cols is None else self.dense[cols]
        mins = np.minimum(a[:, None, :], b[None, :, :]).sum(axis=2)
        total = a.sum(axis=1)[:, None] + b.sum(axis=1)[None, :]
        maxs = total - mins
        out: FloatArray = np.zeros_like(mins)
        np.divide(mins, maxs, out=out, where=maxs > 0)
        return out


__all__ = [
    "Evaluation",
    "RequirementGaps",
    "RoleVectors",
    "Scores",
    "StepEntries",
    "StepGaps",
    "gap_order",
    "scores_of_sums",
    "segments",
]
