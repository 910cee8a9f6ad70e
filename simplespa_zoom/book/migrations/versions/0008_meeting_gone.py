"""Remember that Zoom deleted an appointment's meeting while the appointment stood: when, and the join link the
client may still hold. The client is not written to by itself; the appointment page and the day list tell staff
until they add a new meeting, tell the client the session is no longer online, or the appointment is over.

Plain ADD COLUMN: the appointments table is not rebuilt (its search triggers stay).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("appointments", sa.Column("zoom_deleted_at", sa.Text))
    op.add_column("appointments", sa.Column("zoom_deleted_link", sa.Text))


def downgrade() -> None:
    op.drop_column("appointments", "zoom_deleted_link")
    op.drop_column("appointments", "zoom_deleted_at")
