"""That the app wrote the attendance line of a meeting, per appointment and meeting id: what it wrote, its digest
and when (issue 29 item 8). Replaces attendance_lines (a digest per appointment), so a re-delivered end of a
meeting whose line staff edited adds no second line. Lines written before keep their digest, under the meeting
0013 recorded with them (or, where it is not set, the meeting the app created for the appointment); their text was
not kept.

Revision ID: 0015
Revises: 0013
"""

import time

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
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
            "SELECT attendance_lines.appointment_id, "
            "COALESCE(attendance_lines.meeting_id, appointments.zoom_meeting_id), NULL, attendance_lines.digest, :now "
            "FROM attendance_lines JOIN appointments ON appointments.id = attendance_lines.appointment_id "
            "WHERE COALESCE(attendance_lines.meeting_id, appointments.zoom_meeting_id) IS NOT NULL"
        ).bindparams(now=int(time.time() * 1000))
    )
    op.drop_table("attendance_lines")


def downgrade() -> None:
    """attendance_lines as 0013 left it: one line per appointment, the one the app wrote last, with its meeting."""
    op.create_table(
        "attendance_lines",
        sa.Column("appointment_id", RowId, sa.ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("digest", sa.Text, nullable=False),
        sa.Column("meeting_id", sa.BigInteger),
    )
    op.execute(
        "INSERT INTO attendance_lines (appointment_id, digest, meeting_id) "
        "SELECT w.appointment_id, w.digest, w.meeting_id FROM attendance_written w WHERE NOT EXISTS ("
        "SELECT 1 FROM attendance_written o WHERE o.appointment_id = w.appointment_id AND "
        "(o.written_ms > w.written_ms OR (o.written_ms = w.written_ms AND o.meeting_id > w.meeting_id)))"
    )
    op.drop_table("attendance_written")
