"""Pilot ratings: a rated level, a "cannot rate", or a question left unanswered.

The domain's :class:`~competency_core.people.Assessment` always carries a level. A pilot
needs two more answers: a rater who says they *cannot rate* a competency (they never see
the person use it, or do not understand what it means), and a rating slot left *blank*.
Both are signals about the competency, not about the person, so pilot data is kept in its
own typed record, :class:`PilotRating`, and converted to assessments (the rated levels
only) where scoring needs them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from competency_core.errors import CompetencyError, ModelValidationError, Problem
from competency_core.keys import Key
from competency_core.model import CompetencyModel
from competency_core.people import Assessment, RaterType, Workforce


class AnalyticsError(CompetencyError):
    """A request the analytics cannot answer: a bad size, an unknown stratum, no data."""


class Answer(StrEnum):
    """What a rating slot holds."""

    RATED = "rated"
    CANNOT_RATE = "cannot-rate"
    MISSING = "missing"


class PilotRating(BaseModel):
    """One rater's answer about one person on one competency during a pilot.

    ``level`` is a level value of the competency's scale; it is None when the rater said
    they cannot rate (``cannot_rate``) or left the question blank (a missing answer).

    >>> PilotRating(person="ana", competency="coding", rater_type="self", level=3,
    ...             date="2026-03-01").answer
    <Answer.RATED: 'rated'>
    >>> PilotRating(person="ana", competency="coding", rater_type="peer", cannot_rate=True,
    ...             date="2026-03-01").answer
    <Answer.CANNOT_RATE: 'cannot-rate'>
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    person: Key
    competency: Key
    rater_type: RaterType
    rater: str | None = Field(default=None, description="Who rated (a person key or a name).")
    level: int | None = Field(default=None, description="The rated level; None if not rated.")
    cannot_rate: bool = Field(
        default=False, description="The rater said they cannot rate this competency."
    )
    date: dt.date
    comment: str | None = None

    @model_validator(mode="after")
    def _level_or_cannot(self) -> PilotRating:
        if self.cannot_rate and self.level is not None:
            raise ValueError("a rating is either a level or 'cannot rate', not both")
        return self

    @property
    def answer(self) -> Answer:
        """Whether the slot holds a level, a "cannot rate", or nothing."""
        if self.level is not None:
            return Answer.RATED
        return Answer.CANNOT_RATE if self.cannot_rate else Answer.MISSING

    @classmethod
    def from_assessment(cls, assessment: Assessment) -> PilotRating:
        """A rated pilot answer from an assessment (on the competency's own scale)."""
        return cls(
            person=assessment.person,
            competency=assessment.competency,
            rater_type=assessment.rater_type,
            rater=assessment.rater,
            level=assessment.level,
            date=assessment.date,
            comment=assessment.comment,
        )

    def to_assessment(self, model_version: str | None = None) -> Assessment | None:
        """The assessment this answer makes (None for "cannot rate" and blanks)."""
        if self.level is None:
            return None
        return Assessment(
            person=self.person,
            competency=self.competency,
            level=self.level,
            rater_type=self.rater_type,
            rater=self.rater,
            date=self.date,
            model_version=model_version,
            comment=self.comment,
        )


class PilotData(BaseModel):
    """The ratings gathered in a pilot of one model (the pilot ratings file format)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: Key = Field(description="Key of the model piloted.")
    model_version: str | None = None
    participants: tuple[Key, ...] = Field(
        default=(), description="The people in the pilot group (default: everyone rated)."
    )
    ratings: tuple[PilotRating, ...] = ()
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def people(self) -> tuple[str, ...]:
        """The participants, or everyone with a rating when none are listed."""
        if self.participants:
            return self.participants
        return tuple(dict.fromkeys(r.person for r in self.ratings))

    def assessments(self) -> tuple[Assessment, ...]:
        """The rated answers as assessments."""
        out = (r.to_assessment(self.model_version) for r in self.ratings)
        return tuple(a for a in out if a is not None)


def ratings_from_workforce(
    workforce: Workforce, *, people: Iterable[str] | None = None
) -> tuple[PilotRating, ...]:
    """Every assessment of a workforce (optionally of some people) as a rated pilot answer."""
    keep = set(people) if people is not None else None
    return tuple(
        PilotRating.from_assessment(a)
        for a in workforce.assessments
        if keep is None or a.person in keep
    )


def rating_problems(model: CompetencyModel, ratings: Iterable[PilotRating]) -> list[Problem]:
    """Problems in ratings' references: unknown competencies and levels off their scale."""
    out: list[Problem] = []
    for i, r in enumerate(ratings):
        where = f"ratings[{i}]"
        if not model.has_competency(r.competency):
            out.append(
                Problem(
                    path=f"{where}.competency",
                    message=f"unknown competency {r.competency!r} in model {model.key!r}",
                )
            )
            continue
        scale = model.scale_of(r.competency)
        if r.level is not None and not scale.has_level(r.level):
            out.append(
                Problem(
                    path=f"{where}.level",
                    message=f"{r.level} is not a level of scale {scale.key!r} "
                    f"(levels: {list(scale.values)})",
                )
            )
    return out


def check_ratings(model: CompetencyModel, ratings: Iterable[PilotRating]) -> None:
    """Raise :class:`ModelValidationError` listing every bad reference in ``ratings``."""
    problems = rating_problems(model, ratings)
    if problems:
        raise ModelValidationError(problems, "the pilot ratings do not fit the model")


def load_pilot_data(
    path: str | os.PathLike[str], model: CompetencyModel | None = None
) -> PilotData:
    """Load a pilot ratings file (YAML or JSON); every problem is reported at once, located."""
    from competency_core.io import detect_format, parse_text, pydantic_problems, read_text

    doc = parse_text(read_text(path), detect_format(path), str(path))
    problems = list(doc.problems)
    data: PilotData | None = None
    if doc.data is not None:
        if not isinstance(doc.data, Mapping):
            problems.append(
                Problem(path="", message="a pilot ratings file must hold a mapping", file=doc.file)
            )
        else:
            try:
                data = PilotData.model_validate(doc.data)
            except ValidationError as exc:
                problems += pydantic_problems(exc, doc.data, doc.file)
    if data is not None and model is not None:
        if data.model != model.key:
            problems.append(
                Problem(
                    path="model",
                    message=f"the ratings are for model {data.model!r}, not {model.key!r}",
                )
            )
        problems += rating_problems(model, data.ratings)
    problems = [p.located(doc.file, doc.line_of(p.path)) for p in problems]
    if data is None or any(p.severity == "error" for p in problems):
        raise ModelValidationError(problems, f"{path}: the pilot ratings file is invalid")
    return data


def save_pilot_data(data: PilotData, path: str | os.PathLike[str]) -> None:
    """Write a pilot ratings file (YAML, or JSON for ``*.json``)."""
    from competency_core.io import detect_format, dumps, write_atomic

    write_atomic(path, dumps(data, detect_format(path)))


__all__ = [
    "AnalyticsError",
    "Answer",
    "PilotData",
    "PilotRating",
    "check_ratings",
    "load_pilot_data",
    "rating_problems",
    "ratings_from_workforce",
    "save_pilot_data",
]
