"""People, the evidence of what they can do (assessments and the rest) and their learning."""

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


class EvidenceKind(StrEnum):
    """What a piece of evidence is."""

    RATING = "rating"
    """An assessment by a rater (self, manager, peer, 360, test, interview...)."""
    CERTIFICATION = "certification"
    """A certification, with an issuer and a validity."""
    COURSE = "course"
    """A completed course or learning resource of the model."""
    BADGE = "badge"
    """An Open Badges 3.0 credential whose achievement is aligned to a competency."""
    XAPI = "xapi"
    """An xAPI statement (IEEE 9274.1.1) from a file or a Learning Record Store."""


LEVELLED_KINDS = frozenset({EvidenceKind.RATING, EvidenceKind.CERTIFICATION, EvidenceKind.BADGE})
"""Kinds that usually carry a level (an xAPI statement does when it has a scaled score)."""

RATER_OF_KIND: dict[EvidenceKind, RaterType] = {
    EvidenceKind.CERTIFICATION: RaterType.CERTIFICATION,
    EvidenceKind.BADGE: RaterType.CERTIFICATION,
    EvidenceKind.XAPI: RaterType.TEST,
}
"""The rater type a kind of evidence ranks as under the scoring policy's precedence.

A credential (certification, badge) ranks as a certification, a scored xAPI result as a
test; a rating keeps its own rater type. A completed course has none: completing a course
is not proof of a level until a rule says so (an ``any-of`` path).
"""


class Evidence(BaseModel):
    """One piece of evidence about one person, for one competency or learning resource."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    kind: EvidenceKind
    person: Key
    competency: Key | None = Field(
        default=None, description="The competency it is evidence of (not for a course)."
    )
    resource: Key | None = Field(
        default=None,
        description="The learning resource completed (a course); it counts as evidence of "
        "the competencies the resource develops.",
    )
    level: int | None = Field(
        default=None, description="The level it attests, on `scale` (or the competency's)."
    )
    scale: Key | None = Field(
        default=None, description="The scale of `level`, when not the competency's own."
    )
    date: dt.date = Field(description="When it was earned or asserted (valid from).")
    valid_until: dt.date | None = Field(
        default=None, description="The last day it is valid (a certification's expiry)."
    )
    rater_type: RaterType | None = Field(
        default=None, description="Who rated, for a rating (self, manager, peer, ...)."
    )
    asserted_by: str | None = Field(
        default=None, description="Who asserted it: the rater, issuer or LRS authority."
    )
    source: str | None = Field(
        default=None,
        description="Where it came from, e.g. 'moodle:https://lms/ course 12', a file and "
        "line, a credential or statement id.",
    )
    name: str | None = Field(
        default=None, description="The certification, badge or course name, as issued."
    )
    model_version: str | None = Field(
        default=None, description="The model version it was recorded against."
    )
    identifier: str | None = Field(
        default=None,
        description="A stable id from its source (credential id, statement id); derived "
        "from the content when absent.",
    )
    details: dict[str, str] = Field(
        default_factory=dict, description="Anything else the source said, kept as text."
    )

    @model_validator(mode="after")
    def _check(self) -> Evidence:
        if self.competency is None and self.resource is None:
            raise ValueError("evidence names a competency or a learning resource (a course)")
        if self.kind is EvidenceKind.COURSE and self.resource is None:
            raise ValueError("a completed course names its learning resource (`resource`)")
        if self.kind is EvidenceKind.RATING:
            if self.level is None:
                raise ValueError("a rating has a level")
            if self.rater_type is None:
                raise ValueError("a rating says who rated (`rater_type`)")
        if self.valid_until is not None and self.valid_until < self.date:
            raise ValueError(f"valid_until ({self.valid_until}) is before the date ({self.date})")
        return self

    @property
    def id(self) -> str:
        """A stable identifier: the source's own, else derived from what the evidence says."""
        if self.identifier:
            return self.identifier
        target = self.competency or self.resource
        tail = self.name or self.asserted_by or ""
        parts = [str(self.kind), self.person, str(target), self.date.isoformat()]
        if self.kind is EvidenceKind.RATING:
            # the rater type always: a self and a manager rating by one named rater differ
            parts += [str(self.level), str(self.rater_type)]
        elif not tail and self.rater_type:
            parts.append(str(self.rater_type))
        if tail:
            parts.append(tail)
        return ":".join(parts)

    @property
    def ranks_as(self) -> RaterType | None:
        """The rater type it ranks as under the policy's precedence (None for a course)."""
        if self.kind is EvidenceKind.RATING:
            return self.rater_type
        return RATER_OF_KIND.get(self.kind)

    def is_current(self, on: dt.date) -> bool:
        """Whether it had been earned and was still valid on ``on``."""
        return self.date <= on and (self.valid_until is None or self.valid_until >= on)

    @classmethod
    def from_assessment(cls, assessment: Assessment) -> Evidence:
        """The rating an assessment is, with everything it says kept."""
        details = {"comment": assessment.comment} if assessment.comment else {}
        if assessment.evidence:
            details["evidence"] = "; ".join(assessment.evidence)
        return cls(
            kind=EvidenceKind.RATING,
            person=assessment.person,
            competency=assessment.competency,
            level=assessment.level,
            scale=assessment.scale,
            date=assessment.date,
            valid_until=assessment.expires,
            rater_type=assessment.rater_type,
            asserted_by=assessment.rater,
            source="assessment",
            model_version=assessment.model_version,
            details=details,
        )


def as_evidence(item: Assessment | Evidence) -> Evidence:
    """``item`` as evidence (an assessment becomes a rating)."""
    return item if isinstance(item, Evidence) else Evidence.from_assessment(item)


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
    evidence: tuple[Evidence, ...] = Field(
        default=(),
        description="Evidence besides the assessments: certifications, completed courses, "
        "Open Badges, xAPI statements (see docs/evidence.md).",
    )
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

    def evidence_of(self, person: str) -> tuple[Assessment | Evidence, ...]:
        """Everything known of one person: assessments, then the other evidence."""
        return self.assessments_of(person) + tuple(e for e in self.evidence if e.person == person)

    @property
    def all_evidence(self) -> tuple[Assessment | Evidence, ...]:
        """Assessments and the other evidence, for everyone."""
        return self.assessments + self.evidence


__all__ = [
    "LEVELLED_KINDS",
    "RATER_OF_KIND",
    "Assessment",
    "AssignmentStatus",
    "Evidence",
    "EvidenceKind",
    "LearningAssignment",
    "Person",
    "RaterType",
    "Workforce",
    "as_evidence",
]
