"""An index on ``lower(email)`` of people, so that finding a person by e-mail is indexed.

The SCIM inbound service looks for the person a new user's e-mail already belongs to
(compared case-insensitively, ``lower(email) = lower(:email)``) on every create; without
an index each lookup read every person, so provisioning 10,000 users was quadratic. An
expression index works on SQLite (3.9 and later) and PostgreSQL alike.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEX = "ix_cc_person_email_lower"


def upgrade() -> None:
    """Create the expression index on ``lower(email)``."""
    op.create_index(INDEX, "cc_person", [sa.text("lower(email)")])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index(INDEX, table_name="cc_person")
