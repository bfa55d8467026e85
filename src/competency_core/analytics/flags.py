"""The item-analysis flags: what they mean, when they fire, and how each one is worded.

See :mod:`competency_core.analytics.items` for the analysis that raises them; the flags,
their concerns and :class:`ItemThresholds` live here so that each flag's wording sits next
to its threshold.
"""

from __future__ import annotations

from collections import Counter
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, computed_field

from competency_core.analytics.raters import CompetencyAgreement, LevelOfMeasurement
from competency_core.analytics.ratings import Answer
from competency_core.competencies import Competency
from competency_core.i18n import N_, Translator, translator
from competency_core.model import CompetencyModel


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
    message: str = Field(description="What was found, with its numbers, in a sentence.")
    value: float = Field(description="The figure that crossed the threshold.")
    threshold: float | None = Field(description="The threshold it crossed (None: a fact).")
    numbers: dict[str, float | int] = Field(description="Every figure the flag rests on.")
    suggestion: str = Field(description="What to do about it, in plain language.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def concern(self) -> Concern:
        """What the flag says about the competency (too broad, too narrow, ...): from its kind."""
        return CONCERNS[self.kind]


def level_flags(
    c: Competency,
    label_top: str,
    label_bottom: str,
    s: dict[str, float],
    t: ItemThresholds,
    tr: Translator | None = None,
) -> list[ItemFlag]:
    """The ceiling, floor and low-variance flags, worded in ``tr``'s language (English)."""
    tr = tr or translator()
    pct, num = tr.percent, tr.number
    out: list[ItemFlag] = []
    n = int(s["people"])
    if s["top_share"] >= t.ceiling_share:
        out.append(
            ItemFlag(
                competency=c.key,
                kind=FlagKind.CEILING,
                message=tr._(
                    "%(share)s of %(n)s people are rated at the top level (%(label)s); "
                    "threshold %(threshold)s",
                    share=pct(s["top_share"]),
                    n=n,
                    label=label_top,
                    threshold=pct(t.ceiling_share),
                ),
                value=s["top_share"],
                threshold=t.ceiling_share,
                numbers={"people": n, "top_share": s["top_share"], "mean": s["mean"]},
                suggestion=tr._(
                    "Many people already reach the top level, so it cannot show who is "
                    "ahead. Raise the bar of the upper levels' indicators, or treat the "
                    "competency as a basic expectation rather than a differentiator."
                ),
            )
        )
    if s["bottom_share"] >= t.floor_share:
        out.append(
            ItemFlag(
                competency=c.key,
                kind=FlagKind.FLOOR,
                message=tr._(
                    "%(share)s of %(n)s people are rated at the bottom level (%(label)s); "
                    "threshold %(threshold)s",
                    share=pct(s["bottom_share"]),
                    n=n,
                    label=label_bottom,
                    threshold=pct(t.floor_share),
                ),
                value=s["bottom_share"],
                threshold=t.floor_share,
                numbers={"people": n, "bottom_share": s["bottom_share"], "mean": s["mean"]},
                suggestion=tr._(
                    "Many people sit at the lowest level: the competency may be too "
                    "specialised for this group, or its lower levels ask too much. Check which "
                    "roles really need it and write indicators for the first steps."
                ),
            )
        )
    if s["normalised_sd"] < t.low_sd:
        out.append(
            ItemFlag(
                competency=c.key,
                kind=FlagKind.LOW_VARIANCE,
                message=tr._(
                    "people's levels barely differ: standard deviation %(sd)s levels "
                    "(%(normalised)s of the scale) over %(n)s people; threshold %(threshold)s",
                    sd=num(s["sd"], 2),
                    normalised=num(s["normalised_sd"], 2),
                    n=n,
                    threshold=num(t.low_sd, 2),
                ),
                value=s["normalised_sd"],
                threshold=t.low_sd,
                numbers={"people": n, "sd": s["sd"], "normalised_sd": s["normalised_sd"]},
                suggestion=tr._(
                    "Nearly everyone gets the same level, so the competency does not "
                    "tell people apart. Make the levels' indicators more distinct, or merge it "
                    "into a broader competency."
                ),
            )
        )
    return out


def hard_to_rate_flag(
    c: Competency,
    kinds: Counter[Answer],
    answers: int,
    t: ItemThresholds,
    tr: Translator | None = None,
) -> ItemFlag:
    """The hard-to-rate flag, worded in ``tr``'s language (English)."""
    tr = tr or translator()
    unrated = kinds[Answer.CANNOT_RATE] + kinds[Answer.MISSING]
    share = unrated / answers
    return ItemFlag(
        competency=c.key,
        kind=FlagKind.HARD_TO_RATE,
        message=tr._(
            "%(share)s of %(n)s answers were not a level (%(cannot)s 'cannot rate', "
            "%(blank)s left blank); threshold %(threshold)s",
            share=tr.percent(share),
            n=answers,
            cannot=kinds[Answer.CANNOT_RATE],
            blank=kinds[Answer.MISSING],
            threshold=tr.percent(t.unrated_share),
        ),
        value=share,
        threshold=t.unrated_share,
        numbers={
            "answers": answers,
            "cannot_rate": kinds[Answer.CANNOT_RATE],
            "missing": kinds[Answer.MISSING],
            "unrated_share": share,
        },
        suggestion=tr._(
            "Raters often cannot say where people stand: the competency may be too "
            "broad or its behaviour invisible in daily work. Describe observable behaviours per "
            "level, or split it into competencies raters can see."
        ),
    )


MEASUREMENT_LEVELS = {
    "ordinal": N_("ordinal"),
    "interval": N_("interval"),
    "nominal": N_("nominal"),
    "ratio": N_("ratio"),
}
"""Levels of measurement as a flag names them (translated where used)."""


def low_agreement_flag(
    c: Competency,
    agreement: CompetencyAgreement,
    t: ItemThresholds,
    tr: Translator | None = None,
) -> ItemFlag:
    """The low-agreement flag, worded in ``tr``'s language (English)."""
    tr = tr or translator()
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
        extra = "; " + tr._(
            "rater pairs agree exactly %(exact)s, within one level %(within)s",
            exact=tr.percent(agreement.exact_agreement),
            within=tr.percent(agreement.within_one),
        )
    if agreement.mean_spread is not None:
        nums["mean_spread"] = agreement.mean_spread
    level = str(agreement.level_of_measurement)
    return ItemFlag(
        competency=c.key,
        kind=FlagKind.LOW_AGREEMENT,
        message=tr._(
            "raters disagree: Krippendorff's alpha (%(level)s) %(alpha)s over %(n)s people"
            "%(extra)s; threshold %(threshold)s",
            level=tr._(MEASUREMENT_LEVELS[level]) if level in MEASUREMENT_LEVELS else level,
            alpha=tr.number(agreement.alpha, 2),
            n=agreement.pairable_people,
            extra=extra,
            threshold=tr.number(t.low_alpha, 3),
        ),
        value=agreement.alpha,
        threshold=t.low_alpha,
        numbers=nums,
        suggestion=tr._(
            "Raters of the same person read the competency differently: it is "
            "probably too broad or vaguely worded. Sharpen the definition, add behavioural "
            "anchors per level, or split it into narrower competencies."
        ),
    )


def role_flags(
    model: CompetencyModel,
    c: Competency,
    required: list[int],
    n_roles: int,
    t: ItemThresholds,
    tr: Translator | None = None,
) -> list[ItemFlag]:
    """The no-role and every-role flags, worded in ``tr``'s language (English)."""
    tr = tr or translator()
    out: list[ItemFlag] = []
    if not n_roles and model.roles:
        out.append(
            ItemFlag(
                competency=c.key,
                kind=FlagKind.NO_ROLE,
                message=tr._("no role of the %(n)s requires it", n=len(model.roles)),
                value=0,
                threshold=None,
                numbers={"roles_requiring": 0, "roles": len(model.roles)},
                suggestion=tr._(
                    "Nobody is expected to have it: add it to the roles that need it, "
                    "or remove it from the model."
                ),
            )
        )
    if len(model.roles) >= t.min_roles and n_roles == len(model.roles):
        same = len(required) == 1
        out.append(
            ItemFlag(
                competency=c.key,
                kind=FlagKind.EVERY_ROLE,
                message=(
                    tr._(
                        "all %(n)s roles require it, all at level %(level)s",
                        n=n_roles,
                        level=required[0],
                    )
                    if same
                    else tr._(
                        "all %(n)s roles require it, at levels %(levels)s and %(last)s",
                        n=n_roles,
                        levels=", ".join(map(str, required[:-1])),
                        last=required[-1],
                    )
                ),
                value=1.0,
                threshold=None,
                numbers={
                    "roles_requiring": n_roles,
                    "roles": len(model.roles),
                    "distinct_levels": len(required),
                },
                suggestion=(
                    tr._(
                        "A competency every role needs may be too generic to guide anyone. "
                        "Every role asks for the same level, so it does not tell roles apart: "
                        "consider an organisation-wide value instead."
                    )
                    if same
                    else tr._(
                        "A competency every role needs may be too generic to guide anyone. "
                        "Check that its indicators say what differs from level to level, "
                        "or make it an organisation-wide core competency."
                    )
                ),
            )
        )
    return out


__all__ = [
    "CONCERNS",
    "MODEL_FLAGS",
    "Concern",
    "FlagKind",
    "ItemFlag",
    "ItemThresholds",
]
