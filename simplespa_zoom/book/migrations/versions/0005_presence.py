"""Who is in an appointment's Zoom meeting, and the app's attendance line: marks of what happened when
(no participant's name, email or Zoom id), and the digest of the attendance line the app wrote.

Revision ID: 0005
Revises: 0003 (the lead rechains after 0004 at merge)
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "presence_marks",
        sa.Column("appointment_id", RowId, sa.ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("session", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("at_ms", sa.BigInteger, primary_key=True),
    )
    op.create_index("presence_marks_by_time", "presence_marks", ["at_ms"])
    op.create_table(
        "attendance_lines",
        sa.Column("appointment_id", RowId, sa.ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("digest", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("attendance_lines")
    op.drop_index("presence_marks_by_time", "presence_marks")
    op.drop_table("presence_marks")
