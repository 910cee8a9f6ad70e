"""The participant events Zoom really sends (issue 29 item 4) and who counts as the client (item 5), through
signed webhook deliveries: each test asserts what staff see (the poll's sentence, the notes byte for byte)."""

# ruff: noqa: F811  (the tests take test_presence's "booked" fixture, imported below, as a parameter)
from __future__ import annotations

from typing import Any

from flask import Flask

from .helpers import MEETING_ID, ZOOM_USER_ID, add_appointment, get_appointment, login, with_app_meeting
from .test_presence import (
    ENDED,
    GUEST,
    HOST,
    JOINS,
    LEAVES,
    PERSONAL_URL,
    STARTED,
    WAITS,
    booked,  # noqa: F401  (the fixture: an appointment with the app's plain-link Zoom line)
    clock,
    event,
    expected_notes,
    poll,
)
from .test_webhooks import deliver

ADMITTED = "meeting.participant_admitted"
PUT_BACK = "meeting.participant_put_in_waiting_room"
LEFT_WAITING = "meeting.participant_left_waiting_room"
AWAITS_HOST = "meeting.participant_jbh_waiting"
EARLY = "meeting.participant_jbh_joined"
REGISTRANT = {**GUEST, "registrant_id": "r-1"}


def play(client, *steps: tuple[str, float, dict[str, Any] | None]) -> None:
    for name, minutes, person in steps:
        assert deliver(client, event(name, minutes, person)).status_code == 204


def paid(app: Flask):
    """An appointment whose line is the client's registrant link (a paid account): Zoom tells the client exactly."""
    return with_app_meeting(app, add_appointment(app, email="ana@example.com"), join_url=PERSONAL_URL)


# --- Item 4: the events Zoom really sends -----------------------------------------------------------------


def test_a_client_admitted_without_left_waiting_room_is_never_said_to_wait_after_leaving(app, client, booked) -> None:
    """Zoom may admit with meeting.participant_admitted alone: the join ends the wait, and after the client
    leaves the page says they left, not that they wait."""
    login(client)
    play(client, (WAITS, 1, GUEST), (STARTED, 2, None), (JOINS, 2, HOST), (ADMITTED, 3, GUEST))
    play(client, (JOINS, 3, GUEST))
    assert poll(client, booked.id)["presence"] == f"Someone is in the meeting with the host since {clock(app, 3)}."
    play(client, (LEAVES, 9, GUEST))
    assert poll(client, booked.id)["presence"] == (
        f"Someone left the meeting at {clock(app, 9)}; they can rejoin with the same link."
    )


def test_an_admission_alone_ends_the_wait(app, client, booked) -> None:
    login(client)
    play(client, (STARTED, 0, None), (JOINS, 0, HOST), (WAITS, 1, GUEST), (ADMITTED, 2, GUEST))
    assert poll(client, booked.id)["presence"] == f"Meeting started at {clock(app, 0)}; the client has not joined yet."


def test_the_host_moving_the_client_back_to_the_waiting_room_stops_their_time(app, client, booked) -> None:
    login(client)
    play(client, (STARTED, 0, None), (JOINS, 0, HOST), (WAITS, 1, GUEST), (ADMITTED, 2, GUEST), (JOINS, 2, GUEST))
    play(client, (PUT_BACK, 10, GUEST))
    assert poll(client, booked.id)["presence"] == (
        f"Someone is waiting since {clock(app, 10)}; the host is in the meeting and can admit them."
    )
    play(client, (ADMITTED, 15, GUEST), (JOINS, 15, GUEST))
    assert poll(client, booked.id)["presence"] == f"Someone is in the meeting with the host since {clock(app, 15)}."
    leave = {**GUEST, "leave_reason": "Host ended the meeting."}  # Zoom's own words: read, not needed
    play(client, (LEAVES, 20, leave), (LEAVES, 20, {**HOST, "leave_reason": "Host ended the meeting."}))
    play(client, (ENDED, 20, None))
    text = f"Zoom attendance: someone joined {clock(app, 2)}, left {clock(app, 20)} (13 min in all, joined 2 times)"
    assert get_appointment(app, booked.id).notes == expected_notes(app, booked, text)


def test_leaving_the_waiting_room_ends_the_wait(app, client, booked) -> None:
    login(client)
    play(client, (WAITS, 1, GUEST), (LEFT_WAITING, 4, GUEST))
    assert poll(client, booked.id)["presence"] == "Zoom has reported no one in the meeting yet."


def test_a_client_who_arrives_before_the_host_waits_for_the_host(app, client) -> None:
    """Join before host off: Zoom sends meeting.participant_jbh_waiting, a state with its own sentence."""
    appointment = paid(app)
    login(client)
    play(client, (AWAITS_HOST, 1, {"id": "", "user_name": "Ana Souza", "registrant_id": "r-1"}))
    assert poll(client, appointment.id)["presence"] == (
        f"Client is waiting for the host to start the meeting since {clock(app, 1)}."
    )
    play(client, (STARTED, 5, None), (JOINS, 5, HOST), (WAITS, 5, REGISTRANT))
    assert poll(client, appointment.id)["presence"] == (
        f"Client is waiting since {clock(app, 5)}; the host is in the meeting and can admit them."
    )


def test_a_client_who_gave_up_waiting_for_the_host_no_longer_waits(app, client, booked) -> None:
    login(client)
    play(client, (AWAITS_HOST, 1, {"id": "", "user_name": "Ana Souza"}))
    assert poll(client, booked.id)["presence"] == (
        f"Someone is waiting for the host to start the meeting since {clock(app, 1)}."
    )
    play(client, (LEAVES, 8, {**GUEST, "leave_reason": "Host did not join."}))
    assert poll(client, booked.id)["presence"] == "Zoom has reported no one in the meeting yet."


def test_a_client_who_joined_before_the_host_no_longer_waits_for_the_host(app, client, booked) -> None:
    """Join before host on: meeting.participant_jbh_joined; the join itself is meeting.participant_joined."""
    login(client)
    play(client, (AWAITS_HOST, 1, {"id": "", "user_name": "Ana Souza"}), (EARLY, 2, {"id": "", "user_name": "A"}))
    assert poll(client, booked.id)["presence"] == "Zoom has reported no one in the meeting yet."
    play(client, (JOINS, 2, GUEST))
    assert poll(client, booked.id)["presence"] == f"Someone is in the meeting since {clock(app, 2)}."


def test_the_meeting_id_as_zoom_sends_it_a_string_of_digits(app, client, booked) -> None:
    login(client)
    delivery = event(WAITS, 2, GUEST)
    delivery["payload"]["object"]["id"] = str(MEETING_ID)
    assert deliver(client, delivery).status_code == 204
    assert poll(client, booked.id)["presence"] == f"Someone is waiting since {clock(app, 2)}."


# --- Item 5: who is the host, and who the client -----------------------------------------------------------


def test_where_zoom_cannot_tell_the_client_from_staff_the_page_and_the_line_say_someone(app, client, booked) -> None:
    """A free account's plain link: the host on a second device without signing in looks like a guest. The page
    says "someone", and the attendance line never records them as the client."""
    second_device = {"user_id": "16778299", "user_name": "Sam Host (iPad)", "id": "", "email": ""}
    login(client)
    play(client, (STARTED, 0, None), (JOINS, 0, HOST), (JOINS, 1, second_device))
    assert poll(client, booked.id)["presence"] == f"Someone is in the meeting with the host since {clock(app, 1)}."
    play(client, (LEAVES, 30, second_device), (LEAVES, 31, HOST), (ENDED, 31, None))
    text = f"Zoom attendance: someone joined {clock(app, 1)}, left {clock(app, 30)} (29 min)"
    notes = get_appointment(app, booked.id).notes
    assert notes == expected_notes(app, booked, text) and "client joined" not in notes


def test_the_host_is_known_by_the_hosts_email_when_the_event_gives_it(app, client, booked) -> None:
    """The host on another device, not signed in there, but the event carries the host's email on both sides."""
    other_device = {"user_id": "16778298", "user_name": "Sam", "id": "", "email": "Host@Spa.example"}
    login(client)
    delivery = event(JOINS, 2, other_device)
    delivery["payload"]["object"]["host_email"] = "host@spa.example"
    assert deliver(client, delivery).status_code == 204
    assert poll(client, booked.id)["presence"] == f"Meeting started at {clock(app, 2)}; the client has not joined yet."


def test_with_the_clients_registrant_link_staff_are_never_the_client(app, client) -> None:
    """A paid account: registrant_id marks the client exactly; a colleague who joins without it is not counted."""
    appointment = paid(app)
    colleague = {"user_id": "16778297", "user_name": "Jo (front desk)", "id": "staff-zoom-id", "email": ""}
    login(client)
    play(client, (STARTED, 0, None), (JOINS, 0, HOST), (JOINS, 1, colleague))
    assert poll(client, appointment.id)["presence"] == (
        f"Meeting started at {clock(app, 0)}; the client has not joined yet."
    )
    play(client, (JOINS, 3, REGISTRANT))
    assert poll(client, appointment.id)["presence"] == f"Client is in the meeting with the host since {clock(app, 3)}."
    play(client, (LEAVES, 40, colleague), (LEAVES, 43, REGISTRANT), (ENDED, 45, None))
    line = f"Zoom attendance: client joined {clock(app, 3)}, left {clock(app, 43)} (40 min)"
    assert get_appointment(app, appointment.id).notes == appointment.notes + "\n" + line


def test_the_host_signed_in_is_never_counted(app, client, booked) -> None:
    login(client)
    play(client, (STARTED, 0, None), (JOINS, 0, {**HOST, "participant_user_id": ZOOM_USER_ID}))
    play(client, (LEAVES, 30, HOST), (ENDED, 30, None))
    assert get_appointment(app, booked.id).notes == expected_notes(app, booked, "Zoom attendance: client did not join")
