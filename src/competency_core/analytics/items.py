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
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from competency_core.analytics.raters import (
    CompetencyAgreement,
    LevelOfMeasurement,
    aggregate_ratings,
    competency_agreement,
)
from competency_core.analytics.ratings import Answer, PilotRating, check_ratings
from competency_core.competencies import Competency
from competency_core.model import CompetencyModel
from competency_core.scoring import Aggregation, ScoringPolicy


class Concern(StrEnum):
    """What a flag suggests is wrong with a competency."""

    TOO_BROAD = "too-broad"
    TOO_NARROW = "too-narrow"
    HARD_TO_MEASURE = "hard-to-measure"
    IRRELEVANT = "irrelevant"
    NOT_DIFFERENTIATING = "not-differentiating"


class FlagKind(StrEnum):
    """The item-analysis flags."""

    CEILING = "ceiling"
    FLOOR = "floor"
    LOW_VARIANCE = "low-variance"
    HARD_TO_RATE = "hard-to-rate"
    LOW_AGREEMENT = "low-agreement"
    NO_ROLE = "no-role"
    EVERY_ROLE = "every-role"


CONCERNS: dict[FlagKind, Concern] = {
    FlagKind.CEILING: Concern.NOT_DIFFERENTIATING,
    FlagKind.FLOOR: Concern.TOO_NARROW,
    FlagKind.LOW_VARIANCE: Concern.NOT_DIFFERENTIATING,
    FlagKind.HARD_TO_RATE: Concern.HARD_TO_MEASURE,
    FlagKind.LOW_AGREEMENT: Concern.TOO_BROAD,
    FlagKind.NO_ROLE: Concern.IRRELEVANT,
    FlagKind.EVERY_ROLE: Concern.TOO_BROAD,
}
"""The concern each flag points to."""

MODEL_FLAGS = frozenset({FlagKind.NO_ROLE, FlagKind.EVERY_ROLE})
"""Flags that come from the model's roles rather than from ratings."""


class ItemThresholds(BaseModel):
    """When the item-analysis flags fire (see the module docs for the defaults' sources)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ceiling_share: float = Field(
        default=0.30, gt=0, le=1, description="Share of people at the top level."
    )
    floor_share: float = Field(
        default=0.30, gt=0, le=1, description="Share of people at the bottom level."
    )
    low_sd: float = Field(
        default=0.10,
        ge=0,
        le=1,
        description="Standard deviation of people's levels on the [0, 1] scale.",
    )
    unrated_share: float = Field(
        default=0.20, gt=0, le=1, description="Share of 'cannot rate' and blank answers."
    )
    low_alpha: float = Field(default=0.667, ge=-1, le=1)
    min_people: int = Field(
        default=5, ge=2, description="People with a level needed to judge how levels spread."
    )
    min_answers: int = Field(
        default=8, ge=1, description="Answers (rated or not) needed to judge 'hard to rate'."
    )
    min_pairable_people: int = Field(
        default=5, ge=2, description="People rated by two raters needed to judge agreement."
    )
    min_roles: int = Field(
        default=3, ge=2, description="Roles a model needs before 'every role' means anything."
    )
    level_of_measurement: LevelOfMeasurement = "ordinal"


class ItemFlag(BaseModel):
    """One finding about one competency, with the numbers behind it and what to do."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    competency: str
    kind: FlagKind
    concern: Concern
    message: str = Field(description="What was found, with its numbers, in a sentence.")
    value: float = Field(description="The figure that crossed the threshold.")
    threshold: float | None = Field(description="The threshold it crossed (None: a fact).")
    numbers: dict[str, float | int] = Field(description="Every figure the flag rests on.")
    suggestion: str = Field(description="What to do about it, in plain language.")


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


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _level_flags(
    c: Competency, label_top: str, label_bottom: str, s: dict[str, float], t: ItemThresholds
) -> list[ItemFlag]:
    out: list[ItemFlag] = []
    n = int(s["people"])
    if s["top_share"] >= t.ceiling_share:
        out.append(
            ItemFlag(
                competency=c.key,
                kind=FlagKind.CEILING,
                concern=CONCERNS[FlagKind.CEILING],
                message=f"{_pct(s['top_share'])} of {n} people are rated at the top level "
                f"({label_top}); threshold {_pct(t.ceiling_share)}",
                value=s["top_share"],
                threshold=t.ceiling_share,
                numbers={"people": n, "top_share": s["top_share"], "mean": s["mean"]},
                suggestion="Many people already reach the top level, so it cannot show who is "
                "ahead. Raise the bar of the upper levels' indicators, or treat the "
                "competency as a basic expectation rather than a differentiator.",
            )
        )
    if s["bottom_share"] >= t.floor_share:
        out.append(
            ItemFlag(
                competency=c.key,
                kind=FlagKind.FLOOR,
                concern=CONCERNS[FlagKind.FLOOR],
                message=f"{_pct(s['bottom_share'])} of {n} people are rated at the bottom "
                f"level ({label_bottom}); threshold {_pct(t.floor_share)}",
                value=s["bottom_share"],
                threshold=t.floor_share,
                numbers={"people": n, "bottom_share": s["bottom_share"], "mean": s["mean"]},
                suggestion="Many people sit at the lowest level: the competency may be too "
                "specialised for this group, or its lower levels ask too much. Check which "
                "roles really need it and write indicators for the first steps.",
            )
        )
    if s["normalised_sd"] < t.low_sd:
        out.append(
            ItemFlag(
                competency=c.key,
                kind=FlagKind.LOW_VARIANCE,
                concern=CONCERNS[FlagKind.LOW_VARIANCE],
                message=f"people's levels barely differ: standard deviation {s['sd']:.2f} "
                f"levels ({s['normalised_sd']:.2f} of the scale) over {n} people; "
                f"threshold {t.low_sd:.2f}",
                value=s["normalised_sd"],
                threshold=t.low_sd,
                numbers={"people": n, "sd": s["sd"], "normalised_sd": s["normalised_sd"]},
                suggestion="Nearly everyone gets the same level, so the competency does not "
                "tell people apart. Make the levels' indicators more distinct, or merge it "
                "into a broader competency.",
            )
        )
    return out


def _hard_to_rate(
    c: Competency, kinds: Counter[Answer], answers: int, t: ItemThresholds
) -> ItemFlag:
    unrated = kinds[Answer.CANNOT_RATE] + kinds[Answer.MISSING]
    share = unrated / answers
    return ItemFlag(
        competency=c.key,
        kind=FlagKind.HARD_TO_RATE,
        concern=CONCERNS[FlagKind.HARD_TO_RATE],
        message=f"{_pct(share)} of {answers} answers were not a level "
        f"({kinds[Answer.CANNOT_RATE]} 'cannot rate', {kinds[Answer.MISSING]} left blank); "
        f"threshold {_pct(t.unrated_share)}",
        value=share,
        threshold=t.unrated_share,
        numbers={
            "answers": answers,
            "cannot_rate": kinds[Answer.CANNOT_RATE],
            "missing": kinds[Answer.MISSING],
            "unrated_share": share,
        },
        suggestion="Raters often cannot say where people stand: the competency may be too "
        "broad or its behaviour invisible in daily work. Describe observable behaviours per "
        "level, or split it into competencies raters can see.",
    )


def _low_agreement(c: Competency, agreement: CompetencyAgreement, t: ItemThresholds) -> ItemFlag:
    assert agreement.alpha is not None
    nums: dict[str, float | int] = {
        "alpha": agreement.alpha,
        "pairable_people": agreement.pairable_people,
        "pairable_ratings": agreement.pairable_ratings,
    }
    extra = ""
    if agreement.exact_agreement is not None and agreement.within_one is not None:
        nums["exact_agreement"] = agreement.exact_agreement
        nums["within_one"] = agreement.within_one
        extra = (
            f"; rater pairs agree exactly {_pct(agreement.exact_agreement)}, "
            f"within one level {_pct(agreement.within_one)}"
        )
    if agreement.mean_spread is not None:
        nums["mean_spread"] = agreement.mean_spread
    return ItemFlag(
        competency=c.key,
        kind=FlagKind.LOW_AGREEMENT,
        concern=CONCERNS[FlagKind.LOW_AGREEMENT],
        message=f"raters disagree: Krippendorff's alpha ({agreement.level_of_measurement}) "
        f"{agreement.alpha:.2f} over {agreement.pairable_people} people{extra}; "
        f"threshold {t.low_alpha:.3f}",
        value=agreement.alpha,
        threshold=t.low_alpha,
        numbers=nums,
        suggestion="Raters of the same person read the competency differently: it is "
        "probably too broad or vaguely worded. Sharpen the definition, add behavioural "
        "anchors per level, or split it into narrower competencies.",
    )


def _role_flags(
    model: CompetencyModel, c: Competency, required: list[int], n_roles: int, t: ItemThresholds
) -> list[ItemFlag]:
    out: list[ItemFlag] = []
    if not n_roles and model.roles:
        out.append(
            ItemFlag(
                competency=c.key,
                kind=FlagKind.NO_ROLE,
                concern=CONCERNS[FlagKind.NO_ROLE],
                message=f"no role of the {len(model.roles)} requires it",
                value=0,
                threshold=None,
                numbers={"roles_requiring": 0, "roles": len(model.roles)},
                suggestion="Nobody is expected to have it: add it to the roles that need it, "
                "or remove it from the model.",
            )
        )
    if len(model.roles) >= t.min_roles and n_roles == len(model.roles):
        same = len(required) == 1
        out.append(
            ItemFlag(
                competency=c.key,
                kind=FlagKind.EVERY_ROLE,
                concern=CONCERNS[FlagKind.EVERY_ROLE],
                message=f"all {n_roles} roles require it"
                + (f", all at level {required[0]}" if same else f", at levels {required}"),
                value=1.0,
                threshold=None,
                numbers={
                    "roles_requiring": n_roles,
                    "roles": len(model.roles),
                    "distinct_levels": len(required),
                },
                suggestion="A competency every role needs may be too generic to guide anyone. "
                + (
                    "Every role asks for the same level, so it does not tell roles apart: "
                    "consider an organisation-wide value instead."
                    if same
                    else "Check that its indicators say what differs from level to level, "
                    "or make it an organisation-wide core competency."
                ),
            )
        )
    return out


def _stats(
    model: CompetencyModel,
    c: Competency,
    answers: Sequence[PilotRating],
    person_levels: Sequence[float],
    agreement: CompetencyAgreement | None,
    t: ItemThresholds,
) -> ItemStats:
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
        label = model.text
        flags += _level_flags(
            c,
            label(scale.level(scale.max_value).label),
            label(scale.level(scale.min_value).label),
            figures,
            t,
        )
    elif answers:
        notes.append(f"only {n} people with a level: too few to judge how levels spread")
    if len(answers) >= t.min_answers:
        if unrated / len(answers) >= t.unrated_share:
            flags.append(_hard_to_rate(c, kinds, len(answers), t))
    elif answers:
        notes.append(f"only {len(answers)} answers: too few to judge 'cannot rate'")
    if agreement is not None:
        if agreement.alpha is None:
            if agreement.note:
                notes.append(f"agreement not measured: {agreement.note}")
        elif agreement.pairable_people < t.min_pairable_people:
            notes.append(
                f"only {agreement.pairable_people} people rated by two raters: too few to "
                "judge agreement"
            )
        elif agreement.alpha < t.low_alpha:
            if any(f.kind is FlagKind.LOW_VARIANCE for f in flags):
                notes.append(
                    f"alpha is low ({agreement.alpha:.2f}), but people's levels barely differ, "
                    "which lowers alpha whatever the raters do: judge agreement on a more "
                    "varied group"
                )
            else:
                flags.append(_low_agreement(c, agreement, t))
    flags += _role_flags(model, c, required, len(reqs), t)
    return ItemStats(
        competency=c.key,
        name=model.text(c.name),
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
) -> ItemAnalysis:
    """Item analysis of every assessable competency (see the module docs for the flags).

    ``policy`` combines each person's raters into their level (scoring's policies).
    ``agreement`` may pass figures already computed with
    :func:`~competency_core.analytics.raters.competency_agreement`; by default they are
    computed from ``ratings`` with the thresholds' level of measurement.
    """
    t = thresholds or ItemThresholds()
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
            _stats(model, c, by_comp[c.key], person_levels[c.key], agree.get(c.key), t)
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
