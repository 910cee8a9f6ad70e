"""Remember the length the app last gave Zoom for its meeting. When Zoom could not take a new length (it was
unreachable), saving the appointment again moves the meeting, as it already does for a start the line still shows.

Existing rows know no length (NULL): for them the appointment's length before the save stands in, as before.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("appointments", sa.Column("zoom_duration_minutes", sa.Integer))


def downgrade() -> None:
    op.drop_column("appointments", "zoom_duration_minutes")
