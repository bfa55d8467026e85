"""Role profiles, tracks and career transitions."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from competency_core.keys import Key
from competency_core.text import LocalizedText


class Requirement(BaseModel):
    """A role's requirement: a competency at a level, with a weight, essential or desirable."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    competency: Key
    level: int = Field(description="The required level value on the competency's scale.")
    weight: float = Field(default=1.0, gt=0, description="Relative importance (> 0).")
    essential: bool = Field(
        default=True, description="Essential requirements must be met to count as ready."
    )
    note: LocalizedText | None = None


class Track(BaseModel):
    """A career track, e.g. individual contributor or people manager."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    key: Key
    name: LocalizedText
    kind: str = Field(
        default="individual-contributor",
        description="individual-contributor, management, specialist, ... (free text).",
    )
    description: LocalizedText | None = None


class RoleProfile(BaseModel):
    """A role: title, family, grade, and the competencies it requires."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    key: Key
    title: LocalizedText
    family: str | None = Field(default=None, description="Job family, e.g. 'engineering'.")
    grade: str | None = Field(default=None, description="Grade or job level, e.g. 'L3'.")
    level: int | None = Field(
        default=None, description="Numeric seniority within the family (for ordering)."
    )
    track: Key | None = Field(default=None, description="The career track of the role.")
    summary: LocalizedText | None = None
    requirements: tuple[Requirement, ...] = ()
    tags: tuple[str, ...] = ()

    def requirement(self, competency: str) -> Requirement | None:
        """The requirement on ``competency``, if the role has one."""
        for r in self.requirements:
            if r.competency == competency:
                return r
        return None


class TransitionKind(StrEnum):
    """How one role leads to another."""

    PROMOTION = "promotion"
    LATERAL = "lateral"
    TRACK_SWITCH = "track-switch"
    SPECIALIST = "specialist"
    MANAGEMENT = "management"
    RELATED = "related"


class Transition(BaseModel):
    """A declared career move from one role to another."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    source: Key = Field(description="The role moved from.")
    target: Key = Field(description="The role moved to.")
    kind: TransitionKind = TransitionKind.PROMOTION
    typical_months: int | None = Field(
        default=None, ge=0, description="Typical time in the source role before the move."
    )
    note: LocalizedText | None = None


__all__ = ["Requirement", "RoleProfile", "Track", "Transition", "TransitionKind"]
