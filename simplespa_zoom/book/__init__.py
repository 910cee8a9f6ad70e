"""The appointment book: appointments, staff and sign-ins, on SQLite or PostgreSQL. No Flask here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from simplespa_zoom.book.appointments import AppointmentStore
from simplespa_zoom.book.database import Reads, open_engine, upgrade
from simplespa_zoom.book.outbox import OutboxStore
from simplespa_zoom.book.presence import PresenceStore
from simplespa_zoom.book.staff import StaffStore
from simplespa_zoom.meetings.ports import MeetingLineFormat


@dataclass(frozen=True)
class Book:
    """One database and its stores, opened once per process."""

    engine: Engine
    reads: Reads  # a web request lends its connection here (web.lend_request_connection)
    appointments: AppointmentStore
    staff: StaffStore
    presence: PresenceStore
    outbox: OutboxStore

    @classmethod
    def open(cls, database: str, line_format: MeetingLineFormat) -> Book:
        """The book at database, whose appointments read the app's line in the provider's line_format."""
        engine = open_engine(database)
        reads = Reads(engine)
        appointments = AppointmentStore(engine, line_format, reads)
        return cls(
            engine,
            reads,
            appointments,
            StaffStore(engine, reads),
            PresenceStore(engine, appointments, reads),
            OutboxStore(engine, line_format, reads),
        )

    def upgrade(self) -> str:
        """Create or upgrade the schema; returns the revision reached."""
        return upgrade(self.engine)


def init_app(app: Any) -> None:
    """Open the app's book once, at its DATABASE setting (the app reaches it through web.the_book()), in the
    line format of the app's meeting provider (set by the provider's init_app first)."""
    app.extensions["book"] = Book.open(app.config["DATABASE"], app.extensions["meeting_line_format"])
