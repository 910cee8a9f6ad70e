"""The schema as the hand-written SQLite migrations left it (their version 6).

A database they made is stamped with this revision instead of running it.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Caseless = sa.Text().with_variant(sa.Text(collation="NOCASE"), "sqlite")


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", RowId, primary_key=True),
        sa.Column("email", Caseless, nullable=False, unique=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("session_generation", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "appointments",
        sa.Column("id", RowId, primary_key=True),
        sa.Column("client_name", sa.Text, nullable=False),
        sa.Column("client_email", sa.Text),
        sa.Column("starts_at", sa.Text, nullable=False),
        sa.Column("duration_minutes", sa.Integer, sa.CheckConstraint("duration_minutes > 0"), nullable=False),
        sa.Column(
            "status",
            sa.Text,
            sa.CheckConstraint("status IN ('booked', 'cancelled')"),
            nullable=False,
            server_default="booked",
        ),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("meeting_claimed_at", sa.Float),
        sa.Column("zoom_meeting_id", sa.BigInteger),
        sa.Column("zoom_host_mark", sa.Text),
        sa.Column("zoom_synced_ms", sa.BigInteger),
    )
    op.create_index("appointments_by_start", "appointments", ["starts_at"])
    op.create_index("appointments_by_zoom_meeting", "appointments", ["zoom_meeting_id"])
    op.create_table(
        "sign_in_failures",
        sa.Column("email", Caseless, nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("failed_at", sa.Float, nullable=False),
    )
    op.create_index("sign_in_failures_by_client", "sign_in_failures", ["address", "failed_at"])
    op.create_index("sign_in_failures_by_email", "sign_in_failures", ["email", "failed_at"])
    op.create_table(
        "ended_sessions",
        sa.Column("session_id", sa.Text, primary_key=True),
        sa.Column("ended_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    for table in ("ended_sessions", "sign_in_failures", "appointments", "staff"):
        op.drop_table(table)
