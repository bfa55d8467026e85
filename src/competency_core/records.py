"""Value records of stored state: model versions, their history, feedback and sync state.

Plain, frozen pydantic models with no database behind them: the store reads and writes
them (and re-exports them as :mod:`competency_core.store`'s API), while sync and analytics
use them without loading the store (SQLAlchemy).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from competency_core.keys import Key
from competency_core.model import CompetencyModel, LifecycleStatus


class ModelVersionRecord(BaseModel):
    """A stored model version with what the store knows about it.

    ``revision`` is the optimistic-locking counter: pass it back when saving or moving
    the version, and the store refuses the write if someone else wrote in between.
    """

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    model: CompetencyModel
    revision: int
    content_hash: str = Field(description="SHA-256 of the canonical content (hex).")
    based_on: str | None = Field(default=None, description="The version it was drafted from.")
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None = None
    published_by: str | None = None

    @property
    def key(self) -> str:
        """The model's key."""
        return self.model.key

    @property
    def version(self) -> str:
        """The version string."""
        return self.model.version

    @property
    def status(self) -> LifecycleStatus:
        """The lifecycle status."""
        return self.model.status


class ModelEvent(BaseModel):
    """One entry in a model's history."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    model: str
    version: str
    event: str = Field(
        description="imported, edited, pilot, draft, approval, approved, published, retired, "
        "new-draft, discarded, assessments-migrated"
    )
    status: LifecycleStatus | None = None
    actor: str | None = None
    at: dt.datetime
    comment: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class Feedback(BaseModel):
    """Feedback on a model from the people who use it (pilot participants, managers...).

    One record carries any of: per-competency (or per-role) ratings of clarity and
    relevance on 1-5, a net-promoter score on 0-10, and free text.
    """

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    id: int | None = Field(default=None, description="Assigned by the store.")
    model: Key
    model_version: str | None = None
    competency: Key | None = None
    role: Key | None = None
    respondent: str | None = Field(default=None, description="A person key, or None (anonymous).")
    clarity: int | None = Field(default=None, ge=1, le=5)
    relevance: int | None = Field(default=None, ge=1, le=5)
    nps: int | None = Field(default=None, ge=0, le=10, description="How likely to recommend, 0-10.")
    text: str | None = None
    tags: tuple[str, ...] = ()
    submitted_at: dt.datetime

    @model_validator(mode="after")
    def _check(self) -> Feedback:
        if self.clarity is None and self.relevance is None and self.nps is None and not self.text:
            raise ValueError("feedback needs a clarity or relevance rating, an NPS or a text")
        if (self.clarity is not None or self.relevance is not None) and not (
            self.competency or self.role
        ):
            raise ValueError("clarity and relevance rate a competency or a role: name one")
        return self


class SyncRecord(BaseModel):
    """What a sync adapter last wrote for one local object.

    ``(adapter, kind, local_key)`` identifies the object (e.g. ``moodle``, ``competency``,
    ``software-engineering/coding``); ``remote_id`` and ``content_hash`` say what it is
    called remotely and what content was last pushed.
    """

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    adapter: str
    kind: str
    local_key: str
    remote_id: str | None = None
    content_hash: str | None = None
    last_synced: dt.datetime
    details: dict[str, Any] = Field(default_factory=dict)
    revision: int = Field(default=0, description="Optimistic-locking counter (0: not stored).")


__all__ = ["Feedback", "ModelEvent", "ModelVersionRecord", "SyncRecord"]
