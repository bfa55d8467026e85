"""Learning resources that develop competencies."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from competency_core.keys import Key
from competency_core.text import LocalizedText


class Development(BaseModel):
    """What a resource develops: a competency, up to a level."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    competency: Key
    to_level: int = Field(description="The level the resource brings a learner up to.")


class LearningResource(BaseModel):
    """A course, programme, book, mentoring scheme... that develops competencies."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    key: Key
    title: LocalizedText
    kind: str = Field(default="course", description="course, workshop, book, mentoring, ...")
    develops: tuple[Development, ...] = Field(min_length=1)
    hours: float | None = Field(default=None, ge=0)
    cost: float | None = Field(default=None, ge=0)
    url: str | None = None
    external_ids: dict[str, str] = Field(
        default_factory=dict,
        description="Ids in other systems, e.g. {'moodle_course': 'SE-101'}.",
    )


__all__ = ["Development", "LearningResource"]
