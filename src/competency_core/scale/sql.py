"""Scoring compiled to SQL: one query, written once, transpiled by sqlglot to each engine.

The query is written once in DuckDB's dialect (the :data:`SOURCE_DIALECT`) and turned by
`sqlglot <https://sqlglot.com>`_ into PostgreSQL's and Spark SQL's; nothing here is written
three times. It reads the tables :func:`scoring_tables` builds from a model (the role
requirements, normalised as :class:`~competency_core.scoring.bulk.RoleSet` does) and a table
of people's levels, and computes exactly what :func:`~competency_core.scoring.readiness_matrix`
computes (its ``_Engine.chunk``):

* levels on a competency's own scale are normalised ``(level - min) / (max - min)`` and
  snapped to the scale's grid within ``SNAP_TOLERANCE`` (``PeopleLevels.from_levels``);
* each (person, role) pair sums, over the role's requirements ``(c, t, w)``, the gap mass
  ``w * max(0, t - a)``, the mass had ``w * min(a, t)``, the unmet and unmet essential
  counts, the assessed count, and under ``exclude`` the assessed weight and the assessed
  blocking essentials; an unassessed competency counts as the minimum (``a = 0``) or,
  under ``exclude``, as neither gap nor unmet;
* readiness = had / (had + gap mass) (1 when both are 0), gap = gap mass / weight (0 when
  the weight is 0), share met = met / counted (1 when none counted), coverage = assessed /
  requirements (1 when the role has none); readiness and gap clipped to [0, 1]; ready when no
  essential is unmet, readiness >= threshold - ``READY_TOLERANCE`` and, under ``exclude``,
  every essential above its scale's minimum was assessed;
* top-k per person and per role by ``ROW_NUMBER()`` in the order of
  :mod:`competency_core.scoring.ranking`: ready first, then readiness, then the earlier index.

The sums run in whatever order the engine chooses, so a figure can differ from the
in-memory engine's in its last bit or so (the in-memory engine sums each role's requirements
in column order): figures agree within 1e-12, and pairs whose readiness differs only by such
a rounding may rank in either order. When levels and weights are dyadic fractions (a scale
whose range is a power of two, weights like 0.5 or 1.25) every sum is exact and the answers
are bit-identical; the contract test checks both.

Raw assessments (the store's ``cc_assessment`` table, on PostgreSQL or anywhere else) are
resolved in SQL too (:func:`assessment_levels_sql`): current on the as-of date, normalised,
combined by the policy's aggregation (``latest``, ``priority`` by rater rank, ``blend`` by
rater weights) with window functions, then snapped. Not compiled: assessments on another
scale than their competency's (scale mappings), evidence other than assessments and the
model's evidence rules (:mod:`competency_core.scoring.rules`); :func:`assessment_levels_sql`'s
caller checks for them and says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

import numpy as np

from competency_core.errors import ScoringError
from competency_core.model import CompetencyModel
from competency_core.people import RaterType
from competency_core.scoring.bulk import RoleSet
from competency_core.scoring.choices import Aggregation, UnassessedPolicy
from competency_core.scoring.levels import SNAP_TOLERANCE, normalised_grid
from competency_core.scoring.policy import READY_TOLERANCE, ScoringPolicy

if TYPE_CHECKING:
    import pyarrow as pa

Dialect = Literal["duckdb", "postgres", "spark"]
DIALECTS: tuple[Dialect, ...] = ("duckdb", "postgres", "spark")
SOURCE_DIALECT: Dialect = "duckdb"
"""The dialect the queries are written in (sqlglot transpiles them to the others)."""

LevelsSource = Literal["normalised", "raw", "assessments", "resolved"]
"""Where people's levels come from: normalised already (``ccx_levels.n``), on each
competency's own scale (``ccx_levels.level``), raw assessments (``cc_assessment``), or a
table the engine made once from one of those by :func:`resolved_levels_sql`
(``ccx_resolved.n``, normalised and snapped, ordered by person)."""

RESOLVED_TABLE = "ccx_resolved"
"""The table an engine keeps people's resolved levels in while it scores them in ranges."""

TABLES = ("ccx_people", "ccx_roles", "ccx_requirements", "ccx_scales", "ccx_grid")
"""The tables the query reads besides the levels (``ccx_levels`` or ``cc_assessment``)."""

TALLY_FIELD = 2**17
"""The base of the counts packed into one sum (``ccx_requirements.tally``): a matched
requirement adds 1 (assessed), ``TALLY_FIELD`` when met with a required level above the
minimum, and ``TALLY_FIELD**2`` when that requirement is also blocking (an essential); the
sums stay integers below 2**53, exact as doubles in any order."""


def _double(value: float) -> str:
    """A float as an exact SQL literal, ``CAST('repr' AS DOUBLE)``.

    Every engine parses the shortest round-trip representation back to the same double.
    """
    if not np.isfinite(value):
        raise ScoringError(f"not a finite number: {value!r}")
    return f"CAST('{value!r}' AS DOUBLE)"


def transpile(sql: str, dialect: Dialect) -> str:
    """``sql`` (in :data:`SOURCE_DIALECT`) in ``dialect``, through sqlglot."""
    if dialect not in DIALECTS:
        raise ScoringError(f"unknown SQL dialect {dialect!r}; known: {', '.join(DIALECTS)}")
    return _transpile(sql, dialect)


@cache
def _transpile(sql: str, dialect: str) -> str:
    import sqlglot

    if dialect == SOURCE_DIALECT:
        return sql
    return ";\n".join(sqlglot.transpile(sql, read=SOURCE_DIALECT, write=dialect))


def _snap_levels(source: str) -> str:
    """Levels snapped: ``(person_idx, competency, n)`` from ``source``'s ``n0``.

    Each ``n0`` becomes the first grid point within the tolerance, if any.
    """
    return f"""
        SELECT s.person_idx, s.competency, COALESCE(MIN(g.t), s.n0) AS n
        FROM ({source}) AS s
        LEFT JOIN ccx_grid AS g
          ON g.competency = s.competency AND ABS(s.n0 - g.t) <= {_double(SNAP_TOLERANCE)}
        GROUP BY s.person_idx, s.competency, s.n0"""


def _rater_case(policy: ScoringPolicy, column: str, *, weights: bool) -> str:
    """A CASE giving each rater type's rank (or blend weight) by the policy."""
    whens = " ".join(
        f"WHEN {column} = '{r.value}' THEN "
        + (_double(policy.rater_weight(r)) if weights else str(policy.rater_rank(r)))
        for r in RaterType
    )
    other = _double(0.0) if weights else str(10 * len(RaterType))
    return f"CASE {whens} ELSE {other} END"


def _text(value: str) -> str:
    """A string as a SQL literal."""
    return "'" + value.replace("'", "''") + "'"


def assessment_levels_sql(policy: ScoringPolicy, on: dt.date, model_key: str | None = None) -> str:
    """People's normalised levels from raw assessments (``cc_assessment``), by ``policy``.

    Reads ``cc_assessment`` (the store's table: person, competency, level, rater_type,
    date, expires, model_key; only the rows of ``model_key`` when given) joined with
    ``ccx_people`` (person key -> index) and ``ccx_scales``
    (competency -> its scale's min and max). Assessments current on ``on`` are normalised
    on their competency's scale, combined by the aggregation with window functions (the
    same rules as :func:`~competency_core.scoring.levels.resolve_levels`; a mean of
    same-day ratings is computed by the engine's AVG, not ``math.fsum``, so it may differ
    in the last bit), then snapped. The caller must have checked that no assessment is on
    another scale than its competency's (not compiled: scale mappings).
    """
    day = on.isoformat()
    rank = _rater_case(policy, "a.rater_type", weights=False)
    current = f"""
        SELECT p.person_idx, a.competency, a.rater_type, a.date,
               (CAST(a.level AS DOUBLE) - sc.lo) / (sc.hi - sc.lo) AS n1,
               {rank} AS rrank
        FROM cc_assessment AS a
        JOIN ccx_people AS p ON p.person = a.person
        JOIN ccx_scales AS sc ON sc.competency = a.competency
        WHERE a.date <= CAST('{day}' AS DATE)
          AND (a.expires IS NULL OR a.expires >= CAST('{day}' AS DATE))"""
    if model_key is not None:
        current += f" AND a.model_key = {_text(model_key)}"
    if policy.aggregation is Aggregation.BLEND:
        weight = _rater_case(policy, "r.rater_type", weights=True)
        combined = f"""
            SELECT r.person_idx, r.competency,
                   SUM({weight} * r.v) / SUM({weight}) AS n0
            FROM (
                SELECT c.person_idx, c.competency, c.rater_type, AVG(c.n1) AS v
                FROM (
                    SELECT x.*, MAX(x.date) OVER (
                        PARTITION BY x.person_idx, x.competency, x.rater_type) AS last_date
                    FROM ({current}) AS x
                ) AS c
                WHERE c.date = c.last_date
                GROUP BY c.person_idx, c.competency, c.rater_type
            ) AS r
            WHERE {weight} > 0
            GROUP BY r.person_idx, r.competency"""
    else:
        if policy.aggregation is Aggregation.PRIORITY:
            first = "MIN(x.rrank) OVER (PARTITION BY x.person_idx, x.competency)"
            second = "MAX(x.date) OVER (PARTITION BY x.person_idx, x.competency, x.rrank)"
            keep = "c.rrank = c.k1 AND c.date = c.k2"
        else:
            first = "MAX(x.date) OVER (PARTITION BY x.person_idx, x.competency)"
            second = "MIN(x.rrank) OVER (PARTITION BY x.person_idx, x.competency, x.date)"
            keep = "c.date = c.k1 AND c.rrank = c.k2"
        combined = f"""
            SELECT c.person_idx, c.competency, AVG(c.n1) AS n0
            FROM (
                SELECT x.*, {first} AS k1, {second} AS k2
                FROM ({current}) AS x
            ) AS c
            WHERE {keep}
            GROUP BY c.person_idx, c.competency"""
    return _snap_levels(combined)


def scoring_sql(
    policy: ScoringPolicy,
    *,
    levels: LevelsSource = "normalised",
    on: dt.date | None = None,
    model_key: str | None = None,
    k: int | None = 10,
    people_range: tuple[int, int] | None = None,
    dialect: Dialect = SOURCE_DIALECT,
) -> str:
    """The scoring query in ``dialect``.

    Returns rows ``(person_idx, role_idx, readiness, gap, share_met, coverage, ready,
    person_rank, role_rank)``: with ``k``, the pairs among a person's ``k`` best roles or a
    role's ``k`` best candidates (ranks from 1; the ranks of a role's candidates are within
    ``people_range`` when one is given); with ``k=None`` every pair (the full matrix).
    ``people_range`` ``(start, stop)`` limits the people scored to those indices. With
    ``levels="assessments"``, ``on`` is the as-of date and ``model_key`` the model whose
    assessments count (see :func:`assessment_levels_sql`).
    """
    if k is not None and k < 1:
        raise ScoringError(f"k must be at least 1, got {k}")
    exclude = policy.unassessed is UnassessedPolicy.EXCLUDE
    lv = _levels_sql(policy, levels, on, model_key)
    if k is not None and not exclude:
        return transpile(_top_k_minimum_sql(policy, lv, k, people_range, dialect), dialect)
    where = ""
    if people_range is not None:
        start, stop = (int(v) for v in people_range)
        where = f"WHERE p.person_idx >= {start} AND p.person_idx < {stop}"
    # a = the level counted: the normalised level, the minimum (0) where unassessed
    a = "COALESCE(l.n, 0.0)"
    seen = "l.n IS NOT NULL"
    unmet = f"{a} < q.t" if not exclude else f"{seen} AND l.n < q.t"
    gap_term = f"q.weight * GREATEST(q.t - {a}, 0.0)"
    if exclude:
        gap_term = f"CASE WHEN {seen} THEN {gap_term} ELSE 0.0 END"
    threshold = _double(policy.ready_threshold - READY_TOLERANCE)
    counted = "s.n_assessed" if exclude else "s.requirements"
    weight = "s.weight_assessed" if exclude else "s.weight_total"
    ready = f"s.unmet_essential = 0 AND {{r}} >= {threshold}"
    if exclude:
        ready += " AND s.blocking_assessed >= s.blocking"
    readiness = "CASE WHEN s.had + s.gap_mass > 0 THEN s.had / (s.had + s.gap_mass) ELSE 1.0 END"
    if k is None:
        columns = "person_idx, role_idx, readiness, gap, share_met, coverage, ready"
        final = f"\nSELECT {columns}, 0 AS person_rank, 0 AS role_rank FROM scored"
    else:
        final = _top_k_tail("scored", k, dialect)
    sql = f"""
WITH lv AS ({lv}),
sums AS (
    SELECT p.person_idx, r.role_idx,
        MAX(r.requirements) AS requirements,
        MAX(r.weight_total) AS weight_total,
        MAX(r.blocking) AS blocking,
        COALESCE(SUM({gap_term}), 0.0) AS gap_mass,
        COALESCE(SUM(q.weight * LEAST({a}, q.t)), 0.0) AS had,
        COALESCE(SUM(CASE WHEN {unmet} THEN 1 ELSE 0 END), 0) AS unmet,
        COALESCE(SUM(CASE WHEN {unmet} AND q.essential THEN 1 ELSE 0 END), 0)
            AS unmet_essential,
        COALESCE(SUM(CASE WHEN {seen} THEN 1 ELSE 0 END), 0) AS n_assessed,
        COALESCE(SUM(CASE WHEN {seen} THEN q.weight ELSE 0.0 END), 0.0) AS weight_assessed,
        COALESCE(SUM(CASE WHEN {seen} AND q.blocking THEN 1 ELSE 0 END), 0)
            AS blocking_assessed
    FROM ccx_people AS p
    CROSS JOIN ccx_roles AS r
    LEFT JOIN ccx_requirements AS q ON q.role_idx = r.role_idx
    LEFT JOIN lv AS l ON l.person_idx = p.person_idx AND l.competency = q.competency
    {where}
    GROUP BY p.person_idx, r.role_idx
),
figures AS (
    SELECT s.person_idx, s.role_idx, s.unmet_essential, s.blocking, s.blocking_assessed,
        LEAST(GREATEST({readiness}, 0.0), 1.0) AS readiness,
        LEAST(GREATEST(CASE WHEN {weight} > 0 THEN s.gap_mass / {weight} ELSE 0.0 END,
            0.0), 1.0) AS gap,
        CASE WHEN {counted} > 0
            THEN CAST({counted} - s.unmet AS DOUBLE) / CAST({counted} AS DOUBLE)
            ELSE 1.0 END AS share_met,
        CASE WHEN s.requirements > 0
            THEN CAST(s.n_assessed AS DOUBLE) / CAST(s.requirements AS DOUBLE)
            ELSE 1.0 END AS coverage
    FROM sums AS s
),
scored AS (
    SELECT s.person_idx, s.role_idx, s.readiness, s.gap, s.share_met, s.coverage,
        ({ready.format(r="s.readiness")}) AS ready
    FROM figures AS s
){final}"""
    return transpile(sql, dialect)


def _levels_sql(
    policy: ScoringPolicy, levels: LevelsSource, on: dt.date | None, model_key: str | None
) -> str:
    """``SELECT person_idx, competency, n``: the normalised, snapped levels of ``levels``."""
    if levels == "normalised":
        return "SELECT person_idx, competency, n FROM ccx_levels WHERE n IS NOT NULL"
    if levels == "resolved":
        return f"SELECT person_idx, competency, n FROM {RESOLVED_TABLE}"
    if levels == "raw":
        return _snap_levels(
            """SELECT l.person_idx, l.competency, (l.level - sc.lo) / (sc.hi - sc.lo) AS n0
            FROM ccx_levels AS l JOIN ccx_scales AS sc ON sc.competency = l.competency
            WHERE l.level IS NOT NULL"""
        )
    if levels == "assessments":
        if on is None:
            raise ScoringError("scoring raw assessments needs the as-of date (on)")
        return assessment_levels_sql(policy, on, model_key)
    raise ScoringError(f"unknown levels source {levels!r}")


def resolved_levels_sql(
    policy: ScoringPolicy,
    *,
    levels: LevelsSource,
    on: dt.date | None = None,
    model_key: str | None = None,
    dialect: Dialect = SOURCE_DIALECT,
) -> str:
    """People's normalised, snapped levels from ``levels``: rows (person_idx, competency, n).

    An engine scoring people in ranges stores this once in :data:`RESOLVED_TABLE`, ordered
    by person, and scores from it (``levels="resolved"``), so that each range reads its own
    people's levels instead of normalising, snapping or resolving everyone's again.
    """
    sql = f"SELECT v.person_idx, v.competency, v.n FROM ({_levels_sql(policy, levels, on, model_key)}) AS v"
    return transpile(sql + " ORDER BY v.person_idx", dialect)


def _top_k_tail(
    scored: str, k: int, dialect: Dialect, *, late: tuple[str, str] | None = None
) -> str:
    """The end of a top-k query: each person's ``k`` best roles and each role's ``k`` best.

    ``scored`` names the CTE of scored pairs (person_idx, role_idx, readiness, gap,
    share_met, coverage, ready); this adds CTEs after it (starting with a comma) and the
    final SELECT of rows ``(..., person_rank, role_rank)`` (a rank above ``k`` where the pair
    is not on that side's list). The order is ready first, then readiness, then the earlier
    index. The other dialects number every pair with ``ROW_NUMBER()`` windows. On DuckDB
    each pair gets a *coarse key*, ``2 + readiness`` when ready, else ``readiness``: a
    double that rounds (so pairs may tie on it) but never orders two pairs against the
    ranking order. Each person's and each role's cut, the ``k``-th largest coarse key, comes
    from ``max(coarse, k)`` (a bounded heap of plain doubles); a side's ``k`` best all have a
    coarse key at least the cut (a pair below it has ``k`` pairs strictly before it), so
    only the pairs at or above their cut (the ``k`` best and their ties) are numbered by
    window, exactly. Plain doubles make the heap several times cheaper than ``max_by``
    with struct keys and payloads, which DuckDB serialises for every row.

    ``late``, when given, is ``(figures, join)``: ``scored`` then holds person_idx,
    role_idx, readiness, ready and what ``figures`` (the SELECT items ``... AS gap, ... AS
    share_met, ... AS coverage`` over ``s``, a row of ``scored``, and what ``join`` joins)
    needs; those figures are computed for the listed pairs only.
    """
    figures, join = late if late is not None else ("s.gap, s.share_met, s.coverage", "")
    columns = "person_idx, role_idx, readiness, gap, share_met, coverage, ready"
    if dialect == "duckdb":
        # a coarse key that never orders two pairs against their order (2 + readiness
        # rounds, but monotonically, and every ready pair lies above every other): a side's
        # k best all have a coarse key at least the k-th largest of that side's, its cut
        pick = (
            "SELECT s.person_idx, s.role_idx, s.readiness, s.ready, {figures},\n"
            "        ROW_NUMBER() OVER (PARTITION BY s.{g} ORDER BY s.ready DESC, "
            "s.readiness DESC, s.{o}) AS {g}_rank\n"
            "    FROM keyed AS s JOIN {g}_cut AS c ON c.{g} = s.{g} {join}\n"
            "    WHERE s.coarse >= c.cut"
        )
        return f""",
keyed AS MATERIALIZED (
    SELECT s.*, CASE WHEN s.ready THEN 2.0 + s.readiness ELSE s.readiness END AS coarse
    FROM {scored} AS s
),
person_idx_cut AS (
    SELECT person_idx, list_min(max(coarse, {int(k)})) AS cut FROM keyed GROUP BY person_idx
),
role_idx_cut AS (
    SELECT role_idx, list_min(max(coarse, {int(k)})) AS cut FROM keyed GROUP BY role_idx
),
per_person AS ({pick.format(g="person_idx", o="role_idx", figures=figures, join=join)}),
per_role AS ({pick.format(g="role_idx", o="person_idx", figures=figures, join=join)})
SELECT {columns}, person_idx_rank AS person_rank, {int(k) + 1} AS role_rank
FROM per_person WHERE person_idx_rank <= {int(k)}
UNION ALL
SELECT {columns}, {int(k) + 1} AS person_rank, role_idx_rank AS role_rank
FROM per_role WHERE role_idx_rank <= {int(k)}"""
    return f""",
ordered AS (
    SELECT s.*,
        ROW_NUMBER() OVER (PARTITION BY s.person_idx
            ORDER BY s.ready DESC, s.readiness DESC, s.role_idx) AS person_rank,
        ROW_NUMBER() OVER (PARTITION BY s.role_idx
            ORDER BY s.ready DESC, s.readiness DESC, s.person_idx) AS role_rank
    FROM {scored} AS s
)
SELECT s.person_idx, s.role_idx, s.readiness, {figures}, s.ready, s.person_rank, s.role_rank
FROM ordered AS s {join}
WHERE s.person_rank <= {int(k)} OR s.role_rank <= {int(k)}"""


def _top_k_minimum_sql(
    policy: ScoringPolicy,
    lv: str,
    k: int,
    people_range: tuple[int, int] | None,
    dialect: Dialect,
) -> str:
    """Top-k under the ``minimum`` policy, scoring only the pairs that can make a list.

    Under ``minimum`` an unassessed competency counts as the scale's minimum, so a pair in
    which the person has no level on any of the role's competencies scores the role's
    *base* (nothing had, every required level missing), and no pair scores below its
    role's base in the ranking order (ready, then readiness): a level only adds to what is
    had and takes from what is unmet. Hence only these pairs are scored:

    * the *matched* pairs, where the person has a level on one of the role's
      competencies: the levels joined with the requirements on the competency, so the
      work grows with the levels, not with people x requirements;
    * every person in the range with the ``k`` roles first in base order: a role outside
      them whose pair is unmatched has ``k`` roles before it in any person's list;
    * the first ``k`` people of all (``person_idx < k``, when the range holds any of
      them) with every role: a person after them whose pair is unmatched has ``k`` people
      before them in any role's list (each at least at the base, and earlier on a tie).

    So with ``people_range`` a role's list holds the range's ``k`` best of the pairs that
    can make the role's list over *all* people, not necessarily the range's own ``k`` best
    (an unmatched pair of a later range is left out): merged over ranges that cover
    everyone from 0, the lists give each role's ``k`` best exactly. Each person's list is
    theirs exactly.

    The sums are the matched requirements' only: had = sum of ``w * min(a, t)``, the gap
    mass = the role's ``sum(w * t)`` - had (exactly the full sum's value in real
    arithmetic, since an unassessed requirement has nothing had and ``t`` missing), and the
    counts of the unmet as the role's unmet at the base less the matched requirements met.
    The three counts (assessed, met with ``t > 0``, met and blocking) travel as one sum,
    ``tally``, of each matched requirement's :data:`TALLY` code, a double whose fields
    (:data:`TALLY_FIELD` apart) hold counts below it: integers summed exactly in any order,
    one aggregate instead of three (a role may have at most ``TALLY_FIELD - 1``
    requirements; :func:`scoring_tables` checks).
    """
    start, stop = people_range if people_range is not None else (0, None)
    in_range = f"person_idx >= {int(start)}" + (
        f" AND person_idx < {int(stop)}" if stop is not None else ""
    )
    zero = _double(0.0)
    f, f1, f2 = TALLY_FIELD, _double(float(TALLY_FIELD)), _double(float(TALLY_FIELD**2))
    threshold = _double(policy.ready_threshold - READY_TOLERANCE)
    readiness = "CASE WHEN s.had + s.gap_mass > 0 THEN s.had / (s.had + s.gap_mass) ELSE 1.0 END"
    # gap, share met and coverage, for the listed pairs only (s: ranked, b: the role's base)
    late = f"""LEAST(GREATEST(CASE WHEN b.weight_total > 0
            THEN GREATEST(b.wt - s.had, {zero}) / b.weight_total ELSE 0.0 END, 0.0), 1.0) AS gap,
        CASE WHEN b.requirements > 0
            THEN CAST(b.requirements - (b.unmet0 - (FLOOR(s.tally / {f1})
                - {f} * FLOOR(s.tally / {f2}))) AS DOUBLE) / CAST(b.requirements AS DOUBLE)
            ELSE 1.0 END AS share_met,
        CASE WHEN b.requirements > 0
            THEN CAST(s.tally - {f1} * FLOOR(s.tally / {f1}) AS DOUBLE)
                / CAST(b.requirements AS DOUBLE)
            ELSE 1.0 END AS coverage"""
    return f"""
WITH lv AS ({lv}),
base AS (
    SELECT r.role_idx, r.requirements, r.weight_total, r.blocking,
        COALESCE(SUM(q.weight * q.t), {zero}) AS wt,
        COALESCE(SUM(CASE WHEN q.t > 0 THEN 1 ELSE 0 END), 0) AS unmet0
    FROM ccx_roles AS r
    LEFT JOIN ccx_requirements AS q ON q.role_idx = r.role_idx
    GROUP BY r.role_idx, r.requirements, r.weight_total, r.blocking
),
base_order AS (
    SELECT b.role_idx, ROW_NUMBER() OVER (
        ORDER BY (b.blocking = 0 AND (CASE WHEN b.wt > 0 THEN {zero} ELSE 1.0 END)
                  >= {threshold}) DESC,
                 (CASE WHEN b.wt > 0 THEN {zero} ELSE 1.0 END) DESC, b.role_idx) AS g
    FROM base AS b
),
people_in AS (
    SELECT person_idx FROM ccx_people WHERE {in_range}
),
matched AS (
    SELECT l.person_idx, q.role_idx,
        SUM(q.weight * LEAST(l.n, q.t)) AS had,
        SUM(CASE WHEN l.n < q.t THEN 1.0 ELSE q.tally END) AS tally
    FROM lv AS l
    JOIN ccx_requirements AS q ON q.competency = l.competency
    WHERE l.{in_range}
    GROUP BY l.person_idx, q.role_idx
),
extras AS (
    SELECT DISTINCT e.person_idx, e.role_idx FROM (
        SELECT p.person_idx, o.role_idx
        FROM people_in AS p CROSS JOIN base_order AS o
        WHERE o.g <= {int(k)}
        UNION ALL
        SELECT p.person_idx, r.role_idx
        FROM people_in AS p CROSS JOIN ccx_roles AS r
        WHERE p.person_idx < {int(k)}
    ) AS e
),
pairs AS (
    SELECT m.person_idx, m.role_idx, m.had, m.tally FROM matched AS m
    UNION ALL
    SELECT e.person_idx, e.role_idx, {zero} AS had, {zero} AS tally
    FROM extras AS e
    LEFT JOIN matched AS m ON m.person_idx = e.person_idx AND m.role_idx = e.role_idx
    WHERE m.role_idx IS NULL
),
sums AS (
    SELECT x.person_idx, x.role_idx, x.had, x.tally,
        GREATEST(b.wt - x.had, {zero}) AS gap_mass,
        b.blocking - FLOOR(x.tally / {f2}) AS unmet_essential
    FROM pairs AS x
    JOIN base AS b ON b.role_idx = x.role_idx
),
ranked AS (
    SELECT s.person_idx, s.role_idx, s.had, s.tally,
        LEAST(GREATEST({readiness}, 0.0), 1.0) AS readiness,
        (s.unmet_essential = 0 AND LEAST(GREATEST({readiness}, 0.0), 1.0) >= {threshold})
            AS ready
    FROM sums AS s
){_top_k_tail("ranked", k, dialect, late=(late, "JOIN base AS b ON b.role_idx = s.role_idx"))}"""


@dataclass(frozen=True)
class ScoringTables:
    """The tables the query reads besides people's levels, as Arrow tables.

    ``ccx_roles``: role_idx, role, requirements, weight_total (``math.fsum`` of the
    weights, as :class:`RoleSet`), blocking (essentials above their scale's minimum).
    ``ccx_requirements``: role_idx, competency, t (normalised required level), weight,
    essential, blocking, tally (the requirement's :data:`TALLY_FIELD` code when met).
    ``ccx_scales``: competency, lo, hi. ``ccx_grid``: competency, t
    (every normalised level of its scale). ``ccx_people``: person_idx, person.
    """

    people: tuple[str, ...]
    roles: tuple[str, ...]
    tables: dict[str, pa.Table]


def scoring_tables(
    model: CompetencyModel,
    people: Sequence[str],
    *,
    roles: RoleSet | Sequence[str] | None = None,
) -> ScoringTables:
    """The model's role requirements, scales and the people's keys as Arrow tables."""
    import pyarrow as pa

    rs = roles if isinstance(roles, RoleSet) else RoleSet.from_model(model, roles)
    if len(rs.requirements) and int(rs.requirements.max()) >= TALLY_FIELD:
        raise ScoringError(
            f"a role with {int(rs.requirements.max()):,} requirements: the SQL engines count "
            f"at most {TALLY_FIELD - 1:,} a role"
        )
    role_idx: list[int] = []
    comp: list[str] = []
    level: list[float] = []
    weight: list[float] = []
    essential: list[bool] = []
    for r, key in enumerate(rs.roles):
        for q in model.role(key).requirements:
            role_idx.append(r)
            comp.append(q.competency)
            level.append(model.scale_of(q.competency).normalise(q.level))
            weight.append(float(q.weight))
            essential.append(bool(q.essential))
    t = np.array(level, dtype=np.float64)
    ess = np.array(essential, dtype=bool)
    competencies = [c.key for c in model.competencies]
    scales = [model.scale_of(c) for c in competencies]
    grid_c = [c for c, s in zip(competencies, scales, strict=True) for _ in normalised_grid(s)]
    grid_t = [t for s in scales for t in normalised_grid(s)]
    if len(set(people)) != len(people):
        raise ScoringError("people's keys must be distinct")
    tables = {
        "ccx_people": pa.table(
            {
                "person_idx": pa.array(np.arange(len(people)), pa.int64()),
                "person": pa.array(list(people), pa.string()),
            }
        ),
        "ccx_roles": pa.table(
            {
                "role_idx": pa.array(np.arange(len(rs.roles)), pa.int64()),
                "role": pa.array(list(rs.roles), pa.string()),
                "requirements": pa.array(rs.requirements.astype(np.int64), pa.int64()),
                "weight_total": pa.array(rs.weight, pa.float64()),
                "blocking": pa.array(rs.blocking.astype(np.int64), pa.int64()),
            }
        ),
        "ccx_requirements": pa.table(
            {
                "role_idx": pa.array(role_idx, pa.int64()),
                "competency": pa.array(comp, pa.string()),
                "t": pa.array(t, pa.float64()),
                "weight": pa.array(weight, pa.float64()),
                "essential": pa.array(ess, pa.bool_()),
                "blocking": pa.array(ess & (t > 0.0), pa.bool_()),
                "tally": pa.array(
                    1.0 + TALLY_FIELD * (t > 0.0) + TALLY_FIELD**2 * (ess & (t > 0.0)),
                    pa.float64(),
                ),
            }
        ),
        "ccx_scales": pa.table(
            {
                "competency": pa.array(competencies, pa.string()),
                "lo": pa.array([float(s.min_value) for s in scales], pa.float64()),
                "hi": pa.array([float(s.max_value) for s in scales], pa.float64()),
            }
        ),
        "ccx_grid": pa.table(
            {
                "competency": pa.array(grid_c, pa.string()),
                "t": pa.array(grid_t, pa.float64()),
            }
        ),
    }
    return ScoringTables(tuple(people), rs.roles, tables)


__all__ = [
    "DIALECTS",
    "RESOLVED_TABLE",
    "SOURCE_DIALECT",
    "TABLES",
    "TALLY_FIELD",
    "Dialect",
    "LevelsSource",
    "ScoringTables",
    "assessment_levels_sql",
    "resolved_levels_sql",
    "scoring_sql",
    "scoring_tables",
    "transpile",
]
