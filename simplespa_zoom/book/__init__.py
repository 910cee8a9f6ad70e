"""The appointment book: appointments, staff and sign-ins, on SQLite or PostgreSQL. No Flask here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from simplespa_zoom.book.appointments import AppointmentStore
from simplespa_zoom.book.database import open_engine, upgrade
from simplespa_zoom.book.outbox import OutboxStore
from simplespa_zoom.book.staff import StaffStore


@dataclass(frozen=True)
class Book:
    """One database and its stores, opened once per process."""

    engine: Engine
    appointments: AppointmentStore
    staff: StaffStore
    outbox: OutboxStore

    @classmethod
    def open(cls, database: str) -> Book:
        engine = open_engine(database)
        return cls(engine, AppointmentStore(engine), StaffStore(engine), OutboxStore(engine))

    def upgrade(self) -> str:
        """Create or upgrade the schema; returns the revision reached."""
        return upgrade(self.engine)


def init_app(app: Any) -> None:
    """Open the app's book once, at its DATABASE setting (the app reaches it through web.the_book())."""
    app.extensions["book"] = Book.open(app.config["DATABASE"])
