"""People, their assessments and learning assignments."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from competency_core.keys import Key


class RaterType(StrEnum):
    """Who made an assessment."""

    SELF = "self"
    MANAGER = "manager"
    PEER = "peer"
    THREE_SIXTY = "360"
    TEST = "test"
    CERTIFICATION = "certification"
    INTERVIEW = "interview"


class Person(BaseModel):
    """A person in the organisation (or a candidate)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    key: Key
    name: str
    email: str | None = None
    role: Key | None = Field(default=None, description="The person's current role profile.")
    department: str | None = None
    team: str | None = None
    manager: Key | None = Field(default=None, description="Key of the person's manager.")
    job_level: str | None = None
    attributes: dict[str, str] = Field(default_factory=dict)


class Assessment(BaseModel):
    """A rated level of one person on one competency, by a rater, at a date."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    person: Key
    competency: Key
    level: int
    scale: Key | None = Field(
        default=None,
        description="The scale the level is on, when not the competency's own scale.",
    )
    rater_type: RaterType = RaterType.MANAGER
    rater: str | None = Field(default=None, description="Who rated (a person key or a name).")
    date: dt.date
    expires: dt.date | None = Field(
        default=None, description="When the rating lapses (e.g. a certification)."
    )
    evidence: tuple[str, ...] = ()
    model_version: str | None = Field(
        default=None, description="The model version the assessment was made against."
    )
    comment: str | None = None

    @field_validator("rater_type", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _check_dates(self) -> Assessment:
        if self.expires is not None and self.expires < self.date:
            raise ValueError(
                f"expires ({self.expires}) is before the assessment date ({self.date})"
            )
        return self

    def is_current(self, on: dt.date) -> bool:
        """Whether the assessment had been made and had not expired on ``on``."""
        return self.date <= on and (self.expires is None or self.expires >= on)


class AssignmentStatus(StrEnum):
    """The state of a learning assignment."""

    ASSIGNED = "assigned"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class LearningAssignment(BaseModel):
    """A learning resource assigned to a person."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    person: Key
    resource: Key
    assigned: dt.date
    due: dt.date | None = None
    status: AssignmentStatus = AssignmentStatus.ASSIGNED
    completed: dt.date | None = None


class Workforce(BaseModel):
    """People with their assessments and learning assignments, against one model.

    A workforce file names the model it belongs to; :func:`competency_core.io.check_workforce`
    checks every reference against that model.
    """

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    model: Key | None = Field(default=None, description="Key of the model the data is for.")
    people: tuple[Person, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    assignments: tuple[LearningAssignment, ...] = ()
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def _people(self) -> dict[str, Person]:
        # rebuilt when ``people`` is another tuple (e.g. after ``model_copy(update=...)``)
        from competency_core._index import keyed_index

        return keyed_index(self, "people", self.people)

    def person(self, key: str) -> Person:
        """The person with this key."""
        from competency_core.errors import UnknownKeyError

        try:
            return self._people[key]
        except KeyError:
            raise UnknownKeyError("person", key) from None

    def assessments_of(self, person: str) -> tuple[Assessment, ...]:
        """All assessments of one person."""
        return tuple(a for a in self.assessments if a.person == person)


__all__ = [
    "Assessment",
    "AssignmentStatus",
    "LearningAssignment",
    "Person",
    "RaterType",
    "Workforce",
]
