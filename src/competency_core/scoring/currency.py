"""Currency: which levels lapse within a horizon, and what that does to readiness.

A rating with an ``expires`` date (a certification, a test) counts up to and including
that day (:meth:`~competency_core.people.Assessment.is_current`) and lapses the day
after; so does any other piece of evidence with a ``valid_until`` (a certification, a
badge; :meth:`~competency_core.people.Evidence.is_current`). Looking ``within`` days ahead
of ``on``, a piece *lapses within the horizon* when ``on <= expires <= on + within`` (so
with a horizon of 0 only what expires on ``on`` itself lapses, tomorrow).

The forecast uses what is known on ``on``: evidence dated after ``on`` is left out
(a file may hold it; the store, read as of ``on``, does not). For each lapse the
competency's level is resolved again, by the same policy, the model's evidence rules and
the same code as every score (:func:`~competency_core.scoring.levels.resolve_levels`), on
the day it lapses, so another piece that is still current (an older rating, another
rater, another path of an ``any-of`` rule) takes over; and each person's readiness for
their current role is scored (:func:`~competency_core.scoring.pair.score_role`) on ``on``
and on the day after the horizon.

:func:`lapses_of` takes one person's assessments and other evidence; each lapsing piece
keeps its ``kind`` (``assessment`` for a rating with an expiry, else the evidence's kind:
``certification``, ``badge``...). A completed course with a validity counts for the
competencies its learning resource develops.

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
from competency_core.people import Assessment, Evidence, Person, RaterType, Workforce
from competency_core.scoring.levels import ResolvedLevel, resolve_levels
from competency_core.scoring.pair import score_role
from competency_core.scoring.policy import DEFAULT_POLICY, ScoringPolicy

ONE_DAY = dt.timedelta(days=1)


class LapsingEvidence(BaseModel):
    """One piece of evidence whose validity ends within the horizon."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str = Field(
        default="assessment",
        description="'assessment' for a rating with an expiry, else the evidence's kind "
        "(certification, badge, course, xapi).",
    )
    rater_type: RaterType | None = Field(
        description="The rater type it ranks as (a certification's is certification; None "
        "for a course)."
    )
    rater: str | None = Field(default=None, description="Who rated, issued or asserted it.")
    name: str | None = Field(default=None, description="A certification's or badge's name.")
    id: str | None = Field(default=None, description="The evidence's id (not for assessments).")
    level: int | None = Field(description="The level it attests, on the scale it was given on.")
    date: dt.date
    expires: dt.date = Field(description="The last day it counts.")

    @property
    def title(self) -> str:
        """What lapses, in words: the certification's name, else the rater (type)."""
        if self.name:
            return self.name
        if self.kind == "assessment" and self.rater_type is RaterType.CERTIFICATION and self.rater:
            return self.rater
        who = str(self.rater_type) if self.rater_type else self.kind
        return f"the {who} {'rating' if self.kind == 'assessment' else self.kind}"


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


def _known(items: Iterable[Assessment | Evidence], on: dt.date) -> list[Assessment | Evidence]:
    return [a for a in items if a.date <= on]


def expiry_of(item: Assessment | Evidence) -> dt.date | None:
    """The last day a piece counts: an assessment's ``expires``, evidence's ``valid_until``."""
    return item.expires if isinstance(item, Assessment) else item.valid_until


def _competencies_of(model: CompetencyModel, item: Assessment | Evidence) -> list[str]:
    if item.competency is not None:
        return [item.competency]
    assert isinstance(item, Evidence)  # a course: the competencies its resource develops
    found = next((r for r in model.learning_resources if r.key == item.resource), None)
    return [] if found is None else [d.competency for d in found.develops]


def lapsing_evidence(item: Assessment | Evidence, expires: dt.date) -> LapsingEvidence:
    """One lapsing piece as the forecast lists it."""
    if isinstance(item, Assessment) or item.source == "assessment":  # a rating's own expiry
        if isinstance(item, Evidence):
            return LapsingEvidence(
                rater_type=item.rater_type,
                rater=item.asserted_by,
                level=item.level,
                date=item.date,
                expires=expires,
            )
        return LapsingEvidence(
            rater_type=item.rater_type,
            rater=item.rater,
            level=item.level,
            date=item.date,
            expires=expires,
        )
    return LapsingEvidence(
        kind=str(item.kind),
        rater_type=item.ranks_as,
        rater=item.asserted_by,
        name=item.name,
        id=item.id,
        level=item.level,
        date=item.date,
        expires=expires,
    )


def _order(e: LapsingEvidence) -> tuple[dt.date, str, str, int]:
    return (e.date, e.kind, e.rater_type.value if e.rater_type else "", e.level or 0)


def _level(levels: dict[str, ResolvedLevel], competency: str) -> float | None:
    got = levels.get(competency)
    return None if got is None else got.level


def lapses_of(
    model: CompetencyModel,
    assessments: Iterable[Assessment | Evidence],
    *,
    on: dt.date,
    within: int,
    policy: ScoringPolicy = DEFAULT_POLICY,
) -> list[Lapse]:
    """One person's lapses within ``within`` days of ``on`` (by expiry, then competency).

    ``assessments`` are one person's assessments and other evidence; what is dated after
    ``on`` is left out. Pieces of one competency that expire on the same day make one lapse.
    """
    if within < 0:
        raise ValueError(f"the horizon must be 0 days or more, not {within}")
    known = _known(assessments, on)
    until = on + dt.timedelta(days=within)
    groups: dict[tuple[dt.date, str], list[Assessment | Evidence]] = defaultdict(list)
    for a in known:
        expires = expiry_of(a)
        if expires is not None and on <= expires <= until:
            for ck in _competencies_of(model, a):
                groups[(expires, ck)].append(a)
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
                evidence=tuple(sorted((lapsing_evidence(a, expires) for a in items), key=_order)),
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
    assessments: Sequence[Assessment | Evidence],
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
    by_person: dict[str, list[Assessment | Evidence]] = defaultdict(list)
    for a in workforce.all_evidence:
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
    "expiry_of",
    "lapses_of",
    "lapsing_evidence",
]
