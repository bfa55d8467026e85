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


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def level_flags(
    c: Competency, label_top: str, label_bottom: str, s: dict[str, float], t: ItemThresholds
) -> list[ItemFlag]:
    out: list[ItemFlag] = []
    n = int(s["people"])
    if s["top_share"] >= t.ceiling_share:
        out.append(
            ItemFlag(
                competency=c.key,
                kind=FlagKind.CEILING,
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


def hard_to_rate_flag(
    c: Competency, kinds: Counter[Answer], answers: int, t: ItemThresholds
) -> ItemFlag:
    unrated = kinds[Answer.CANNOT_RATE] + kinds[Answer.MISSING]
    share = unrated / answers
    return ItemFlag(
        competency=c.key,
        kind=FlagKind.HARD_TO_RATE,
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


def low_agreement_flag(
    c: Competency, agreement: CompetencyAgreement, t: ItemThresholds
) -> ItemFlag:
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


def role_flags(
    model: CompetencyModel, c: Competency, required: list[int], n_roles: int, t: ItemThresholds
) -> list[ItemFlag]:
    out: list[ItemFlag] = []
    if not n_roles and model.roles:
        out.append(
            ItemFlag(
                competency=c.key,
                kind=FlagKind.NO_ROLE,
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
                message=f"all {n_roles} roles require it"
                + (
                    f", all at level {required[0]}"
                    if same
                    else f", at levels {', '.join(map(str, required[:-1]))} and {required[-1]}"
                ),
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


__all__ = [
    "CONCERNS",
    "MODEL_FLAGS",
    "Concern",
    "FlagKind",
    "ItemFlag",
    "ItemThresholds",
]
