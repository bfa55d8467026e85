"""The bulk engine's loops, compiled with numba (imported only when a bulk run needs them).

:func:`~competency_core.scoring.bulk.readiness_matrix` and the streaming engine
(:mod:`competency_core.scale.streaming`) score pairs here. A role is its requirements in
the order of their columns (distinct required levels of a competency, see
:class:`~competency_core.scoring.bulk.RoleSet`), and every sum runs in the order the sparse
engine's product runs (columns ascending; the assessed weight by competency ascending), one
float64 addition at a time with no reassociation (``fastmath=False``), so the figures are
bit-identical to the sparse engine's, to every run's and to any number of threads'.

People are scored a block of :data:`BLOCK` at a time, their levels laid out competency by
competency with the block's people contiguous; each role's requirements then update the
block's sums with the people in the innermost loop, which the compiler vectorises (SIMD
lanes over people), and the five figures go straight into the outputs. Blocks of people run
on numba's threads (``parallel=True``). ``python -m competency_core.scoring.compiled --warm``
compiles the kernels into numba's on-disk cache (:func:`warm`), after which
``readiness_matrix(kernel="auto")`` uses them (:func:`matrix_kernel_ready`). This module
imports numba: ``import competency_core`` must not load it.
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


_ABS_BITS = np.int64(0x7FFF_FFFF_FFFF_FFFF)
_INF_BITS = np.int64(0x7FF0_0000_0000_0000)
"""A float64's bits without the sign, and +inf's: above it, the float is NaN."""


@numba.njit(cache=True, fastmath=False, nogil=True)
def _block_levels(
    levels: FloatArray,
    first: int,
    n: int,
    comp_source: IntArray,
    b2: float,
    lanes: FloatArray,
) -> None:  # pragma: no cover - compiled
    """People ``first:first + n``'s levels for the ``exclude`` policy: one ``(3, BLOCK)`` slab a competency.

    Slab rows: ``a``, the level the part had is read from (0 where unassessed); ``b2``
    where assessed, else 0 (the assessed digit of the count code, see :func:`score_block`);
    and the level the gap is read from (``a``, +inf where unassessed, so that
    ``max(0, t - a)`` is 0 and ``a < t`` is false: no gap, not unmet). Lanes past ``n`` are
    zeros (scored, never written out). The ``minimum`` policy reads one row a competency
    instead (:func:`_block_row`).

    The people's rows are read in order into row 1, then each slab is finished over the
    block's people on the floats' bits (masks, no branch on NaN: unassessed levels come in
    any pattern, which a branch would mispredict).
    """
    source = levels.view(np.int64)
    bits = lanes.view(np.int64)
    b2_bits = np.array([b2]).view(np.int64)[0]
    n_comp = comp_source.shape[0]
    for b in range(n):
        for c in range(n_comp):
            bits[c, 1, b] = source[first + b, comp_source[c]]
    for b in range(n, BLOCK):
        for c in range(n_comp):
            bits[c, 1, b] = 0
    for c in range(n_comp):
        slab = bits[c]
        for b in range(BLOCK):
            x = slab[1, b]
            keep = -np.int64((x & _ABS_BITS) <= _INF_BITS)  # all ones unless NaN
            slab[0, b] = x & keep  # a, or +0.0
            slab[1, b] = b2_bits & keep  # b2, or +0.0
        for b in range(BLOCK):
            keep = -np.int64(slab[1, b] != 0)
            slab[2, b] = slab[0, b] | (_INF_BITS & ~keep)  # a, or +inf


@numba.njit(cache=True, fastmath=False, nogil=True)
def _block_row(
    levels: FloatArray, first: int, n: int, comp_source: IntArray, rows: FloatArray
) -> None:  # pragma: no cover - compiled
    """People ``first:first + n``'s levels for the ``minimum`` policy: one row a competency.

    ``rows[c, b]`` is the level, or -inf where unassessed (NaN): the requirement loop reads
    the level (0, the scale's minimum, for -inf) and whether it was assessed (``v > -inf``)
    from this one row, half the memory of the ``exclude`` slabs' two rows it reads, so that a
    block's levels stay in the core's cache. Lanes past ``n`` are -inf (scored, never
    written out).
    """
    n_comp = comp_source.shape[0]
    for b in range(n):
        for c in range(n_comp):
            x = levels[first + b, comp_source[c]]
            rows[c, b] = x if x == x else -np.inf  # NaN: unassessed
    for b in range(n, BLOCK):
        for c in range(n_comp):
            rows[c, b] = -np.inf


@numba.njit(cache=True, fastmath=False, nogil=True, inline="always")
def _add_excluding(
    acc: FloatArray,
    slab: FloatArray,
    t: float,
    w: float,
    k_unmet: float,
    k_seen: float,
) -> None:  # pragma: no cover - compiled
    """Add one requirement (level ``t``, weight ``w``) to the block's sums, lane by lane (``exclude``)."""
    for b in range(BLOCK):
        a = slab[0, b]
        d = t - slab[2, b]
        short = d > 0.0  # assessed and a < t
        acc[0, b] += w * (d if short else 0.0)
        acc[1, b] += w * (a if a < t else t)
        acc[2, b] += (k_unmet if short else 0.0) + k_seen * slab[1, b]


@numba.njit(cache=True, fastmath=False, nogil=True, inline="always")
def _add_minimum(
    acc: FloatArray,
    row: FloatArray,
    t: float,
    w: float,
    k_unmet: float,
    b2: float,
) -> None:  # pragma: no cover - compiled
    """The same under ``minimum``: an unassessed level (-inf in ``row``) counts as 0.

    The gap mass and the count code only: readiness under ``minimum`` is (required mass -
    gap mass) / required mass, a role's constant (see :func:`score_block`), so the mass had is not
    summed. The same operations on the same values as the sparse engine's product (``a``
    is 0 where unassessed, the assessed digit ``b2`` is added where assessed), so the
    sums' bits are the same.
    """
    for b in range(BLOCK):
        v = row[b]
        seen = v > -np.inf
        a = v if seen else 0.0
        d = t - a
        short = d > 0.0  # a < t
        acc[0, b] += w * (d if short else 0.0)
        acc[2, b] += (k_unmet if short else 0.0) + (b2 if seen else 0.0)


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

    A block of people at a time, their levels competency-major (:func:`_block_row`, or
    :func:`_block_levels` under ``exclude``);
    for each role, each requirement ``(t, w)`` updates the block's accumulators with
    contiguous loads, the people in the innermost loop (SIMD lanes): the gap mass
    ``w * max(0, t - a)``, the count code and (``exclude``) the mass had ``w * min(a, t)``.
    Readiness is (required mass - gap mass) / required mass under ``minimum``, the required
    mass summed as someone with nothing would sum their gap mass (so it is exactly 0 for
    them; where the sums are exact the numerator is the mass had, so the bits are those of
    had / (had + gap mass), as the SQL engines compute it), and
    had / (had + gap mass) under ``exclude``, where the mass required is the assessed
    part (:class:`~competency_core.scoring.bulk.RoleSet`). Each pair's
    sums run over its role's requirements in column order (the assessed weight in
    competency order), as the sparse engine's product does, so the bits are the same.
    The four counts (unmet, unmet essential, assessed, assessed blocking essential) are
    summed as one float code, digits in base ``base``, exactly (see
    :class:`~competency_core.scoring.bulk.RoleSet`).
    """
    n_comp = comp_source.shape[0]
    n_q = column.shape[0]
    # per requirement: its competency, level, and what it adds to the count code when unmet
    # and, as a multiple of the block's assessed digit (b2), when assessed
    b2 = base * base
    req_comp = np.empty(n_q, dtype=np.intp)
    req_level = np.empty(n_q)
    req_unmet = np.empty(n_q)
    req_seen = np.empty(n_q)
    for q in range(n_q):
        req_comp[q] = column_competency[column[q]]
        req_level[q] = column_level[column[q]]
        req_unmet[q] = 1.0 + base if essential[q] else 1.0
        req_seen[q] = 1.0 + base if exclude and blocking[q] else 1.0
    # per role: the required mass, summed as the gap mass of someone with no level is
    required_mass = np.zeros(last_role - first_role)
    for r in range(first_role, last_role):
        total = 0.0
        for q in range(start[r], start[r + 1]):
            t = req_level[q]
            total += weight[q] * (t if t > 0.0 else 0.0)
        required_mass[r - first_role] = total
    lanes = np.zeros((n_comp if exclude else 0, 3, BLOCK))  # exclude's slabs
    rows = np.zeros((0 if exclude else n_comp, BLOCK))  # minimum's rows
    acc = np.empty((4, BLOCK))  # gap mass, mass had, count code, assessed weight
    inv = 1.0 / base
    for p0 in range(first, last, BLOCK):
        n = min(BLOCK, last - p0)
        if exclude:
            _block_levels(levels, p0, n, comp_source, b2, lanes)
        else:
            _block_row(levels, p0, n, comp_source, rows)
        for r in range(first_role, last_role):
            acc[:] = 0.0
            end = start[r + 1]
            if exclude:
                for q in range(start[r], end):
                    _add_excluding(
                        acc, lanes[req_comp[q]], req_level[q], weight[q], req_unmet[q],
                        req_seen[q],
                    )  # fmt: skip
            else:
                for q in range(start[r], end):
                    _add_minimum(
                        acc, rows[req_comp[q]], req_level[q], weight[q], req_unmet[q], b2
                    )  # fmt: skip
            if exclude:  # the assessed weight, summed in competency order as the sparse engine
                for q in range(start[r], end):
                    slab = lanes[by_competency[q]]
                    w = weight_by_competency[q]
                    for b in range(BLOCK):
                        acc[3, b] += w if slab[1, b] > 0.0 else 0.0  # w x 1.0 or w x 0.0
            mass, had, code, assessed_weight = acc[0], acc[1], acc[2], acc[3]
            n_req = requirements[r]
            w_role = role_weight[r]
            blocking_r = role_blocking[r]
            k = r - first_role
            mass_r = required_mass[k]
            i0 = p0 - col0
            # the outputs' rows for this block (slices: no index wrap-around in the loop)
            readiness_k = readiness[k, i0 : i0 + n]
            gap_k = gap_out[k, i0 : i0 + n]
            share_k = share_met[k, i0 : i0 + n]
            coverage_k = coverage[k, i0 : i0 + n]
            ready_k = ready[k, i0 : i0 + n]
            for b in range(n):
                high = np.floor((code[b] + 0.5) * inv)
                n_unmet = code[b] - base * high
                rest = np.floor((high + 0.5) * inv)
                n_unmet_essential = high - base * rest
                high = np.floor((rest + 0.5) * inv)
                n_assessed = rest - base * high
                if exclude:
                    total = had[b] + mass[b]
                    x = had[b] / total if total > 0.0 else 1.0
                else:
                    x = (mass_r - mass[b]) / mass_r if mass_r > 0.0 else 1.0
                x = min(max(x, 0.0), 1.0)
                w_all = assessed_weight[b] if exclude else w_role
                g = mass[b] / w_all if w_all > 0.0 else 0.0
                counted = n_assessed if exclude else n_req
                ok = n_unmet_essential == 0.0 and x >= threshold
                if exclude:
                    ok = ok and high >= blocking_r
                readiness_k[b] = x
                gap_k[b] = min(max(g, 0.0), 1.0)
                share_k[b] = (counted - n_unmet) / counted if counted > 0.0 else 1.0
                coverage_k[b] = n_assessed / n_req if n_req > 0.0 else 1.0
                ready_k[b] = ok


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


MERGE_TILE = 64
"""Block columns (people) whose running lists one thread merges together, row by row."""


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
    else:  # tiles of columns, so each block row is read in contiguous runs
        n_tiles = (n_cols + MERGE_TILE - 1) // MERGE_TILE
        for tile in numba.prange(n_tiles):
            k = top_index.shape[1]
            for i in range(n_rows):
                for j in range(tile * MERGE_TILE, min(n_cols, (tile + 1) * MERGE_TILE)):
                    t = first_row + j
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


def _levels_arg(levels: FloatArray) -> FloatArray:
    """Levels as the kernels are compiled for (C order, float64, writeable: one signature)."""
    return np.require(levels, dtype=np.float64, requirements=("C", "W"))


def _matrix_args(
    levels: FloatArray,
    comp_source: IntArray,
    roles: CompiledRoles,
    exclude: bool,
    threshold: float,
    base: int,
    chunk: int,
    out: tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray],
) -> tuple[Any, ...]:
    """:func:`score_chunk`'s arguments for every role, in the types it is compiled for."""
    arrays = role_arrays(roles)
    return (
        _levels_arg(levels),
        np.ascontiguousarray(comp_source, dtype=np.intp),
        max(1, int(chunk)),
        0,
        len(roles.start) - 1,
        *arrays,
        bool(exclude),
        float(threshold),
        float(base),
        *out,
    )


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
    args = _matrix_args(levels, comp_source, roles, exclude, threshold, base, chunk, out)
    with using_threads(workers):
        cast(Any, score_chunk)(*args)


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
        _levels_arg(levels), np.ascontiguousarray(comp_source, dtype=np.intp), 4 * BLOCK,
        int(first_role), int(last_role), *role_arrays(roles), bool(exclude), float(threshold),
        float(base), *out,
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


# -- warming numba's cache, and whether the kernels are ready without a compile ----------


def _sample() -> tuple[FloatArray, IntArray, CompiledRoles]:
    """Two people, one role of two requirements: inputs of the types the engines pass."""
    roles = compile_roles(
        start=np.array([0, 2], dtype=np.intp),
        column=np.array([0, 1], dtype=np.intp),
        competency=np.array([0, 1], dtype=np.intp),
        weight=np.array([1.0, 2.0]),
        essential=np.array([True, False]),
        column_competency=np.array([0, 1], dtype=np.intp),
        column_level=np.array([0.5, 1.0]),
        requirements=np.array([2.0]),
        role_weight=np.array([3.0]),
        role_blocking=np.array([1.0]),
    )
    levels = np.array([[0.5, np.nan], [1.0, 0.25]])
    return levels, np.array([0, 1], dtype=np.intp), roles


def _outputs(
    rows: int, cols: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray]:
    f = [np.empty((rows, cols)) for _ in range(4)]
    return (f[0], f[1], f[2], f[3], np.empty((rows, cols), dtype=np.bool_))


def _cached(dispatcher: Any, args: tuple[Any, ...]) -> bool:
    """Whether ``dispatcher`` has code for ``args``' types in this process or in numba's cache.

    Reads the cache's index only (numba's internal layout; anything unexpected counts as
    not cached, which costs speed, never correctness).
    """
    types = tuple(dispatcher.typeof_pyval(a) for a in args)
    if types in dispatcher.overloads:
        return True
    try:
        cache = dispatcher._cache
        key = cache._index_key(types, dispatcher.targetctx.codegen())
        return key in cache._cache_file._load_index()
    except Exception:  # numba's private cache API changed: treat as cold
        return False


def matrix_kernel_ready() -> bool:
    """Whether :func:`run_matrix` would run without compiling (compiled here, or cached)."""
    levels, source, roles = _sample()
    args = _matrix_args(levels, source, roles, False, 0.0, 3, 1, _outputs(1, 2))
    return _cached(score_chunk, args)


def warm() -> dict[str, bool]:
    """Compile every bulk kernel (or load it from numba's cache): what was cached before.

    Runs each kernel once on a tiny input of the types :func:`run_matrix`,
    :func:`score_roles` and :func:`merge_block` are called with, so numba writes them to
    its cache (``cache=True``: next to this module, or under ``NUMBA_CACHE_DIR``) and
    later processes load them instead of compiling.
    """
    levels, source, roles = _sample()
    before = {"score_chunk": matrix_kernel_ready()}
    run_matrix(levels, source, roles, exclude=False, threshold=0.0, base=3, chunk=1,
               workers=1, out=_outputs(1, 2))  # fmt: skip
    out = _outputs(1, 2)
    with using_threads(1):
        score_roles(levels, source, roles, 0, 1, exclude=True, threshold=0.0, base=3, out=out)
        top = (
            np.full((2, 1), -1, dtype=np.intp),
            np.zeros((2, 1)),
            np.zeros((2, 1)),
            np.zeros((2, 1)),
            np.zeros((2, 1)),
            np.zeros((2, 1), dtype=np.bool_),
        )
        merge_block(out, by_row=True, offset=0, first_row=0, top=top)
        merge_block(out, by_row=False, offset=0, first_row=0, top=top)
    return before


def main(argv: list[str] | None = None) -> int:
    """``python -m competency_core.scoring.compiled [--warm]``: warm or report the cache."""
    import argparse
    import time

    parser = argparse.ArgumentParser(
        prog="python -m competency_core.scoring.compiled",
        description="The bulk engine's compiled kernels: whether they are in numba's cache, "
        "and (--warm) compile them into it, so that readiness_matrix(kernel='auto') uses "
        "them and the streaming engine starts without a compile.",
    )
    parser.add_argument("--warm", action="store_true", help="compile the kernels into the cache")
    options = parser.parse_args(argv)
    if options.warm:
        t0 = time.perf_counter()
        before = warm()
        how = "loaded from the cache" if all(before.values()) else "compiled"
        print(f"bulk kernels {how} in {time.perf_counter() - t0:.1f} s")
    ready = matrix_kernel_ready()
    print("bulk kernels: " + ("ready (auto uses the compiled kernel)" if ready else "not cached"))
    return 0


if __name__ == "__main__":  # pragma: no cover - the module run as a script
    # the module's own copy: its kernels are cached under the module's name
    from competency_core.scoring import compiled as _module

    raise SystemExit(_module.main())
