"""That the app wrote the attendance line of a meeting, per appointment and meeting id: what it wrote, its digest
and when (issue 29 item 8). Replaces attendance_lines (a digest per appointment), so a re-delivered end of a
meeting whose line staff edited adds no second line. Lines written before keep their digest, under the meeting the
app created for the appointment; their text was not kept.

Revision ID: 0015
Revises: 0012 (the lead rechains at merge)
"""

import time

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0012"
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "attendance_written",
        sa.Column("appointment_id", RowId, sa.ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("meeting_id", sa.BigInteger, primary_key=True),
        sa.Column("text", sa.Text),
        sa.Column("digest", sa.Text, nullable=False),
        sa.Column("written_ms", sa.BigInteger, nullable=False),
    )
    op.execute(
        sa.text(
            "INSERT INTO attendance_written (appointment_id, meeting_id, text, digest, written_ms) "
            "SELECT attendance_lines.appointment_id, appointments.zoom_meeting_id, NULL, attendance_lines.digest, :now "
            "FROM attendance_lines JOIN appointments ON appointments.id = attendance_lines.appointment_id "
            "WHERE appointments.zoom_meeting_id IS NOT NULL"
        ).bindparams(now=int(time.time() * 1000))
    )
    op.drop_table("attendance_lines")


def downgrade() -> None:
    op.create_table(
        "attendance_lines",
        sa.Column("appointment_id", RowId, sa.ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("digest", sa.Text, nullable=False),
    )
    op.execute(
        "INSERT INTO attendance_lines (appointment_id, digest) "
        "SELECT appointment_id, MAX(digest) FROM attendance_written GROUP BY appointment_id"
    )
    op.drop_table("attendance_written")
