"""Item analysis: which competencies look too broad, too narrow, hard to measure or irrelevant.

Each assessable competency of a model is looked at from two sides: the pilot ratings it
got and the model itself. Findings become flags; every flag carries the numbers behind
it, the threshold it crossed and a plain-language suggestion. Thresholds are set in
:class:`ItemThresholds`:

==================  ==================================================================  =======
flag                fires when                                                          default
==================  ==================================================================  =======
``ceiling``         share of people whose level is the scale's top level >=             0.30
``floor``           share of people whose level is the scale's bottom level >=          0.30
``low-variance``    standard deviation of people's levels, on the [0, 1] scale, <       0.10
``hard-to-rate``    share of "cannot rate" and blank answers >=                         0.20
``low-agreement``   Krippendorff's alpha (ordinal) <                                    0.667
``no-role``         no role requires the competency
``every-role``      every role requires it (in models with at least 3 roles)
==================  ==================================================================  =======

A person's level is their raters' levels combined by scoring's policy (by default the
weighted blend: manager 2, peers and self 1), rounded to the nearest level of the scale,
so that four raters of one person count as one person, not four votes. On a five-level
scale an even spread puts 20 % of people at each level; 30 % at the top (or bottom) is
half as many again. 0.667 is the alpha below which Krippendorff advises not to rely on a
variable, even tentatively.

The flags on levels wait for ``min_people`` people with a level, "hard to rate" for
``min_answers`` answers, and the agreement flag for ``min_pairable_people`` people rated
twice; short of that, a note says the data are too few to judge, and nothing is flagged.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from competency_core.analytics.flags import (
    CONCERNS,
    MODEL_FLAGS,
    Concern,
    FlagKind,
    ItemFlag,
    ItemThresholds,
    hard_to_rate_flag,
    level_flags,
    low_agreement_flag,
    role_flags,
)
from competency_core.analytics.raters import (
    CompetencyAgreement,
    aggregate_ratings,
    competency_agreement,
)
from competency_core.analytics.ratings import Answer, PilotRating, check_ratings
from competency_core.competencies import Competency
from competency_core.i18n import Translator, translator
from competency_core.model import CompetencyModel
from competency_core.scoring import Aggregation, ScoringPolicy


class ItemStats(BaseModel):
    """The figures of one competency, and its flags."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    competency: str
    name: str
    domain: str
    answers: int = Field(description="Rating slots: rated, cannot rate and blank.")
    rated: int
    cannot_rate: int
    missing: int
    unrated_share: float | None = Field(description="(cannot rate + blank) / answers.")
    distribution: dict[int, int] = Field(description="Level -> rated answers at it.")
    people: int = Field(description="People with a level (raters combined).")
    people_distribution: dict[int, int] = Field(
        description="Level -> people whose combined level rounds to it."
    )
    mean: float | None = Field(description="Mean of people's levels.")
    sd: float | None = Field(description="Standard deviation of people's levels (population).")
    normalised_sd: float | None = Field(description="sd on the [0, 1] scale.")
    top_share: float | None = Field(description="Share of people at the top level.")
    bottom_share: float | None = Field(description="Share of people at the bottom level.")
    agreement: CompetencyAgreement | None = None
    roles_requiring: int
    roles: int = Field(description="Roles in the model.")
    required_levels: tuple[int, ...] = Field(description="Distinct levels roles require.")
    flags: tuple[ItemFlag, ...] = ()
    notes: tuple[str, ...] = Field(default=(), description="Why a check was not made.")

    @property
    def concerns(self) -> tuple[Concern, ...]:
        """The concerns of its flags, most frequent first (then in enum order)."""
        counts = Counter(f.concern for f in self.flags)
        order = list(Concern)
        return tuple(sorted(counts, key=lambda c: (-counts[c], order.index(c))))

    @property
    def rating_flags(self) -> tuple[ItemFlag, ...]:
        """The flags that come from the pilot ratings (not from the model's roles)."""
        return tuple(f for f in self.flags if f.kind not in MODEL_FLAGS)


class ItemAnalysis(BaseModel):
    """Item analysis of a model's competencies, with the thresholds used."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str
    thresholds: ItemThresholds
    items: tuple[ItemStats, ...] = Field(description="In the model's order.")

    @property
    def flags(self) -> tuple[ItemFlag, ...]:
        """Every flag, competency by competency."""
        return tuple(f for item in self.items for f in item.flags)

    @property
    def flagged(self) -> tuple[ItemStats, ...]:
        """Competencies with at least one flag: most flags from ratings first, then most flags."""
        hits = [i for i in self.items if i.flags]
        return tuple(sorted(hits, key=lambda i: (-len(i.rating_flags), -len(i.flags))))

    def item(self, competency: str) -> ItemStats:
        """The figures of one competency."""
        for i in self.items:
            if i.competency == competency:
                return i
        from competency_core.errors import UnknownKeyError

        raise UnknownKeyError("competency", competency)


def _stats(
    model: CompetencyModel,
    c: Competency,
    answers: Sequence[PilotRating],
    person_levels: Sequence[float],
    agreement: CompetencyAgreement | None,
    t: ItemThresholds,
    tr: Translator,
) -> ItemStats:
    language = tr.language
    scale = model.scale(c.scale)
    kinds = Counter(r.answer for r in answers)
    dist = dict.fromkeys(scale.values, 0)
    for r in answers:
        if r.level is not None:
            dist[r.level] += 1
    people = dict.fromkeys(scale.values, 0)
    for n_level in person_levels:  # normalised, rounded to the nearest level of the scale
        nearest = min(scale.values, key=lambda v: (abs(scale.normalise(v) - n_level), v))
        people[nearest] += 1
    n = len(person_levels)
    span = scale.max_value - scale.min_value
    levels = [scale.min_value + x * span for x in person_levels]
    mean = math.fsum(levels) / n if n else None
    sd = math.sqrt(math.fsum((lv - mean) ** 2 for lv in levels) / n) if mean is not None else None
    top = people[scale.max_value] / n if n else None
    bottom = people[scale.min_value] / n if n else None
    unrated = kinds[Answer.CANNOT_RATE] + kinds[Answer.MISSING]
    reqs = [q for q in (r.requirement(c.key) for r in model.roles) if q is not None]
    required = sorted({q.level for q in reqs})
    flags: list[ItemFlag] = []
    notes: list[str] = []
    if n >= t.min_people and mean is not None and sd is not None:
        assert top is not None
        assert bottom is not None
        figures = {
            "people": float(n),
            "mean": mean,
            "sd": sd,
            "normalised_sd": sd / span,
            "top_share": top,
            "bottom_share": bottom,
        }
        flags += level_flags(
            c,
            model.text(scale.level(scale.max_value).label, language),
            model.text(scale.level(scale.min_value).label, language),
            figures,
            t,
            tr,
        )
    elif answers:
        notes.append(
            tr._("only %(n)s people with a level: too few to judge how levels spread", n=n)
        )
    if len(answers) >= t.min_answers:
        if unrated / len(answers) >= t.unrated_share:
            flags.append(hard_to_rate_flag(c, kinds, len(answers), t, tr))
    elif answers:
        notes.append(tr._("only %(n)s answers: too few to judge 'cannot rate'", n=len(answers)))
    if agreement is not None:
        if agreement.alpha is None:
            if agreement.note:
                notes.append(tr._("agreement not measured: %(why)s", why=tr._(agreement.note)))
        elif agreement.pairable_people < t.min_pairable_people:
            notes.append(
                tr._(
                    "only %(n)s people rated by two raters: too few to judge agreement",
                    n=agreement.pairable_people,
                )
            )
        elif agreement.alpha < t.low_alpha:
            if any(f.kind is FlagKind.LOW_VARIANCE for f in flags):
                notes.append(
                    tr._(
                        "alpha is low (%(alpha)s), but people's levels barely differ, which "
                        "lowers alpha whatever the raters do: judge agreement on a more "
                        "varied group",
                        alpha=tr.number(agreement.alpha, 2),
                    )
                )
            else:
                flags.append(low_agreement_flag(c, agreement, t, tr))
    flags += role_flags(model, c, required, len(reqs), t, tr)
    return ItemStats(
        competency=c.key,
        name=model.text(c.name, language),
        domain=c.domain,
        answers=len(answers),
        rated=sum(dist.values()),
        cannot_rate=kinds[Answer.CANNOT_RATE],
        missing=kinds[Answer.MISSING],
        unrated_share=unrated / len(answers) if answers else None,
        distribution=dist,
        people=n,
        people_distribution=people,
        mean=mean,
        sd=sd,
        normalised_sd=sd / span if sd is not None else None,
        top_share=top,
        bottom_share=bottom,
        agreement=agreement,
        roles_requiring=len(reqs),
        roles=len(model.roles),
        required_levels=tuple(required),
        flags=tuple(flags),
        notes=tuple(notes),
    )


PILOT_POLICY = ScoringPolicy(aggregation=Aggregation.BLEND)
"""How a person's raters combine in item analysis: scoring's blend (manager 2, peer and
self 1, evidence 3)."""


def analyse_items(
    model: CompetencyModel,
    ratings: Iterable[PilotRating] = (),
    *,
    thresholds: ItemThresholds | None = None,
    agreement: Sequence[CompetencyAgreement] | None = None,
    policy: ScoringPolicy = PILOT_POLICY,
    language: str | None = None,
) -> ItemAnalysis:
    """Item analysis of every assessable competency (see the module docs for the flags).

    ``policy`` combines each person's raters into their level (scoring's policies).
    ``language`` (default: English) words the flags' messages, suggestions and notes and
    picks the model's names and level labels.
    ``agreement`` may pass figures already computed with
    :func:`~competency_core.analytics.raters.competency_agreement`; by default they are
    computed from ``ratings`` with the thresholds' level of measurement.
    """
    t = thresholds or ItemThresholds()
    tr = translator(language)
    items = list(ratings)
    check_ratings(model, items)
    agree = {
        a.competency: a
        for a in (
            agreement
            if agreement is not None
            else competency_agreement(model, items, level=t.level_of_measurement)
        )
    }
    by_comp: dict[str, list[PilotRating]] = defaultdict(list)
    for r in items:
        by_comp[r.competency].append(r)
    person_levels: dict[str, list[float]] = defaultdict(list)
    for lv in aggregate_ratings(model, items, policy=policy):
        person_levels[lv.competency].append(lv.normalised)
    return ItemAnalysis(
        model=model.key,
        thresholds=t,
        items=tuple(
            _stats(model, c, by_comp[c.key], person_levels[c.key], agree.get(c.key), t, tr)
            for c in model.competencies
            if c.assessable
        ),
    )


__all__ = [
    "CONCERNS",
    "MODEL_FLAGS",
    "PILOT_POLICY",
    "Concern",
    "FlagKind",
    "ItemAnalysis",
    "ItemFlag",
    "ItemStats",
    "ItemThresholds",
    "analyse_items",
]
