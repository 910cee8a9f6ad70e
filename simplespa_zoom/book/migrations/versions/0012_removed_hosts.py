"""Hosts who removed the app in Zoom: a keyed fingerprint of each (no Zoom id), so the pages of their meetings say
that presence is off until they connect again.

Revision ID: 0012
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "removed_hosts",
        sa.Column("host_mark", sa.Text, primary_key=True),
        sa.Column("since_ms", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("removed_hosts")
