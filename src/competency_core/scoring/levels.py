"""From a person's assessments to one actual level per competency, under a policy.

Assessments that had not been made or had expired on the scoring date are ignored.
Assessments on another scale than the competency's are converted through the model's
:class:`~competency_core.scales.ScaleMapping`; without one, scoring stops with a
:class:`~competency_core.errors.ScoringError` that says which mapping to declare.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from competency_core.errors import ScaleMappingError, ScoringError
from competency_core.model import CompetencyModel
from competency_core.people import Assessment, Evidence, RaterType
from competency_core.scales import ProficiencyScale
from competency_core.scoring.policy import Aggregation, ScoringPolicy

SNAP_TOLERANCE = 1e-9
"""A combined level within this distance of a level of the scale is that level."""


def normalised_grid(scale: ProficiencyScale) -> tuple[float, ...]:
    """The normalised values of a scale's levels, ascending, from 0.0 to 1.0.

    >>> from competency_core.scales import ProficiencyScale
    >>> s = ProficiencyScale(key="s", name="S", proficient=3,
    ...     levels=[{"value": v, "label": str(v)} for v in (1, 3, 5)])
    >>> normalised_grid(s)
    (0.0, 0.5, 1.0)
    """
    return tuple(scale.normalise(v) for v in scale.values)


def snap(value: float, grid: Sequence[float]) -> float:
    """``value``, or the grid point within :data:`SNAP_TOLERANCE` of it.

    Averages of levels (``(0.2 + 0.4 + 0.6) / 3``) land a rounding error away from a level;
    snapping makes "met" exact, the same in the pair function and the bulk engine.
    """
    for t in grid:
        if abs(value - t) <= SNAP_TOLERANCE:
            return t
    return value


@dataclass(frozen=True, slots=True)
class ResolvedLevel:
    """One competency's actual level after the policy combined its assessments."""

    competency: str
    level: float
    """The level on the competency's own scale (not always an integer after a blend)."""
    normalised: float
    """The level mapped to [0, 1] on the competency's scale."""
    assessments: int
    """How many current assessments were combined."""
    raters: tuple[RaterType, ...]
    """The rater types whose assessments made the level."""


def level_on_competency_scale(model: CompetencyModel, assessment: Assessment) -> int:
    """The assessment's level on its competency's scale, converted when needed.

    Raises :class:`ScoringError` for an unknown competency, a level off its scale, or a
    scale with no declared mapping to the competency's scale.
    """
    ck = assessment.competency
    if not model.has_competency(ck):
        raise ScoringError(
            f"assessment of {assessment.person!r} on {ck!r}: the competency is not in model "
            f"{model.key!r}"
        )
    target = model.competency(ck).scale
    source = assessment.scale or target
    if source == target:
        scale = model.scale(target)
        if not scale.has_level(assessment.level):
            raise ScoringError(
                f"assessment of {assessment.person!r} on {ck!r}: {assessment.level} is not a "
                f"level of scale {target!r} (levels: {list(scale.values)})"
            )
        return assessment.level
    mapping = model.scale_mapping(source, target)
    if mapping is None:
        raise ScoringError(
            f"assessment of {assessment.person!r} on {ck!r} is on scale {source!r}, but the "
            f"competency is measured on {target!r} and model {model.key!r} declares no "
            f"mapping from {source!r} to {target!r} (add one under scale_mappings)"
        )
    try:
        return mapping.convert(assessment.level)
    except ScaleMappingError as exc:
        raise ScoringError(f"assessment of {assessment.person!r} on {ck!r}: {exc}") from None


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _latest(items: Sequence[tuple[Assessment, float]]) -> list[tuple[Assessment, float]]:
    last = max(a.date for a, _ in items)
    return [(a, n) for a, n in items if a.date == last]


def _combine(
    items: Sequence[tuple[Assessment, float]], policy: ScoringPolicy
) -> tuple[float, tuple[RaterType, ...]] | None:
    """The combined normalised level of one competency's current assessments (or None)."""
    if policy.aggregation is Aggregation.BLEND:
        by_rater: dict[RaterType, list[tuple[Assessment, float]]] = defaultdict(list)
        for a, n in items:
            if policy.rater_weight(a.rater_type) > 0:
                by_rater[a.rater_type].append((a, n))
        if not by_rater:
            return None
        raters = tuple(sorted(by_rater, key=policy.rater_rank))
        weights = [policy.rater_weight(r) for r in raters]
        values = [_mean([n for _, n in _latest(by_rater[r])]) for r in raters]
        total = math.fsum(w * v for w, v in zip(weights, values, strict=True))
        return total / math.fsum(weights), raters
    if policy.aggregation is Aggregation.PRIORITY:
        best = min(policy.rater_rank(a.rater_type) for a, _ in items)
        chosen = _latest([(a, n) for a, n in items if policy.rater_rank(a.rater_type) == best])
    else:
        same_day = _latest(items)
        best = min(policy.rater_rank(a.rater_type) for a, _ in same_day)
        chosen = [(a, n) for a, n in same_day if policy.rater_rank(a.rater_type) == best]
    return _mean([n for _, n in chosen]), (chosen[0][0].rater_type,)


def resolve_levels(
    model: CompetencyModel,
    assessments: Iterable[Assessment | Evidence],
    *,
    policy: ScoringPolicy,
    on: dt.date,
    competencies: Collection[str] | None = None,
) -> dict[str, ResolvedLevel]:
    """Each assessed competency's actual level, combining current assessments by ``policy``.

    With other evidence than assessments, or rules declared in the model's ``evidence``
    section, the model's rules decide (:mod:`competency_core.scoring.rules`); without,
    this is the policy's precedence over the assessments, computed directly.

    Every current assessment is checked (and converted to its competency's scale), also
    those of competencies outside ``competencies``, so that a bad rating is reported
    whichever role is scored. ``competencies`` limits what is returned.
    """
    from competency_core.scoring.rules import explain_levels, needs_rules

    items = assessments if isinstance(assessments, Sequence) else tuple(assessments)
    if needs_rules(model, items):
        explained = explain_levels(model, items, policy=policy, on=on, competencies=competencies)
        return {
            ck: ResolvedLevel(ck, e.level, e.normalised or 0.0, e.considered, e.raters)
            for ck, e in explained.items()
            if e.level is not None
        }
    grouped: dict[str, list[tuple[Assessment, float]]] = defaultdict(list)
    for a in items:
        assert isinstance(a, Assessment)
        if not a.is_current(on):
            continue
        level = level_on_competency_scale(model, a)
        grouped[a.competency].append((a, model.scale_of(a.competency).normalise(level)))
    out: dict[str, ResolvedLevel] = {}
    for ck, items in grouped.items():
        if competencies is not None and ck not in competencies:
            continue
        combined = _combine(items, policy)
        if combined is None:
            continue
        value, raters = combined
        scale = model.scale_of(ck)
        n = snap(value, normalised_grid(scale))
        actual = scale.min_value + n * (scale.max_value - scale.min_value)
        for v in scale.values:
            if scale.normalise(v) == n:
                actual = float(v)
                break
        out[ck] = ResolvedLevel(ck, actual, n, len(items), raters)
    return out


__all__ = [
    "SNAP_TOLERANCE",
    "ResolvedLevel",
    "level_on_competency_scale",
    "normalised_grid",
    "resolve_levels",
    "snap",
]
