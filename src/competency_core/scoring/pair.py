"""One person against one role profile: the gap scoring contract, requirement by requirement.

Levels are normalised on each competency's scale, ``n(l) = (l - min) / (max - min)``. For a
requirement, ``gap = max(0, n(required) - n(actual))`` and ``surplus = max(0, n(actual) -
n(required))``. For the role, over the requirements that count (all of them under the
``minimum`` policy, the assessed ones under ``exclude``), with weights ``w``:

- ``gap = sum(w * gap) / sum(w)`` (0 when nothing counts);
- ``readiness = 1 - sum(w * gap) / sum(w * n(required))``; a requirement at the scale's
  minimum is always met and adds no required mass; with no required mass, readiness is 1;
- ``share_met``: the share of counted requirements that are met (1 when none counts);
- ``coverage``: the share of the role's requirements that were assessed (1 when none);
- ``ready``: no essential requirement is unmet (or, under ``exclude``, unassessed above the
  minimum) and ``readiness >= policy.ready_threshold``.

Sums use :func:`math.fsum`, so the result does not depend on the order of requirements.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from competency_core.model import CompetencyModel
from competency_core.people import Assessment, Evidence, Workforce
from competency_core.roles import RoleProfile
from competency_core.scoring.levels import ResolvedLevel, resolve_levels
from competency_core.scoring.policy import (
    DEFAULT_POLICY,
    READY_TOLERANCE,
    ScoringPolicy,
    UnassessedPolicy,
)


class RequirementScore(BaseModel):
    """How one requirement of a role stands for one person."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    competency: str
    required: int = Field(description="The required level on the competency's scale.")
    actual: float | None = Field(
        description="The level that counted (the scale minimum for an unassessed competency "
        "under the 'minimum' policy); None when unassessed and excluded."
    )
    assessed: bool = Field(description="Whether a current assessment gave the actual level.")
    counted: bool = Field(description="Whether it counts in gap, readiness and share met.")
    weight: float
    essential: bool
    required_normalised: float
    actual_normalised: float | None
    gap: float | None = Field(description="Normalised gap in [0, 1]; None when not counted.")
    surplus: float | None = Field(description="Normalised surplus; None when not counted.")
    met: bool = Field(
        description="Whether the actual level reaches the required one. An unassessed, "
        "excluded requirement is met only when it asks for the scale's minimum."
    )


class RoleScore(BaseModel):
    """One person's standing against one role profile (see the module docs for the formulas)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str
    person: str | None = None
    on: dt.date = Field(description="The scoring date: assessments not current then are ignored.")
    policy: ScoringPolicy
    requirements: tuple[RequirementScore, ...] = Field(description="In the role's order.")
    gap: float = Field(description="Weighted mean of the counted requirements' gaps, in [0, 1].")
    readiness: float = Field(description="1 - weighted gap mass / weighted required mass.")
    share_met: float = Field(description="Share of counted requirements that are met.")
    coverage: float = Field(description="Share of the role's requirements that were assessed.")
    ready: bool
    unmet_essentials: tuple[str, ...] = Field(
        description="Essential requirements not (shown to be) met, in the role's order."
    )

    @property
    def gaps(self) -> tuple[RequirementScore, ...]:
        """Unmet requirements, biggest gap first (then heavier weight, then key)."""
        unmet = [r for r in self.requirements if not r.met]
        return tuple(
            sorted(
                unmet,
                key=lambda r: (-(r.gap if r.gap is not None else -1.0), -r.weight, r.competency),
            )
        )

    def requirement(self, competency: str) -> RequirementScore | None:
        """The score of the requirement on ``competency``, if the role has one."""
        for r in self.requirements:
            if r.competency == competency:
                return r
        return None


@dataclass(frozen=True, slots=True)
class _Row:
    competency: str
    required: int
    q: float
    weight: float
    essential: bool
    actual: float | None
    a: float | None
    assessed: bool


def _rows(
    model: CompetencyModel,
    role: RoleProfile,
    levels: dict[str, ResolvedLevel],
    policy: ScoringPolicy,
) -> list[_Row]:
    rows = []
    for req in role.requirements:
        scale = model.scale_of(req.competency)
        got = levels.get(req.competency)
        if got is not None:
            actual, a, assessed = got.level, got.normalised, True
        elif policy.unassessed is UnassessedPolicy.MINIMUM:
            actual, a, assessed = float(scale.min_value), 0.0, False
        else:
            actual, a, assessed = None, None, False
        rows.append(
            _Row(
                req.competency,
                req.level,
                scale.normalise(req.level),
                req.weight,
                req.essential,
                actual,
                a,
                assessed,
            )
        )
    return rows


def _requirement_score(row: _Row) -> RequirementScore:
    if row.a is None:
        gap = surplus = None
        met = row.q == 0.0
    else:
        gap = max(0.0, row.q - row.a)
        surplus = max(0.0, row.a - row.q)
        met = gap == 0.0
    return RequirementScore(
        competency=row.competency,
        required=row.required,
        actual=row.actual,
        assessed=row.assessed,
        counted=row.a is not None,
        weight=row.weight,
        essential=row.essential,
        required_normalised=row.q,
        actual_normalised=row.a,
        gap=gap,
        surplus=surplus,
        met=met,
    )


def _role_score(
    role: RoleProfile,
    reqs: tuple[RequirementScore, ...],
    *,
    person: str | None,
    on: dt.date,
    policy: ScoringPolicy,
) -> RoleScore:
    counted = [r for r in reqs if r.counted]
    weights = math.fsum(r.weight for r in counted)
    gap_mass = math.fsum(r.weight * (r.gap or 0.0) for r in counted)
    required_mass = math.fsum(r.weight * r.required_normalised for r in counted)
    readiness = 1.0 - gap_mass / required_mass if required_mass > 0 else 1.0
    unmet_essentials = tuple(r.competency for r in reqs if r.essential and not r.met)
    return RoleScore(
        role=role.key,
        person=person,
        on=on,
        policy=policy,
        requirements=reqs,
        gap=gap_mass / weights if weights > 0 else 0.0,
        readiness=readiness,
        share_met=sum(r.met for r in counted) / len(counted) if counted else 1.0,
        coverage=sum(r.assessed for r in reqs) / len(reqs) if reqs else 1.0,
        ready=not unmet_essentials and readiness >= policy.ready_threshold - READY_TOLERANCE,
        unmet_essentials=unmet_essentials,
    )


def score_levels(
    model: CompetencyModel,
    role: RoleProfile | str,
    levels: dict[str, ResolvedLevel],
    *,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date,
    person: str | None = None,
) -> RoleScore:
    """Score already resolved levels (see :func:`~competency_core.scoring.resolve_levels`)."""
    profile = model.role(role) if isinstance(role, str) else role
    reqs = tuple(_requirement_score(r) for r in _rows(model, profile, levels, policy))
    return _role_score(profile, reqs, person=person, on=on, policy=policy)


def score_role(
    model: CompetencyModel,
    role: RoleProfile | str,
    assessments: Iterable[Assessment | Evidence],
    *,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
    person: str | None = None,
) -> RoleScore:
    """Score a person's assessments against a role profile (the one-pair function).

    ``on`` is the scoring date (default: today); assessments made after it or expired by
    then are ignored. ``person`` only labels the result: pass the assessments of one person
    (and their other evidence: certifications, courses... decided by the model's rules).

    >>> import datetime as dt
    >>> from competency_core.testing.samples import sample_model, sample_assessments
    >>> s = score_role(sample_model(), "engineer", sample_assessments(), on=dt.date(2026, 1, 1))
    >>> round(s.readiness, 3), s.ready, [g.competency for g in s.gaps]
    (0.857, False, ['testing'])
    """
    day = on or dt.date.today()
    profile = model.role(role) if isinstance(role, str) else role
    levels = resolve_levels(model, assessments, policy=policy, on=day)
    return score_levels(model, profile, levels, policy=policy, on=day, person=person)


def score_person(
    model: CompetencyModel,
    workforce: Workforce,
    person: str,
    role: RoleProfile | str | None = None,
    *,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
) -> RoleScore:
    """Score a person of a workforce against a role (default: the person's current role).

    Raises :class:`~competency_core.errors.ScoringError` when no role is given and the person
    has none.
    """
    from competency_core.errors import ScoringError

    who = workforce.person(person)
    target = role if role is not None else who.role
    if target is None:
        raise ScoringError(f"person {person!r} has no current role: name the role to score against")
    return score_role(
        model, target, workforce.evidence_of(person), policy=policy, on=on, person=person
    )


__all__ = ["RequirementScore", "RoleScore", "score_levels", "score_person", "score_role"]
