"""Learning assignments, so that a workforce (people, assessments, assignments) round-trips.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the assignments table."""
    op.create_table(
        "cc_assignment",
        sa.Column("model_key", sa.String(100), nullable=False),
        sa.Column("person", sa.String(100), nullable=False),
        sa.Column("resource", sa.String(100), nullable=False),
        sa.Column("assigned", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("completed", sa.Date(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["person"], ["cc_person.key"], name=op.f("fk_cc_assignment_person_cc_person")
        ),
        sa.PrimaryKeyConstraint(
            "model_key", "person", "resource", "assigned", name=op.f("pk_cc_assignment")
        ),
    )
    with op.batch_alter_table("cc_assignment") as batch:
        batch.create_index("ix_cc_assignment_person", ["person"])


def downgrade() -> None:
    """Drop the assignments table."""
    op.drop_table("cc_assignment")
