"""The bulk engine's loops, compiled with numba (imported only when a bulk run needs them).

:func:`~competency_core.scoring.bulk.readiness_matrix` and the streaming engine
(:mod:`competency_core.scale.streaming`) score pairs here. A role is its requirements in
the order of their columns (distinct required levels of a competency, see
:class:`~competency_core.scoring.bulk.RoleSet`), and every sum runs in the order the sparse
engine's product runs (columns ascending; the assessed weight by competency ascending), one
float64 addition at a time with no reassociation (``fastmath=False``), so the figures are
bit-identical to the sparse engine's, to every run's and to any number of threads'.

Per person, each column's gap, the part of the required level had and whether it is unmet
are worked out once; each pair then reads its ~25 columns, and the five figures are written
in the same pass. This module imports numba: ``import competency_core`` must not load it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numba
import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from competency_core.scoring.bulk import RoleSet

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]
KeyArray = npt.NDArray[np.int64]

READY_BIT = np.int64(1) << np.int64(62)
"""The ready flag of a rank key (see :func:`~competency_core.scoring.ranking.rank_keys`)."""


@dataclass(frozen=True)
class CompiledRoles:
    """A role set as flat arrays for the kernels (roles ``r`` own entries ``start[r]:start[r+1]``)."""

    start: IntArray
    """Per role and one past the last: where its requirements begin."""
    column: IntArray
    """Per requirement, sorted by column within a role: its column."""
    weight: FloatArray
    essential: BoolArray
    blocking: BoolArray
    """Per requirement: essential and above its scale's minimum."""
    by_competency: IntArray
    """Per requirement slot, the competency of the role's requirements sorted by competency."""
    weight_by_competency: FloatArray
    """The weights in that competency order (the assessed weight sums run in that order)."""
    column_competency: IntArray
    column_level: FloatArray
    requirements: FloatArray
    role_weight: FloatArray
    role_blocking: FloatArray


def compile_roles(
    start: IntArray,
    column: IntArray,
    competency: IntArray,
    weight: FloatArray,
    essential: BoolArray,
    column_competency: IntArray,
    column_level: FloatArray,
    requirements: FloatArray,
    role_weight: FloatArray,
    role_blocking: FloatArray,
) -> CompiledRoles:
    """Sort each role's requirements by column (and a copy by competency) for the kernels."""
    n_r = len(start) - 1
    order = np.empty(len(column), dtype=np.intp)
    by_comp = np.empty(len(column), dtype=np.intp)
    for r in range(n_r):
        s, e = int(start[r]), int(start[r + 1])
        order[s:e] = s + np.argsort(column[s:e], kind="stable")
        by_comp[s:e] = s + np.argsort(competency[s:e], kind="stable")
    levels = column_level[column]
    return CompiledRoles(
        start=np.ascontiguousarray(start, dtype=np.intp),
        column=np.ascontiguousarray(column[order], dtype=np.intp),
        weight=np.ascontiguousarray(weight[order], dtype=np.float64),
        essential=np.ascontiguousarray(essential[order], dtype=np.bool_),
        blocking=np.ascontiguousarray((essential & (levels > 0.0))[order], dtype=np.bool_),
        by_competency=np.ascontiguousarray(competency[by_comp], dtype=np.intp),
        weight_by_competency=np.ascontiguousarray(weight[by_comp], dtype=np.float64),
        column_competency=np.ascontiguousarray(column_competency, dtype=np.intp),
        column_level=np.ascontiguousarray(column_level, dtype=np.float64),
        requirements=np.ascontiguousarray(requirements, dtype=np.float64),
        role_weight=np.ascontiguousarray(role_weight, dtype=np.float64),
        role_blocking=np.ascontiguousarray(role_blocking, dtype=np.float64),
    )


def compile_role_set(roles: RoleSet) -> CompiledRoles:
    """A :class:`~competency_core.scoring.bulk.RoleSet` in the kernels' form."""
    start, column, weight, essential = roles.requirement_table()
    return compile_roles(
        start,
        column,
        roles.column_competency[column],
        weight,
        essential,
        roles.column_competency,
        roles.column_level,
        roles.requirements,
        roles.weight,
        roles.blocking,
    )


def role_arrays(roles: CompiledRoles) -> tuple[Any, ...]:
    """The arrays the kernels take, in their order."""
    return (
        roles.start,
        roles.column,
        roles.weight,
        roles.essential,
        roles.blocking,
        roles.by_competency,
        roles.weight_by_competency,
        roles.column_competency,
        roles.column_level,
        roles.requirements,
        roles.role_weight,
        roles.role_blocking,
    )


BLOCK = 64
"""People scored together: the inner loops run over a block's people, contiguous in memory."""


@numba.njit(cache=True, fastmath=False, nogil=True)
def _block_columns(
    levels: FloatArray,
    first: int,
    n: int,
    comp_source: IntArray,
    col_comp: IntArray,
    col_t: FloatArray,
    exclude: bool,
    base: float,
    seen: FloatArray,
    table: FloatArray,
) -> None:  # pragma: no cover - compiled
    """People ``first:first + n``'s per-column figures, one ``(5, BLOCK)`` slab per column.

    Slab rows: the gap ``max(0, t - a)``, the part had ``min(a, t)`` (``a`` is 0 where
    unassessed; under ``exclude`` an unassessed competency has no gap and is not unmet),
    then what the column adds to the count code (see :func:`score_block`) for a plain, an
    essential and a blocking essential requirement. ``seen`` is 1.0 per assessed competency.
    Lanes past ``n`` stay as they are (zeros from the start).
    """
    b2 = base * base
    b3 = b2 * base
    for c in range(comp_source.shape[0]):
        src = comp_source[c]
        for b in range(n):
            seen[c, b] = 0.0 if np.isnan(levels[first + b, src]) else 1.0
    for j in range(col_comp.shape[0]):
        c = col_comp[j]
        src = comp_source[c]
        t = col_t[j]
        for b in range(n):
            on = seen[c, b] > 0.0
            a = levels[first + b, src] if on else 0.0
            g = t - a
            unmet = 1.0 if a < t else 0.0
            if exclude and not on:
                g = 0.0
                unmet = 0.0
            table[j, 0, b] = g if g > 0.0 else 0.0
            table[j, 1, b] = a if a < t else t
            table[j, 2, b] = unmet + b2 * seen[c, b]
            table[j, 3, b] = (1.0 + base) * unmet + b2 * seen[c, b]
            table[j, 4, b] = (1.0 + base) * unmet + (b2 + b3) * seen[c, b]


@numba.njit(cache=True, fastmath=False, nogil=True)
def score_block(
    levels: FloatArray,
    first: int,
    last: int,
    first_role: int,
    last_role: int,
    comp_source: IntArray,
    start: IntArray,
    column: IntArray,
    weight: FloatArray,
    essential: BoolArray,
    blocking: BoolArray,
    by_competency: IntArray,
    weight_by_competency: FloatArray,
    column_competency: IntArray,
    column_level: FloatArray,
    requirements: FloatArray,
    role_weight: FloatArray,
    role_blocking: FloatArray,
    exclude: bool,
    threshold: float,
    base: float,
    col0: int,
    readiness: FloatArray,
    gap_out: FloatArray,
    share_met: FloatArray,
    coverage: FloatArray,
    ready: BoolArray,
) -> None:  # pragma: no cover - compiled
    """People ``first:last`` x roles ``first_role:last_role``, role-major into ``out[r - first_role, p - col0]``.

    Each pair's sums run over its role's requirements in column order (the assessed
    weight in competency order), as the sparse engine's product does. The four counts
    (unmet, unmet essential, assessed, assessed blocking essential) are summed as one
    float code, digits in base ``base``, exactly (see :class:`~competency_core.scoring.bulk.RoleSet`).
    """
    n_cols = column_level.shape[0]
    n_comp = comp_source.shape[0]
    table = np.zeros((n_cols, 5, BLOCK))
    seen = np.zeros((n_comp, BLOCK))
    acc = np.empty((3, BLOCK))
    assessed_weight = np.empty(BLOCK)
    inv = 1.0 / base
    for p0 in range(first, last, BLOCK):
        n = min(BLOCK, last - p0)
        _block_columns(
            levels,
            p0,
            n,
            comp_source,
            column_competency,
            column_level,
            exclude,
            base,
            seen,
            table,
        )
        for r in range(first_role, last_role):
            acc[:] = 0.0
            for q in range(start[r], start[r + 1]):
                slab = table[column[q]]
                w = weight[q]
                kind = (4 if exclude and blocking[q] else 3) if essential[q] else 2
                for b in range(BLOCK):
                    acc[0, b] += w * slab[0, b]
                    acc[1, b] += w * slab[1, b]
                    acc[2, b] += slab[kind, b]
            mass, had, code = acc[0], acc[1], acc[2]
            if exclude:  # the assessed weight, summed in competency order as the sparse engine
                assessed_weight[:] = 0.0
                for q in range(start[r], start[r + 1]):
                    c = by_competency[q]
                    w = weight_by_competency[q]
                    for b in range(BLOCK):
                        assessed_weight[b] += w * seen[c, b]
            n_req = requirements[r]
            k = r - first_role
            for b in range(n):
                high = np.floor((code[b] + 0.5) * inv)
                n_unmet = code[b] - base * high
                rest = np.floor((high + 0.5) * inv)
                n_unmet_essential = high - base * rest
                high = np.floor((rest + 0.5) * inv)
                n_assessed = rest - base * high
                total = had[b] + mass[b]
                x = had[b] / total if total > 0.0 else 1.0
                x = min(max(x, 0.0), 1.0)
                w_all = assessed_weight[b] if exclude else role_weight[r]
                g = mass[b] / w_all if w_all > 0.0 else 0.0
                counted = n_assessed if exclude else n_req
                ok = n_unmet_essential == 0.0 and x >= threshold
                if exclude:
                    ok = ok and high >= role_blocking[r]
                i = p0 + b - col0
                readiness[k, i] = x
                gap_out[k, i] = min(max(g, 0.0), 1.0)
                share_met[k, i] = (counted - n_unmet) / counted if counted > 0.0 else 1.0
                coverage[k, i] = n_assessed / n_req if n_req > 0.0 else 1.0
                ready[k, i] = ok


@numba.njit(cache=True, fastmath=False, parallel=True)
def score_matrix(
    levels: FloatArray,
    comp_source: IntArray,
    chunk: int,
    start: IntArray,
    column: IntArray,
    weight: FloatArray,
    essential: BoolArray,
    blocking: BoolArray,
    by_competency: IntArray,
    weight_by_competency: FloatArray,
    column_competency: IntArray,
    column_level: FloatArray,
    requirements: FloatArray,
    role_weight: FloatArray,
    role_blocking: FloatArray,
    exclude: bool,
    threshold: float,
    base: float,
    readiness: FloatArray,
    gap_out: FloatArray,
    share_met: FloatArray,
    coverage: FloatArray,
    ready: BoolArray,
) -> None:  # pragma: no cover - compiled
    """Every person against every role: roles x people outputs, chunks of people in parallel."""
    n_p = levels.shape[0]
    n_r = start.shape[0] - 1
    n_chunks = (n_p + chunk - 1) // chunk
    for k in numba.prange(n_chunks):
        first = k * chunk
        last = min(n_p, first + chunk)
        score_block(
            levels, first, last, 0, n_r, comp_source, start, column, weight, essential,
            blocking, by_competency, weight_by_competency, column_competency, column_level,
            requirements, role_weight, role_blocking, exclude, threshold, base, 0, readiness,
            gap_out, share_met, coverage, ready,
        )  # fmt: skip


@numba.njit(cache=True, fastmath=False, parallel=True)
def score_chunk(
    levels: FloatArray,
    comp_source: IntArray,
    chunk: int,
    first_role: int,
    last_role: int,
    start: IntArray,
    column: IntArray,
    weight: FloatArray,
    essential: BoolArray,
    blocking: BoolArray,
    by_competency: IntArray,
    weight_by_competency: FloatArray,
    column_competency: IntArray,
    column_level: FloatArray,
    requirements: FloatArray,
    role_weight: FloatArray,
    role_blocking: FloatArray,
    exclude: bool,
    threshold: float,
    base: float,
    readiness: FloatArray,
    gap_out: FloatArray,
    share_met: FloatArray,
    coverage: FloatArray,
    ready: BoolArray,
) -> None:  # pragma: no cover - compiled
    """All of ``levels``' people x roles ``first_role:last_role`` (roles x people outputs)."""
    n_p = levels.shape[0]
    n_chunks = (n_p + chunk - 1) // chunk
    for k in numba.prange(n_chunks):
        first = k * chunk
        last = min(n_p, first + chunk)
        score_block(
            levels, first, last, first_role, last_role, comp_source, start, column, weight,
            essential, blocking, by_competency, weight_by_competency, column_competency,
            column_level, requirements, role_weight, role_blocking, exclude, threshold, base, 0,
            readiness, gap_out, share_met, coverage, ready,
        )  # fmt: skip


@numba.njit(cache=True, fastmath=False, nogil=True, inline="always")
def _insert(
    row: int,
    key_ready: bool,
    key: float,
    index: int,
    figures: tuple[float, float, float],
    top_index: IntArray,
    top_readiness: FloatArray,
    top_gap: FloatArray,
    top_share: FloatArray,
    top_coverage: FloatArray,
    top_ready: BoolArray,
) -> None:  # pragma: no cover - compiled
    """Offer one pair to a row's running top-k (sorted best first; -1 pads the end).

    Pairs are offered in increasing ``index``, so on equal (ready, readiness) the pair
    already kept wins: the order of :func:`~competency_core.scoring.ranking.top_k_rows`.
    """
    k = top_index.shape[1]
    pos = k
    while pos > 0:
        prev = pos - 1
        if top_index[row, prev] >= 0 and (
            top_ready[row, prev] > key_ready
            or (top_ready[row, prev] == key_ready and top_readiness[row, prev] >= key)
        ):
            break
        pos = prev
    if pos >= k:
        return
    for m in range(k - 1, pos, -1):
        top_index[row, m] = top_index[row, m - 1]
        top_readiness[row, m] = top_readiness[row, m - 1]
        top_gap[row, m] = top_gap[row, m - 1]
        top_share[row, m] = top_share[row, m - 1]
        top_coverage[row, m] = top_coverage[row, m - 1]
        top_ready[row, m] = top_ready[row, m - 1]
    top_index[row, pos] = index
    top_readiness[row, pos] = key
    top_gap[row, pos] = figures[0]
    top_share[row, pos] = figures[1]
    top_coverage[row, pos] = figures[2]
    top_ready[row, pos] = key_ready


@numba.njit(cache=True, fastmath=False, parallel=True)
def merge_top(
    readiness: FloatArray,
    gap: FloatArray,
    share_met: FloatArray,
    coverage: FloatArray,
    ready: BoolArray,
    by_row: bool,
    offset: int,
    first_row: int,
    top_index: IntArray,
    top_readiness: FloatArray,
    top_gap: FloatArray,
    top_share: FloatArray,
    top_coverage: FloatArray,
    top_ready: BoolArray,
) -> None:  # pragma: no cover - compiled
    """Merge a roles x people block into running top-k lists.

    ``by_row``: one list per block row (a role), offered the row's entries as indices
    ``offset + column``; otherwise one list per block column (a person), offered the
    column's entries as ``offset + row``. The list of block row/column ``i`` is row
    ``first_row + i`` of the ``top_*`` arrays.
    """
    n_rows, n_cols = readiness.shape
    if by_row:
        for i in numba.prange(n_rows):
            t = first_row + i
            k = top_index.shape[1]
            for j in range(n_cols):
                x = readiness[i, j]
                ok = ready[i, j]
                last = top_index[t, k - 1]
                if last >= 0 and (
                    top_ready[t, k - 1] > ok
                    or (top_ready[t, k - 1] == ok and top_readiness[t, k - 1] >= x)
                ):
                    continue
                _insert(
                    t, ok, x, offset + j, (gap[i, j], share_met[i, j], coverage[i, j]),
                    top_index, top_readiness, top_gap, top_share, top_coverage, top_ready,
                )  # fmt: skip
    else:
        for j in numba.prange(n_cols):
            t = first_row + j
            k = top_index.shape[1]
            for i in range(n_rows):
                x = readiness[i, j]
                ok = ready[i, j]
                last = top_index[t, k - 1]
                if last >= 0 and (
                    top_ready[t, k - 1] > ok
                    or (top_ready[t, k - 1] == ok and top_readiness[t, k - 1] >= x)
                ):
                    continue
                _insert(
                    t, ok, x, offset + i, (gap[i, j], share_met[i, j], coverage[i, j]),
                    top_index, top_readiness, top_gap, top_share, top_coverage, top_ready,
                )  # fmt: skip


@contextmanager
def using_threads(workers: int) -> Iterator[None]:
    """Run the parallel kernels on ``workers`` threads (at most numba's), then restore."""
    previous = numba.get_num_threads()
    limit = int(getattr(numba.config, "NUMBA_NUM_THREADS"))  # noqa: B009 (untyped config)
    numba.set_num_threads(max(1, min(workers, limit)))
    try:
        yield
    finally:
        numba.set_num_threads(previous)


def run_matrix(
    levels: FloatArray,
    comp_source: IntArray,
    roles: CompiledRoles,
    *,
    exclude: bool,
    threshold: float,
    base: int,
    chunk: int,
    workers: int,
    out: tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray],
) -> None:
    """Fill ``out`` (readiness, gap, share met, coverage, ready; roles x people, C order)."""
    with using_threads(workers):
        cast(Any, score_matrix)(
            np.ascontiguousarray(levels, dtype=np.float64),
            np.ascontiguousarray(comp_source, dtype=np.intp),
            max(1, chunk),
            *role_arrays(roles),
            exclude,
            threshold,
            float(base),
            *out,
        )


def score_roles(
    levels: FloatArray,
    comp_source: IntArray,
    roles: CompiledRoles,
    first_role: int,
    last_role: int,
    *,
    exclude: bool,
    threshold: float,
    base: int,
    out: tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray],
) -> None:
    """Every person of ``levels`` x roles ``first_role:last_role`` into ``out`` (roles x people).

    Runs on the threads set by :func:`using_threads`.
    """
    cast(Any, score_chunk)(
        levels, comp_source, 256, first_role, last_role, *role_arrays(roles), exclude,
        threshold, float(base), *out,
    )  # fmt: skip


def merge_block(
    block: tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray],
    *,
    by_row: bool,
    offset: int,
    first_row: int,
    top: tuple[IntArray, FloatArray, FloatArray, FloatArray, FloatArray, BoolArray],
) -> None:
    """Merge a block's pairs into running top-k lists (see :func:`merge_top`)."""
    cast(Any, merge_top)(*block, by_row, offset, first_row, *top)
