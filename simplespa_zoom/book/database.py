"""The SQLite database: one connection per request, the schema and its migrations."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable

import click
from flask import Flask, current_app

from simplespa_zoom.meetings import notes

# Each entry moves the schema one version up; the index + 1 is the version it reaches.
MIGRATIONS = (
    """
    CREATE TABLE staff (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        session_generation INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE appointments (
        id INTEGER PRIMARY KEY,
        client_name TEXT NOT NULL,
        client_email TEXT,
        starts_at TEXT NOT NULL,
        duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
        status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')),
        notes TEXT NOT NULL DEFAULT '',
        version INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX appointments_by_start ON appointments (starts_at);
    CREATE TABLE meeting_claims (
        appointment_id INTEGER PRIMARY KEY REFERENCES appointments (id) ON DELETE CASCADE,
        claimed_at REAL NOT NULL
    );
    """,
    """
    CREATE TABLE login_failures (
        email TEXT NOT NULL COLLATE NOCASE,
        failed_at REAL NOT NULL
    );
    CREATE INDEX login_failures_by_email ON login_failures (email, failed_at);
    """,
    # The meeting claim moves onto the appointment's row: taking it returns the row, and the
    # notes write that records the meeting also ends the claim, each in one statement.
    """
    ALTER TABLE appointments ADD COLUMN meeting_claimed_at REAL;
    DROP TABLE meeting_claims;
    """,
)


def _remember_created_meetings(connection: sqlite3.Connection) -> None:
    """Version 4: the meeting the app created for each appointment, and a fingerprint of its host.

    Until now only the app wrote Zoom lines, so each appointment's current line is taken as the
    one it created; its host is unknown until Zoom shows it to a connected browser.
    """
    connection.execute("ALTER TABLE appointments ADD COLUMN zoom_meeting_id INTEGER")
    connection.execute("ALTER TABLE appointments ADD COLUMN zoom_host_mark TEXT")
    connection.execute("CREATE INDEX appointments_by_zoom_meeting ON appointments (zoom_meeting_id)")
    rows = connection.execute("SELECT id, notes FROM appointments WHERE instr(notes, 'Zoom:') > 0").fetchall()
    for row in rows:
        line = notes.current_line(row["notes"])
        if line is not None:
            connection.execute("UPDATE appointments SET zoom_meeting_id = ? WHERE id = ?", (line.meeting_id, row["id"]))


# Version 5: sign-in failures counted per client address too (never a lock for everyone), and
# sessions ended by signing out, so a copy of the cookie no longer works.
_GUARD_SIGN_IN = """
    DROP TABLE login_failures;
    CREATE TABLE sign_in_failures (
        email TEXT NOT NULL COLLATE NOCASE,
        address TEXT NOT NULL,
        failed_at REAL NOT NULL
    );
    CREATE INDEX sign_in_failures_by_client ON sign_in_failures (address, failed_at);
    CREATE INDEX sign_in_failures_by_email ON sign_in_failures (email, failed_at);
    CREATE TABLE ended_sessions (
        session_id TEXT PRIMARY KEY,
        ended_at REAL NOT NULL
    );
"""

# Version 6: when each line last took Zoom's word, so an older event replayed or retried late
# never moves it back.
_ORDER_ZOOM_EVENTS = "ALTER TABLE appointments ADD COLUMN zoom_synced_ms INTEGER;"

STEPS: tuple[str | Callable[[sqlite3.Connection], None], ...] = (
    *MIGRATIONS,
    _remember_created_meetings,
    _GUARD_SIGN_IN,
    _ORDER_ZOOM_EVENTS,
)


def connect(path: str) -> sqlite3.Connection:
    """A connection that waits for writers instead of failing, with rows by name."""
    connection = sqlite3.connect(path, timeout=15, isolation_level=None, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA busy_timeout = 15000")
    connection.execute("PRAGMA synchronous = NORMAL")
    return connection


def get_db() -> sqlite3.Connection:
    """This thread's connection, kept across requests.

    Reusing it skips connection set-up, and a connection that stays open keeps SQLite
    from checkpointing the WAL each time a request's last connection would close.
    """
    pool = current_app.extensions["db_connections"]
    connection = getattr(pool, "connection", None)
    if connection is None:
        connection = pool.connection = connect(current_app.config["DATABASE"])
    return connection


def end_request(_error: BaseException | None = None) -> None:
    """Never let a transaction outlive its request."""
    connection = getattr(current_app.extensions["db_connections"], "connection", None)
    if connection is not None and connection.in_transaction:
        connection.rollback()


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the schema to the newest version; safe to run again. Returns the version."""
    connection.execute("PRAGMA journal_mode = WAL")
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    for number, step in enumerate(STEPS[version:], start=version + 1):
        if isinstance(step, str):
            connection.executescript(f"BEGIN IMMEDIATE; {step}; PRAGMA user_version = {number}; COMMIT;")
            continue
        connection.execute("BEGIN IMMEDIATE")
        try:
            step(connection)
            connection.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
    return len(STEPS)


def init_db() -> int:
    return migrate(get_db())


@click.command("init-db")
def init_db_command() -> None:
    """Create or upgrade the database schema."""
    version = init_db()
    click.echo(f"Database ready at {current_app.config['DATABASE']} (schema version {version}).")


def init_app(app: Flask) -> None:
    app.extensions["db_connections"] = threading.local()
    app.teardown_appcontext(end_request)
    app.cli.add_command(init_db_command)
