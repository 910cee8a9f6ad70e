"""Presence marks tied to the meeting they are about and told apart by a participant digest; the attendance
line's record tied to its meeting (issue 29 items 6-7).

The marks' primary key changes, which SQLite cannot alter in place: the table is rebuilt under a new name and
renamed, its rows (kept for a day at most) copied with the appointment's own meeting id and no participant digest.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _marks_table(name: str, *, new: bool) -> None:
    columns = [
        sa.Column("appointment_id", RowId, sa.ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True),
        *([sa.Column("meeting_id", sa.BigInteger, primary_key=True)] if new else []),
        sa.Column("session", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("at_ms", sa.BigInteger, primary_key=True),
        *([sa.Column("participant", sa.Text, primary_key=True)] if new else []),
    ]
    op.create_table(name, *columns)


def upgrade() -> None:
    _marks_table("presence_marks_0013", new=True)
    op.execute(
        "INSERT INTO presence_marks_0013 (appointment_id, meeting_id, session, kind, at_ms, participant) "
        "SELECT m.appointment_id, a.zoom_meeting_id, m.session, m.kind, m.at_ms, '' FROM presence_marks m "
        "JOIN appointments a ON a.id = m.appointment_id WHERE a.zoom_meeting_id IS NOT NULL"
    )
    op.drop_index("presence_marks_by_time", "presence_marks")
    op.drop_table("presence_marks")
    op.rename_table("presence_marks_0013", "presence_marks")
    op.create_index("presence_marks_by_time", "presence_marks", ["at_ms"])
    op.add_column("attendance_lines", sa.Column("meeting_id", sa.BigInteger))
    op.execute(
        "UPDATE attendance_lines SET meeting_id = "
        "(SELECT zoom_meeting_id FROM appointments WHERE appointments.id = attendance_lines.appointment_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("attendance_lines") as batch:
        batch.drop_column("meeting_id")
    _marks_table("presence_marks_0005", new=False)
    op.execute(
        "INSERT INTO presence_marks_0005 (appointment_id, session, kind, at_ms) "
        "SELECT DISTINCT appointment_id, session, kind, at_ms FROM presence_marks"
    )
    op.drop_index("presence_marks_by_time", "presence_marks")
    op.drop_table("presence_marks")
    op.rename_table("presence_marks_0005", "presence_marks")
    op.create_index("presence_marks_by_time", "presence_marks", ["at_ms"])
