"""Find appointments by index at any size of book: meeting ids in notes, client names, staff emails.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from simplespa_zoom.book.migrations import zoom_line_0003 as notes

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
BATCH = 2000


def upgrade() -> None:
    op.add_column("appointments", sa.Column("client_search", sa.Text, nullable=False, server_default=""))
    op.create_table(
        "note_meetings",
        sa.Column("appointment_id", RowId, sa.ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("meeting_id", sa.BigInteger, primary_key=True),
    )
    op.create_index("note_meetings_by_meeting", "note_meetings", ["meeting_id"])
    op.create_index("staff_by_email", "staff", [sa.text("lower(email)")], unique=True)
    _fill()


def _fill() -> None:
    """Index what the existing rows hold, a batch at a time."""
    bind = op.get_bind()
    appointments = sa.table(
        "appointments", sa.column("id"), sa.column("client_name"), sa.column("notes"), sa.column("client_search")
    )
    note_meetings = sa.table("note_meetings", sa.column("appointment_id"), sa.column("meeting_id"))
    last = 0
    while rows := bind.execute(
        sa.select(appointments.c.id, appointments.c.client_name, appointments.c.notes)
        .where(appointments.c.id > last)
        .order_by(appointments.c.id)
        .limit(BATCH)
    ).all():
        for row in rows:
            bind.execute(
                appointments.update()
                .where(appointments.c.id == row.id)
                .values(client_search=row.client_name.casefold())
            )
        links = [
            {"appointment_id": row.id, "meeting_id": meeting_id}
            for row in rows
            for meeting_id in notes.meeting_ids(row.notes)
        ]
        if links:
            bind.execute(note_meetings.insert(), links)
        last = rows[-1].id


def downgrade() -> None:
    op.drop_index("staff_by_email", "staff")
    op.drop_table("note_meetings")
    op.drop_column("appointments", "client_search")  # SQLite 3.35+ drops it in place, keeping the checks
