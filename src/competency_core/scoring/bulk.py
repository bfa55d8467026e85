"""Readiness of many people against many roles at once (numpy + scipy.sparse, chunked).

The engine gives the same numbers as :func:`~competency_core.scoring.score_role` for every
pair (within floating-point rounding of the sums; a property test checks it), computed as
one sparse matrix product per chunk of people. Each distinct required level ``t`` of a
competency ``c`` becomes a column: for a person with normalised level ``a``, its gap
``max(0, t - a)`` and whether it is unmet ``[a < t]`` depend only on the person, and
every requirement of every role is one such column with the requirement's weight. So

    gap mass[r, p] = sum over requirements (c, t, w) of r:  w * max(0, t - a[c, p])

and the unmet counts, the unmet essential counts and the assessed counts are the same
product with 0/1 entries. The role side is a sparse matrix with one entry per requirement
(about 25 per role), so the work is ``people x requirements``, not ``people x roles x
competencies``. People are processed in chunks, so memory stays bounded whatever their
number: a chunk needs ``(2 x columns + competencies) x chunk_size`` floats, plus the result.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from competency_core.errors import ScoringError
from competency_core.model import CompetencyModel
from competency_core.people import Assessment, Evidence, Workforce
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
        """Resolve every person's assessments and evidence (by ``policy``, as of ``on``) into levels."""
        day = on or dt.date.today()
        keys = tuple(people) if people is not None else tuple(p.key for p in workforce.people)
        comps = tuple(c.key for c in model.competencies)
        col = {c: j for j, c in enumerate(comps)}
        row = {p: i for i, p in enumerate(keys)}
        by_person: dict[str, list[Assessment | Evidence]] = {p: [] for p in keys}
        for a in workforce.all_evidence:
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


def _inverse(values: FloatArray) -> FloatArray:
    out = np.zeros_like(values)
    np.divide(1.0, values, out=out, where=values > 0)
    return out


@dataclass(frozen=True)
class RoleSet:
    """Role requirements compiled into one sparse matrix (see the module docs).

    A chunk of people is a stack of input rows: one ``gap`` row per column (distinct
    required level of a competency), one ``count`` row per column, one ``has`` row per
    column (``min(t, a)``, the part of the required level the person has), then one
    ``assessed`` row per competency. :attr:`figures` turns them into per-role sums: the gap
    mass, a count code, the mass had, then (for the ``exclude`` policy) the weight and
    blocking essentials over the assessed competencies. Under the ``minimum`` policy only the
    first two are summed: readiness is (:attr:`required_mass_in_order` - gap mass) /
    :attr:`required_mass_in_order`. The count code packs four integer counts
    into one float exactly, as digits in base :attr:`base`: unmet, unmet essential,
    assessed, assessed essential (one sparse entry per requirement instead of four).
    """

    roles: tuple[str, ...]
    competencies: tuple[str, ...]
    """The competencies that some role requires (the columns people's levels are read from)."""
    column_competency: IntArray
    """For each column, the index of its competency in ``competencies``."""
    column_level: FloatArray
    """For each column, its normalised required level ``t``."""
    base: int
    """The base of the count code: more than any role's number of requirements."""
    figures: sparse.csr_matrix
    """``(5 x roles, 3 x columns + competencies)``: the sums, as described above."""
    requirements: FloatArray
    """Per role: the number of requirements."""
    weight: FloatArray
    """Per role: the sum of the requirements' weights."""
    required_mass: FloatArray
    """Per role: the sum of weight x normalised required level."""
    blocking: FloatArray
    """Per role: the number of essential requirements above their scale's minimum."""

    @cached_property
    def required_mass_in_order(self) -> FloatArray:
        """Per role: the required mass summed as the engines sum a gap mass.

        The gap mass of someone with no level (every gap the required level), in the same
        order, one float addition at a time, so that readiness ((this - gap mass) / this) is
        exactly 0 for them, whichever kernel ran; :attr:`required_mass` is the same sum
        correctly rounded (``math.fsum``), which can differ in the last bit.
        """
        n_r, n_cols = len(self.roles), len(self.column_level)
        nothing = np.zeros((self.figures.shape[1], 1))
        nothing[:n_cols, 0] = np.maximum(self.column_level, 0.0)
        return np.asarray(self.figures[:n_r] @ nothing).ravel()

    @property
    def inverse_required_mass(self) -> FloatArray:
        """Per role: ``1 / required_mass`` (0 where it is 0)."""
        return _inverse(self.required_mass)

    @property
    def inverse_weight(self) -> FloatArray:
        """Per role: ``1 / weight`` (0 where it is 0)."""
        return _inverse(self.weight)

    @property
    def inverse_requirements(self) -> FloatArray:
        """Per role: ``1 / requirements`` (0 where it is 0)."""
        return _inverse(self.requirements)

    def requirement_table(self) -> tuple[IntArray, IntArray, FloatArray, BoolArray]:
        """The requirements as flat arrays, read back from :attr:`figures`.

        ``(start, column, weight, essential)``: role ``r``'s requirements are entries
        ``start[r]:start[r + 1]``, in column order; the compiled kernels take this form.
        """
        n_r = len(self.roles)
        mass = self.figures[:n_r].tocsr()
        code = self.figures[n_r : 2 * n_r].tocsr()
        mass.sort_indices()
        code.sort_indices()
        return (
            np.asarray(mass.indptr, dtype=np.intp),
            np.asarray(mass.indices, dtype=np.intp),
            np.asarray(mass.data, dtype=np.float64),
            np.asarray(code.data, dtype=np.float64) > 1.0,
        )

    @classmethod
    def from_model(cls, model: CompetencyModel, roles: Sequence[str] | None = None) -> RoleSet:
        """Compile the model's roles (or the named ones)."""
        keys = tuple(roles) if roles is not None else tuple(r.key for r in model.roles)
        profiles = [model.role(k) for k in keys]
        comps = tuple(dict.fromkeys(q.competency for p in profiles for q in p.requirements))
        comp_index = {c: j for j, c in enumerate(comps)}
        normalise = {c: model.scale_of(c).normalise for c in comps}
        base = max((len(p.requirements) for p in profiles), default=0) + 1
        if base**4 >= 2**48:
            raise ScoringError(f"a role has {base - 1} requirements: at most 4,095 are supported")
        columns: dict[tuple[int, float], int] = {}
        per_role: list[list[tuple[int, int, float, bool, float]]] = []
        for p in profiles:
            entries = []
            for q in p.requirements:
                j = comp_index[q.competency]
                t = normalise[q.competency](q.level)
                col = columns.setdefault((j, t), len(columns))
                entries.append((j, col, q.weight, q.essential, t))
            per_role.append(entries)
        n_r, n_cols = len(keys), len(columns)
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        requirements = np.zeros(n_r)
        weight = np.zeros(n_r)
        required_mass = np.zeros(n_r)
        blocking = np.zeros(n_r)
        for r, entries in enumerate(per_role):
            # row blocks: 0 gap mass, 1 count code, 2 mass had, then over assessed
            # competencies: 3 weight, 4 blocking essentials
            for j, col, w, essential, t in entries:
                rows += [r, n_r + r, 2 * n_r + r, 3 * n_r + r]
                cols += [col, n_cols + col, 2 * n_cols + col, 3 * n_cols + j]
                vals += [w, 1.0 + base * essential, w, w]
                if essential and t > 0.0:
                    rows.append(4 * n_r + r)
                    cols.append(3 * n_cols + j)
                    vals.append(1.0)
            requirements[r] = len(entries)
            weight[r] = math.fsum(e[2] for e in entries)
            required_mass[r] = math.fsum(e[2] * e[4] for e in entries)
            blocking[r] = sum(e[3] and e[4] > 0.0 for e in entries)
        figures = sparse.csr_matrix(
            (np.array(vals, dtype=np.float64), (np.array(rows), np.array(cols))),
            shape=(5 * n_r, 3 * n_cols + len(comps)),
        )
        figures.sum_duplicates()
        figures.sort_indices()
        ordered = sorted(columns.items(), key=lambda kv: kv[1])
        return cls(
            roles=keys,
            competencies=comps,
            column_competency=np.array([j for (j, _), _ in ordered], dtype=np.intp),
            column_level=np.array([t for (_, t), _ in ordered], dtype=np.float64),
            base=base,
            figures=figures,
            requirements=requirements,
            weight=weight,
            required_mass=required_mass,
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


def _columns(levels: PeopleLevels, roles: RoleSet) -> tuple[FloatArray, IntArray]:
    """People's levels and, per competency of the role set, the column to read it from.

    Competencies the levels lack read an extra all-NaN column (unassessed).
    """
    col = {c: j for j, c in enumerate(levels.competencies)}
    source = levels.normalised
    missing = len(levels.competencies)
    if any(c not in col for c in roles.competencies):
        source = np.hstack([source, np.full((len(levels.people), 1), np.nan)])
    index = np.array([col.get(c, missing) for c in roles.competencies], dtype=np.intp)
    return source, index


def _available_cpus() -> int:
    """CPUs this process may run on (the affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _ratio(num: FloatArray, den: FloatArray, empty: float, out: FloatArray) -> None:
    """``out = num / den`` where ``den > 0``, else ``empty`` (``den`` is per role or per pair)."""
    out[...] = empty
    np.divide(num, den, out=out, where=np.broadcast_to(den > 0, out.shape))


def _digits(code: FloatArray, base: float) -> tuple[FloatArray, FloatArray]:
    """``(code mod base, code // base)`` for integer-valued floats, exactly (see RoleSet)."""
    high = np.floor((code + 0.5) * (1.0 / base))
    return code - base * high, high


@dataclass(frozen=True)
class _Engine:
    """One readiness computation: inputs, outputs, and the work on a chunk of people."""

    roles: RoleSet
    levels: FloatArray
    """People's normalised levels (people x competencies; NaN: unassessed)."""
    columns: IntArray
    """For each competency of the role set, its column in ``levels``."""
    exclude: bool
    threshold: float
    out: dict[str, FloatArray]
    ready: BoolArray

    @classmethod
    def prepare(
        cls, levels: PeopleLevels, roles: RoleSet, policy: ScoringPolicy
    ) -> tuple[_Engine, dict[str, Any]]:
        source, index = _columns(levels, roles)
        n_r, n_p = len(roles.roles), len(levels.people)
        exclude = policy.unassessed is UnassessedPolicy.EXCLUDE
        engine = cls(
            roles=roles,
            levels=source,
            columns=index,
            exclude=exclude,
            threshold=policy.ready_threshold - READY_TOLERANCE,
            out={k: np.empty((n_r, n_p)) for k in ("readiness", "gap", "share_met", "coverage")},
            ready=np.empty((n_r, n_p), dtype=bool),
        )
        shared = {
            # the gap mass and the count code; and the mass had, weight and blocking
            # essentials over the assessed competencies under exclude
            "figures": roles.figures if exclude else roles.figures[: 2 * n_r],
            "requirements": roles.requirements[:, None],
            "weight": roles.weight[:, None],
            "required_mass": roles.required_mass_in_order[:, None],
        }
        return engine, shared

    def chunk(self, start: int, stop: int, shared: dict[str, Any]) -> None:
        rs, n_r = self.roles, len(self.roles.roles)
        col_c, col_t = rs.column_competency, rs.column_level[:, None]
        n_cols = len(col_c)
        base = float(rs.base)
        x = np.empty((3 * n_cols + len(rs.competencies), stop - start))
        gap, count = x[:n_cols], x[n_cols : 2 * n_cols]
        has, assessed = x[2 * n_cols : 3 * n_cols], x[3 * n_cols :]
        a = self.levels[start:stop, self.columns].T  # competencies x people
        seen = ~np.isnan(a)
        assessed[...] = seen
        on_col = np.where(seen, a, 0.0)[col_c]
        np.subtract(col_t, on_col, out=gap)
        np.maximum(gap, 0.0, out=gap)
        np.less(on_col, col_t, out=count, casting="unsafe")
        if self.exclude:  # (under minimum no figure reads the has rows)
            np.minimum(on_col, col_t, out=has)  # 0 where unassessed
        on_assessed = assessed[col_c]
        if self.exclude:  # unassessed competencies count neither as a gap nor as unmet
            gap *= on_assessed
            count *= on_assessed
        on_assessed *= base * base
        count += on_assessed
        sums = shared["figures"] @ x
        gap_mass = sums[:n_r]
        unmet, high = _digits(sums[n_r : 2 * n_r], base)
        unmet_essential, high = _digits(high, base)
        n_assessed, _ = _digits(high, base)
        cols = slice(start, stop)
        readiness, gap_out = self.out["readiness"][:, cols], self.out["gap"][:, cols]
        share_met, coverage = self.out["share_met"][:, cols], self.out["coverage"][:, cols]
        # Divisions, never products with inverses (x * (1 / x) can miss 1 by an ulp).
        # Readiness is exactly 1 when nothing is missing and exactly 0 when nothing
        # required is had: under minimum (required mass - gap mass) / required mass, the
        # required mass summed in the same order as the gap mass (where the sums are exact
        # the numerator is the mass had: the bits of had / (had + gap mass)); under
        # exclude, where what is required is the assessed part, had / (had + gap mass).
        if self.exclude:
            had = sums[2 * n_r : 3 * n_r]
            _ratio(had, had + gap_mass, 1.0, readiness)
        else:
            required = shared["required_mass"]
            _ratio(required - gap_mass, required, 1.0, readiness)
        counted = n_assessed if self.exclude else shared["requirements"]
        weight = sums[3 * n_r : 4 * n_r] if self.exclude else shared["weight"]
        _ratio(gap_mass, weight, 0.0, gap_out)
        _ratio(counted - unmet, counted, 1.0, share_met)
        _ratio(n_assessed, shared["requirements"], 1.0, coverage)
        # the sums can round a hair past the exact bounds: clip to [0, 1]
        np.clip(readiness, 0.0, 1.0, out=readiness)
        np.clip(gap_out, 0.0, 1.0, out=gap_out)
        ok = (unmet_essential == 0) & (readiness >= self.threshold)
        if self.exclude:
            ok &= sums[4 * n_r :] >= rs.blocking[:, None]
        self.ready[:, cols] = ok


AUTO_COMPILED_WORK = 200_000_000
"""``kernel="auto"`` loads the compiled kernel for at least this many (pair, requirement) sums.

Loading it in a fresh process (importing numba, reading its cache) costs about 0.75 s; the
sparse kernel takes about 4 ns a sum, the compiled one a tenth of that, so below this
much work the sparse kernel finishes first. Once loaded, the compiled kernel is used for
any size.
"""


def _use_compiled(kernel: str, work: int = 0) -> bool:
    """Whether ``kernel`` means the compiled kernel for ``work`` (pair, requirement) sums.

    ``"auto"``: the compiled kernel if it runs without compiling (loaded in this process,
    or, for at least :data:`AUTO_COMPILED_WORK` sums, found in numba's cache, see
    ``python -m competency_core.scoring.compiled --warm``), else the sparse one.
    """
    if kernel not in ("auto", "compiled", "sparse"):
        raise ScoringError(f"unknown kernel {kernel!r}: expected auto, compiled or sparse")
    if kernel == "sparse":
        return False
    if kernel == "auto":
        loaded = sys.modules.get("competency_core.scoring.compiled")
        if loaded is None and work < AUTO_COMPILED_WORK:
            return False  # importing numba would cost more than it saves
        try:
            from competency_core.scoring import compiled
        except ImportError:
            return False
        return compiled.matrix_kernel_ready()
    try:
        import numba  # noqa: F401
    except ImportError:
        raise ScoringError("the compiled kernel needs numba (pip install numba)") from None
    return True


def _compiled_matrix(
    levels: PeopleLevels, rs: RoleSet, policy: ScoringPolicy, day: dt.date, workers: int
) -> ReadinessMatrix:
    """:func:`readiness_matrix` by the compiled kernel (people x roles, C order)."""
    from competency_core.scoring import compiled

    source, index = _columns(levels, rs)
    n_p, n_r = len(levels.people), len(rs.roles)
    # computed role-major (roles x people), handed out transposed (people x roles views)
    out = (np.empty((n_r, n_p)), np.empty((n_r, n_p)), np.empty((n_r, n_p)))
    coverage, ready = np.empty((n_r, n_p)), np.empty((n_r, n_p), dtype=bool)
    compiled.run_matrix(
        source,
        index,
        compiled.compile_role_set(rs),
        exclude=policy.unassessed is UnassessedPolicy.EXCLUDE,
        threshold=policy.ready_threshold - READY_TOLERANCE,
        base=rs.base,
        chunk=256,
        workers=workers,
        out=(*out, coverage, ready),
    )
    return ReadinessMatrix(
        people=levels.people,
        roles=rs.roles,
        readiness=out[0].T,
        gap=out[1].T,
        share_met=out[2].T,
        coverage=coverage.T,
        ready=ready.T,
        policy=policy,
        on=day,
    )


def readiness_matrix(
    model: CompetencyModel,
    people: Workforce | PeopleLevels,
    *,
    roles: RoleSet | Sequence[str] | None = None,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
    chunk_size: int = 128,
    workers: int | None = None,
    kernel: str = "auto",
) -> ReadinessMatrix:
    """Score every person against every role (default: all the model's roles).

    ``people`` is a workforce (its assessments are resolved by ``policy`` as of ``on``) or
    levels resolved beforehand. Memory is bounded by ``chunk_size`` people per worker at a
    time, plus the result (five people x roles arrays); the default chunk keeps a chunk's
    inputs in the processor's cache. Chunks run on ``workers`` threads (default: the CPUs
    available, at most 8; numpy and scipy release the GIL), and the result does not depend
    on their number.

    ``kernel`` picks the loops: ``"sparse"`` (numpy and scipy.sparse products, a chunk of
    people at a time), ``"compiled"`` (numba: a block of people at a time against each
    role, vectorised over the people; the streaming engine's kernel; several times as fast,
    docs/performance.md), or ``"auto"`` (the default): the compiled kernel when it runs
    without compiling (already loaded in this process, or, for a large enough matrix, in
    numba's cache: ``python -m competency_core.scoring.compiled --warm`` puts it there,
    ``make`` does it for the project's venv), else the sparse one, so a fresh
    installation's first call never waits for numba to compile. Both give the same bits.
    """
    day = on or dt.date.today()
    levels = (
        people
        if isinstance(people, PeopleLevels)
        else PeopleLevels.from_workforce(model, people, policy=policy, on=day)
    )
    rs = roles if isinstance(roles, RoleSet) else RoleSet.from_model(model, roles)
    n_p = len(levels.people)
    n_workers = workers if workers is not None else min(8, _available_cpus())
    if _use_compiled(kernel, n_p * int(rs.requirements.sum())):
        return _compiled_matrix(levels, rs, policy, day, n_workers)
    # computed role-major (roles x people), handed out transposed (people x roles views)
    engine, shared = _Engine.prepare(levels, rs, policy)
    step = max(1, chunk_size)
    bounds = [(s, min(n_p, s + step)) for s in range(0, n_p, step)]
    if n_workers > 1 and len(bounds) > 1:
        with ThreadPoolExecutor(max_workers=n_workers) as pool:
            for done in [pool.submit(engine.chunk, s, e, shared) for s, e in bounds]:
                done.result()
    else:
        for s, e in bounds:
            engine.chunk(s, e, shared)
    return ReadinessMatrix(
        people=levels.people,
        roles=rs.roles,
        readiness=engine.out["readiness"].T,
        gap=engine.out["gap"].T,
        share_met=engine.out["share_met"].T,
        coverage=engine.out["coverage"].T,
        ready=engine.ready.T,
        policy=policy,
        on=day,
    )


__all__ = ["PeopleLevels", "ReadinessMatrix", "RoleSet", "readiness_matrix"]
