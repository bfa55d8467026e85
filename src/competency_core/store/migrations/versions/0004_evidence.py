"""Evidence besides assessments: certifications, courses, badges, xAPI statements.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the evidence table."""
    op.create_table(
        "cc_evidence",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("person", sa.String(100), nullable=False),
        sa.Column("evidence_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("competency", sa.String(100), nullable=True),
        sa.Column("resource", sa.String(100), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("scale", sa.String(100), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("rater_type", sa.String(20), nullable=True),
        sa.Column("asserted_by", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("model_key", sa.String(100), nullable=True),
        sa.Column("model_version", sa.String(100), nullable=True),
        sa.Column("identifier", sa.Text(), nullable=True),
        sa.Column("details", JSON, nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["person"], ["cc_person.key"], name=op.f("fk_cc_evidence_person_cc_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cc_evidence")),
        sa.UniqueConstraint("person", "evidence_id", name=op.f("uq_cc_evidence_person")),
    )
    with op.batch_alter_table("cc_evidence") as batch:
        batch.create_index("ix_cc_evidence_person_date", ["person", "date"])
        batch.create_index("ix_cc_evidence_competency", ["competency"])


def downgrade() -> None:
    """Drop the evidence table."""
    op.drop_table("cc_evidence")
