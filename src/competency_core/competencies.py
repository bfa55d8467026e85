"""Competencies, their behavioural indicators and external references."""

from __future__ import annotations

from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from competency_core.keys import Key
from competency_core.text import LANGUAGE_CODE as _LANGUAGE_CODE
from competency_core.text import LocalizedText


class Link(BaseModel):
    """A labelled link (a guide, a talk, a document) that supports an indicator."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    url: str = Field(min_length=1)
    label: str = Field(min_length=1)


class BehaviouralIndicator(BaseModel):
    """One observable behaviour that shows a competency at a level ("what good looks like").

    In files an indicator may be written as a plain string (its text). Frameworks with
    several tracks (an individual-contributor and a management track, say) can give an
    indicator for one track only.
    """

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    text: LocalizedText
    key: str | None = Field(
        default=None, description="A stable id from the source framework, kept for re-imports."
    )
    track: Key | None = Field(
        default=None, description="The track this indicator applies to; None means every track."
    )
    examples: tuple[LocalizedText, ...] = Field(
        default=(), description="Concrete examples of the behaviour."
    )
    urls: tuple[str, ...] = Field(default=(), description="Supporting links (guides, docs).")
    links: tuple[Link, ...] = Field(
        default=(), description="Supporting links that carry a label (the label is shown)."
    )
    attributes: dict[str, str] = Field(
        default_factory=dict,
        description="More facts about the indicator from its source framework, by name "
        "(e.g. the FT's second rating: proficiency -> 'Practitioner').",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"text": data}
        if (
            isinstance(data, dict)
            and data
            and not set(data) & set(cls.model_fields)
            and all(isinstance(k, str) and _LANGUAGE_CODE.fullmatch(k) for k in data)
        ):
            return {"text": data}  # {en: ..., sv: ...}: a translated text on its own
        return data

    @model_serializer(mode="wrap")
    def _to_text_when_plain(self, handler: SerializerFunctionWrapHandler) -> Any:
        out = handler(self)
        if isinstance(out, dict) and set(out) == {"text"}:
            return out["text"]
        return out


class ExternalReference(BaseModel):
    """A pointer to the same concept in an external taxonomy (ESCO, O*NET, CASE, SFIA...)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    scheme: str = Field(description="The taxonomy, e.g. 'esco', 'onet', 'case', 'sfia'.")
    uri: str = Field(description="The concept's URI or code in that taxonomy.")
    label: str | None = None


class Competency(BaseModel):
    """A competency: what it is, how it is measured, and what each level looks like."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    key: Key
    name: LocalizedText
    definition: LocalizedText | None = None
    domain: str = Field(
        default="general",
        description="Broad category: technical, behavioural, leadership, functional, ...",
    )
    category: str | None = Field(
        default=None, description="A finer grouping (a theme or cluster) within the domain."
    )
    parent: Key | None = Field(default=None, description="The parent competency (hierarchy).")
    scale: Key = Field(description="Key of the proficiency scale it is measured on.")
    indicators: dict[int, tuple[BehaviouralIndicator, ...]] = Field(
        default_factory=dict, description="Level value -> behavioural indicators at that level."
    )
    level_descriptions: dict[int, LocalizedText] = Field(
        default_factory=dict,
        description="Level value -> what this competency looks like at that level, in prose.",
    )
    related: tuple[Key, ...] = Field(default=(), description="Keys of related competencies.")
    references: tuple[ExternalReference, ...] = ()
    tags: tuple[str, ...] = ()
    assessable: bool = Field(
        default=True,
        description="False for grouping nodes that are not rated themselves (e.g. a theme).",
    )

    @field_validator("indicators", mode="before")
    @classmethod
    def _indicator_lists(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: ([v] if isinstance(v, str | dict) else v) for k, v in value.items()}
        return value

    def indicators_at(
        self, level: int, track: str | None = None
    ) -> tuple[BehaviouralIndicator, ...]:
        """Indicators for a level; with ``track``, those for every track plus that track's."""
        found = self.indicators.get(level, ())
        if track is None:
            return found
        return tuple(i for i in found if i.track in (None, track))


__all__ = ["BehaviouralIndicator", "Competency", "ExternalReference", "Link"]
