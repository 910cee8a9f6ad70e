"""Names and addresses can never add a header to the spa's mail: refused at input, and built by the library."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from simplespa_zoom.cli import main
from simplespa_zoom.mail.compose import Letterhead, compose
from simplespa_zoom.mail.settings import parse_sender
from simplespa_zoom.meetings.ports import Letter, LetterKind
from zoom_standin.mailbox import Mailbox

from .helpers import (
    API,
    CLIENT_EMAIL,
    JOIN_URL,
    add_appointment,
    connect_zoom,
    delivered,
    form_post,
    form_values,
    get_appointment,
    mail_config,
    page_meeting,
    post,
    sql,
    staffed_app,
    zoom_meeting,
)

INJECTIONS = ["Ana\r\nBcc: evil@attacker.example", "Ana\nBcc: evil@attacker.example", "Ana\rX: y", "Ana\x0bB"]


@pytest.fixture
def app(database: str, mail_server: Mailbox) -> Iterator[Flask]:
    app = staffed_app(database, **mail_config(mail_server))
    yield app
    delivered(app)


@pytest.mark.parametrize("name", INJECTIONS)
def test_a_name_with_line_breaks_or_controls_is_refused_at_input(app: Flask, signed_in, name: str) -> None:
    appointment = add_appointment(app)
    answer = form_post(signed_in, f"/appointments/{appointment.id}/edit", form_values(appointment, client_name=name))
    assert answer.status_code == 400 and "client_name-error" in answer.get_data(True)
    assert get_appointment(app, appointment.id).client_name == "Ana Souza"


@pytest.mark.parametrize(
    "email",
    [f"{CLIENT_EMAIL}\r\nBcc: evil@attacker.example", "ana@client.example\nBcc: evil@attacker.example", "a\x00@b.c"],
)
def test_an_email_with_line_breaks_is_refused_at_input(app: Flask, signed_in, email: str) -> None:
    appointment = add_appointment(app)
    answer = form_post(signed_in, f"/appointments/{appointment.id}/edit", form_values(appointment, client_email=email))
    assert answer.status_code == 400
    assert get_appointment(app, appointment.id).client_email is None


def test_the_cli_refuses_them_too(app: Flask) -> None:
    args = ["add-appointment", "--client", INJECTIONS[0], "--start", "2030-01-01T10:00"]
    result = app.test_cli_runner().invoke(main, args=args)
    assert result.exit_code != 0 and "client's name must be one line" in result.output, result.output
    assert sql(app, "SELECT count(*) FROM appointments") == [(0,)]


def test_a_hand_written_row_with_a_line_break_sends_nothing_and_staff_see_why(
    app: Flask, signed_in, zoom, mail_server: Mailbox
) -> None:
    appointment = add_appointment(app, email=CLIENT_EMAIL)
    sql(app, "UPDATE appointments SET client_name = :name WHERE id = :id", name=INJECTIONS[0], id=appointment.id)
    connect_zoom(signed_in)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    assert post(signed_in, f"/appointments/{appointment.id}/meeting").status_code == 201
    delivered(app)
    assert mail_server.messages == []
    state = page_meeting(signed_in.get(f"/appointments/{appointment.id}").get_data(True))["mail"]
    assert state["failed"] and state["text"].endswith(
        "could not be delivered: the client's name or email can't be written in an email."
    )


def letter(**changes: object) -> Letter:
    values: dict[str, object] = {
        "appointment_id": 7,
        "kind": LetterKind.INVITATION,
        "recipient": CLIENT_EMAIL,
        "recipient_name": "Ana Souza",
        "meeting_id": 85746065432,
        "join_url": JOIN_URL,
        "starts_at": datetime(2030, 1, 1, 15, tzinfo=UTC),
        "duration_minutes": 60,
        **changes,
    }
    return Letter(**values)  # type: ignore[arg-type]


HEAD = Letterhead(parse_sender("Serene Spa <bookings@spa.example>"), ZoneInfo("UTC"))


@pytest.mark.parametrize(
    "name", ['Souza, Ana "The Spa" <x@evil.example>', "Ana Souza (VIP); Bcc: x@evil.example", "Zoë Øster"]
)
def test_headers_are_built_by_the_library_one_recipient_whatever_the_name(name: str) -> None:
    message = compose(letter(recipient_name=name), HEAD)
    assert len(message["To"].addresses) == 1
    assert message["To"].addresses[0].addr_spec == CLIENT_EMAIL and message["To"].addresses[0].display_name == name
    assert message["Bcc"] is None and message["Cc"] is None
    assert b"\r\nBcc:" not in message.as_bytes() and b"\nBcc:" not in message.as_bytes()


@pytest.mark.parametrize("name", INJECTIONS[:3])
def test_compose_refuses_a_line_break_in_a_name(name: str) -> None:
    with pytest.raises(ValueError):
        compose(letter(recipient_name=name), HEAD)


def test_every_message_has_a_plain_text_part_and_no_start_link() -> None:
    for kind in LetterKind:
        message = compose(letter(kind=kind, starts_at=datetime.now(UTC) + timedelta(days=1)), HEAD)
        assert message.get_body(("plain",)) is not None, kind
        assert "zak=" not in message.as_string() and "/s/" not in message.as_string()
