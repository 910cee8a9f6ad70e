"""Presence marks and the record of the attendance lines the app wrote, in the database (the core's PresenceLog).

Every server writes here and every page reads from here, so an event received by one server shows on
a page served by another. Marks are only ever inserted (a replay is refused by the primary key and
ignored) or dropped when old: servers never overwrite each other's.
"""

from __future__ import annotations

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from simplespa_zoom.book.appointments import AppointmentStore
from simplespa_zoom.book.database import Reads
from simplespa_zoom.book.schema import appointments, attendance_written, presence_marks, removed_hosts
from simplespa_zoom.meetings.domain import Appointment, VersionConflict
from simplespa_zoom.meetings.presence_ports import Kind, Mark, Written


class PresenceStore:
    def __init__(self, engine: Engine, appointments: AppointmentStore, reads: Reads | None = None) -> None:
        self.engine = engine
        self.reads = reads or Reads(engine)
        self.appointments = appointments  # builds the rows it writes, in the provider's line format

    def add(self, appointment_id: int, mark: Mark) -> bool:
        values = {**mark._asdict(), "kind": mark.kind.value}
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(presence_marks).values(appointment_id=appointment_id, **values))
        except IntegrityError:
            return False  # the same mark again (a replay, or another server's tick), or the appointment is gone
        return True

    def with_marks(self) -> list[int]:
        with self.engine.connect() as connection:
            return list(connection.execute(select(presence_marks.c.appointment_id).distinct()).scalars())

    def marks(self, appointment_ids: list[int]) -> dict[int, list[Mark]]:
        if not appointment_ids:
            return {}
        query = select(presence_marks).where(presence_marks.c.appointment_id.in_(appointment_ids))
        found: dict[int, list[Mark]] = {}
        with self.reads.connection() as connection:
            for row in connection.execute(query):
                found.setdefault(row.appointment_id, []).append(
                    Mark(row.session, Kind(row.kind), row.at_ms, row.meeting_id, row.participant)
                )
        return found

    def attendance_written(self, appointment_ids: list[int]) -> dict[int, dict[int, Written]]:
        if not appointment_ids:
            return {}
        query = select(attendance_written).where(attendance_written.c.appointment_id.in_(appointment_ids))
        found: dict[int, dict[int, Written]] = {}
        with self.reads.connection() as connection:
            for row in connection.execute(query):
                written = Written(row.meeting_id, row.text, row.digest, row.written_ms)
                found.setdefault(row.appointment_id, {})[row.meeting_id] = written
        return found

    def write_attendance(self, appointment_id: int, base_version: int, notes: str, written: Written) -> Appointment:
        """The notes and the record of the line in one transaction, only if the row is still at base_version."""
        statement = (
            update(appointments)
            .where(appointments.c.id == appointment_id, appointments.c.version == base_version)
            .values(notes=notes, version=appointments.c.version + 1)
            .returning(appointments)
        )
        this = (attendance_written.c.appointment_id == appointment_id) & (
            attendance_written.c.meeting_id == written.meeting_id
        )
        with self.engine.begin() as connection:
            row = connection.execute(statement).first()
            if row is not None:  # the version check serialises writers of this row: no two insert the record
                connection.execute(delete(attendance_written).where(this))
                connection.execute(
                    insert(attendance_written).values(
                        appointment_id=appointment_id,
                        meeting_id=written.meeting_id,
                        text=written.text,
                        digest=written.digest,
                        written_ms=written.at_ms,
                    )
                )
        if row is None:
            with self.engine.connect() as connection:
                current = connection.execute(select(appointments).where(appointments.c.id == appointment_id)).one()
            raise VersionConflict(self.appointments._from_row(current))
        return self.appointments._from_row(row)

    def forget_before(self, cutoff_ms: int) -> int:
        with self.engine.begin() as connection:
            return connection.execute(delete(presence_marks).where(presence_marks.c.at_ms < cutoff_ms)).rowcount

    def host_removed(self, host_marks: list[str], at_ms: int) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(removed_hosts).where(removed_hosts.c.host_mark.in_(host_marks)))
            connection.execute(insert(removed_hosts), [{"host_mark": mark, "since_ms": at_ms} for mark in host_marks])

    def host_back(self, host_marks: list[str]) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(removed_hosts).where(removed_hosts.c.host_mark.in_(host_marks)))

    def of_removed_hosts(self, appointment_ids: list[int]) -> set[int]:
        if not appointment_ids:
            return set()
        query = select(appointments.c.id).where(
            appointments.c.id.in_(appointment_ids),
            appointments.c.zoom_host_mark.in_(select(removed_hosts.c.host_mark)),
        )
        with self.reads.connection() as connection:
            return set(connection.execute(query).scalars())
