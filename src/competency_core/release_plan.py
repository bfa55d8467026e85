"""How a model version is released to the organisation: ``metadata.release`` in a model file.

Everything here is optional; the release kit (:mod:`competency_core.publish.release`)
builds what it can from the model itself and marks the rest "to be decided" rather than
inventing facts. A model file says, for example::

    metadata:
      release:
        date: 2027-02-01
        used_for: [development, performance-reviews, recruitment]
        contact: {name: HR helpdesk, address: "mailto:hr@example.com"}
        channels:
          - {kind: intranet, name: Intranet news, address: "https://intranet.example.com"}
          - {kind: manager-briefing, name: Monthly managers' forum}
        faqs:
          - question: {en: Do I have to use the model now?, sv: Måste jag använda modellen nu?}
            answer: {en: From the next review cycle., sv: Från nästa bedömningsomgång.}
        key_messages:
          - {audience: employees, text: Your role's expectations in one place.}
        training:
          - {audience: managers, date: 2027-01-20, owner: Jonas Berg}
        targets:
          - {metric: assessed-share, value: 0.5, by: 2027-06-30}

Texts the organisation writes (names, questions, answers, messages) are
:class:`~competency_core.text.LocalizedText`, so they can be given in every language of
the model.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from competency_core.text import LocalizedText


class ReleaseAudience(StrEnum):
    """Who a message, a question or a training session is for."""

    EMPLOYEES = "employees"
    MANAGERS = "managers"
    HR = "hr"
    LEADERSHIP = "leadership"


class ModelUse(StrEnum):
    """What the organisation uses the model for (said in the FAQs, never guessed)."""

    DEVELOPMENT = "development"
    PERFORMANCE_REVIEWS = "performance-reviews"
    PAY = "pay"
    RECRUITMENT = "recruitment"
    SUCCESSION = "succession"
    WORKFORCE_PLANNING = "workforce-planning"


class ChannelKind(StrEnum):
    """A kind of communication channel; the plan picks channels by kind for each step."""

    INTRANET = "intranet"
    EMAIL = "email"
    ALL_HANDS = "all-hands"
    MANAGER_BRIEFING = "manager-briefing"
    LEADERSHIP_MEETING = "leadership-meeting"
    TRAINING = "training"
    CHAT = "chat"
    Q_AND_A = "q-and-a"
    NEWSLETTER = "newsletter"
    OTHER = "other"


class AdoptionMetric(StrEnum):
    """A figure that ``competency monitor`` reports, to set an adoption target on.

    Shares (``role-coverage``, ``assessed-share``, ``share-met``) are between 0 and 1;
    the rest are counts in one monitoring period.
    """

    ROLE_COVERAGE = "role-coverage"
    ASSESSED_SHARE = "assessed-share"
    ASSESSMENTS = "assessments"
    PEOPLE_ASSESSED = "people-assessed"
    DEVELOPMENT_PLANS = "development-plans"
    LEARNING_ASSIGNMENTS = "learning-assignments"
    LEARNING_COMPLETED = "learning-completed"
    SHARE_MET = "share-met"

    @property
    def is_share(self) -> bool:
        """Whether the figure is a share (0 to 1) rather than a count."""
        return self in (
            AdoptionMetric.ROLE_COVERAGE,
            AdoptionMetric.ASSESSED_SHARE,
            AdoptionMetric.SHARE_MET,
        )


class ContactChannel(BaseModel):
    """Where people take their questions: a mailbox, a chat channel, an intranet page."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    name: LocalizedText = Field(description="What readers call it, e.g. 'HR helpdesk'.")
    address: str | None = Field(
        default=None,
        description="An e-mail address, a mailto: or https: address, or where to find it.",
    )


class CommunicationChannel(BaseModel):
    """A channel the organisation communicates through (intranet, all-hands, ...)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    kind: ChannelKind
    name: LocalizedText | None = Field(
        default=None, description="Its own name, e.g. 'Monthly managers' forum'."
    )
    address: str | None = Field(default=None, description="A link, if it has one.")
    owner: str | None = Field(default=None, description="Who runs the channel.")


class ReleaseFAQ(BaseModel):
    """One of the organisation's own questions with its answer."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    question: LocalizedText
    answer: LocalizedText
    audience: ReleaseAudience | None = Field(
        default=None, description="Who asks it (none: everyone)."
    )


class KeyMessage(BaseModel):
    """A message of the organisation's own for one audience."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    audience: ReleaseAudience
    text: LocalizedText


class TrainingSession(BaseModel):
    """A planned training session for HR or managers."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    audience: ReleaseAudience
    date: dt.date
    owner: str | None = Field(default=None, description="Who runs it.")
    place: LocalizedText | None = Field(default=None, description="Where, or 'online'.")


class AdoptionTarget(BaseModel):
    """A goal for one figure of ``competency monitor`` by a date."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    metric: AdoptionMetric
    value: float = Field(ge=0, description="A share (0 to 1) or a count per period.")
    by: dt.date = Field(description="When the figure should be reached.")
    domain: str | None = Field(
        default=None, description="For share-met: the competency domain (none: all)."
    )

    @field_validator("value")
    @classmethod
    def _share_at_most_one(cls, value: float, info: ValidationInfo) -> float:
        metric = info.data.get("metric")
        if isinstance(metric, AdoptionMetric) and metric.is_share and value > 1:
            raise ValueError(
                f"{metric.value} is a share between 0 and 1 (write 0.6 for 60 %), got {value}"
            )
        return value

    @field_validator("domain")
    @classmethod
    def _domain_for_share_met(cls, value: str | None, info: ValidationInfo) -> str | None:
        metric = info.data.get("metric")
        if value is not None and metric is not None and metric is not AdoptionMetric.SHARE_MET:
            raise ValueError("a domain is only for the share-met metric")
        return value


class ReleasePlan(BaseModel):
    """How and when the model is released (``metadata.release``); every part is optional."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    date: dt.date | None = Field(default=None, description="The day it is announced to all.")
    used_for: tuple[ModelUse, ...] = Field(
        default=(), description="What the model is used for (said in the FAQs)."
    )
    contact: ContactChannel | None = Field(
        default=None, description="Where to take questions about the model."
    )
    channels: tuple[CommunicationChannel, ...] = ()
    faqs: tuple[ReleaseFAQ, ...] = Field(default=(), description="The organisation's own FAQs.")
    key_messages: tuple[KeyMessage, ...] = ()
    training: tuple[TrainingSession, ...] = ()
    targets: tuple[AdoptionTarget, ...] = Field(
        default=(), description="Adoption targets, checked with competency monitor."
    )


__all__ = [
    "AdoptionMetric",
    "AdoptionTarget",
    "ChannelKind",
    "CommunicationChannel",
    "ContactChannel",
    "KeyMessage",
    "ModelUse",
    "ReleaseAudience",
    "ReleaseFAQ",
    "ReleasePlan",
    "TrainingSession",
]
