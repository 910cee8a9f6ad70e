"""The spa's own mail: the client's time zone on the appointment, its letters' calendar sequence, and the outbox.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("appointments", sa.Column("client_timezone", sa.Text))
    op.add_column("appointments", sa.Column("mail_sequence", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "outbox",
        sa.Column("id", RowId, primary_key=True),
        sa.Column("appointment_id", RowId, sa.ForeignKey("appointments.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("recipient", sa.Text, nullable=False),
        sa.Column("recipient_name", sa.Text, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("meeting_id", sa.BigInteger, nullable=False),
        sa.Column("join_url", sa.Text, nullable=False),
        sa.Column("starts_at", sa.Text, nullable=False),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("client_timezone", sa.Text),
        sa.Column("state", sa.Text, nullable=False, server_default="queued"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("due_at", sa.Text, nullable=False),
        sa.Column("claimed_at", sa.Text),
        sa.Column("settled_at", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("reminder_key", sa.Text),
    )
    op.create_index("outbox_due", "outbox", ["state", "due_at"])
    op.create_index("outbox_by_appointment", "outbox", ["appointment_id", "id"])
    op.create_index("outbox_one_reminder", "outbox", ["reminder_key"], unique=True)


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_column("appointments", "mail_sequence")
    op.drop_column("appointments", "client_timezone")
