"""Evidence columns resolved into people's levels by the scoring policy, vectorised.

:func:`resolve` gives exactly the :class:`~competency_core.scoring.bulk.PeopleLevels` of
:meth:`PeopleLevels.from_workforce <competency_core.scoring.bulk.PeopleLevels.from_workforce>`
(the same snapping to the scale's levels, the same tie-breaking; a property test checks
it), computed on whole columns:

* currency: pieces not yet made or expired on the scoring date are left out;
* the ``precedence`` rule, i.e. the policy's aggregation: ``latest`` (the latest date;
  same day, the most trusted rater type; still several, their mean), ``priority`` (the
  most trusted rater type's latest) and ``blend`` (the weighted mean of each rater
  type's latest), by sorting the rows by (person, competency, ...) once;
* levels on other scales, converted through the model's scale mappings (one lookup per
  distinct competency, scale and level);
* the model's half-lives (``lowers: level`` lowers the level as the deciding evidence ages);
* ``roll-up`` rules (``all``, ``n-of``, ``weighted``), parents after their children.

What is not vectorised: ``any-of`` rules and rules from plugins. Only the (person,
competency) cells they decide go through the per-person path
(:func:`~competency_core.scoring.rules.explain_levels`), with the evidence objects of
those people rebuilt from the columns; everything else stays in arrays. Means of three or
more values, and blends of three or more rater types, are summed with :func:`math.fsum`
as the per-person path does (so the results are equal to the last bit); shorter sums are
exact in floating point as they are.

Every piece is checked against the model (competency, learning resource, scale, level on
it, scale mapping), current or not, before anything is computed: a bad row raises
:class:`~competency_core.scale.columnar.ColumnarError` naming its file, row and column.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from competency_core.errors import ScaleMappingError
from competency_core.model import CompetencyModel
from competency_core.people import EvidenceKind, RaterType
from competency_core.problems import Problem
from competency_core.scale.columnar import EPOCH, KINDS, RATERS, EvidenceColumns, fail
from competency_core.scoring.bulk import PeopleLevels
from competency_core.scoring.choices import Aggregation
from competency_core.scoring.levels import SNAP_TOLERANCE, normalised_grid
from competency_core.scoring.policy import DEFAULT_POLICY, ScoringPolicy

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

PRECEDENCE, ROLL_UP, PER_PERSON = 0, 1, 2
"""How a competency is decided: vectorised precedence, vectorised roll-up, per person."""


def _group_sums(group: IntArray, values: FloatArray, n: int) -> FloatArray:
    """Per group, the correctly rounded sum of its values (as :func:`math.fsum`)."""
    sums: FloatArray = np.bincount(group, weights=values, minlength=n).astype(np.float64)
    counts = np.bincount(group, minlength=n)
    big = np.flatnonzero(counts >= 3)  # 0 + a + b is already the rounded a + b
    if big.size:
        order = np.argsort(group, kind="stable")
        ends = np.cumsum(counts)
        starts = ends - counts
        ordered = values[order]
        for g in big.tolist():
            sums[g] = math.fsum(ordered[starts[g] : ends[g]].tolist())
    return sums


def _first_of(keys: IntArray) -> tuple[BoolArray, IntArray]:
    """For sorted ``keys``: where each run starts, and each row's run number."""
    start = np.ones(len(keys), dtype=bool)
    start[1:] = keys[1:] != keys[:-1]
    return start, np.cumsum(start) - 1


def _pick(
    cell: IntArray, first: IntArray, second: IntArray
) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray]:
    """Rows that tie with the best (lowest ``first``, then lowest ``second``) of their cell.

    Returns the chosen rows, their group number, and per group: its cell and its best
    ``first`` and ``second`` keys.
    """
    order = np.lexsort((second, first, cell))
    c, f, s = cell[order], first[order], second[order]
    start, group = _first_of(c)
    chosen = (f == f[start][group]) & (s == s[start][group])
    return order[chosen], group[chosen], c[start], f[start], s[start]


def _means(rows: IntArray, group: IntArray, n: int, values: FloatArray) -> FloatArray:
    """Per group, the mean of ``values[rows]`` (summed as :func:`math.fsum`)."""
    counts = np.bincount(group, minlength=n)
    return _group_sums(group, values[rows], n) / counts


def _precedence(
    cell: IntArray, date: IntArray, rank: IntArray, rater: IntArray, value: FloatArray,
    policy: ScoringPolicy,
) -> tuple[IntArray, FloatArray, IntArray]:  # fmt: skip
    """(cells, combined normalised levels, latest date of the pieces used) by the policy."""
    if policy.aggregation is Aggregation.LATEST:
        rows, group, cells, neg_date, _ = _pick(cell, -date, rank)
        return cells, _means(rows, group, len(cells), value), -neg_date
    if policy.aggregation is Aggregation.PRIORITY:
        rows, group, cells, _, neg_date = _pick(cell, rank, -date)
        return cells, _means(rows, group, len(cells), value), -neg_date
    # blend: per (cell, rater type) the mean of its latest pieces, then the weighted mean
    weights = np.array([policy.rater_weight(r) for r in RATERS], dtype=np.float64)
    live = weights[rater] > 0
    cell, date, rater, value = cell[live], date[live], rater[live], value[live]
    n_r = len(RATERS)
    rows, group, sub_cells, neg_date, _ = _pick(cell * n_r + rater, -date, np.zeros_like(date))
    means = _means(rows, group, len(sub_cells), value)
    owner = sub_cells // n_r
    w = weights[sub_cells % n_r]
    start, cgroup = _first_of(owner)
    cells = owner[start]
    n = len(cells)
    total = _group_sums(cgroup, w * means, n)
    wsum = _group_sums(cgroup, w, n)
    used = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(used, cgroup, -neg_date)
    return cells, total / wsum, used


def _snap(values: FloatArray, comp: IntArray, grids: Sequence[tuple[float, ...]]) -> FloatArray:
    """:func:`~competency_core.scoring.levels.snap` per value, on its competency's grid."""
    out = values.copy()
    by_grid: dict[tuple[float, ...], list[int]] = {}
    for j, g in enumerate(grids):
        by_grid.setdefault(g, []).append(j)
    for grid, members in by_grid.items():
        mine = np.isin(comp, members)
        for t in reversed(grid):  # the first grid point within the tolerance wins
            out[mine & (np.abs(values - t) <= SNAP_TOLERANCE)] = t
    return out


def _floor(values: FloatArray, grid: tuple[float, ...]) -> FloatArray:
    """Per value, the highest grid point at or below it (the lowest when none is)."""
    out = np.full(values.shape, grid[0])
    for t in sorted(grid):
        out[t <= values + SNAP_TOLERANCE] = t
    return out


def _normalised(
    model: CompetencyModel, columns: EvidenceColumns, rows: IntArray, comp: IntArray,
    problems: list[Problem],
) -> FloatArray:  # fmt: skip
    """Each row's level normalised on its competency's scale (NaN: none), checked."""
    out = np.full(len(columns), np.nan)
    level = columns.level[rows]
    has = ~np.isnan(level) & (comp[rows] >= 0)
    rows = rows[has]
    whole = level[has].astype(np.int64)
    if not rows.size:
        return out
    scale = columns.scale[rows] if columns.scale is not None else np.full(rows.size, -1)
    off = np.abs(whole) >= 2**23
    for i in rows[off][:20].tolist():
        problems.append(columns.origin.problem(i, "level", f"{columns.level[i]:g} is out of range"))
    key = (
        (comp[rows].astype(np.int64) << 40)
        | ((scale.astype(np.int64) + 1) << 24)
        | ((whole + 2**23) & (2**24 - 1))
    )
    unique, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    found = np.empty(len(unique))
    comps = model.competencies
    for u, f in enumerate(first.tolist()):
        i = int(rows[f])
        ck = comps[int(comp[i])].key
        target = model.competency(ck).scale
        s = int(scale[f])
        source = columns.scales[s] if s >= 0 else target
        lvl = int(whole[f])
        found[u] = np.nan
        if source == target:
            sc = model.scale(target)
            if sc.has_level(lvl):
                found[u] = sc.normalise(lvl)
            else:
                problems.append(
                    columns.origin.problem(
                        i, "level", f"{lvl} is not a level of scale {target!r} on {ck!r} "
                        f"(levels: {list(sc.values)})",
                    )
                )  # fmt: skip
            continue
        if not any(x.key == source for x in model.scales):
            problems.append(columns.origin.problem(i, "scale", f"unknown scale {source!r}"))
            continue
        mapping = model.scale_mapping(source, target)
        if mapping is None:
            problems.append(
                columns.origin.problem(
                    i, "scale", f"the level is on scale {source!r} but {ck!r} is measured on "
                    f"{target!r} and model {model.key!r} declares no mapping from {source!r} "
                    f"to {target!r} (add one under scale_mappings)",
                )
            )  # fmt: skip
            continue
        try:
            found[u] = model.scale(target).normalise(mapping.convert(lvl))
        except ScaleMappingError as exc:
            problems.append(columns.origin.problem(i, "level", str(exc)))
    out[rows] = found[inverse]
    return out


def _row_raters(columns: EvidenceColumns) -> IntArray:
    """Each row's rater type code as the policy ranks it (-1: a course, no rater)."""
    fixed = {EvidenceKind.CERTIFICATION: RaterType.CERTIFICATION,
             EvidenceKind.BADGE: RaterType.CERTIFICATION, EvidenceKind.XAPI: RaterType.TEST}  # fmt: skip
    table = np.array(
        [-2 if k is EvidenceKind.RATING else RATERS.index(fixed[k]) if k in fixed else -1
         for k in KINDS], dtype=np.int64,
    )  # fmt: skip
    by_kind = table[columns.kind.astype(np.int64)]
    return np.where(by_kind == -2, columns.rater_type.astype(np.int64), by_kind)


def resolve(
    model: CompetencyModel,
    columns: EvidenceColumns,
    *,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
    people: Sequence[str] | None = None,
) -> PeopleLevels:
    """People's levels from their evidence, as :meth:`PeopleLevels.from_workforce` gives them.

    ``people`` (default: the columns' people, in their order; of a workforce, the people
    it lists) are the rows of the result; evidence of anyone else is left out. See the module docs for what is vectorised.
    Raises :class:`~competency_core.scale.columnar.ColumnarError` for evidence that does
    not fit the model.
    """
    from competency_core.scoring.rules import AnyOf, Precedence, RollUp, compile_rules

    day = on or dt.date.today()
    today = (day - EPOCH).days
    keys = tuple(people) if people is not None else columns.listed_people
    comps = model.competencies
    n_c, n_p = len(comps), len(keys)
    out = np.full((n_p, n_c), np.nan)
    position = {p: i for i, p in enumerate(keys)}
    row_of_code = np.array([position.get(p, -1) for p in columns.people] + [-1], dtype=np.int64)
    prow = row_of_code[columns.person.astype(np.int64)]
    kept = np.flatnonzero(prow >= 0)
    # the model's keys for the columns' codes; unknown ones are problems
    index = {c.key: j for j, c in enumerate(comps)}
    comp_map = np.array([index.get(c, -1) for c in columns.competencies] + [-1], dtype=np.int64)
    comp = comp_map[columns.competency.astype(np.int64)]
    problems: list[Problem] = []
    unknown = kept[(columns.competency[kept] >= 0) & (comp[kept] < 0)]
    for i in unknown[:20].tolist():
        ck = columns.competencies[int(columns.competency[i])]
        problems.append(
            columns.origin.problem(
                i, "competency", f"unknown competency {ck!r} in model {model.key!r}"
            )
        )
    resources = {r.key: r for r in model.learning_resources}
    develops: dict[int, list[int]] = {}
    if columns.resource is not None:
        res_rows = kept[columns.resource[kept] >= 0]
        for code in np.unique(columns.resource[res_rows]).tolist():
            rk = columns.resources[code]
            if rk not in resources:
                i = int(res_rows[columns.resource[res_rows] == code][0])
                problems.append(
                    columns.origin.problem(
                        i, "resource", f"unknown learning resource {rk!r} in model {model.key!r}"
                    )
                )
                continue
            develops[code] = [
                index[d.competency] for d in resources[rk].develops if d.competency in index
            ]
    value = _normalised(model, columns, kept, comp, problems)
    if problems:
        raise fail(
            problems, f"{columns.origin.file or 'evidence'}: does not fit model {model.key!r}"
        )
    # how each competency is decided
    how = np.full(n_c, PRECEDENCE)
    rules = compile_rules(model) if model.evidence.declared else None
    if rules is not None:
        for j, c in enumerate(comps):
            rule = rules.rule_for(c.key)
            if type(rule) is RollUp:
                how[j] = ROLL_UP
            elif type(rule) is not Precedence:
                how[j] = PER_PERSON
    grids = [normalised_grid(model.scale_of(c.key)) for c in comps]
    rater = _row_raters(columns)
    rank_of = np.array([policy.rater_rank(r) for r in RATERS] + [99], dtype=np.int64)
    current = (columns.date <= today) & (columns.valid_until >= today)
    use = kept[current[kept] & ~np.isnan(value[kept]) & (rater[kept] >= 0) & (comp[kept] >= 0)]
    use = use[how[comp[use]] == PRECEDENCE]
    cell = prow[use] * n_c + comp[use]
    cells, levels, used = _precedence(
        cell, columns.date[use].astype(np.int64), rank_of[rater[use]], rater[use], value[use],
        policy,
    )  # fmt: skip
    cj = cells % n_c
    levels = _snap(levels, cj, grids)
    if rules is not None and model.evidence.half_life:
        levels = _half_life(model, levels, cj, today - used, grids)
    out.reshape(-1)[cells] = levels
    per_person = np.flatnonzero(how == PER_PERSON)
    if per_person.size:
        only_any_of = (
            all(type(rules.rule_for(comps[j].key)) is AnyOf for j in per_person) if rules else True
        )
        _per_person(
            model,
            columns,
            out,
            keys,
            prow,
            kept,
            comp,
            develops,
            per_person,
            only_any_of,
            policy,
            day,
        )
    for j in sorted(np.flatnonzero(how == ROLL_UP).tolist(), key=lambda j: -_depth(model, j)):
        assert rules is not None
        _roll_up(model, rules.rule_for(comps[j].key), j, out, grids[j])
    return PeopleLevels(keys, tuple(c.key for c in comps), out)


def _half_life(
    model: CompetencyModel, levels: FloatArray, comp: IntArray, age: IntArray,
    grids: Sequence[tuple[float, ...]],
) -> FloatArray:  # fmt: skip
    """Levels lowered by the half-lives that lower levels (``age``: days of the latest piece used)."""
    out = levels.copy()
    for j, c in enumerate(model.competencies):
        hl = model.evidence.half_life_for(c.key)
        if hl is None or hl.lowers != "level":
            continue
        mine = np.flatnonzero(comp == j)
        if not mine.size:
            continue
        ages, inverse = np.unique(age[mine], return_inverse=True)
        # Python's own power, as the per-person path computes it (numpy's may differ in the last bit)
        confidence = np.array([0.5 ** (int(a) / hl.days) for a in ages.tolist()])[inverse]
        out[mine] = _floor(levels[mine] * confidence, grids[j])
    return out


def _depth(model: CompetencyModel, j: int) -> int:
    """How many ancestors competency ``j`` has (children are rolled up before parents)."""
    depth, parent = 0, model.competencies[j].parent
    while parent is not None and depth <= len(model.competencies):
        depth += 1
        parent = model.competency(parent).parent
    return depth


def _row_fsum(terms: FloatArray) -> FloatArray:
    """Per row, the correctly rounded sum of its terms (as :func:`math.fsum`)."""
    if terms.shape[1] <= 2:
        summed: FloatArray = terms.sum(axis=1)
        return summed
    return np.array([math.fsum(row) for row in terms.tolist()], dtype=np.float64)


def _roll_up(
    model: CompetencyModel, rule: object, j: int, out: FloatArray, grid: tuple[float, ...]
) -> None:
    """The parent ``j``'s column from its children's, by the ``roll-up`` rule."""
    from competency_core.scoring.rules import RollUp, RollUpParams

    assert isinstance(rule, RollUp)
    assert isinstance(rule.params, RollUpParams)
    p = rule.params
    comps = model.competencies
    kids = [k for k, c in enumerate(comps) if c.parent == comps[j].key]
    vals = out[:, kids]
    none = np.isnan(vals).all(axis=1) if kids else np.ones(len(out), dtype=bool)
    known = np.nan_to_num(vals, nan=0.0)
    if not kids:
        out[:, j] = np.nan
        return
    if p.mode == "all":
        value = known.min(axis=1)
    elif p.mode == "n-of":
        value = -np.sort(-known, axis=1)[:, (p.n or 1) - 1]
    else:
        weights = [p.weights.get(comps[k].key, 1.0) for k in kids]
        total = math.fsum(weights)
        if total <= 0:
            out[:, j] = np.nan
            return
        value = _row_fsum(known * np.array(weights, dtype=np.float64)) / total
    value = _floor(value, grid)
    value[none] = np.nan
    out[:, j] = value


def _per_person(
    model: CompetencyModel, columns: EvidenceColumns, out: FloatArray, keys: Sequence[str],
    prow: IntArray, kept: IntArray, comp: IntArray, develops: dict[int, list[int]],
    targets: IntArray, only_any_of: bool, policy: ScoringPolicy, day: dt.date,
) -> None:  # fmt: skip
    """The cells of rules that are not vectorised, through the per-person path."""
    from competency_core.scoring.rules import explain_levels

    want = set(targets.tolist())
    hits = np.isin(comp[kept], targets)
    reach = {code: set(js) & want for code, js in develops.items() if set(js) & want}
    if columns.resource is not None and reach:
        # a course counts for what its resource develops only when it names no competency
        hits |= np.isin(columns.resource[kept], list(reach)) & (columns.competency[kept] < 0)
    rows = kept[hits]
    targeted = rows
    if not only_any_of:  # a plugin's rule may read the person's other evidence
        rows = kept[np.isin(prow[kept], np.unique(prow[rows]))]
    order = rows[np.argsort(prow[rows], kind="stable")]
    if not order.size:
        return
    start, _ = _first_of(prow[order])
    bounds = [*np.flatnonzero(start).tolist(), len(order)]
    aims = set(targeted.tolist())
    comps = model.competencies
    for a, b in itertools.pairwise(bounds):
        mine = order[a:b]
        r = int(prow[mine[0]])
        decided: set[int] = set()
        for i in mine.tolist():
            if i not in aims:
                continue
            if comp[i] in want:
                decided.add(int(comp[i]))
            if columns.resource is not None and columns.competency[i] < 0:
                decided |= reach.get(int(columns.resource[i]), set())
        names = {comps[j].key: j for j in decided}
        explained = explain_levels(
            model, columns.items(mine), policy=policy, on=day, person=keys[r],
            competencies=list(names),
        )  # fmt: skip
        for ck, j in names.items():
            e = explained.get(ck)
            if e is not None and e.level is not None and e.normalised is not None:
                out[r, j] = e.normalised


__all__ = ["resolve"]
