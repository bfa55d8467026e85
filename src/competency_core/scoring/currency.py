"""Currency: which levels lapse within a horizon, and what that does to readiness.

A rating with an ``expires`` date (a certification, a test) counts up to and including
that day (:meth:`~competency_core.people.Assessment.is_current`) and lapses the day
after. Looking ``within`` days ahead of ``on``, an assessment *lapses within the horizon*
when ``on <= expires <= on + within`` (so with a horizon of 0 only what expires on ``on``
itself lapses, tomorrow).

The forecast uses what is known on ``on``: assessments made after ``on`` are left out
(a file may hold them; the store, read as of ``on``, does not). For each lapse the
competency's level is resolved again, by the same policy and the same code as every
score (:func:`~competency_core.scoring.levels.resolve_levels`), on the day it lapses, so
another rating that is still current (older, or from another rater) takes over; and each
person's readiness for their current role is scored
(:func:`~competency_core.scoring.pair.score_role`) on ``on`` and on the day after the
horizon.

The forecast works over assessments: :func:`lapses_of` takes any dated, expiring
assessments of one person, so a later evidence model (certifications with validity,
badges) feeds it by turning its evidence into such assessments; each lapsing item keeps
its ``kind``.

>>> import datetime as dt
>>> from competency_core.testing.samples import sample_model, sample_assessments
>>> [x.competency for x in lapses_of(sample_model(), sample_assessments(),
...     on=dt.date(2026, 1, 1), within=90)]
[]
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from competency_core.model import CompetencyModel
from competency_core.people import Assessment, Person, RaterType, Workforce
from competency_core.scoring.levels import ResolvedLevel, resolve_levels
from competency_core.scoring.pair import score_role
from competency_core.scoring.policy import DEFAULT_POLICY, ScoringPolicy

ONE_DAY = dt.timedelta(days=1)


class LapsingEvidence(BaseModel):
    """One piece of evidence whose validity ends within the horizon."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str = Field(default="assessment", description="The kind of evidence (today: assessment).")
    rater_type: RaterType
    rater: str | None = None
    level: int = Field(description="The rated level, on the scale it was given on.")
    date: dt.date
    expires: dt.date = Field(description="The last day it counts.")


class Lapse(BaseModel):
    """One person's competency whose evidence lapses within the horizon."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person: str
    competency: str
    expires: dt.date = Field(description="The last day the lapsing evidence counts.")
    lapses_on: dt.date = Field(description="The day after: the first day without it.")
    evidence: tuple[LapsingEvidence, ...]
    level_today: float | None = Field(description="The level on the forecast's date.")
    level_before: float | None = Field(description="The level on the last day it counts.")
    level_after: float | None = Field(
        description="The level on the day it lapses, re-resolved by the policy (None: none)."
    )
    lowers: bool = Field(description="Whether the level drops (or is lost) when it lapses.")


class PersonCurrency(BaseModel):
    """A person with lapses within the horizon, and their readiness for their own role."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person: str
    name: str
    team: str | None
    role: str | None
    lapses: tuple[Lapse, ...] = Field(description="By date, then competency.")
    readiness_today: float | None = Field(description="None when the person has no role.")
    readiness_after: float | None = Field(description="On the day after the horizon.")
    ready_today: bool | None
    ready_after: bool | None
    loses_readiness: bool = Field(description="Ready today, not ready after the horizon.")


class CompetencyCount(BaseModel):
    """How many lapses one competency has."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    competency: str
    lapses: int


class CurrencyGroup(BaseModel):
    """The lapses of one team or one role."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str | None = Field(description="The team or role (None: people without one).")
    people: int = Field(description="People with at least one lapse.")
    lapses: int
    lose_readiness: int = Field(description="People ready today and not after the horizon.")
    competencies: tuple[CompetencyCount, ...] = Field(description="Most lapses first.")


class CurrencyForecast(BaseModel):
    """Whose levels lapse between ``on`` and ``until``, per person, team and role."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    on: dt.date
    within: int = Field(description="The horizon in days.")
    until: dt.date = Field(description="on + within: the last expiry day looked at.")
    policy: ScoringPolicy
    considered: int = Field(description="People looked at (after the team and role filters).")
    people: tuple[PersonCurrency, ...] = Field(description="Those with lapses, by key.")
    competencies: tuple[CompetencyCount, ...] = Field(description="Most lapses first.")
    by_team: tuple[CurrencyGroup, ...]
    by_role: tuple[CurrencyGroup, ...]

    @property
    def lapses(self) -> tuple[Lapse, ...]:
        """Every lapse, person by person."""
        return tuple(x for p in self.people for x in p.lapses)

    @property
    def losing_readiness(self) -> tuple[str, ...]:
        """The people ready today who are not after the horizon."""
        return tuple(p.person for p in self.people if p.loses_readiness)


def _known(assessments: Iterable[Assessment], on: dt.date) -> list[Assessment]:
    return [a for a in assessments if a.date <= on]


def _level(levels: dict[str, ResolvedLevel], competency: str) -> float | None:
    got = levels.get(competency)
    return None if got is None else got.level


def lapses_of(
    model: CompetencyModel,
    assessments: Iterable[Assessment],
    *,
    on: dt.date,
    within: int,
    policy: ScoringPolicy = DEFAULT_POLICY,
) -> list[Lapse]:
    """One person's lapses within ``within`` days of ``on`` (by expiry, then competency).

    ``assessments`` are one person's; those made after ``on`` are left out. Assessments of
    one competency that expire on the same day make one lapse.
    """
    if within < 0:
        raise ValueError(f"the horizon must be 0 days or more, not {within}")
    known = _known(assessments, on)
    until = on + dt.timedelta(days=within)
    groups: dict[tuple[dt.date, str], list[Assessment]] = defaultdict(list)
    for a in known:
        if a.expires is not None and on <= a.expires <= until:
            groups[(a.expires, a.competency)].append(a)
    if not groups:
        return []
    resolved: dict[dt.date, dict[str, ResolvedLevel]] = {}

    def levels_on(day: dt.date) -> dict[str, ResolvedLevel]:
        if day not in resolved:
            resolved[day] = resolve_levels(model, known, policy=policy, on=day)
        return resolved[day]

    out = []
    for (expires, ck), items in sorted(groups.items()):
        before = _level(levels_on(expires), ck)
        after = _level(levels_on(expires + ONE_DAY), ck)
        out.append(
            Lapse(
                person=items[0].person,
                competency=ck,
                expires=expires,
                lapses_on=expires + ONE_DAY,
                evidence=tuple(
                    LapsingEvidence(
                        rater_type=a.rater_type,
                        rater=a.rater,
                        level=a.level,
                        date=a.date,
                        expires=expires,
                    )
                    for a in sorted(items, key=lambda a: (a.date, a.rater_type.value, a.level))
                ),
                level_today=_level(levels_on(on), ck),
                level_before=before,
                level_after=after,
                lowers=before is not None and (after is None or after < before),
            )
        )
    return out


def _counts(lapses: Iterable[Lapse]) -> tuple[CompetencyCount, ...]:
    c = Counter(x.competency for x in lapses)
    return tuple(
        CompetencyCount(competency=k, lapses=n)
        for k, n in sorted(c.items(), key=lambda i: (-i[1], i[0]))
    )


def _groups(
    people: Sequence[PersonCurrency], key: Callable[[PersonCurrency], str | None]
) -> tuple[CurrencyGroup, ...]:
    grouped: dict[str | None, list[PersonCurrency]] = defaultdict(list)
    for p in people:
        grouped[key(p)].append(p)
    out = [
        CurrencyGroup(
            key=k,
            people=len(ps),
            lapses=sum(len(p.lapses) for p in ps),
            lose_readiness=sum(p.loses_readiness for p in ps),
            competencies=_counts(x for p in ps for x in p.lapses),
        )
        for k, ps in grouped.items()
    ]
    return tuple(
        sorted(out, key=lambda g: (-g.lose_readiness, -g.lapses, g.key is None, g.key or ""))
    )


def _person_currency(
    model: CompetencyModel,
    person: Person,
    assessments: Sequence[Assessment],
    lapses: list[Lapse],
    *,
    on: dt.date,
    after: dt.date,
    policy: ScoringPolicy,
) -> PersonCurrency:
    today = later = None
    if person.role is not None:
        known = _known(assessments, on)
        today = score_role(model, person.role, known, policy=policy, on=on, person=person.key)
        later = score_role(model, person.role, known, policy=policy, on=after, person=person.key)
    return PersonCurrency(
        person=person.key,
        name=person.name,
        team=person.team,
        role=person.role,
        lapses=tuple(lapses),
        readiness_today=today.readiness if today else None,
        readiness_after=later.readiness if later else None,
        ready_today=today.ready if today else None,
        ready_after=later.ready if later else None,
        loses_readiness=bool(today and later and today.ready and not later.ready),
    )


def expiring(
    model: CompetencyModel,
    workforce: Workforce,
    *,
    on: dt.date,
    within: int,
    policy: ScoringPolicy = DEFAULT_POLICY,
    team: str | None = None,
    role: str | None = None,
) -> CurrencyForecast:
    """Whose levels lapse within ``within`` days of ``on``, and who loses readiness by then.

    ``team`` and ``role`` keep to the people of that team or current role. Readiness is
    for each person's current role, on ``on`` and on the day after the horizon.
    """
    if within < 0:
        raise ValueError(f"the horizon must be 0 days or more, not {within}")
    if role is not None:
        model.role(role)  # an unknown role is an error, not an empty forecast
    by_person: dict[str, list[Assessment]] = defaultdict(list)
    for a in workforce.assessments:
        by_person[a.person].append(a)
    until = on + dt.timedelta(days=within)
    considered = 0
    people = []
    for person in sorted(workforce.people, key=lambda p: p.key):
        if (team is not None and person.team != team) or (role is not None and person.role != role):
            continue
        considered += 1
        mine = by_person.get(person.key, [])
        lapses = lapses_of(model, mine, on=on, within=within, policy=policy)
        if lapses:
            people.append(
                _person_currency(
                    model, person, mine, lapses, on=on, after=until + ONE_DAY, policy=policy
                )
            )
    return CurrencyForecast(
        on=on,
        within=within,
        until=until,
        policy=policy,
        considered=considered,
        people=tuple(people),
        competencies=_counts(x for p in people for x in p.lapses),
        by_team=_groups(people, lambda p: p.team),
        by_role=_groups(people, lambda p: p.role),
    )


__all__ = [
    "CompetencyCount",
    "CurrencyForecast",
    "CurrencyGroup",
    "Lapse",
    "LapsingEvidence",
    "PersonCurrency",
    "expiring",
    "lapses_of",
]
