"""Competencies, their behavioural indicators, external references and typed associations.

It also holds what a model imported from a 1EdTech CASE package keeps of the package so
that a re-export writes it back (identifiers, URIs, item types, notes, education levels):
:class:`CaseItem` on a competency, :class:`CaseDocument` on the model.
"""

from __future__ import annotations

import datetime as dt
import re
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


ASSOCIATION_TYPES: tuple[str, ...] = (
    "isChildOf",
    "isPeerOf",
    "isPartOf",
    "exactMatchOf",
    "precedes",
    "isRelatedTo",
    "replacedBy",
    "exemplar",
    "hasSkillLevel",
    "isTranslationOf",
)
"""The association types CASE 1.1 defines; others are written ``ext:<name>``."""

EXT_ASSOCIATION_TYPE = re.compile(r"ext:[A-Za-z0-9._-]+")
"""An extension association type (CASE 1.1: ``ext:`` then letters, digits, ``.-_``)."""

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _check_association_type(value: str) -> str:
    if value in ASSOCIATION_TYPES or EXT_ASSOCIATION_TYPE.fullmatch(value):
        return value
    raise ValueError(
        f"unknown association type {value!r}: one of {', '.join(ASSOCIATION_TYPES)}, "
        "or ext:<name> (letters, digits, '.', '-', '_')"
    )


def _check_uuid(value: str | None) -> str | None:
    if value is not None and not _UUID.fullmatch(value):
        raise ValueError(f"{value!r} is not a UUID (8-4-4-4-12 hexadecimal digits)")
    return value


class CaseLink(BaseModel):
    """A link to a node as a CASE package writes it: title, identifier, URI, target type."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    title: str | None = None
    identifier: str | None = None
    uri: str | None = None
    target_type: str | None = Field(
        default=None, description="CASE's targetType: 'CASE' or 'ext:<scheme>'."
    )


class Association(BaseModel):
    """A typed link from a competency to another competency of the model or to an outside node.

    The type is one of CASE 1.1's association types (:data:`ASSOCIATION_TYPES`:
    ``precedes``, ``isPeerOf``, ``exemplar``, ...) or ``ext:<name>``. Exactly one end: a
    competency of the model (``competency``) or an outside node (``node`` with a URI). The
    CASE identifier, URI and link titles are kept when the association came from a CASE
    package, so that a re-export writes the same association.
    """

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    type: str = Field(description="The association type, e.g. 'precedes' or 'ext:dependsOn'.")
    competency: Key | None = Field(default=None, description="The destination in the model.")
    node: CaseLink | None = Field(
        default=None,
        description="The destination outside the model (needs a uri); for a competency, the "
        "link's title as a CASE package wrote it.",
    )
    sequence: int | None = Field(default=None, description="CASE's sequenceNumber.")
    identifier: str | None = Field(default=None, description="The association's CASE UUID.")
    uri: str | None = Field(default=None, description="The association's CASE URI.")
    origin_title: str | None = Field(
        default=None, description="The title of the origin link as a CASE package wrote it."
    )
    notes: str | None = None

    @field_validator("type")
    @classmethod
    def _type(cls, value: str) -> str:
        return _check_association_type(value)

    @field_validator("identifier")
    @classmethod
    def _identifier(cls, value: str | None) -> str | None:
        return _check_uuid(value)

    @model_validator(mode="after")
    def _one_end(self) -> Association:
        outside = self.node is not None and self.node.uri is not None
        if self.competency is None and not outside:
            raise ValueError("an association needs its destination: a competency or a node uri")
        if self.competency is not None and outside:
            raise ValueError("an association has one destination: a competency or a node uri")
        return self


class CaseItem(BaseModel):
    """What a competency imported from a CASE ``CFItem`` keeps of it for a re-export.

    Only the fields the model has no place of its own for: the statement, abbreviated
    statement, item type and concept keywords are the competency's definition, name,
    category and tags.
    """

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    identifier: str | None = Field(default=None, description="The CFItem's UUID.")
    uri: str | None = None
    item_type: str | None = Field(default=None, description="CFItemType, as written.")
    item_type_uri: CaseLink | None = None
    human_coding_scheme: str | None = None
    list_enumeration: str | None = None
    alternative_label: str | None = None
    notes: str | None = None
    education_level: tuple[str, ...] = ()
    subject: tuple[str, ...] = ()
    subject_uri: tuple[CaseLink, ...] = ()
    concept_keywords_uri: CaseLink | None = None
    language: str | None = None
    license_uri: CaseLink | None = None
    status_start_date: dt.date | None = None
    status_end_date: dt.date | None = None
    child_of: Association | None = Field(
        default=None,
        description="The isChildOf association that placed it (identifier, URI, "
        "sequenceNumber, titles); the parent itself is the competency's parent.",
    )

    @field_validator("identifier")
    @classmethod
    def _identifier(cls, value: str | None) -> str | None:
        return _check_uuid(value)


class CaseItemType(BaseModel):
    """A ``CFItemType`` definition of a CASE package."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    title: str
    identifier: str | None = None
    uri: str | None = None
    description: str | None = None
    hierarchy_code: str | None = None
    type_code: str | None = None


class CaseLicense(BaseModel):
    """A ``CFLicense`` definition of a CASE package."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    title: str
    identifier: str | None = None
    uri: str | None = None
    description: str | None = None
    text: str | None = Field(default=None, description="CASE's licenseText.")


class CaseDocument(BaseModel):
    """What a model imported from a CASE package keeps of its ``CFDocument`` and definitions.

    The title, description, language and lifecycle are the model's own fields; this holds
    the rest, as written, so that a re-export carries the same identifiers and URIs.
    """

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    identifier: str | None = Field(default=None, description="The CFDocument's UUID.")
    uri: str | None = None
    creator: str | None = None
    publisher: str | None = None
    version: str | None = Field(default=None, description="The version as written.")
    adoption_status: str | None = Field(default=None, description="adoptionStatus as written.")
    status_start_date: dt.date | None = None
    status_end_date: dt.date | None = None
    official_source_url: str | None = None
    subject: tuple[str, ...] = ()
    subject_uri: tuple[CaseLink, ...] = ()
    framework_type: str | None = None
    notes: str | None = None
    license: CaseLicense | None = None
    item_types: tuple[CaseItemType, ...] = ()

    @field_validator("identifier")
    @classmethod
    def _identifier(cls, value: str | None) -> str | None:
        return _check_uuid(value)


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
    associations: tuple[Association, ...] = Field(
        default=(),
        description="Typed links (CASE association types such as precedes, isPeerOf, "
        "exemplar) to other competencies or outside nodes.",
    )
    tags: tuple[str, ...] = ()
    assessable: bool = Field(
        default=True,
        description="False for grouping nodes that are not rated themselves (e.g. a theme).",
    )
    case: CaseItem | None = Field(
        default=None, description="What a CASE import keeps of the item for a re-export."
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


__all__ = [
    "ASSOCIATION_TYPES",
    "Association",
    "BehaviouralIndicator",
    "CaseDocument",
    "CaseItem",
    "CaseItemType",
    "CaseLicense",
    "CaseLink",
    "Competency",
    "ExternalReference",
    "Link",
]
