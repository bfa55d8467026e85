"""The directory of identity-provider users and groups (the SCIM service's resources).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the directory tables."""
    op.create_table(
        "cc_directory_entry",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("resource_type", sa.String(50), nullable=False),
        sa.Column("user_name_key", sa.String(400), nullable=True),
        sa.Column("external_id", sa.String(400), nullable=True),
        sa.Column("display_key", sa.String(400), nullable=True),
        sa.Column("person_key", sa.String(100), nullable=True),
        sa.Column("manager_id", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created", TS, nullable=False),
        sa.Column("last_modified", TS, nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cc_directory_entry")),
        sa.UniqueConstraint(
            "resource_type", "user_name_key", name=op.f("uq_cc_directory_entry_resource_type")
        ),
    )
    with op.batch_alter_table("cc_directory_entry") as batch:
        batch.create_index("ix_cc_directory_entry_display_key", ["resource_type", "display_key"])
        batch.create_index("ix_cc_directory_entry_external_id", ["resource_type", "external_id"])
        batch.create_index(batch.f("ix_cc_directory_entry_manager_id"), ["manager_id"])
        batch.create_index("ix_cc_directory_entry_modified", ["resource_type", "last_modified"])
        batch.create_index(batch.f("ix_cc_directory_entry_person_key"), ["person_key"])
    op.create_table(
        "cc_directory_member",
        sa.Column("group_id", sa.String(64), nullable=False),
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["cc_directory_entry.id"],
            name=op.f("fk_cc_directory_member_group_id_cc_directory_entry"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "member_id", name=op.f("pk_cc_directory_member")),
    )
    with op.batch_alter_table("cc_directory_member") as batch:
        batch.create_index(batch.f("ix_cc_directory_member_member_id"), ["member_id"])


def downgrade() -> None:
    """Drop the directory tables."""
    op.drop_table("cc_directory_member")
    op.drop_table("cc_directory_entry")
