"""The aggregate: a competency model with its scales, competencies, roles and metadata."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from competency_core._index import keyed_index
from competency_core.competencies import CaseDocument, Competency
from competency_core.errors import ModelValidationError, Problem, UnknownKeyError
from competency_core.evidence import EvidenceRules
from competency_core.keys import Key, SemVer
from competency_core.learning import LearningResource
from competency_core.release_plan import ReleasePlan
from competency_core.roles import RoleProfile, Track, Transition
from competency_core.scales import ProficiencyScale, ScaleMapping
from competency_core.text import Language, LocalizedText


class LifecycleStatus(StrEnum):
    """Where a model version stands: draft -> pilot -> approved -> published -> retired."""

    DRAFT = "draft"
    PILOT = "pilot"
    APPROVED = "approved"
    PUBLISHED = "published"
    RETIRED = "retired"


class Approval(BaseModel):
    """A recorded approval: who (in which capacity), when, and with what comment."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    approver: str = Field(description="The approving body or role, e.g. 'hr', 'leadership'.")
    by: str = Field(description="The person who approved.")
    at: dt.datetime
    comment: str | None = None


class Stakeholder(BaseModel):
    """A person or group involved in building or running the model."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    name: str
    role: str = Field(description="e.g. 'owner', 'hr', 'subject-matter expert'.")
    email: str | None = None


class ModelMetadata(BaseModel):
    """Who owns the model, who must approve it, and when it is next reviewed."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    owner: str | None = None
    organisation: str | None = None
    stakeholders: tuple[Stakeholder, ...] = ()
    required_approvers: tuple[str, ...] = Field(
        default=(), description="Approving bodies whose approval is needed, e.g. ['hr']."
    )
    approvals: tuple[Approval, ...] = ()
    review_date: dt.date | None = Field(default=None, description="When to review next.")
    source: str | None = Field(default=None, description="Where the model came from.")
    license: str | None = None
    release: ReleasePlan | None = Field(
        default=None,
        description="How the model is released: date, contact, channels, FAQs, training, "
        "adoption targets (see docs/publish.md#the-release-kit).",
    )
    extra: dict[str, Any] = Field(
        default_factory=dict, description="Free-form metadata kept as given."
    )


class LintConfig(BaseModel):
    """Per-model configuration of the architecture rules (see :mod:`competency_core.lint`)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    rules: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Rule code -> options; every rule takes 'enabled' and 'severity'.",
    )


class CompetencyModel(BaseModel):
    """A whole competency model, validated as one: every cross-reference must resolve.

    Building one with broken references raises :class:`ModelValidationError` listing every
    problem with its path.
    """

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    key: Key
    name: LocalizedText
    description: LocalizedText | None = None
    version: SemVer = "0.1.0"
    status: LifecycleStatus = LifecycleStatus.DRAFT
    default_language: Language = "en"
    languages: tuple[Language, ...] = Field(
        default=(),
        description="Languages the model is written in; missing translations are reported.",
    )
    metadata: ModelMetadata = Field(default_factory=ModelMetadata)
    scales: tuple[ProficiencyScale, ...] = Field(min_length=1)
    scale_mappings: tuple[ScaleMapping, ...] = ()
    tracks: tuple[Track, ...] = ()
    competencies: tuple[Competency, ...] = ()
    roles: tuple[RoleProfile, ...] = ()
    transitions: tuple[Transition, ...] = ()
    learning_resources: tuple[LearningResource, ...] = ()
    lint: LintConfig = Field(default_factory=LintConfig)
    evidence: EvidenceRules = Field(
        default_factory=EvidenceRules,
        description="How evidence becomes a level: rules per competency and half-lives "
        "(see docs/evidence.md). Default: the scoring policy's precedence, no ageing.",
    )
    case: CaseDocument | None = Field(
        default=None,
        description="What a CASE import keeps of the package's CFDocument for a re-export "
        "(identifiers, URIs, creator, item types; see docs/publish.md).",
    )

    @model_validator(mode="after")
    def _check_references(self) -> CompetencyModel:
        from competency_core.references import reference_problems

        problems = [
            p
            for p in reference_problems(self.model_dump(mode="python", round_trip=True))
            if p.severity == "error"
        ]
        if problems:
            raise ModelValidationError(problems)
        return self

    # -- lookups ---------------------------------------------------------------
    # Indexes are built from the current fields and rebuilt when a field holds another
    # tuple, so a copy made with ``model_copy(update=...)`` never answers with old items.
    @property
    def _scales(self) -> dict[str, ProficiencyScale]:
        return keyed_index(self, "scales", self.scales)

    @property
    def _competencies(self) -> dict[str, Competency]:
        return keyed_index(self, "competencies", self.competencies)

    @property
    def _roles(self) -> dict[str, RoleProfile]:
        return keyed_index(self, "roles", self.roles)

    @property
    def _resources(self) -> dict[str, LearningResource]:
        return keyed_index(self, "learning_resources", self.learning_resources)

    def scale(self, key: str) -> ProficiencyScale:
        """The scale with this key (:class:`UnknownKeyError` if none)."""
        try:
            return self._scales[key]
        except KeyError:
            raise UnknownKeyError("scale", key) from None

    def competency(self, key: str) -> Competency:
        """The competency with this key (:class:`UnknownKeyError` if none)."""
        try:
            return self._competencies[key]
        except KeyError:
            raise UnknownKeyError("competency", key) from None

    def role(self, key: str) -> RoleProfile:
        """The role profile with this key (:class:`UnknownKeyError` if none)."""
        try:
            return self._roles[key]
        except KeyError:
            raise UnknownKeyError("role", key) from None

    def learning_resource(self, key: str) -> LearningResource:
        """The learning resource with this key (:class:`UnknownKeyError` if none)."""
        try:
            return self._resources[key]
        except KeyError:
            raise UnknownKeyError("learning resource", key) from None

    def has_competency(self, key: str) -> bool:
        """Whether the model has a competency with this key."""
        return key in self._competencies

    def has_role(self, key: str) -> bool:
        """Whether the model has a role with this key."""
        return key in self._roles

    def scale_of(self, competency: str) -> ProficiencyScale:
        """The scale a competency is measured on."""
        return self.scale(self.competency(competency).scale)

    def scale_mapping(self, source: str, target: str) -> ScaleMapping | None:
        """The declared mapping from one scale to another, if any."""
        for m in self.scale_mappings:
            if m.source == source and m.target == target:
                return m
        return None

    def children(self, key: str | None) -> tuple[Competency, ...]:
        """The competencies whose parent is ``key`` (None: the top-level ones), in order."""
        return tuple(c for c in self.competencies if c.parent == key)

    def text(self, value: LocalizedText | None, language: str | None = None) -> str:
        """Resolve a text in ``language`` with fallback to the model's default language."""
        if value is None:
            return ""
        return value.get(language, default_language=self.default_language)

    def all_languages(self) -> tuple[str, ...]:
        """The default language followed by the other declared languages."""
        rest = [lang for lang in self.languages if lang != self.default_language]
        return (self.default_language, *rest)

    def translation_problems(self) -> list[Problem]:
        """Warnings for texts missing a translation into a declared language."""
        from competency_core.references import translation_problems

        return translation_problems(self)


__all__ = [
    "Approval",
    "CompetencyModel",
    "LifecycleStatus",
    "LintConfig",
    "ModelMetadata",
    "Stakeholder",
]
