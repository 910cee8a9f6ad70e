"""Appointments and their store, with optimistic concurrency on every change."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, Row, Select, delete, exists, func, insert, select, text, update

from simplespa_zoom.book.database import Reads
from simplespa_zoom.book.schema import appointments, note_meetings, outbox, presence_marks, removed_hosts
from simplespa_zoom.meetings.domain import (
    FIRST_YEAR,
    LAST_YEAR,
    Appointment,
    AppointmentDraft,
    AppointmentNotFound,
    Claim,
    DeletedInProvider,
    VersionConflict,
    indexable,
)
from simplespa_zoom.meetings.ports import Letter, LetterKind, LetterState, MeetingLineFormat

# A claim outlives its holder's Zoom deadline (service.CHANGE_SECONDS) only when the holder died;
# taking it over is safe, as a takeover first looks for the meeting the holder may have made.
CLAIM_STALE_AFTER = 30.0
IN_DOUBT = 0.0  # the claim of an attempt whose outcome is unknown: stale at once, and its taker searches first


# The stored UTC instants a start in that range can have in any time zone. A start outside, written by
# hand or another tool, is read as unreadable: years 1 or 9999 overflow once shifted to a zone or
# given a duration, and no page can show or change them.
_READABLE_FROM = datetime(FIRST_YEAR - 1, 12, 30, tzinfo=UTC)
_READABLE_UNTIL = datetime(LAST_YEAR + 1, 1, 2, tzinfo=UTC)
UNREADABLE_START = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
SEARCH_LIMIT = 50
# A search first reads the latest SEARCH_REACH appointments along the start index: a common name fills the
# page there, and a small book is all there. Beyond them, a trigram index (SQLite's FTS5 table, PostgreSQL's
# GIN index) looks for the text in all of the book, but only by a word at most RARE_IN_LATEST of those
# latest names hold, alone: the index reads every entry of each trigram it is asked
# for, so a word many names hold ("maria", "souza") would cost in proportion to the book (0.46 s for two
# common words at 300,000 appointments). A text without such a word is answered from the latest ones only,
# and the page says so. Up to FEW_MATCHES rows are then read by id: every search is bounded work.
SEARCH_REACH = 1_000
RARE_IN_LATEST = 10
TRIGRAM = 3
FEW_MATCHES = 1_000
LOOKED_UP_WORDS = 3  # the longest few rare words of a long text, each one index lookup
_INDEXABLE_WORD = re.compile(r"[^\W_]{3}")  # pg_trgm takes trigrams from runs of letters and digits only


@dataclass(frozen=True)
class Found:
    """A search's answer: the latest matches, and whether all of the book was searched for them."""

    appointments: list[Appointment]
    only_latest: int | None = None  # the book holds more: only its latest this many appointments were searched


def _containing(text: str) -> str:
    """A LIKE pattern for names holding text, its wildcards and escape character taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _holding(table: Any, folded: str) -> Any:
    """The rows of table (appointments, or a part of it) whose case-folded name holds folded: what a search matches."""
    return table.c.client_search.like(_containing(folded), escape="\\")


def to_db(instant: datetime) -> str:
    """ISO 8601 in UTC with a four-digit year: it sorts as text and always reads back."""
    return instant.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _read_start(text: object) -> datetime | None:
    """The stored start, or None when it does not read as a start in the book's years."""
    try:
        parsed = datetime.fromisoformat(str(text))
        start = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        return start if _READABLE_FROM <= start < _READABLE_UNTIL else None
    except (ValueError, OverflowError):
        return None


def from_row(row: Row[Any], line_format: MeetingLineFormat) -> Appointment:
    """One row as an appointment reading its line in line_format; a start that no longer reads (hand-edited
    data) is flagged, not fatal."""
    start = _read_start(row.starts_at)
    return Appointment(
        id=row.id,
        client_name=row.client_name,
        client_email=row.client_email,
        starts_at=start or UNREADABLE_START,
        start_readable=start is not None,
        duration_minutes=row.duration_minutes,
        status=row.status,
        notes=row.notes,
        version=row.version,
        own_meeting_id=row.zoom_meeting_id,
        host_mark=row.zoom_host_mark,
        synced_ms=row.zoom_synced_ms,
        own_line_digest=row.zoom_line_digest,
        meeting_minutes=row.zoom_duration_minutes,
        client_timezone=row.client_timezone,
        mail_sequence=row.mail_sequence,
        deleted_in_provider=_read_deletion(row),
        line_format=line_format,
    )


def _read_deletion(row: Row[Any]) -> DeletedInProvider | None:
    """The meeting deleted in Zoom that staff have not acted on, if any (an unreadable time counts as none)."""
    at = _read_start(row.zoom_deleted_at) if row.zoom_deleted_at is not None else None
    return None if at is None else DeletedInProvider(at, row.zoom_deleted_link)


def search_key(client_name: str) -> str:
    """The client's name as the search compares it: Unicode case folding ("Straße" and "STRASSE" alike)."""
    return client_name.casefold()


def _draft_values(draft: AppointmentDraft) -> dict[str, Any]:
    return {
        "client_name": draft.client_name,
        "client_search": search_key(draft.client_name),
        "client_email": draft.client_email,
        "starts_at": to_db(draft.starts_at),
        "duration_minutes": draft.duration_minutes,
        "notes": draft.notes,
        "client_timezone": draft.client_timezone,
    }


def letter_values(letter: Letter, sequence: int, now: datetime) -> dict[str, Any]:
    """A letter as its outbox row: queued, due now."""
    return {
        "appointment_id": letter.appointment_id,
        "kind": str(letter.kind),
        "recipient": letter.recipient,
        "recipient_name": letter.recipient_name,
        "sequence": sequence,
        "meeting_id": letter.meeting_id,
        "join_url": letter.join_url,
        "starts_at": to_db(letter.starts_at),
        "duration_minutes": letter.duration_minutes,
        "client_timezone": letter.client_timezone,
        "state": "queued",
        "due_at": to_db(now),
        "created_at": to_db(now),
    }


class _AlreadyInvited(Exception):
    """An invitation went or waits already: the resend's transaction is rolled back."""


def _invited_since(connection: Connection, appointment_id: int, since: datetime) -> bool:
    """Whether an invitation written since then waits or went (a refused or stopped one reached no inbox)."""
    query = select(
        exists().where(
            outbox.c.appointment_id == appointment_id,
            outbox.c.kind == str(LetterKind.INVITATION),
            outbox.c.created_at >= to_db(since),
            outbox.c.state.in_((str(LetterState.QUEUED), str(LetterState.SENDING), str(LetterState.SENT))),
        )
    )
    return bool(connection.execute(query).scalar())


def _index_notes(connection: Connection, appointment_id: int, meeting_ids: Collection[int]) -> None:
    """Keep the meeting-id index in step with the notes, in the same transaction as their write."""
    connection.execute(delete(note_meetings).where(note_meetings.c.appointment_id == appointment_id))
    if meeting_ids:
        connection.execute(
            insert(note_meetings),
            [{"appointment_id": appointment_id, "meeting_id": found} for found in sorted(meeting_ids)],
        )


_WHEN = ("id", "starts_at", "duration_minutes")
_VERSION_PARTS = 5


class Polled(NamedTuple):
    """An appointment as the presence poll first reads it (AppointmentStore.polled)."""

    version: str
    starts_at: datetime
    duration_minutes: int
    has_marks: bool  # presence marks kept for it
    off: bool  # its meeting's host removed the app
    appointment: Appointment | None  # the whole row, when asked for


def _with_version(appointment_ids: Collection[int], *columns: Any) -> Select[Any]:
    """These columns of the appointments, then the parts of each one's version: the row's version and its letters
    (how many, the latest, how many settled, how many attempts)."""
    letters = outbox.c
    return (
        select(
            *columns,
            appointments.c.version,
            func.count(letters.id),
            func.max(letters.id),
            func.count(letters.settled_at),
            func.sum(letters.attempts),
        )
        .select_from(appointments.outerjoin(outbox, letters.appointment_id == appointments.c.id))
        .where(appointments.c.id.in_(list(appointment_ids)))
        .group_by(appointments.c.id)  # its primary key: the row's other columns may be read with it
    )


def _version(row: Row[Any]) -> str:
    return ".".join(str(part or 0) for part in row[-_VERSION_PARTS:])


_LATEST_FIRST = (appointments.c.starts_at.desc(), appointments.c.id.desc())


def _rare_words(connection: Connection, folded: str, latest_names: list[str]) -> list[str]:
    """The words of folded the index can look up and at most RARE_IN_LATEST of the latest names hold."""
    if connection.dialect.name == "sqlite":
        lookable = [word for word in folded.split(" ") if len(word) >= TRIGRAM]  # FTS5 indexes every character
    else:  # words without three letters or digits in a row give pg_trgm nothing to look up (a scan of the table)
        lookable = [word for word in folded.split(" ") if _INDEXABLE_WORD.search(word)]
    return [word for word in lookable if sum(word in name for name in latest_names) <= RARE_IN_LATEST]


def _few_holding(connection: Connection, rare_words: list[str]) -> list[int] | None:
    """The ids of the at most FEW_MATCHES appointments whose name holds one of the rare words (the one fewest
    hold), by trigram index, each word alone and capped; None when each is in more names."""
    fewest: list[int] | None = None
    for word in sorted(set(rare_words), key=lambda word: (-len(word), word))[:LOOKED_UP_WORDS]:
        if connection.dialect.name == "sqlite":
            phrase = '"' + word.replace('"', '""') + '"'  # one quoted string: every character literal
            holding = "SELECT rowid FROM appointments_search WHERE appointments_search MATCH :phrase LIMIT :most"
            found = connection.execute(text(holding), {"phrase": phrase, "most": FEW_MATCHES + 1}).scalars().all()
        else:
            query = select(appointments.c.id).where(_holding(appointments, word)).limit(FEW_MATCHES + 1)
            found = connection.execute(query).scalars().all()
        if not found:
            return []  # no name holds this word, so none holds the text: the other words need no lookup
        if len(found) <= FEW_MATCHES and (fewest is None or len(found) < len(fewest)):
            fewest = list(found)
    return fewest


def _latest_names(connection: Connection, reach: int) -> list[str]:
    """The case-folded names of the latest reach + 1 appointments (one more tells whether the book holds more)."""
    query = select(appointments.c.client_search).order_by(*_LATEST_FIRST).limit(reach + 1)
    return list(connection.execute(query).scalars())


class AppointmentStore:
    """All reads and writes of appointments; each write checks the version it was based on.

    Built once per app: each write takes a pooled connection for one short transaction; reads go through `reads`
    (the request's own connection when it lent one). Every write of notes comes with the meeting ids they name (the
    core reads the notes, not the store).
    """

    def __init__(self, engine: Engine, line_format: MeetingLineFormat, reads: Reads | None = None) -> None:
        self.engine = engine
        self.reads = reads or Reads(engine)
        # Called after a transaction that wrote a letter commits: the mail package starts delivering it.
        self.on_letter: Callable[[], None] | None = None
        self.line_format = line_format  # how the provider's line reads, for the appointments and the index

    def _from_row(self, row: Row[Any]) -> Appointment:
        return from_row(row, self.line_format)

    def get(self, appointment_id: int) -> Appointment:
        with self.reads.connection() as connection:
            row = connection.execute(select(appointments).where(appointments.c.id == appointment_id)).first()
        if row is None:
            raise AppointmentNotFound(appointment_id)
        return self._from_row(row)

    def between(self, start: datetime, end: datetime) -> list[Appointment]:
        """Appointments starting in [start, end), in order: one day of the book, by index."""
        query = (
            select(appointments)
            .where(appointments.c.starts_at >= to_db(start), appointments.c.starts_at < to_db(end))
            .order_by(appointments.c.starts_at, appointments.c.id)
        )
        with self.reads.connection() as connection:
            return [self._from_row(row) for row in connection.execute(query)]

    def search(self, part: str, limit: int = SEARCH_LIMIT) -> list[Appointment]:
        """Appointments whose client name contains part (any case, accents as typed), latest first, at most limit
        (of the latest SEARCH_REACH when the index cannot narrow part: see search_book)."""
        return self.search_book(part, limit).appointments

    def search_book(self, part: str, limit: int = SEARCH_LIMIT, reach: int = SEARCH_REACH) -> Found:
        """The latest appointments whose client name contains part, at most limit, and how far the search went.

        `LIKE` on the case-folded name decides what matches. First in the latest `reach` appointments; when
        they neither fill the page nor are the whole book, a trigram index looks for part in all of it by a word
        few of their names hold (see SEARCH_REACH). Without one, the answer says only the latest were searched.
        """
        folded = search_key(part)
        with self.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                # A plan for this text's own words: a plan prepared for any text cannot tell a rare word from a
                # common one, and would read the whole book for one of them.
                connection.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
            latest = select(appointments).order_by(*_LATEST_FIRST).limit(reach).subquery()
            query = (
                select(latest).where(_holding(latest, folded)).order_by(latest.c.starts_at.desc(), latest.c.id.desc())
            )
            found = [self._from_row(row) for row in connection.execute(query.limit(limit))]
            if len(found) == limit:
                return Found(found)  # the page is full: these are the latest matches of all the book
            names = _latest_names(connection, reach)
            if len(names) <= reach:
                return Found(found)  # the whole book was within reach
            rare_words = _rare_words(connection, folded, names[:reach])
            few = _few_holding(connection, rare_words)
            if few is None:
                return Found(found, only_latest=reach)
            # The few rows by id first, then the text: asked both at once, PostgreSQL would rather ask the trigram
            # index for the whole text, and read all of every common trigram's entries ("cli" of "client 5000").
            by_id = select(appointments).where(appointments.c.id.in_(few)).cte("few")
            by_id = by_id.prefix_with("MATERIALIZED", dialect="postgresql")
            query = select(by_id).where(_holding(by_id, folded)).order_by(by_id.c.starts_at.desc(), by_id.c.id.desc())
            return Found([self._from_row(row) for row in connection.execute(query.limit(limit))])

    def create(self, draft: AppointmentDraft) -> Appointment:
        with self.engine.begin() as connection:
            row = connection.execute(insert(appointments).values(_draft_values(draft)).returning(appointments)).one()
            _index_notes(connection, row.id, draft.meeting_ids(self.line_format))
        return self._from_row(row)

    def update(self, appointment_id: int, base_version: int, draft: AppointmentDraft) -> Appointment:
        return self._write(
            appointment_id, base_version, _draft_values(draft), meeting_ids=draft.meeting_ids(self.line_format)
        )

    def set_notes(
        self,
        appointment_id: int,
        base_version: int,
        notes: str,
        *,
        meeting_ids: Collection[int],
        forget_meeting: bool = False,
        synced_ms: int | None = None,
        own_line_digest: str | None = None,
        letter: Letter | None = None,
        deleted: DeletedInProvider | None = None,
    ) -> Appointment:
        """Save notes naming meeting_ids; with forget_meeting the app's own meeting is gone with its line (and
        with deleted, Zoom deleted it: the row remembers when and its link, for staff to act on);
        with own_line_digest the app rewrote its line to text of that digest; with synced_ms the line now
        shows what Zoom held at that time.

        A synced_ms older than the row's is refused like a stale version (VersionConflict with the
        fresh row): what the line shows never goes back in Zoom's time, whoever writes.
        """
        values: dict[str, Any] = {"notes": notes}
        if forget_meeting:
            values.update(
                zoom_meeting_id=None,
                zoom_host_mark=None,
                zoom_synced_ms=None,
                zoom_line_digest=None,
                zoom_duration_minutes=None,
            )
            if deleted is not None:
                values.update(zoom_deleted_at=to_db(deleted.at), zoom_deleted_link=deleted.join_url)
        else:
            if own_line_digest is not None:
                values["zoom_line_digest"] = own_line_digest
            if synced_ms is not None:
                values["zoom_synced_ms"] = synced_ms
        never_older = not forget_meeting and synced_ms is not None
        return self._write(
            appointment_id, base_version, values, meeting_ids=meeting_ids, never_older=never_older, letter=letter
        )

    def record_meeting(
        self,
        appointment_id: int,
        base_version: int,
        notes: str,
        meeting_id: int,
        host_mark: str | None,
        synced_ms: int | None = None,
        *,
        meeting_ids: Collection[int],
        line_digest: str,
        meeting_minutes: int | None = None,
        letter: Letter | None = None,
    ) -> Appointment:
        """Save the notes with the new meeting's line (of line_digest), remember the meeting and end the claim:
        one write."""
        values = {
            "notes": notes,
            "zoom_meeting_id": meeting_id,
            "zoom_host_mark": host_mark,
            "zoom_synced_ms": synced_ms,
            "zoom_line_digest": line_digest,
            "zoom_duration_minutes": meeting_minutes,
            "meeting_claimed_at": None,
            "zoom_deleted_at": None,  # a new meeting: a deletion in Zoom before it is acted on
            "zoom_deleted_link": None,
        }
        return self._write(appointment_id, base_version, values, meeting_ids=meeting_ids, letter=letter)

    def forget_deletion(self, appointment_id: int, base_version: int, letter: Letter | None) -> Appointment:
        """Staff acted on the meeting Zoom deleted: forget the deletion, writing the letter it causes."""
        return self._write(
            appointment_id, base_version, {"zoom_deleted_at": None, "zoom_deleted_link": None}, letter=letter
        )

    def queue_letter(
        self, appointment_id: int, letter: Letter, *, unless_invited_since: datetime | None = None
    ) -> Appointment | None:
        """Write a letter with the appointment's next SEQUENCE (a resend): one transaction, whatever the version.
        None, and nothing written, when an invitation written since `unless_invited_since` waits or went: checked
        after the row's update, which holds its lock, so two resends at once cannot both pass."""
        statement = (
            update(appointments)
            .where(appointments.c.id == appointment_id)
            .values(mail_sequence=appointments.c.mail_sequence + 1)
            .returning(appointments)
        )
        try:
            with self.engine.begin() as connection:
                row = connection.execute(statement).first()
                if row is None:
                    raise AppointmentNotFound(appointment_id)
                if unless_invited_since and _invited_since(connection, appointment_id, unless_invited_since):
                    raise _AlreadyInvited()  # rolls the SEQUENCE back
                letter_row = letter_values(letter, row.mail_sequence - 1, datetime.now(UTC))
                connection.execute(insert(outbox).values(letter_row))
        except _AlreadyInvited:
            return None
        self._letter_written()
        return self._from_row(row)

    def _letter_written(self) -> None:
        if self.on_letter is not None:
            self.on_letter()

    def mark_host(self, appointment_id: int, meeting_id: int, host_mark: str) -> None:
        """Remember who hosts the app's meeting, once a connected browser has seen it in Zoom."""
        self._remember(appointment_id, meeting_id, zoom_host_mark=host_mark)

    def mark_length(self, appointment_id: int, meeting_id: int, minutes: int) -> None:
        """Remember the length Zoom took for the app's meeting."""
        self._remember(appointment_id, meeting_id, zoom_duration_minutes=minutes)

    def _remember(self, appointment_id: int, meeting_id: int, **values: object) -> None:
        """What is known of the app's meeting: only while the row still names it, and not a notes edit (the
        version stays)."""
        with self.engine.begin() as connection:
            connection.execute(
                update(appointments)
                .where(appointments.c.id == appointment_id, appointments.c.zoom_meeting_id == meeting_id)
                .values(**values)
            )

    def cancel(self, appointment_id: int, base_version: int) -> Appointment:
        return self._write(appointment_id, base_version, {"status": "cancelled"})

    def versions(self, appointment_ids: Collection[int]) -> dict[int, str]:
        """A token per appointment that changes whenever what its page shows may have: the row's version (every
        notes, start or status write bumps it) and its letters (one more, one settled, one more attempt, or
        purged). One indexed query for all the ids, reading no notes."""
        if not appointment_ids:
            return {}
        with self.reads.connection() as connection:
            return {
                row[0]: _version(row) for row in connection.execute(_with_version(appointment_ids, appointments.c.id))
            }

    def polled(self, appointment_ids: Collection[int], *, rows: bool = False) -> dict[int, Polled]:
        """What the presence poll needs of each appointment, in one indexed query for all the ids: its version,
        when it is, and whether it has any presence to tell (marks, or a host who removed the app); with rows, the
        appointment itself (the appointment page's poll: its attendance line is in the notes)."""
        if not appointment_ids:
            return {}
        has_marks = exists().where(presence_marks.c.appointment_id == appointments.c.id)
        off = appointments.c.zoom_host_mark.in_(select(removed_hosts.c.host_mark))
        columns = [*appointments.c] if rows else [appointments.c[name] for name in _WHEN]
        query = _with_version(appointment_ids, *columns, has_marks.label("has_marks"), off.label("off"))
        with self.reads.connection() as connection:
            found = connection.execute(query).all()
        return {
            row.id: Polled(
                _version(row),
                _read_start(row.starts_at) or UNREADABLE_START,
                row.duration_minutes,
                bool(row.has_marks),
                bool(row.off),
                self._from_row(row) if rows else None,
            )
            for row in found
        }

    def many(self, appointment_ids: Collection[int]) -> list[Appointment]:
        """These appointments (those that exist), in one query."""
        if not appointment_ids:
            return []
        with self.reads.connection() as connection:
            query = select(appointments).where(appointments.c.id.in_(list(appointment_ids)))
            return [self._from_row(row) for row in connection.execute(query)]

    def find_by_meeting(self, meeting_id: int) -> list[Appointment]:
        """Appointments for which the app created this meeting (by index, not by reading notes)."""
        with self.reads.connection() as connection:
            rows = connection.execute(select(appointments).where(appointments.c.zoom_meeting_id == int(meeting_id)))
            return [self._from_row(row) for row in rows]

    def mentioning(
        self, meeting_id: int, limit: int = SEARCH_LIMIT, *, besides: int | None = None
    ) -> list[Appointment]:
        """Appointments whose notes hold a Zoom line of this meeting, whoever wrote it (by index); besides: one
        appointment left out (the page asking who else shares its meeting: usually no one, so no row comes back)."""
        if not indexable(meeting_id):
            return []  # never in the index
        query = (
            select(appointments)
            .join(note_meetings, note_meetings.c.appointment_id == appointments.c.id)
            .where(note_meetings.c.meeting_id == int(meeting_id))
            .order_by(appointments.c.starts_at, appointments.c.id)
            .limit(limit)
        )
        if besides is not None:
            query = query.where(note_meetings.c.appointment_id != besides)
        with self.reads.connection() as connection:
            return [self._from_row(row) for row in connection.execute(query)]

    def _write(
        self,
        appointment_id: int,
        base_version: int,
        values: dict[str, Any],
        *,
        meeting_ids: Collection[int] | None = None,
        never_older: bool = False,
        letter: Letter | None = None,
    ) -> Appointment:
        """Update these columns only if the row is still at base_version (and, never_older, only if its line
        does not already show what Zoom held later than the new zoom_synced_ms); the index follows the notes,
        and the letter the change causes goes to the outbox with the row's next SEQUENCE, in the same transaction."""
        if letter is not None:
            values = {**values, "mail_sequence": appointments.c.mail_sequence + 1}
        condition = (appointments.c.id == appointment_id) & (appointments.c.version == base_version)
        if never_older:
            synced = appointments.c.zoom_synced_ms
            condition &= synced.is_(None) | (synced <= values["zoom_synced_ms"])
        statement = (
            update(appointments)
            .where(condition)
            .values(**values, version=appointments.c.version + 1)
            .returning(appointments)
        )
        with self.engine.begin() as connection:
            row = connection.execute(statement).first()
            if row is not None and meeting_ids is not None:
                _index_notes(connection, appointment_id, meeting_ids)
            if row is not None and letter is not None:
                connection.execute(
                    insert(outbox).values(letter_values(letter, row.mail_sequence - 1, datetime.now(UTC)))
                )
        if row is None:
            raise VersionConflict(self.get(appointment_id))
        if letter is not None:
            self._letter_written()
        return self._from_row(row)

    def claim_meeting(self, appointment_id: int, now: float | None = None) -> Appointment | None:
        """Take the right to create this appointment's meeting: one statement on either database.

        Returns the appointment as it stands once claimed, or None while another request
        holds the claim (a claim older than CLAIM_STALE_AFTER is taken over). PostgreSQL
        re-checks the condition on the row a concurrent claim just wrote, so one wins.
        """
        now = time.time() if now is None else now
        claimed_at = appointments.c.meeting_claimed_at
        statement = (
            update(appointments)
            .where(appointments.c.id == appointment_id, claimed_at.is_(None) | (claimed_at < now - CLAIM_STALE_AFTER))
            .values(meeting_claimed_at=now)
            .returning(appointments)
        )
        with self.engine.begin() as connection:
            row = connection.execute(statement).first()
        return None if row is None else self._from_row(row)

    def claim_for_create(self, appointment_id: int, now: float | None = None) -> Claim | None:
        """Take the right to create this appointment's meeting, saying whether an earlier attempt's outcome is unknown.

        A free claim is one statement. A held one is taken over only when stale or released in
        doubt, and only if no one changed it since it was read (compare and set), so one wins.
        """
        now = time.time() if now is None else now
        if (row := self._claim_if(appointment_id, None, now)) is not None:
            return Claim(self._from_row(row), in_doubt=False)
        with self.engine.connect() as connection:
            held_at = connection.execute(
                select(appointments.c.meeting_claimed_at).where(appointments.c.id == appointment_id)
            ).scalar()
        if held_at is None or held_at >= now - CLAIM_STALE_AFTER:
            return None  # released meanwhile (the caller asks again), or held by a live request
        row = self._claim_if(appointment_id, held_at, now)
        return None if row is None else Claim(self._from_row(row), in_doubt=True)

    def _claim_if(self, appointment_id: int, held_at: float | None, now: float) -> Row[Any] | None:
        """Claim the row if its claim is still held_at (None: free); the claimed row, or None."""
        claimed_at = appointments.c.meeting_claimed_at
        statement = (
            update(appointments)
            .where(
                appointments.c.id == appointment_id, claimed_at.is_(None) if held_at is None else claimed_at == held_at
            )
            .values(meeting_claimed_at=now)
            .returning(appointments)
        )
        with self.engine.begin() as connection:
            return connection.execute(statement).first()

    def release_meeting(self, appointment_id: int, *, in_doubt: bool = False) -> None:
        """End the claim; in doubt, the next claim (at once) first looks for the meeting this attempt may have made."""
        with self.engine.begin() as connection:
            connection.execute(
                update(appointments)
                .where(appointments.c.id == appointment_id)
                .values(meeting_claimed_at=IN_DOUBT if in_doubt else None)
            )
