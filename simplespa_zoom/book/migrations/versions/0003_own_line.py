"""Recognise the app's own Zoom line by its exact text, so a typed copy with the same meeting id is never acted on.

Existing rows learn it from the line the app treated as its own until now: the last line of its meeting.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from simplespa_zoom.book.migrations import zoom_line_0003 as notes

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    op.add_column("appointments", sa.Column("zoom_line_digest", sa.Text))
    _fill()


def _fill() -> None:
    """The digest of each remembered meeting's last line, a batch at a time."""
    bind = op.get_bind()
    appointments = sa.table(
        "appointments", sa.column("id"), sa.column("notes"), sa.column("zoom_meeting_id"), sa.column("zoom_line_digest")
    )
    last = 0
    while rows := bind.execute(
        sa.select(appointments.c.id, appointments.c.notes, appointments.c.zoom_meeting_id)
        .where(appointments.c.id > last, appointments.c.zoom_meeting_id.is_not(None))
        .order_by(appointments.c.id)
        .limit(BATCH)
    ).all():
        for row in rows:
            if digest := notes.last_line_digest(row.notes, row.zoom_meeting_id):
                bind.execute(appointments.update().where(appointments.c.id == row.id).values(zoom_line_digest=digest))
        last = rows[-1].id


def downgrade() -> None:
    op.drop_column("appointments", "zoom_line_digest")
