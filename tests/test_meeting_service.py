"""The meeting services on their own: in-memory fakes of the book and the meeting provider; no Flask app.

These hold the core's rules; Zoom's tokens and refresh are tested in test_meeting_service_over_zoom.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from simplespa_zoom.meetings.errors import AppointmentCancelled, MeetingBusy, MeetingNotSaved, OtherAccount
from simplespa_zoom.meetings.host_marks import HostMarks
from simplespa_zoom.meetings.notes import fingerprint
from simplespa_zoom.meetings.ports import MeetingProvider, ProviderNotConnected
from simplespa_zoom.meetings.service import Meetings, MeetingSetup
from simplespa_zoom.meetings.summary import meeting_summary

from .fakes import InMemoryBook, InMemoryProvider

TZ = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
START = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # 3:00 pm in New York
LINK = "https://us05web.zoom.us/j/85746065432?pwd=Ab12Cd34Ef56.1"
LINE = "Zoom: [Appointment with Ana Souza] Tuesday, December 1 2026 3:00 pm \u2014 " + LINK
MARKS = HostMarks("a-secret-key-only-these-tests-use-0123456789", [])


def services(book: InMemoryBook, provider: MeetingProvider, now: datetime, *, mail: bool = False) -> Meetings:
    """The services of one request over this book and provider, on a fixed clock (mail: the spa sends letters)."""
    return MeetingSetup(book, TZ, MARKS, now=lambda: now, mail=mail).services(provider)


class World:
    """One spa: a book, the meeting provider connected in one browser, and the services built over them."""

    calls: list[str]  # the meeting calls that reached the provider

    def __init__(self, *, connected: bool = True, now: datetime = NOW, mail: bool = False) -> None:
        self.book = InMemoryBook()
        self.provider = InMemoryProvider(connected=connected, now=lambda: now)
        self.calls = self.provider.calls
        self.service = services(self.book, self.provider, now, mail=mail)

    def with_meeting(
        self, notes: str = "Prefers lavender oil.", host: str | None = "host-1", client_email: str | None = None
    ) -> int:
        """An appointment whose meeting the app created earlier (host known unless None)."""
        appointment = self.book.add("Ana Souza", START, notes, client_email=client_email)
        outcome = self.service.adding.add(appointment.id)
        if host != "host-1":
            mark = MARKS.mark(host) if host else None
            self.book.rows[appointment.id] = replace(outcome.appointment, host_mark=mark)
        self.calls.clear()
        return appointment.id


def test_add_creates_one_meeting_appends_its_line_and_remembers_it() -> None:
    world = World()
    appointment = world.book.add("Ana Souza", START, "Prefers lavender oil.")
    first = world.service.adding.add(appointment.id)
    again = world.service.adding.add(appointment.id)
    assert (first.created, again.created) == (True, False)
    assert world.book.get(appointment.id).notes == "Prefers lavender oil.\n" + LINE
    assert world.book.get(appointment.id).own_meeting_id == 85746065432
    assert MARKS.matches(world.book.get(appointment.id).host_mark or "", "host-1")
    assert world.calls == ["create"]
    assert world.book.claimed == set()


def test_add_for_a_cancelled_appointment_makes_no_meeting_and_frees_the_claim() -> None:
    world = World()
    appointment = world.book.add("Ana Souza", START, status="cancelled")
    with pytest.raises(AppointmentCancelled):
        world.service.adding.add(appointment.id)
    assert world.calls == [] and world.book.claimed == set()


def test_add_without_a_connection_asks_to_connect_and_frees_the_claim() -> None:
    world = World(connected=False)
    appointment = world.book.add("Ana Souza", START)
    with pytest.raises(ProviderNotConnected):
        world.service.adding.add(appointment.id)
    assert world.calls == [] and world.book.claimed == set()


def test_notes_edited_while_zoom_answered_are_kept_and_the_line_goes_after_them() -> None:
    world = World()
    appointment = world.book.add("Ana Souza", START, "Prefers lavender oil.")
    world.book.edits_meanwhile.append("Prefers lavender oil.\nAllergic to nuts.")
    world.service.adding.add(appointment.id)
    assert world.book.get(appointment.id).notes == "Prefers lavender oil.\nAllergic to nuts.\n" + LINE


def test_a_meeting_whose_line_cannot_be_saved_is_deleted_again_without_telling_the_client() -> None:
    world = World()
    appointment = world.book.add("Ana Souza", START, "Prefers lavender oil.")
    world.book.failing_writes = 5
    with pytest.raises(MeetingNotSaved):
        world.service.adding.add(appointment.id)
    assert world.calls == ["create", "delete 85746065432"]
    assert world.provider.meetings == {} and world.book.get(appointment.id).notes == "Prefers lavender oil."


def test_the_check_removes_the_line_of_a_meeting_its_own_host_deleted_in_zoom() -> None:
    world = World()
    appointment_id = world.with_meeting()
    world.provider.meetings.clear()
    check = world.service.checking.check(appointment_id)
    assert check.state == "gone"
    assert world.book.get(appointment_id).notes == "Prefers lavender oil."
    assert world.book.get(appointment_id).own_meeting_id is None


def test_the_check_never_drops_a_line_when_the_host_is_unknown() -> None:
    world = World()
    appointment_id = world.with_meeting(host=None)
    world.provider.meetings.clear()  # Zoom says "does not exist", as it does for other users' meetings
    assert world.service.checking.check(appointment_id).state == "other_account"
    assert world.book.get(appointment_id).notes == "Prefers lavender oil.\n" + LINE


def test_the_check_of_an_ended_meeting_asks_zoom_nothing() -> None:
    world = World()
    appointment = world.book.add("Ana Souza", NOW - timedelta(days=40), "Old.")
    world.service.adding.add(appointment.id)
    world.calls.clear()
    assert world.service.checking.check(appointment.id).state == "ended"
    assert world.calls == []


def test_the_check_follows_a_meeting_moved_in_zoom() -> None:
    world = World()
    appointment_id = world.with_meeting()
    meeting = world.provider.meetings[85746065432]
    world.provider.meetings[meeting.id] = replace(meeting, starts_at=START + timedelta(hours=1), topic="Renamed")
    check = world.service.checking.check(appointment_id)
    assert check.state == "updated" and check.meeting is not None  # the widget keeps its protections
    assert world.book.get(appointment_id).notes == (
        "Prefers lavender oil.\nZoom: [Renamed] Tuesday, December 1 2026 4:00 pm \u2014 " + LINK
    )


def test_remove_deletes_in_zoom_and_drops_the_line_and_zoom_emails_no_one_of_a_booked_appointment() -> None:
    """Zoom's email to a registrant of a deleted meeting says "cancelled": the appointment stays booked."""
    world = World()
    appointment_id = world.with_meeting()
    world.service.changing.remove(appointment_id)
    assert world.calls == ["delete 85746065432"]
    assert world.book.get(appointment_id).notes == "Prefers lavender oil."


def test_another_zoom_users_meeting_is_never_changed() -> None:
    world = World()
    appointment_id = world.with_meeting(host="someone-else")
    with pytest.raises(OtherAccount):
        world.service.changing.remove(appointment_id)
    appointment = world.book.get(appointment_id)
    cancelled = world.book.rows[appointment_id] = replace(appointment, status="cancelled")
    notice = world.service.changing.follow_cancel(cancelled)
    assert notice is not None and notice.code == "cancel_other_account"
    assert world.calls == [] and 85746065432 in world.provider.meetings
    assert world.book.get(appointment_id).notes.endswith(LINE)


def test_a_reschedule_moves_the_meeting_and_its_line() -> None:
    world = World()
    appointment_id = world.with_meeting()
    before = world.book.get(appointment_id)
    after = world.book.set_notes(before.id, before.version, before.notes, meeting_ids={85746065432})
    after = replace(after, starts_at=START + timedelta(days=1))
    world.book.rows[after.id] = after
    notice = world.service.changing.follow_reschedule(before, after)
    assert notice is not None and (notice.level, notice.code) == ("info", "meeting_moved")
    assert world.calls == ["move 85746065432"]
    assert world.book.get(appointment_id).notes == (
        "Prefers lavender oil.\nZoom: [Appointment with Ana Souza] Wednesday, December 2 2026 3:00 pm \u2014 " + LINK
    )


def test_a_reschedule_into_the_past_is_not_sent_to_zoom() -> None:
    world = World()
    appointment_id = world.with_meeting()
    before = world.book.get(appointment_id)
    after = replace(before, starts_at=NOW - timedelta(hours=1))
    notice = world.service.changing.follow_reschedule(before, after)
    assert notice is not None and notice.code == "reschedule_into_past"
    assert world.calls == []


def test_zooms_deleted_event_drops_the_apps_line_and_leaves_a_pasted_copy() -> None:
    world = World()
    appointment_id = world.with_meeting()
    pasted = world.book.add("Bea Lima", START, "Same call:\n" + LINE)
    assert world.service.events.meeting_deleted(85746065432) == 1
    assert world.book.get(appointment_id).notes == "Prefers lavender oil."
    assert world.book.get(pasted.id).notes == "Same call:\n" + LINE


def test_an_older_updated_event_never_moves_a_line_back() -> None:
    world = World()
    appointment_id = world.with_meeting()
    later = START + timedelta(hours=2)
    newer_ms = int(NOW.timestamp() * 1000) + 60_000
    assert world.service.events.meeting_updated(85746065432, None, later, None, newer_ms) == 1
    assert world.service.events.meeting_updated(85746065432, None, START, None, newer_ms - 1) == 0
    assert world.book.get(appointment_id).notes.endswith("Tuesday, December 1 2026 5:00 pm \u2014 " + LINK)


NOW_MS = int(NOW.timestamp() * 1000)


def test_a_meeting_error_carries_its_code_and_data_only() -> None:
    assert (str(MeetingBusy()), MeetingBusy().data) == ("meeting_busy", {})
    undone = MeetingNotSaved.because("meeting_not_saved_undo_failed", left_with_provider=True, meeting_id=85746065432)
    assert (undone.code, undone.data, undone.left_with_provider) == (
        "meeting_not_saved_undo_failed",
        {"meeting_id": 85746065432},
        True,
    )


def test_a_successful_add_writes_its_line_once_and_leaves_no_claim_to_release() -> None:
    world = World()
    appointment = world.book.add("Ana Souza", START)
    assert world.service.adding.add(appointment.id).created
    assert world.book.releases == 0 and world.book.get(appointment.id).version == 2
    cancelled = world.book.add("Bea Lima", START, status="cancelled")
    with pytest.raises(AppointmentCancelled):
        world.service.adding.add(cancelled.id)
    assert world.book.releases == 1


def test_the_line_an_add_writes_is_newer_than_any_zoom_event_from_before_it() -> None:
    world = World()
    appointment_id = world.with_meeting()
    moved = START + timedelta(hours=1)
    assert world.service.events.meeting_updated(85746065432, "Renamed", moved, None, NOW_MS - 1) == 0
    assert world.service.events.meeting_updated(85746065432, "Renamed", moved, None, NOW_MS) == 0  # the same moment
    assert world.book.get(appointment_id).notes.endswith(LINE)
    assert world.service.events.meeting_updated(85746065432, "Renamed", moved, None, NOW_MS + 1) == 1
    assert world.book.get(appointment_id).notes.endswith(
        "Zoom: [Renamed] Tuesday, December 1 2026 4:00 pm \u2014 " + LINK
    )


def test_an_updated_event_follows_every_appointment_the_app_made_that_meeting_for() -> None:
    world = World()
    first = world.with_meeting()
    copy = replace(world.book.get(first), id=99)
    world.book.rows[copy.id] = copy
    assert world.service.events.meeting_updated(85746065432, "Renamed", None, None, NOW_MS + 1) == 2
    assert all(world.book.get(row).notes.startswith("Prefers lavender oil.\nZoom: [Renamed]") for row in (first, 99))


def test_a_line_removed_while_zoom_s_change_was_applied_stays_removed_and_nothing_more_is_written() -> None:
    world = World()
    appointment_id = world.with_meeting()
    world.book.edits_meanwhile.append("Prefers lavender oil. Line removed by hand.")
    assert world.service.events.meeting_updated(85746065432, "Renamed", None, None, NOW_MS + 1) == 1
    kept = world.book.get(appointment_id)
    assert kept.notes == "Prefers lavender oil. Line removed by hand." and kept.version == 3  # only the staff edit


def test_the_check_and_the_reschedule_read_the_services_clock_not_the_machines() -> None:
    later = World(now=datetime(2031, 1, 1, tzinfo=UTC))  # the meeting of December 2026 has ended by then
    appointment_id = later.with_meeting()
    assert later.service.checking.check(appointment_id).state == "ended" and later.calls == []
    before = later.book.get(appointment_id)
    after = replace(before, starts_at=datetime(2031, 2, 1, tzinfo=UTC))
    later.book.rows[after.id] = after
    del later.provider.meetings[85746065432]
    notice = later.service.changing.follow_reschedule(before, after)
    assert notice is not None and notice.code == "reschedule_not_shown_to_you"  # ended: Zoom may have expired it
    assert later.book.get(appointment_id).notes.endswith(LINE)


def test_a_reschedule_to_this_very_minute_counts_as_the_past() -> None:
    world = World()
    appointment_id = world.with_meeting()
    before = world.book.get(appointment_id)
    notice = world.service.changing.follow_reschedule(before, replace(before, starts_at=NOW))
    assert notice is not None and notice.code == "reschedule_into_past" and world.calls == []


def test_followed_changes_are_told_as_information() -> None:
    world = World()
    appointment_id = world.with_meeting()
    before = world.book.get(appointment_id)
    after = replace(before, starts_at=START + timedelta(days=1))
    world.book.rows[after.id] = after
    moved = world.service.changing.follow_reschedule(before, after)
    assert moved is not None and (moved.level, moved.code) == ("info", "meeting_moved")
    cancelled = replace(world.book.get(appointment_id), status="cancelled")
    world.book.rows[cancelled.id] = cancelled
    deleted = world.service.changing.follow_cancel(cancelled)
    assert deleted is not None and (deleted.level, deleted.code) == ("info", "meeting_deleted")


def test_a_claim_another_click_holds_ends_in_busy_once_the_wait_runs_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("simplespa_zoom.meetings.timing.CLAIM_WAIT_SECONDS", 0.05)
    monkeypatch.setattr("simplespa_zoom.meetings.timing.CLAIM_POLL_SECONDS", 0.01)
    world = World()
    appointment = world.book.add("Ana Souza", START)
    world.book.claimed.add(appointment.id)  # another request is creating its meeting
    with pytest.raises(MeetingBusy):
        world.service.adding.add(appointment.id)
    assert world.calls == [] and world.book.claimed == {appointment.id}  # the other request's claim stays


def test_the_core_packages_import_neither_flask_nor_the_web_layer() -> None:
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "simplespa_zoom"
    offenders = []
    for package in ("meetings", "zoom", "book"):
        for source in (root / package).rglob("*.py"):
            for node in ast.walk(ast.parse(source.read_text())):
                names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom):
                    names = [node.module or ""]
                offenders += [
                    f"{source.name}: {name}" for name in names if name.split(".")[0] in ("flask", "flask_wtf")
                ]
                offenders += [f"{source.name}: {name}" for name in names if name.startswith("simplespa_zoom.web")]
    assert offenders == []


def test_rescheduling_or_cancelling_an_appointment_without_any_line_says_nothing_and_calls_no_one() -> None:
    """Only a line the app did not write earns the "left as it is" warning; no line at all earns no notice."""
    world = World()
    plain = world.book.add("Ana Souza", START, "No meeting here.")
    moved = replace(plain, starts_at=START + timedelta(days=1))
    assert world.service.changing.follow_reschedule(plain, moved) is None
    assert world.service.changing.follow_cancel(replace(plain, status="cancelled")) is None
    assert world.calls == []
    typed = world.book.add("Bea Lima", START, "Typed by staff:\n" + LINE)
    notice = world.service.changing.follow_reschedule(typed, replace(typed, starts_at=START + timedelta(days=1)))
    assert notice is not None and notice.code == "foreign_line_left"


def test_a_reschedule_whose_meeting_is_gone_before_it_happened_drops_the_line() -> None:
    """By the spa's clock the meeting is still to come, so "gone" is proof it was deleted: the line goes."""
    world = World()
    appointment_id = world.with_meeting()
    before = world.book.get(appointment_id)
    after = replace(before, starts_at=START + timedelta(days=1))
    world.book.rows[after.id] = after
    world.provider.meetings.clear()  # deleted in the provider meanwhile
    notice = world.service.changing.follow_reschedule(before, after)
    assert notice is not None and notice.code == "reschedule_gone"
    assert world.book.get(appointment_id).notes == "Prefers lavender oil."


def test_a_check_that_read_the_provider_before_a_later_change_reached_the_line_leaves_it() -> None:
    """The line already shows a later change than this read: the check says checked, not updated."""
    world = World()
    appointment_id = world.with_meeting()
    later_ms = int(NOW.timestamp() * 1000) + 60_000
    world.book.rows[appointment_id] = replace(world.book.get(appointment_id), synced_ms=later_ms)
    stale = world.provider.meetings[85746065432]
    world.provider.meetings[85746065432] = replace(stale, topic="An older topic")
    check = world.service.checking.check(appointment_id)
    assert check.state == "ok" and check.appointment.notes == "Prefers lavender oil.\n" + LINE


def test_a_move_the_provider_ignored_leaves_the_line_and_sends_the_client_nothing() -> None:
    """Saved again at the start an earlier save could not move the meeting to, and the provider keeps its own
    start: staff are told, and the client, whose calendar still shows the line's time, gets no update."""
    world = World(mail=True)
    appointment_id = world.with_meeting(client_email="ana@example.com")
    earlier = world.book.get(appointment_id)
    moved = replace(earlier, starts_at=START + timedelta(days=1))  # the earlier save's move never reached Zoom
    world.book.rows[appointment_id] = moved
    meeting = world.provider.meetings[85746065432]
    world.provider.move = lambda meeting_id, **_: meeting  # type: ignore[method-assign]  # the provider ignores it
    notice = world.service.changing.follow_reschedule(moved, moved)
    assert notice is not None and notice.code == "reschedule_not_applied"
    assert world.book.get(appointment_id).notes == "Prefers lavender oil.\n" + LINE
    assert [letter.kind.value for letter in world.book.outbox] == ["invitation"]


def test_a_change_another_request_already_wrote_is_not_written_or_told_again() -> None:
    """Two requests follow the same move in the provider; the one that read the row first finds the line
    already showing it, so the notes and the client's update are written once."""
    world = World(mail=True)
    appointment_id = world.with_meeting(client_email="ana@example.com")
    read_first = world.book.get(appointment_id)
    later = START + timedelta(hours=1)
    world.provider.meetings[85746065432] = replace(world.provider.meetings[85746065432], starts_at=later)
    assert world.service.checking.check(appointment_id).state == "updated"
    written = world.book.get(appointment_id)
    lines = world.service.checking.lines  # the editor the services share, as a second request's would be
    line = read_first.own_meeting_line
    assert line is not None
    assert lines.follow(read_first, line, line.topic, later, LINK, lines.now_ms()) == written
    assert world.book.get(appointment_id).version == written.version
    assert [letter.kind.value for letter in world.book.outbox] == ["invitation", "update"]


def test_a_line_whose_date_no_longer_reads_is_left_when_the_provider_gives_no_start() -> None:
    """A line staff garbled before the app recognised its own line by its text (migration 0003 took it as
    the app's) has no start to keep; with none from the provider either, the line is not rewritten, not even
    for the provider's new topic."""
    world = World()
    appointment_id = world.with_meeting()
    garbled = LINE.replace("Tuesday, December 1 2026 3:00 pm", "early in December")
    row = world.book.get(appointment_id)
    world.book.rows[appointment_id] = replace(
        row, notes="Prefers lavender oil.\n" + garbled, own_line_digest=fingerprint(garbled)
    )
    world.provider.meetings[85746065432] = replace(
        world.provider.meetings[85746065432], starts_at=None, topic="Renamed"
    )
    assert world.service.checking.check(appointment_id).state == "ok"
    assert world.book.get(appointment_id).notes == "Prefers lavender oil.\n" + garbled


def test_a_new_length_the_provider_could_not_take_is_sent_again_when_the_appointment_is_saved_again() -> None:
    """The line shows no length, so the book remembers the one the provider was last given: saving again after
    connecting moves the meeting and tells the client, as it does for a start the line still shows."""
    world = World(mail=True)
    appointment_id = world.with_meeting(client_email="ana@example.com")
    before = world.book.get(appointment_id)
    longer = replace(before, duration_minutes=90)
    world.book.rows[appointment_id] = longer
    world.provider.connected = False
    notice = world.service.changing.follow_reschedule(before, longer)
    assert notice is not None and notice.code == "zoom_not_followed"
    world.provider.connected = True
    notice = world.service.changing.follow_reschedule(longer, longer)  # saved again as it was
    assert notice is not None and notice.code == "meeting_new_length"
    assert world.calls == ["move 85746065432"]
    letters = [(letter.kind.value, letter.duration_minutes) for letter in world.book.outbox]
    assert letters == [("invitation", 60), ("new_length", 90)]
    world.calls.clear()
    saved = world.book.get(appointment_id)
    assert world.service.changing.follow_reschedule(saved, saved) is None  # taken now: nothing to send again
    assert world.calls == []


def test_the_widget_says_why_it_asks_the_provider_nothing_from_the_notes_alone() -> None:
    """A typed line is not the app's; the app's own line after its meeting is over is over; by the spa's clock."""
    world = World()
    typed = meeting_summary(world.book.add("Bea Lima", START, "Typed:\n" + LINE), TZ, NOW)
    assert typed is not None and (typed["note_code"], typed["created_here"]) == ("meeting_not_created_here", False)
    assert typed["start_iso"] == "2026-12-01T15:00:00-05:00"
    own = world.book.get(world.with_meeting())
    upcoming, over = meeting_summary(own, TZ, NOW), meeting_summary(own, TZ, START + timedelta(hours=1))
    assert upcoming is not None and (upcoming["note_code"], upcoming["ended"]) == (None, False)
    assert over is not None and (over["note_code"], over["ended"]) == ("meeting_ended", True)


def test_the_widget_shows_the_lines_time_as_written_and_an_invitation_that_names_it() -> None:
    """The time is shown as the line reads (a date no longer readable too, then with no start to count from)."""
    world = World()
    shown = meeting_summary(world.book.add("Bea Lima", START, "Typed:\n" + LINE), TZ, NOW)
    assert shown is not None and shown["when"] == "Tuesday, December 1 2026 3:00 pm"
    assert shown["invitation"] == (
        "Hello Bea Lima,\n\nYour appointment on Tuesday, December 1 2026 3:00 pm (New York time) will be a Zoom"
        f" video call. Join from any device with this link:\n{LINK}\n\nSee you soon!"
    )
    unreadable = LINE.replace("December 1 2026", "Decembre 1 2026")
    undated = meeting_summary(world.book.add("Bea Lima", START, unreadable), TZ, NOW)
    assert undated is not None and (undated["when"], undated["start_iso"]) == ("Tuesday, Decembre 1 2026 3:00 pm", None)


def test_a_length_the_provider_took_is_remembered_so_a_later_one_it_missed_is_sent_again() -> None:
    """60 → 90 taken, then 90 → 60 while not connected: saving again must still send 60 (the form's old value
    is 60 by then, so only the length remembered from the move tells the provider holds 90)."""
    world = World()
    appointment_id = world.with_meeting()
    before = world.book.get(appointment_id)
    longer = replace(before, duration_minutes=90)
    world.book.rows[appointment_id] = longer
    taken = world.service.changing.follow_reschedule(before, longer)
    assert taken is not None and taken.code == "meeting_new_length"
    shorter = replace(world.book.get(appointment_id), duration_minutes=60)
    world.book.rows[appointment_id] = shorter
    world.provider.connected = False
    missed = world.service.changing.follow_reschedule(longer, shorter)
    assert missed is not None and missed.code == "zoom_not_followed"
    world.provider.connected = True
    world.calls.clear()
    again = world.service.changing.follow_reschedule(shorter, world.book.get(appointment_id))
    assert again is not None and again.code == "meeting_new_length" and world.calls == ["move 85746065432"]
