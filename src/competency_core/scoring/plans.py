"""Development plans (gaps, what to practise, which learning closes them) and candidates.

A plan lists a person's unmet requirements for a role in priority order (essential first,
then weight x gap), with the behavioural indicators of the next level to practise, and
chooses a small set of learning resources that closes the gaps: a greedy weighted set
cover that minimises hours, cost or the number of resources. A resource *closes* a gap
when it develops the competency up to at least the required level. A plan also lists the
refreshers due within its horizon (``renew_within`` days, 180 by default): a
certification, badge or expiring rating that decides a level the role requires and
lapses, so that the level would fall below the requirement
(:mod:`competency_core.scoring.refreshers`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from competency_core.learning import LearningResource
from competency_core.model import CompetencyModel
from competency_core.people import (
    Assessment,
    AssignmentStatus,
    Evidence,
    LearningAssignment,
    Workforce,
)
from competency_core.roles import RoleProfile
from competency_core.scoring.pair import RequirementScore, RoleScore, score_role
from competency_core.scoring.policy import DEFAULT_POLICY, ScoringPolicy
from competency_core.scoring.refreshers import Refresher, refreshers

RENEW_WITHIN = 180
"""The default horizon of a plan's refreshers, in days."""

CostBasis = Literal["hours", "cost", "count"]
"""What the resource choice minimises: total hours, total cost, or the number of resources."""


class PlanItem(BaseModel):
    """One gap to close, with what to practise and the chosen resources that close it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    competency: str
    name: str
    essential: bool
    weight: float
    required: int
    actual: float | None = Field(description="None: not assessed (and excluded by the policy).")
    assessed: bool
    gap: float = Field(
        description="Normalised gap; for an unassessed, excluded requirement, its whole "
        "normalised required level (an upper bound)."
    )
    priority: float = Field(description="weight x gap.")
    next_level: int = Field(description="The level to work towards next.")
    indicators: tuple[str, ...] = Field(
        description="Behavioural indicators to practise (of the next level that has some)."
    )
    indicator_level: int | None = Field(description="The level the indicators belong to.")
    resources: tuple[str, ...] = Field(description="Chosen resources that close this gap.")


class ChosenResource(BaseModel):
    """A learning resource the plan chose, and the gaps it closes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    resource: str
    title: str
    kind: str
    hours: float | None
    cost: float | None
    url: str | None
    closes: tuple[str, ...] = Field(description="Competencies whose gaps it closes (new ones).")


class DevelopmentPlan(BaseModel):
    """A person's development plan towards a role."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person: str | None
    role: str
    on: dt.date
    by: CostBasis
    budget: float | None
    score: RoleScore
    items: tuple[PlanItem, ...] = Field(description="Gaps, highest priority first.")
    resources: tuple[ChosenResource, ...] = Field(description="In the order chosen.")
    uncovered: tuple[str, ...] = Field(
        description="Gaps no chosen resource closes (none exists, or the budget ran out)."
    )
    total_hours: float = Field(description="Sum of the chosen resources' known hours.")
    total_cost: float = Field(description="Sum of the chosen resources' known costs.")
    renew_within: int | None = Field(
        default=None, description="The refreshers' horizon in days (None: none looked for)."
    )
    refreshers: tuple[Refresher, ...] = Field(
        default=(),
        description="Evidence to renew before it lapses, lest a met requirement fall below "
        "the role's level; by due date.",
    )


def _price(resource: LearningResource, by: CostBasis, fallback: float) -> float:
    if by == "count":
        return 1.0
    value = resource.hours if by == "hours" else resource.cost
    return fallback if value is None else value


def choose_resources(
    gaps: Sequence[tuple[str, int, float]],
    resources: Iterable[LearningResource],
    *,
    by: CostBasis = "hours",
    budget: float | None = None,
) -> tuple[list[tuple[LearningResource, tuple[str, ...]]], tuple[str, ...]]:
    """Greedy weighted set cover of ``gaps`` (competency, required level, value).

    Without a budget, the classic greedy for weighted set cover: repeatedly take the
    resource with the most gaps newly closed per unit of price (free resources first;
    ties: more gap value, lower price, then key) until every gap that some resource closes
    is closed. Its total price is at most ``H(d)`` times that of the cheapest set of
    resources closing the same gaps, where ``d`` is the most gaps one resource closes and
    ``H(d) = 1 + 1/2 + ... + 1/d`` (Chvátal, 1979).

    With a ``budget``, the aim is the most gap value within it: repeatedly take the
    resource with the most gap *value* newly closed per unit of price that still fits, until
    none fits that closes another gap. The budget is never exceeded; no bound against the
    best choice within the budget is claimed.

    A resource with unknown hours (cost) is priced like the dearest known one, or 1 when
    none is known. Returns the chosen resources with the gaps each newly closes, and the
    gaps left open, in the given order.
    """
    value = {c: v for c, _, v in gaps}
    level = {c: lv for c, lv, _ in gaps}
    closes: dict[str, tuple[LearningResource, frozenset[str]]] = {}
    for res in resources:
        hit = frozenset(
            d.competency
            for d in res.develops
            if d.competency in level and d.to_level >= level[d.competency]
        )
        if hit:
            closes[res.key] = (res, hit)
    known = [
        v
        for res, _ in closes.values()
        for v in ([res.hours] if by == "hours" else [res.cost] if by == "cost" else [1.0])
        if v is not None
    ]
    fallback = max(known) if known else 1.0
    open_gaps = set(level)
    chosen: list[tuple[LearningResource, tuple[str, ...]]] = []
    spent = 0.0
    candidates = dict(closes)
    while candidates:
        best: tuple[tuple[float, float, float, str], str] | None = None
        for key, (res, hit) in candidates.items():
            fresh = hit & open_gaps
            if not fresh:
                continue
            gain = math.fsum(value[c] for c in fresh)
            # the cover's bound needs gaps per price; a budget's aim needs value per price
            score = gain if budget is not None else float(len(fresh))
            price = _price(res, by, fallback)
            ratio = math.inf if price == 0 else score / price
            rank = (-ratio, -gain, price, key)
            if best is None or rank < best[0]:
                best = (rank, key)
        if best is None:
            break
        res, hit = candidates.pop(best[1])
        price = _price(res, by, fallback)
        if budget is not None and spent + price > budget:
            continue
        spent += price
        new = tuple(c for c, _, _ in gaps if c in hit & open_gaps)
        open_gaps -= hit
        chosen.append((res, new))
    return chosen, tuple(c for c, _, _ in gaps if c in open_gaps)


def _priority_order(items: Sequence[RequirementScore]) -> list[tuple[RequirementScore, float]]:
    scored = [(r, r.gap if r.gap is not None else r.required_normalised) for r in items]
    return sorted(
        scored, key=lambda rg: (not rg[0].essential, -rg[0].weight * rg[1], rg[0].competency)
    )


def _practice(
    model: CompetencyModel, role: RoleProfile, r: RequirementScore, language: str | None
) -> tuple[int, tuple[str, ...], int | None]:
    comp = model.competency(r.competency)
    scale = model.scale(comp.scale)
    if r.actual is None:
        nxt = r.required
    else:
        above = [v for v in scale.values if v > r.actual]
        nxt = above[0] if above else r.required
    for lv in [v for v in scale.values if nxt <= v <= max(nxt, r.required)]:
        found = comp.indicators_at(lv, track=role.track)
        if found:
            return nxt, tuple(model.text(i.text, language) for i in found), lv
    return nxt, (), None


def development_plan(
    model: CompetencyModel,
    role: RoleProfile | str,
    assessments: Iterable[Assessment | Evidence],
    *,
    person: str | None = None,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
    by: CostBasis = "hours",
    budget: float | None = None,
    language: str | None = None,
    renew_within: int | None = RENEW_WITHIN,
) -> DevelopmentPlan:
    """A development plan for one person's assessments (and other evidence) towards ``role``.

    ``renew_within`` is the refreshers' horizon in days (None: no refreshers).

    >>> import datetime as dt
    >>> from competency_core.testing.samples import sample_model, sample_assessments
    >>> p = development_plan(sample_model(), "senior-engineer", sample_assessments(),
    ...                      on=dt.date(2026, 1, 1))
    >>> [(i.competency, i.resources) for i in p.items]
    [('testing', ('testing-course',)), ('mentoring', ('mentoring-101',))]
    >>> p.items[0].next_level, p.items[0].indicators
    (3, ('Writes unit and integration tests for their own changes.',))
    >>> p.uncovered, p.total_hours
    ((), 12.0)
    """
    profile = model.role(role) if isinstance(role, str) else role
    items_in = tuple(assessments)
    score = score_role(model, profile, items_in, policy=policy, on=on, person=person)
    ordered = _priority_order([r for r in score.requirements if not r.met])
    gaps = [(r.competency, r.required, r.weight * g) for r, g in ordered]
    chosen, uncovered = choose_resources(gaps, model.learning_resources, by=by, budget=budget)
    closing: dict[str, list[str]] = {}
    for res, new in chosen:
        for c in new:
            closing.setdefault(c, []).append(res.key)
    items = []
    for r, g in ordered:
        nxt, indicators, at = _practice(model, profile, r, language)
        items.append(
            PlanItem(
                competency=r.competency,
                name=model.text(model.competency(r.competency).name, language),
                essential=r.essential,
                weight=r.weight,
                required=r.required,
                actual=r.actual,
                assessed=r.assessed,
                gap=g,
                priority=r.weight * g,
                next_level=nxt,
                indicators=indicators,
                indicator_level=at,
                resources=tuple(closing.get(r.competency, ())),
            )
        )
    return DevelopmentPlan(
        person=person,
        role=profile.key,
        on=score.on,
        by=by,
        budget=budget,
        score=score,
        items=tuple(items),
        resources=tuple(
            ChosenResource(
                resource=res.key,
                title=model.text(res.title, language),
                kind=res.kind,
                hours=res.hours,
                cost=res.cost,
                url=res.url,
                closes=new,
            )
            for res, new in chosen
        ),
        uncovered=uncovered,
        total_hours=math.fsum(res.hours or 0.0 for res, _ in chosen),
        total_cost=math.fsum(res.cost or 0.0 for res, _ in chosen),
        renew_within=renew_within,
        refreshers=()
        if renew_within is None
        else refreshers(
            model,
            profile,
            items_in,
            on=score.on,
            within=renew_within,
            policy=policy,
            language=language,
        ),
    )


def plan_for_person(
    model: CompetencyModel,
    workforce: Workforce,
    person: str,
    role: RoleProfile | str | None = None,
    *,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
    by: CostBasis = "hours",
    budget: float | None = None,
    language: str | None = None,
    renew_within: int | None = RENEW_WITHIN,
) -> DevelopmentPlan:
    """:func:`development_plan` for a person of a workforce (default role: their current one).

    The person's assessments and other evidence (certifications, courses...) count.
    """
    from competency_core.errors import ScoringError

    who = workforce.person(person)
    target = role if role is not None else who.role
    if target is None:
        raise ScoringError(f"person {person!r} has no current role: name the target role")
    return development_plan(
        model,
        target,
        workforce.evidence_of(person),
        person=person,
        policy=policy,
        on=on,
        by=by,
        budget=budget,
        language=language,
        renew_within=renew_within,
    )


def workforce_plans(
    model: CompetencyModel,
    workforce: Workforce,
    people: Iterable[str] | None = None,
    *,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
    by: CostBasis = "hours",
    budget: float | None = None,
    language: str | None = None,
    renew_within: int | None = RENEW_WITHIN,
) -> list[DevelopmentPlan]:
    """Development plans towards their current roles: for ``people``, or everyone with a role.

    A person named in ``people`` without a current role is an error; without ``people``,
    those with no role (or a role the model lacks) are left out.
    """
    roles = {r.key for r in model.roles}
    if people is None:
        chosen = [p.key for p in workforce.people if p.role is not None and p.role in roles]
    else:
        chosen = list(people)
    return [
        plan_for_person(
            model,
            workforce,
            key,
            policy=policy,
            on=on,
            by=by,
            budget=budget,
            language=language,
            renew_within=renew_within,
        )
        for key in chosen
    ]


def learning_assignments(
    plans: Iterable[DevelopmentPlan],
    *,
    assigned: dt.date | None = None,
    due: dt.date | None = None,
    existing: Iterable[LearningAssignment] = (),
) -> list[LearningAssignment]:
    """The plans' chosen learning as assignments: one per person and chosen resource.

    Each is dated ``assigned`` (default: the plan's date) and ``due``, in the plan's order
    (the order the resources were chosen). A resource the person already has an assignment
    for in ``existing`` (one not cancelled) is not assigned again. An assignment carries no
    reason of its own: why a resource was chosen (the gaps it closes) stays in the plan, as
    :attr:`ChosenResource.closes`. Plans without a person are skipped.

    >>> import datetime as dt
    >>> from competency_core.testing.samples import sample_model, sample_workforce
    >>> plans = workforce_plans(sample_model(), sample_workforce(), on=dt.date(2026, 6, 1))
    >>> [(a.person, a.resource, a.assigned.isoformat()) for a in learning_assignments(plans)]
    [('ada', 'testing-course', '2026-06-01'), ('linus', 'writing-workshop', '2026-06-01')]
    """
    have = {(a.person, a.resource) for a in existing if a.status is not AssignmentStatus.CANCELLED}
    out: list[LearningAssignment] = []
    for plan in plans:
        if plan.person is None:
            continue
        for chosen in plan.resources:
            if (plan.person, chosen.resource) in have:
                continue
            have.add((plan.person, chosen.resource))
            out.append(
                LearningAssignment(
                    person=plan.person,
                    resource=chosen.resource,
                    assigned=assigned or plan.on,
                    due=due,
                )
            )
    return out


def evaluate_candidate(
    model: CompetencyModel,
    role: RoleProfile | str,
    evidence: Iterable[Assessment],
    *,
    candidate: str | None = None,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
) -> RoleScore:
    """Evaluate a recruitment candidate against a role from interview and test evidence.

    The same scoring as :func:`~competency_core.scoring.score_role`: the evidence is a list
    of assessments (typically ``rater_type="interview"`` or ``"test"``, possibly on an
    interview scale mapped to the competency's). Pass ``policy`` with
    ``unassessed="exclude"`` to judge only what the interviews covered (``coverage`` says
    how much); an essential requirement nobody assessed still blocks ``ready``.

    >>> import datetime as dt
    >>> from competency_core.people import Assessment
    >>> from competency_core.testing.samples import sample_model
    >>> seen = [Assessment(person="cand-1", competency=c, level=lv, scale="three",
    ...                    rater_type="interview", date=dt.date(2026, 1, 5))
    ...         for c, lv in [("python", 2), ("testing", 3)]]
    >>> s = evaluate_candidate(sample_model(), "engineer", seen, on=dt.date(2026, 1, 6))
    >>> round(s.readiness, 3), s.ready, round(s.coverage, 3)
    (0.857, True, 0.667)
    """
    return score_role(model, role, evidence, policy=policy, on=on, person=candidate)


__all__ = [
    "RENEW_WITHIN",
    "ChosenResource",
    "CostBasis",
    "DevelopmentPlan",
    "PlanItem",
    "Refresher",
    "choose_resources",
    "development_plan",
    "evaluate_candidate",
    "learning_assignments",
    "plan_for_person",
    "workforce_plans",
]
