"""Initial schema: models and versions, events, people, assessments, feedback, sync state.

Published versions are protected by a trigger as well as by the store's code: the
database refuses to change a published or retired version's content, key, version or
hash, to move it back to an earlier status, or to delete it.

Revision ID: 0001
Revises:
Create Date: 2026-05-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)
IMMUTABLE = "published model versions are immutable"

SQLITE_TRIGGERS = (
    f"""
    CREATE TRIGGER cc_model_version_immutable
    BEFORE UPDATE ON cc_model_version
    WHEN OLD.status IN ('published', 'retired') AND (
        NEW.content IS NOT OLD.content OR NEW.content_hash IS NOT OLD.content_hash
        OR NEW.version IS NOT OLD.version OR NEW.model_key IS NOT OLD.model_key
        OR NEW.status NOT IN ('published', 'retired')
        OR (OLD.status = 'retired' AND NEW.status <> 'retired'))
    BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END
    """,
    f"""
    CREATE TRIGGER cc_model_version_undeletable
    BEFORE DELETE ON cc_model_version
    WHEN OLD.status IN ('published', 'retired')
    BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END
    """,
)

POSTGRES_TRIGGERS = (
    f"""
    CREATE FUNCTION cc_model_version_immutable() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION '{IMMUTABLE}' USING ERRCODE = 'restrict_violation';
        END IF;
        IF NEW.content IS DISTINCT FROM OLD.content
           OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
           OR NEW.version IS DISTINCT FROM OLD.version
           OR NEW.model_key IS DISTINCT FROM OLD.model_key
           OR NEW.status NOT IN ('published', 'retired')
           OR (OLD.status = 'retired' AND NEW.status <> 'retired') THEN
            RAISE EXCEPTION '{IMMUTABLE}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER cc_model_version_immutable
    BEFORE UPDATE OR DELETE ON cc_model_version
    FOR EACH ROW WHEN (OLD.status IN ('published', 'retired'))
    EXECUTE FUNCTION cc_model_version_immutable()
    """,
)


def upgrade() -> None:
    """Create the tables, indexes and the immutability triggers."""
    op.create_table(
        "cc_model",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_cc_model")),
    )
    op.create_table(
        "cc_model_version",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("model_key", sa.String(100), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("content", JSON, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("based_on", sa.String(100), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("published_at", TS, nullable=True),
        sa.Column("published_by", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(
            ["model_key"], ["cc_model.key"], name=op.f("fk_cc_model_version_model_key_cc_model")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cc_model_version")),
        sa.UniqueConstraint("model_key", "version", name=op.f("uq_cc_model_version_model_key")),
    )
    op.create_index(op.f("ix_cc_model_version_model_key"), "cc_model_version", ["model_key"])
    op.create_table(
        "cc_model_event",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("model_key", sa.String(100), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=True),
        sa.Column("actor", sa.String(200), nullable=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("details", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["model_key"], ["cc_model.key"], name=op.f("fk_cc_model_event_model_key_cc_model")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cc_model_event")),
    )
    op.create_index(op.f("ix_cc_model_event_model_key"), "cc_model_event", ["model_key"])
    op.create_table(
        "cc_person",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("role", sa.String(100), nullable=True),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("team", sa.Text(), nullable=True),
        sa.Column("manager", sa.String(100), nullable=True),
        sa.Column("job_level", sa.String(100), nullable=True),
        sa.Column("attributes", JSON, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_cc_person")),
    )
    op.create_table(
        "cc_assessment",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("person", sa.String(100), nullable=False),
        sa.Column("competency", sa.String(100), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("scale", sa.String(100), nullable=True),
        sa.Column("rater_type", sa.String(20), nullable=False),
        sa.Column("rater", sa.String(200), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("model_key", sa.String(100), nullable=True),
        sa.Column("model_version", sa.String(100), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("migrated_from", sa.String(100), nullable=True),
        sa.Column("recorded_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["person"], ["cc_person.key"], name=op.f("fk_cc_assessment_person_cc_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cc_assessment")),
    )
    op.create_index("ix_cc_assessment_person_date", "cc_assessment", ["person", "date"])
    op.create_index("ix_cc_assessment_model", "cc_assessment", ["model_key", "model_version"])
    op.create_table(
        "cc_feedback",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("model_key", sa.String(100), nullable=False),
        sa.Column("model_version", sa.String(100), nullable=True),
        sa.Column("competency", sa.String(100), nullable=True),
        sa.Column("role", sa.String(100), nullable=True),
        sa.Column("respondent", sa.String(200), nullable=True),
        sa.Column("clarity", sa.Integer(), nullable=True),
        sa.Column("relevance", sa.Integer(), nullable=True),
        sa.Column("nps", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("submitted_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cc_feedback")),
    )
    op.create_index("ix_cc_feedback_model", "cc_feedback", ["model_key", "model_version"])
    op.create_table(
        "cc_sync_state",
        sa.Column("adapter", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("local_key", sa.String(300), nullable=False),
        sa.Column("remote_id", sa.String(300), nullable=True),
        sa.Column("content_hash", sa.String(128), nullable=True),
        sa.Column("last_synced", TS, nullable=False),
        sa.Column("details", JSON, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("adapter", "kind", "local_key", name=op.f("pk_cc_sync_state")),
    )
    dialect = op.get_bind().dialect.name
    triggers = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}.get(dialect, ())
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    """Drop everything this revision created."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS cc_model_version_immutable ON cc_model_version")
        op.execute("DROP FUNCTION IF EXISTS cc_model_version_immutable()")
    for table in (
        "cc_sync_state",
        "cc_feedback",
        "cc_assessment",
        "cc_person",
        "cc_model_event",
        "cc_model_version",
        "cc_model",
    ):
        op.drop_table(table)
