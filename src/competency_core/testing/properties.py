"""The gap scoring contract as reusable checks, for any scoring function.

A *score function* takes a :class:`ScoringCase` (a model, a role, one person's
assessments, a scoring date and a policy) and returns anything with ``readiness``, ``gap``
and ``ready`` attributes (``share_met`` and ``coverage`` are compared when present). Apps
that wrap :func:`~competency_core.scoring.score_role` check that their wrapper keeps the
contract::

    from competency_core.testing.properties import run_contract

    def test_my_wrapper_keeps_the_contract():
        run_contract(lambda case: my_app.readiness_for(case), max_examples=50)

Each ``check_*`` function raises :class:`AssertionError` with a message saying what broke.
The metamorphic checks (raise a level, shuffle, scale weights, renumber a scale) build
the changed case with the helpers here, so they hold for any aggregation policy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from competency_core.model import CompetencyModel
from competency_core.people import Assessment, RaterType, Workforce
from competency_core.roles import RoleProfile
from competency_core.scoring.levels import resolve_levels
from competency_core.scoring.pair import RoleScore, score_role
from competency_core.scoring.policy import (
    DEFAULT_POLICY,
    READY_TOLERANCE,
    ScoringPolicy,
    UnassessedPolicy,
)

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from competency_core.scoring.bulk import ReadinessMatrix

TOLERANCE = 1e-9
"""Absolute tolerance of the numeric comparisons."""


@dataclass(frozen=True)
class ScoringCase:
    """The input of one scoring: a role of ``model``, one person's assessments, a policy."""

    model: CompetencyModel
    role: RoleProfile
    assessments: tuple[Assessment, ...]
    on: dt.date
    policy: ScoringPolicy = DEFAULT_POLICY
    person: str = "person"


class ScoreLike(Protocol):
    """What a score function returns (at least)."""

    @property
    def readiness(self) -> float:
        """Readiness in [0, 1]."""

    @property
    def gap(self) -> float:
        """The role's weighted mean normalised gap, in [0, 1]."""

    @property
    def ready(self) -> bool:
        """No unmet essential requirement and readiness above the threshold."""


ScoreFn = Callable[[ScoringCase], ScoreLike]
Check = Callable[[ScoreFn, ScoringCase], None]


def library_score(case: ScoringCase) -> RoleScore:
    """The library's own one-pair function, as a score function."""
    return score_role(
        case.model, case.role, case.assessments, policy=case.policy, on=case.on, person=case.person
    )


# -- building changed cases ---------------------------------------------------------------


def _rebuild(model: CompetencyModel, **changes: Any) -> CompetencyModel:
    fields = {name: getattr(model, name) for name in type(model).model_fields}
    return CompetencyModel.model_validate({**fields, **changes})


def with_role(case: ScoringCase, role: RoleProfile) -> ScoringCase:
    """The case with ``role`` replacing the role of the same key (in the model too)."""
    roles = tuple(role if r.key == role.key else r for r in case.model.roles)
    return dataclasses.replace(case, model=_rebuild(case.model, roles=roles), role=role)


def _next_value(values: Sequence[int], value: int) -> int:
    above = [v for v in sorted(values) if v > value]
    return above[0] if above else value


def raise_actual(case: ScoringCase, competency: str) -> ScoringCase:
    """Every assessment of ``competency`` one level higher on its own scale (capped at the top)."""
    target = case.model.competency(competency).scale
    out = []
    for a in case.assessments:
        if a.competency == competency:
            src = a.scale or target
            mapping = case.model.scale_mapping(src, target) if src != target else None
            values = sorted(mapping.levels) if mapping else list(case.model.scale(src).values)
            a = a.model_copy(update={"level": _next_value(values, a.level)})
        out.append(a)
    return dataclasses.replace(case, assessments=tuple(out))


def raise_requirement(case: ScoringCase, competency: str) -> ScoringCase:
    """The role's requirement on ``competency`` one level higher (capped at the top)."""
    values = case.model.scale_of(competency).values
    reqs = tuple(
        r.model_copy(update={"level": _next_value(values, r.level)})
        if r.competency == competency
        else r
        for r in case.role.requirements
    )
    return with_role(case, case.role.model_copy(update={"requirements": reqs}))


def shuffled(case: ScoringCase, seed: int) -> ScoringCase:
    """Requirements and assessments in another order."""
    rnd = random.Random(seed)
    reqs = list(case.role.requirements)
    rated = list(case.assessments)
    rnd.shuffle(reqs)
    rnd.shuffle(rated)
    moved = with_role(case, case.role.model_copy(update={"requirements": tuple(reqs)}))
    return dataclasses.replace(moved, assessments=tuple(rated))


def scaled_weights(case: ScoringCase, factor: float) -> ScoringCase:
    """Every requirement weight of the role multiplied by ``factor`` (> 0)."""
    reqs = tuple(r.model_copy(update={"weight": r.weight * factor}) for r in case.role.requirements)
    return with_role(case, case.role.model_copy(update={"requirements": reqs}))


def renumbered(case: ScoringCase, factor: int, offset: int) -> ScoringCase:
    """Every scale renumbered ``v -> factor * v + offset`` (``factor`` > 0), everywhere."""

    def f(v: int) -> int:
        return factor * v + offset

    data = case.model.model_dump(mode="python", round_trip=True)
    for s in data["scales"]:
        s["proficient"] = f(s["proficient"])
        for lv in s["levels"]:
            lv["value"] = f(lv["value"])
    for c in data["competencies"]:
        for name, value in c.items():
            if isinstance(value, dict) and all(isinstance(k, int) for k in value):
                c[name] = {f(k): v for k, v in value.items()}
    for r in data["roles"]:
        for q in r["requirements"]:
            q["level"] = f(q["level"])
    for res in data["learning_resources"]:
        for d in res["develops"]:
            d["to_level"] = f(d["to_level"])
    for mp in data["scale_mappings"]:
        mp["levels"] = {f(k): f(v) for k, v in mp["levels"].items()}
    model = CompetencyModel.model_validate(data)
    rated = tuple(a.model_copy(update={"level": f(a.level)}) for a in case.assessments)
    return dataclasses.replace(case, model=model, role=model.role(case.role.key), assessments=rated)


# -- what the contract expects --------------------------------------------------------------


def expected_met(case: ScoringCase) -> dict[str, bool | None]:
    """Per required competency: met, unmet, or None (unassessed and excluded, not counted).

    The actual levels come from the library's resolution of the assessments under the
    case's policy (latest / priority / blend, expiry, scale mappings).
    """
    levels = resolve_levels(case.model, case.assessments, policy=case.policy, on=case.on)
    out: dict[str, bool | None] = {}
    for r in case.role.requirements:
        q = case.model.scale_of(r.competency).normalise(r.level)
        if r.competency in levels:
            out[r.competency] = levels[r.competency].normalised >= q
        elif case.policy.unassessed is UnassessedPolicy.MINIMUM:
            out[r.competency] = q == 0.0
        else:
            out[r.competency] = None
    return out


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def _figures(s: ScoreLike) -> dict[str, float]:
    out = {"readiness": float(s.readiness), "gap": float(s.gap)}
    for name in ("share_met", "coverage"):
        if hasattr(s, name):
            out[name] = float(getattr(s, name))
    return out


def _same(a: ScoreLike, b: ScoreLike, what: str, *, ready: bool = True) -> None:
    fa, fb = _figures(a), _figures(b)
    for name in fa.keys() & fb.keys():
        assert _close(fa[name], fb[name]), f"{what} changed {name}: {fa[name]!r} -> {fb[name]!r}"
    if ready:
        assert a.ready == b.ready, f"{what} changed ready: {a.ready} -> {b.ready}"


# -- the checks -----------------------------------------------------------------------------


def check_bounds(score: ScoreFn, case: ScoringCase) -> None:
    """Every score lies in [0, 1]."""
    for name, value in _figures(score(case)).items():
        assert 0.0 <= value <= 1.0, f"{name} = {value!r} is outside [0, 1]"


def check_formulas(score: ScoreFn, case: ScoringCase) -> None:
    """The figures follow the contract's formulas on normalised levels.

    Over the counted requirements (weights ``w``, normalised required ``q`` and actual
    ``a`` levels, gaps ``g = max(0, q - a)``): ``gap = sum(w g) / sum(w)`` and ``readiness =
    1 - sum(w g) / sum(w q)``; ``share_met`` and ``coverage`` when the result has them.
    """
    levels = resolve_levels(case.model, case.assessments, policy=case.policy, on=case.on)
    minimum = case.policy.unassessed is UnassessedPolicy.MINIMUM
    rows = []
    for r in case.role.requirements:
        q = case.model.scale_of(r.competency).normalise(r.level)
        if r.competency in levels or minimum:
            a = levels[r.competency].normalised if r.competency in levels else 0.0
            rows.append((r.weight, q, max(0.0, q - a)))
    w = math.fsum(x for x, _, _ in rows)
    mass = math.fsum(x * g for x, _, g in rows)
    required = math.fsum(x * q for x, q, _ in rows)
    want = {
        "gap": mass / w if w > 0 else 0.0,
        "readiness": 1.0 - mass / required if required > 0 else 1.0,
        "share_met": sum(g == 0.0 for _, _, g in rows) / len(rows) if rows else 1.0,
        "coverage": (
            sum(r.competency in levels for r in case.role.requirements)
            / len(case.role.requirements)
            if case.role.requirements
            else 1.0
        ),
    }
    got = _figures(score(case))
    for name, value in got.items():
        assert _close(value, want[name]), f"{name} = {value!r}, the contract gives {want[name]!r}"


def check_zero_gap_iff_met(score: ScoreFn, case: ScoringCase) -> None:
    """The gap is 0, and readiness 1, exactly when every counted requirement is met."""
    s = score(case)
    all_met = all(m for m in expected_met(case).values() if m is not None)
    assert (s.gap == 0.0) == all_met, f"gap = {s.gap!r} but every requirement met = {all_met}"
    assert (s.readiness == 1.0) == all_met, (
        f"readiness = {s.readiness!r} but every requirement met = {all_met}"
    )


def check_raising_actual(score: ScoreFn, case: ScoringCase, competency: str | None = None) -> None:
    """Raising an actual level never raises the gap, never lowers readiness or ready."""
    comps = [competency] if competency else sorted({a.competency for a in case.assessments})
    before = score(case)
    for c in comps:
        after = score(raise_actual(case, c))
        assert after.gap <= before.gap + TOLERANCE, (
            f"raising {c!r} raised the gap {before.gap} -> {after.gap}"
        )
        assert after.readiness >= before.readiness - TOLERANCE, (
            f"raising {c!r} lowered readiness {before.readiness} -> {after.readiness}"
        )
        assert after.ready or not before.ready, f"raising {c!r} made the person not ready"


def check_raising_requirement(
    score: ScoreFn, case: ScoringCase, competency: str | None = None
) -> None:
    """Raising a required level never lowers the gap.

    (Readiness may rise: the requirement also adds required mass. See docs/scoring.md.)
    """
    comps = [competency] if competency else [r.competency for r in case.role.requirements]
    before = score(case)
    for c in comps:
        after = score(raise_requirement(case, c))
        assert after.gap >= before.gap - TOLERANCE, (
            f"raising the requirement on {c!r} lowered the gap {before.gap} -> {after.gap}"
        )


def check_order_invariance(score: ScoreFn, case: ScoringCase, seed: int = 0) -> None:
    """The order of requirements and of assessments does not matter."""
    _same(score(case), score(shuffled(case, seed)), "reordering requirements and assessments")


def check_weight_scaling(score: ScoreFn, case: ScoringCase, factor: float = 3.0) -> None:
    """Scaling every weight by ``factor`` > 0 changes nothing."""
    _same(score(case), score(scaled_weights(case, factor)), f"scaling the weights by {factor}")


def check_affine_renumbering(
    score: ScoreFn, case: ScoringCase, factor: int = 3, offset: int = -7
) -> None:
    """Renumbering every scale ``v -> factor * v + offset`` changes nothing."""
    _same(
        score(case),
        score(renumbered(case, factor, offset)),
        f"renumbering v -> {factor}v{offset:+d}",
    )


def check_unmet_essential(score: ScoreFn, case: ScoringCase) -> None:
    """An unmet essential requirement makes the person not ready, whatever the score.

    With none unmet and readiness at the threshold or above, the person is ready.
    """
    s = score(case)
    met = expected_met(case)
    blocking = [
        r.competency
        for r in case.role.requirements
        if r.essential
        and not (
            met[r.competency]
            or (
                met[r.competency] is None and r.level == case.model.scale_of(r.competency).min_value
            )
        )
    ]
    if blocking:
        assert not s.ready, f"ready although essential {blocking} are not met"
    elif abs(s.readiness - case.policy.ready_threshold) > 2 * READY_TOLERANCE:
        expected = s.readiness >= case.policy.ready_threshold
        assert s.ready == expected, (
            f"ready = {s.ready} with readiness {s.readiness} and no unmet essential"
        )


def check_expired_ignored(score: ScoreFn, case: ScoringCase) -> None:
    """Assessments made after the scoring date, or expired by then, change nothing."""
    extra = []
    for r in case.role.requirements:
        top = case.model.scale_of(r.competency).max_value
        for made, expires in ((1, None), (-30, -1)):
            extra.append(
                Assessment(
                    person=case.person,
                    competency=r.competency,
                    level=top,
                    rater_type=RaterType.CERTIFICATION,
                    date=case.on + dt.timedelta(days=made),
                    expires=None if expires is None else case.on + dt.timedelta(days=expires),
                )
            )
    more = dataclasses.replace(case, assessments=case.assessments + tuple(extra))
    _same(score(case), score(more), "adding future and expired assessments")


def check_unassessed_policy(score: ScoreFn, case: ScoringCase) -> None:
    """Unassessed competencies follow the policy.

    ``minimum``: as if rated at the scale minimum. ``exclude``: as if the role had only its
    assessed requirements (ready aside: unassessed essentials still block it).
    """
    levels = resolve_levels(case.model, case.assessments, policy=case.policy, on=case.on)
    missing = [r for r in case.role.requirements if r.competency not in levels]
    if not missing:
        return
    if case.policy.unassessed is UnassessedPolicy.MINIMUM:
        rater = case.policy.rater_priority[0] if case.policy.rater_priority else RaterType.MANAGER
        floor = tuple(
            Assessment(
                person=case.person,
                competency=r.competency,
                level=case.model.scale_of(r.competency).min_value,
                rater_type=rater,
                date=case.on,
            )
            for r in missing
        )
        other = dataclasses.replace(case, assessments=case.assessments + floor)
        s, t = score(case), score(other)
        a, b = _figures(s), _figures(t)
        for name in ("readiness", "gap", "share_met"):
            if name in a and name in b:
                assert _close(a[name], b[name]), (
                    f"unassessed != rated at the minimum: {name} {a[name]} vs {b[name]}"
                )
        assert s.ready == t.ready, "unassessed != rated at the minimum: ready differs"
    else:
        kept = tuple(r for r in case.role.requirements if r.competency in levels)
        other = with_role(case, case.role.model_copy(update={"requirements": kept}))
        a, b = _figures(score(case)), _figures(score(other))
        for name in ("readiness", "gap", "share_met"):
            if name in a and name in b:
                assert _close(a[name], b[name]), (
                    f"excluded != left out: {name} {a[name]} vs {b[name]}"
                )


def check_scale_conversion(score: ScoreFn, case: ScoringCase) -> None:
    """An assessment on a mapped scale scores like its converted level on the competency's."""
    converted = []
    for a in case.assessments:
        target = case.model.competency(a.competency).scale
        if a.scale is not None and a.scale != target:
            mapping = case.model.scale_mapping(a.scale, target)
            assert mapping is not None
            a = a.model_copy(update={"scale": None, "level": mapping.convert(a.level)})
        converted.append(a)
    _same(
        score(case),
        score(dataclasses.replace(case, assessments=tuple(converted))),
        "converting scales",
    )


CONTRACT: tuple[Check, ...] = (
    check_bounds,
    check_formulas,
    check_zero_gap_iff_met,
    check_raising_actual,
    check_raising_requirement,
    check_order_invariance,
    check_weight_scaling,
    check_affine_renumbering,
    check_unmet_essential,
    check_expired_ignored,
    check_unassessed_policy,
    check_scale_conversion,
)
"""Every one-pair check, in the order :func:`check_contract` runs them."""


def check_contract(score: ScoreFn, case: ScoringCase, checks: Iterable[Check] = CONTRACT) -> None:
    """Run every check on one case."""
    for check in checks:
        check(score, case)


def run_contract(
    score: ScoreFn = library_score,
    *,
    cases: SearchStrategy[ScoringCase] | None = None,
    checks: Iterable[Check] = CONTRACT,
    max_examples: int = 50,
    shrink: bool = True,
) -> None:
    """Check ``score`` against the contract on ``max_examples`` generated cases (hypothesis).

    Raises the failing check's :class:`AssertionError` on the smallest case found (on the
    first one found with ``shrink=False``, which is quicker when only "does it fail?" matters).
    """
    from hypothesis import HealthCheck, Phase, given, settings

    from competency_core.testing.strategies import scoring_cases

    todo = tuple(checks)

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        phases=tuple(p for p in Phase if shrink or p is not Phase.shrink),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(cases if cases is not None else scoring_cases())
    def run(case: ScoringCase) -> None:
        check_contract(score, case, todo)

    run()


def check_bulk_matches_pair(
    model: CompetencyModel,
    workforce: Workforce,
    *,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date,
    bulk: Callable[..., ReadinessMatrix] | None = None,
    pair: Callable[..., RoleScore] = score_role,
) -> None:
    """The bulk engine gives, for every (person, role), what the one-pair function gives.

    The pair function gets each person's evidence (``workforce.evidence_of``: assessments
    and the other evidence, decided by the model's rules). ``share_met``, ``coverage`` and
    ``ready`` exactly; ``readiness`` and ``gap`` within 1e-9 (sums run in another order),
    and exactly where either is 0 or 1 (no rounding noise such as a readiness of 1.1e-16
    for someone who has nothing the role asks for).
    """
    from competency_core.scoring.bulk import readiness_matrix

    matrix = (bulk or readiness_matrix)(model, workforce, policy=policy, on=on)
    for i, p in enumerate(matrix.people):
        rated = workforce.evidence_of(p)
        for j, r in enumerate(matrix.roles):
            s = pair(model, r, rated, policy=policy, on=on, person=p)
            for name in ("readiness", "gap", "share_met", "coverage"):
                got = float(getattr(matrix, name)[i, j])
                want = float(getattr(s, name))
                assert np.isclose(got, want, rtol=1e-9, atol=1e-12), (
                    f"{p!r} x {r!r}: bulk {name} = {got!r}, pair = {want!r}"
                )
                exact = name in ("share_met", "coverage") or {got, want} & {0.0, 1.0}
                assert not exact or got == want, (
                    f"{p!r} x {r!r}: bulk {name} = {got!r}, pair = {want!r} (must be equal)"
                )
            assert bool(matrix.ready[i, j]) == s.ready, f"{p!r} x {r!r}: bulk ready != pair ready"


__all__ = [
    "CONTRACT",
    "TOLERANCE",
    "Check",
    "ScoreFn",
    "ScoreLike",
    "ScoringCase",
    "check_affine_renumbering",
    "check_bounds",
    "check_bulk_matches_pair",
    "check_contract",
    "check_expired_ignored",
    "check_formulas",
    "check_order_invariance",
    "check_raising_actual",
    "check_raising_requirement",
    "check_scale_conversion",
    "check_unassessed_policy",
    "check_unmet_essential",
    "check_weight_scaling",
    "expected_met",
    "library_score",
    "raise_actual",
    "raise_requirement",
    "renumbered",
    "run_contract",
    "scaled_weights",
    "shuffled",
    "with_role",
]
