"""Organisation readiness (the "upskilling metric"): how well people meet their own roles.

Every person with a current role is scored against it. For each competency, the figures
count the people whose role requires it: how many were assessed, how many meet the
required level, and the mean normalised gap. Domains, departments and teams pool the
(person, requirement) pairs of their competencies or people. People without a role are
listed, not scored; people without a department (team) are left out of that breakdown.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from competency_core.model import CompetencyModel
from competency_core.people import Assessment, Evidence, Workforce
from competency_core.scoring.levels import resolve_levels
from competency_core.scoring.pair import RequirementScore, score_levels
from competency_core.scoring.policy import DEFAULT_POLICY, ScoringPolicy


class ReadinessStat(BaseModel):
    """Readiness figures of one group of (person, requirement) pairs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(description="The competency key, domain, department or team.")
    label: str
    people: int = Field(description="Distinct people counted.")
    requirements: int = Field(description="(person, requirement) pairs.")
    assessed: int = Field(description="Pairs with a current assessment.")
    met: int = Field(description="Pairs where the required level is met.")
    share_met: float = Field(description="met / pairs that count under the policy (1 if none).")
    mean_gap: float = Field(description="Mean normalised gap of the pairs that count (0 if none).")
    coverage: float = Field(description="assessed / requirements (1 if none).")


class OrganisationReadiness(BaseModel):
    """Readiness of a workforce against its own roles, broken down several ways."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    on: dt.date
    policy: ScoringPolicy
    people: int = Field(description="People scored (those with a current role).")
    without_role: tuple[str, ...] = Field(description="People not scored: no current role.")
    overall: ReadinessStat
    by_competency: tuple[ReadinessStat, ...] = Field(description="In the model's order.")
    by_domain: tuple[ReadinessStat, ...]
    by_department: tuple[ReadinessStat, ...]
    by_team: tuple[ReadinessStat, ...]
    by_department_competency: dict[str, tuple[ReadinessStat, ...]] = Field(
        description="Department -> its per-competency figures."
    )


@dataclass
class _Tally:
    people: set[str] = field(default_factory=set)
    requirements: int = 0
    assessed: int = 0
    counted: int = 0
    met: int = 0
    gaps: list[float] = field(default_factory=list)

    def add(self, person: str, r: RequirementScore) -> None:
        self.people.add(person)
        self.requirements += 1
        self.assessed += r.assessed
        if r.counted:
            self.counted += 1
            self.met += r.met
            self.gaps.append(r.gap or 0.0)

    def stat(self, key: str, label: str) -> ReadinessStat:
        return ReadinessStat(
            key=key,
            label=label,
            people=len(self.people),
            requirements=self.requirements,
            assessed=self.assessed,
            met=self.met,
            share_met=self.met / self.counted if self.counted else 1.0,
            mean_gap=math.fsum(self.gaps) / len(self.gaps) if self.gaps else 0.0,
            coverage=self.assessed / self.requirements if self.requirements else 1.0,
        )


def _stats(
    tallies: dict[str, _Tally], keys: Iterable[str], labels: dict[str, str] | None = None
) -> tuple[ReadinessStat, ...]:
    names = labels or {}
    return tuple(tallies[k].stat(k, names.get(k, k)) for k in keys if k in tallies)


def organisation_readiness(
    model: CompetencyModel,
    workforce: Workforce,
    *,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
    language: str | None = None,
) -> OrganisationReadiness:
    """Score everyone against their current role and aggregate (see the module docs).

    >>> import datetime as dt
    >>> from competency_core.testing.samples import sample_model, sample_workforce
    >>> r = organisation_readiness(sample_model(), sample_workforce(), on=dt.date(2026, 1, 1))
    >>> [(s.key, s.people, s.met, round(s.share_met, 2)) for s in r.by_competency]
    [('python', 3, 3, 1.0), ('testing', 3, 2, 0.67), ('communication', 3, 2, 0.67), ('mentoring', 1, 1, 1.0)]
    """
    day = on or dt.date.today()
    overall = _Tally()
    comp: dict[str, _Tally] = defaultdict(_Tally)
    domain: dict[str, _Tally] = defaultdict(_Tally)
    dept: dict[str, _Tally] = defaultdict(_Tally)
    team: dict[str, _Tally] = defaultdict(_Tally)
    dept_comp: dict[str, dict[str, _Tally]] = defaultdict(lambda: defaultdict(_Tally))
    by_person: dict[str, list[Assessment | Evidence]] = defaultdict(list)
    for a in workforce.all_evidence:
        by_person[a.person].append(a)
    without_role: list[str] = []
    scored = 0
    for person in workforce.people:
        if person.role is None:
            without_role.append(person.key)
            continue
        scored += 1
        levels = resolve_levels(model, by_person[person.key], policy=policy, on=day)
        score = score_levels(model, person.role, levels, policy=policy, on=day, person=person.key)
        for r in score.requirements:
            overall.add(person.key, r)
            comp[r.competency].add(person.key, r)
            domain[model.competency(r.competency).domain].add(person.key, r)
            if person.department is not None:
                dept[person.department].add(person.key, r)
                dept_comp[person.department][r.competency].add(person.key, r)
            if person.team is not None:
                team[person.team].add(person.key, r)
    order = [c.key for c in model.competencies]
    names = {c.key: model.text(c.name, language) for c in model.competencies}
    return OrganisationReadiness(
        on=day,
        policy=policy,
        people=scored,
        without_role=tuple(without_role),
        overall=overall.stat("overall", "Overall"),
        by_competency=_stats(comp, order, names),
        by_domain=_stats(domain, sorted(domain)),
        by_department=_stats(dept, sorted(dept)),
        by_team=_stats(team, sorted(team)),
        by_department_competency={d: _stats(dept_comp[d], order, names) for d in sorted(dept_comp)},
    )


__all__ = ["OrganisationReadiness", "ReadinessStat", "organisation_readiness"]
