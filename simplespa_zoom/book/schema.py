"""The tables as the newest migration leaves them, for SQLAlchemy Core queries.

Instants are ISO 8601 text in UTC with a four-digit year: they sort as text and read back
the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, ForeignKey, Index, Integer, MetaData, Table, Text, func

metadata = MetaData()

# SQLite's rowid alias on SQLite, a 64-bit identity on PostgreSQL.
RowId = BigInteger().with_variant(Integer(), "sqlite")

staff = Table(
    "staff",
    metadata,
    Column("id", RowId, primary_key=True),
    Column("email", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("session_generation", Integer, nullable=False, server_default="0"),
)
Index("staff_by_email", func.lower(staff.c.email), unique=True)

appointments = Table(
    "appointments",
    metadata,
    Column("id", RowId, primary_key=True),
    Column("client_name", Text, nullable=False),
    Column("client_email", Text),
    Column("starts_at", Text, nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("status", Text, nullable=False, server_default="booked"),
    Column("notes", Text, nullable=False, server_default=""),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("meeting_claimed_at", Float),
    Column("zoom_meeting_id", BigInteger),
    Column("zoom_host_mark", Text),
    Column("zoom_synced_ms", BigInteger),
    # A digest of the exact text of the line the app wrote for its meeting (how it tells it from a typed copy).
    Column("zoom_line_digest", Text),
    # The length in minutes the app last gave Zoom for its meeting (NULL: not known, rows from before 0007).
    Column("zoom_duration_minutes", Integer),
    # The client's name case-folded, for the search box. Migration 0006 indexes its trigrams: on SQLite in the
    # FTS5 table appointments_search, kept in step by triggers; on PostgreSQL in a pg_trgm GIN index.
    Column("client_search", Text, nullable=False, server_default=""),
    # The client's own IANA time zone, if staff gave one (the spa's letters show the time in it too).
    Column("client_timezone", Text),
    # How many calendar letters (invitation, updates, cancellation) were written: the next one's SEQUENCE.
    Column("mail_sequence", Integer, nullable=False, server_default="0"),
    # When Zoom deleted the app's meeting while the appointment stood, and the join link the client may still
    # hold (0008): staff are told until they add a meeting or tell the client the session is no longer online.
    Column("zoom_deleted_at", Text),
    Column("zoom_deleted_link", Text),
)
Index("appointments_by_start", appointments.c.starts_at)
Index("appointments_by_zoom_meeting", appointments.c.zoom_meeting_id)

# Every meeting id a Zoom line in an appointment's notes names, kept in step with each notes write.
note_meetings = Table(
    "note_meetings",
    metadata,
    Column("appointment_id", RowId, ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True),
    Column("meeting_id", BigInteger, primary_key=True),
)
Index("note_meetings_by_meeting", note_meetings.c.meeting_id)

# The spa's letters to clients, each written in the transaction of the notes change that caused it and
# kept only with what the message needs; delivered ones are purged after MAIL_KEEP_DAYS.
outbox = Table(
    "outbox",
    metadata,
    Column("id", RowId, primary_key=True),
    Column("appointment_id", RowId, ForeignKey("appointments.id", ondelete="CASCADE"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("recipient", Text, nullable=False),
    Column("recipient_name", Text, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("meeting_id", BigInteger, nullable=False),
    Column("join_url", Text, nullable=False),
    Column("starts_at", Text, nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("client_timezone", Text),
    Column("state", Text, nullable=False, server_default="queued"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("due_at", Text, nullable=False),
    Column("claimed_at", Text),
    Column("settled_at", Text),  # when it was sent, refused for good or dropped
    Column("error", Text),
    Column("created_at", Text, nullable=False),
    # "<appointment id>@<start>" for a reminder: unique, so each start gets one reminder whoever queues it; a
    # reminder the round drops gives its key up (moved away and back, the start gets one), a stopped one keeps it.
    Column("reminder_key", Text),
)
Index("outbox_due", outbox.c.state, outbox.c.due_at)
Index("outbox_by_appointment", outbox.c.appointment_id, outbox.c.id)
Index("outbox_one_reminder", outbox.c.reminder_key, unique=True)

sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("email", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("failed_at", Float, nullable=False),
)
Index("sign_in_failures_by_client", sign_in_failures.c.address, sign_in_failures.c.failed_at)
Index("sign_in_failures_by_email", sign_in_failures.c.email, sign_in_failures.c.failed_at)

ended_sessions = Table(
    "ended_sessions",
    metadata,
    Column("session_id", Text, primary_key=True),
    Column("ended_at", Float, nullable=False),
)

# Issue 21: what the provider's events said of each appointment's meeting session (a kind and a time,
# no participant's name, email or id), kept for a day; and the digest of the app's attendance line.
# Issue 29 (0013): the meeting each mark is about (a new meeting starts clean) and a one-way digest of the
# participant (a client on two devices joining in one millisecond is two marks).
presence_marks = Table(
    "presence_marks",
    metadata,
    Column("appointment_id", RowId, ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True),
    Column("meeting_id", BigInteger, primary_key=True),
    Column("session", Text, primary_key=True),
    Column("kind", Text, primary_key=True),
    Column("at_ms", BigInteger, primary_key=True),
    Column("participant", Text, primary_key=True),
)
Index("presence_marks_by_time", presence_marks.c.at_ms)

# Keyed fingerprints of hosts who removed the app in Zoom (or disconnected it): Zoom sends no events of their
# meetings until they connect again, so their pages say presence is off rather than showing nothing.
removed_hosts = Table(
    "removed_hosts",
    metadata,
    Column("host_mark", Text, primary_key=True),
    Column("since_ms", BigInteger, nullable=False),
)

# Issue 29 item 8: that the app wrote the attendance line of a meeting, per appointment and meeting: what it
# wrote, its digest, when. Kept as long as the appointment (the line itself is in its notes).
attendance_written = Table(
    "attendance_written",
    metadata,
    Column("appointment_id", RowId, ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True),
    Column("meeting_id", BigInteger, primary_key=True),
    Column("text", Text),
    Column("digest", Text, nullable=False),
    Column("written_ms", BigInteger, nullable=False),
)
