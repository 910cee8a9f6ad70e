"""Staff accounts, their sign-ins and the sessions that signing out ended."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, bindparam, delete, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from simplespa_zoom.book import sign_in_guard
from simplespa_zoom.book.database import Reads
from simplespa_zoom.book.schema import ended_sessions, staff

MIN_PASSWORD_LENGTH = 10
ENDED_SESSIONS_KEPT = 8 * 24 * 3600  # longer than any session lives
_DUMMY_HASH = generate_password_hash("not a real password, used to even out timing")


@dataclass(frozen=True)
class Staff:
    id: int
    email: str
    session_generation: int


class StaffError(ValueError):
    """A staff account could not be created or changed; the message says why."""


class SignInPaused(Exception):
    """Too many recent failures from this client: the attempt is refused unchecked and uncounted."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.minutes = max(1, int(seconds + 59) // 60)


def _same_email(email: str) -> ColumnElement[bool]:
    return func.lower(staff.c.email) == email.strip().lower()


# Every signed-in request asks this: built once, bound per call.
_SIGNED_IN = select(staff, exists().where(ended_sessions.c.session_id == bindparam("session_id")).label("ended")).where(
    staff.c.id == bindparam("staff_id")
)


class StaffStore:
    """Staff accounts; emails match in any case."""

    def __init__(self, engine: Engine, reads: Reads | None = None) -> None:
        self.engine = engine
        self.reads = reads or Reads(engine)

    def create(self, email: str, password: str) -> Staff:
        email = email.strip()
        if "@" not in email or len(email) > 254:
            raise StaffError(f"{email!r} is not an email address.")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise StaffError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
        try:
            with self.engine.begin() as connection:
                new_id = connection.execute(
                    insert(staff)
                    .values(email=email, password_hash=generate_password_hash(password))
                    .returning(staff.c.id)
                ).scalar_one()
        except IntegrityError as error:
            raise StaffError(f"There is already a staff account for {email}.") from error
        return Staff(new_id, email, 0)

    def set_password(self, email: str, password: str) -> None:
        """Change a password and end every session signed in with the old one."""
        if len(password) < MIN_PASSWORD_LENGTH:
            raise StaffError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
        with self.engine.begin() as connection:
            changed = connection.execute(
                update(staff)
                .where(_same_email(email))
                .values(
                    password_hash=generate_password_hash(password), session_generation=staff.c.session_generation + 1
                )
            ).rowcount
        if changed != 1:
            raise StaffError(f"There is no staff account for {email}.")

    def authenticate(
        self,
        email: str,
        password: str,
        client: str,
        *,
        known_staff: frozenset[int] = frozenset(),
        browser_id: str | None = None,
        now: float | None = None,
    ) -> Staff | None:
        """The staff member for these credentials, with the same work and answer for every failure.

        A browser that signed in to this account before is throttled by its own failures only.
        """
        now = time.time() if now is None else now
        email = sign_in_guard.cut_email(email)
        with self.engine.begin() as connection:
            row = connection.execute(select(staff).where(_same_email(email))).first()
            known = row is not None and row.id in known_staff and browser_id is not None
            client = f"browser:{browser_id}" if known else client
            wait = sign_in_guard.seconds_to_wait(connection, email, client, now, known_browser=known)
            if wait > 0:
                raise SignInPaused(wait)
            password_ok = check_password_hash(row.password_hash if row else _DUMMY_HASH, password)
            if row is not None and password_ok:
                sign_in_guard.forget_failures(connection, email, client)
                return Staff(row.id, row.email, row.session_generation)
            sign_in_guard.record_failure(connection, email, client, now)
            return None

    def signed_in(self, staff_id: int, session_id: str) -> tuple[Staff, bool] | None:
        """The staff member, and whether signing out has ended this session; None if no such account."""
        with self.reads.connection() as connection:
            row = connection.execute(_SIGNED_IN, {"staff_id": staff_id, "session_id": session_id}).first()
        if row is None:
            return None
        return Staff(row.id, row.email, row.session_generation), bool(row.ended)

    def end_session(self, session_id: str, now: float | None = None) -> None:
        """Remember that this session signed out, so a copy of its cookie no longer works."""
        now = time.time() if now is None else now
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(ended_sessions).values(session_id=session_id, ended_at=now))
        except IntegrityError:
            pass  # the same session signed out twice at once
        with self.engine.begin() as connection:
            connection.execute(delete(ended_sessions).where(ended_sessions.c.ended_at < now - ENDED_SESSIONS_KEPT))
