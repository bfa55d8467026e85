"""The store's tables (SQLAlchemy 2, typed ``Mapped[...]`` declarations).

The same tables serve SQLite and PostgreSQL; JSON columns are JSONB on PostgreSQL. The
schema is created and upgraded by the Alembic scripts in ``store/migrations`` (never by
``create_all``), and a test checks that the scripts and these declarations agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Json = JSON().with_variant(JSONB(), "postgresql")
BigId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite: INTEGER PRIMARY KEY = rowid
Timestamp = DateTime(timezone=True)
KeyStr = String(100)


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""

    metadata = MetaData(naming_convention=NAMING)


class ModelRow(Base):
    """A model, by key; its versions are :class:`ModelVersionRow`."""

    __tablename__ = "cc_model"

    key: Mapped[str] = mapped_column(KeyStr, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class ModelVersionRow(Base):
    """One version of a model: its content (file data as JSON), status and hash."""

    __tablename__ = "cc_model_version"
    __table_args__ = (UniqueConstraint("model_key", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    model_key: Mapped[str] = mapped_column(ForeignKey("cc_model.key"), index=True)
    version: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(Text)
    content: Mapped[dict[str, Any]] = mapped_column(Json)
    content_hash: Mapped[str] = mapped_column(String(64))
    based_on: Mapped[str | None] = mapped_column(String(100))
    review_date: Mapped[dt.date | None] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    published_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    published_by: Mapped[str | None] = mapped_column(String(200))


class ModelEventRow(Base):
    """The history of a model: imports, edits, transitions, approvals, migrations."""

    __tablename__ = "cc_model_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    model_key: Mapped[str] = mapped_column(ForeignKey("cc_model.key"), index=True)
    version: Mapped[str] = mapped_column(String(100))
    event: Mapped[str] = mapped_column(String(40))
    status: Mapped[str | None] = mapped_column(String(20))
    actor: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(Timestamp)
    comment: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(Json)


class PersonRow(Base):
    """A person (see :class:`competency_core.people.Person`)."""

    __tablename__ = "cc_person"

    key: Mapped[str] = mapped_column(KeyStr, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str | None] = mapped_column(KeyStr)
    department: Mapped[str | None] = mapped_column(Text)
    team: Mapped[str | None] = mapped_column(Text)
    manager: Mapped[str | None] = mapped_column(KeyStr)
    job_level: Mapped[str | None] = mapped_column(String(100))
    attributes: Mapped[dict[str, Any]] = mapped_column(Json)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp)


# People are found by e-mail case-insensitively (the SCIM service, on every create):
# an expression index keeps that lookup from reading every person (migration 0005).
Index("ix_cc_person_email_lower", func.lower(PersonRow.email))


class AssessmentRow(Base):
    """An assessment (see :class:`competency_core.people.Assessment`)."""

    __tablename__ = "cc_assessment"
    __table_args__ = (
        Index("ix_cc_assessment_person_date", "person", "date"),
        Index("ix_cc_assessment_model", "model_key", "model_version"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person: Mapped[str] = mapped_column(ForeignKey("cc_person.key"))
    competency: Mapped[str] = mapped_column(KeyStr)
    level: Mapped[int] = mapped_column(Integer)
    scale: Mapped[str | None] = mapped_column(KeyStr)
    rater_type: Mapped[str] = mapped_column(String(20))
    rater: Mapped[str | None] = mapped_column(String(200))
    date: Mapped[dt.date] = mapped_column(Date)
    expires: Mapped[dt.date | None] = mapped_column(Date)
    evidence: Mapped[list[str]] = mapped_column(Json)
    model_key: Mapped[str | None] = mapped_column(KeyStr)
    model_version: Mapped[str | None] = mapped_column(String(100))
    comment: Mapped[str | None] = mapped_column(Text)
    migrated_from: Mapped[str | None] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class AssignmentRow(Base):
    """A learning assignment (see :class:`competency_core.people.LearningAssignment`).

    One row per model, person, resource and assignment date: writing it again updates its
    status, due and completion dates.
    """

    __tablename__ = "cc_assignment"
    __table_args__ = (Index("ix_cc_assignment_person", "person"),)

    model_key: Mapped[str] = mapped_column(KeyStr, primary_key=True)
    person: Mapped[str] = mapped_column(ForeignKey("cc_person.key"), primary_key=True)
    resource: Mapped[str] = mapped_column(KeyStr, primary_key=True)
    assigned: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    due: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    completed: Mapped[dt.date | None] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class EvidenceRow(Base):
    """A piece of evidence (see :class:`competency_core.people.Evidence`).

    Stored once per person and :attr:`~competency_core.people.Evidence.id`
    (``evidence_id``); ``model_key`` is the model it was recorded for (None: any model
    that has its competency or learning resource).
    """

    __tablename__ = "cc_evidence"
    __table_args__ = (
        UniqueConstraint("person", "evidence_id"),
        Index("ix_cc_evidence_person_date", "person", "date"),
        Index("ix_cc_evidence_competency", "competency"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person: Mapped[str] = mapped_column(ForeignKey("cc_person.key"))
    evidence_id: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    competency: Mapped[str | None] = mapped_column(KeyStr)
    resource: Mapped[str | None] = mapped_column(KeyStr)
    level: Mapped[int | None] = mapped_column(Integer)
    scale: Mapped[str | None] = mapped_column(KeyStr)
    date: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    rater_type: Mapped[str | None] = mapped_column(String(20))
    asserted_by: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    model_key: Mapped[str | None] = mapped_column(KeyStr)
    model_version: Mapped[str | None] = mapped_column(String(100))
    identifier: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(Json)
    recorded_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class FeedbackRow(Base):
    """Feedback on a model (see :class:`competency_core.records.Feedback`)."""

    __tablename__ = "cc_feedback"
    __table_args__ = (Index("ix_cc_feedback_model", "model_key", "model_version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    model_key: Mapped[str] = mapped_column(KeyStr)
    model_version: Mapped[str | None] = mapped_column(String(100))
    competency: Mapped[str | None] = mapped_column(KeyStr)
    role: Mapped[str | None] = mapped_column(KeyStr)
    respondent: Mapped[str | None] = mapped_column(String(200))
    clarity: Mapped[int | None] = mapped_column(Integer)
    relevance: Mapped[int | None] = mapped_column(Integer)
    nps: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(Json)
    submitted_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class SyncStateRow(Base):
    """What a sync adapter last wrote: local object -> remote id and content hash."""

    __tablename__ = "cc_sync_state"

    adapter: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(50), primary_key=True)
    local_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    remote_id: Mapped[str | None] = mapped_column(String(300))
    content_hash: Mapped[str | None] = mapped_column(String(128))
    last_synced: Mapped[dt.datetime] = mapped_column(Timestamp)
    details: Mapped[dict[str, Any]] = mapped_column(Json)
    revision: Mapped[int] = mapped_column(Integer, default=1)


__all__ = [
    "AssessmentRow",
    "AssignmentRow",
    "Base",
    "EvidenceRow",
    "FeedbackRow",
    "ModelEventRow",
    "ModelRow",
    "ModelVersionRow",
    "PersonRow",
    "SyncStateRow",
]
