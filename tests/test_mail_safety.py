"""Names and addresses can never add a header to the spa's mail: refused at input, and built by the library."""

from __future__ import annotations

import email.policy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from simplespa_zoom.cli import main
from simplespa_zoom.config import ConfigError
from simplespa_zoom.mail.compose import Letterhead, compose
from simplespa_zoom.mail.headers import UnsafeHeader, check_headers
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


# A name that holds no line break, but one that email decodes in a header (issue 28 item 5).
ENCODED = "=?utf-8?q?Ana=0D=0AReply-To=3A_x=40attacker.example?="
HAS_OWN_CHECK = hasattr(email.policy.default, "verify_generated_headers")  # the CVE-2024-6923 fix


@pytest.mark.skipif(HAS_OWN_CHECK, reason="this interpreter has the fix for CVE-2024-6923")
def test_on_this_interpreter_the_library_alone_writes_the_hidden_line_break_out() -> None:
    """Why the app checks headers itself: Python's `email` on this interpreter adds the attacker's header."""
    raw = compose(letter(recipient_name=ENCODED), HEAD).as_bytes()
    assert b"\r\nReply-To: x@attacker.example" in raw


def test_an_encoded_name_written_outside_the_app_adds_no_header_and_staff_see_why(
    app: Flask, signed_in, zoom, mail_server: Mailbox
) -> None:
    appointment = add_appointment(app, email=CLIENT_EMAIL)
    sql(app, "UPDATE appointments SET client_name = :name WHERE id = :id", name=ENCODED, id=appointment.id)
    connect_zoom(signed_in)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    assert post(signed_in, f"/appointments/{appointment.id}/meeting").status_code == 201
    delivered(app)
    for received in mail_server.messages:  # an interpreter with its own fix may send it, re-encoded
        assert received.message["Reply-To"] is None and b"\nReply-To:" not in received.raw
    if not HAS_OWN_CHECK:  # this one would have written the line break out: the letter is refused
        assert mail_server.messages == []
        state = page_meeting(signed_in.get(f"/appointments/{appointment.id}").get_data(True))["mail"]
        assert state["failed"] and state["text"].endswith(
            "could not be delivered: the client's name or email can't be written in an email."
        )


def test_the_header_check_refuses_a_header_that_would_be_written_as_two() -> None:
    message = compose(letter(), HEAD)
    check_headers(message)  # a letter as composed passes
    message.set_raw("Subject", "Hello\r\nBcc: evil@attacker.example")
    with pytest.raises(UnsafeHeader):
        check_headers(message)


def test_an_encoded_name_is_refused_at_input_with_a_clear_message(app: Flask, signed_in) -> None:
    appointment = add_appointment(app)
    answer = form_post(signed_in, f"/appointments/{appointment.id}/edit", form_values(appointment, client_name=ENCODED))
    assert answer.status_code == 400
    assert "The client&#39;s name can&#39;t hold email&#39;s coded text" in answer.get_data(True)
    assert get_appointment(app, appointment.id).client_name == "Ana Souza"


def test_an_encoded_email_is_refused_at_input_with_a_clear_message(app: Flask, signed_in) -> None:
    appointment = add_appointment(app)
    email_address = "=?utf-8?q?a=0A?=@client.example"
    answer = form_post(
        signed_in, f"/appointments/{appointment.id}/edit", form_values(appointment, client_email=email_address)
    )
    assert answer.status_code == 400
    assert "The email address can&#39;t hold email&#39;s coded text" in answer.get_data(True)
    assert get_appointment(app, appointment.id).client_email is None


def test_the_cli_refuses_an_encoded_name(app: Flask) -> None:
    args = ["add-appointment", "--client", ENCODED, "--start", "2030-01-01T10:00"]
    result = app.test_cli_runner().invoke(main, args=args)
    assert result.exit_code != 0 and "can't hold email's coded text" in result.output, result.output
    assert sql(app, "SELECT count(*) FROM appointments") == [(0,)]


def test_an_encoded_spa_name_in_mail_from_stops_start_up(database: str, mail_server: Mailbox) -> None:
    with pytest.raises(ConfigError, match="MAIL_FROM"):
        staffed_app(database, **mail_config(mail_server, MAIL_FROM=f"{ENCODED} <bookings@spa.example>"))


@pytest.mark.parametrize(
    "name",
    [
        'Souza, Ana "The Spa" <x@evil.example>',
        "Zoë Øster",
        "Åsa-Märta Ólafsdóttir-Nørgaard " * 6,  # long, non-ASCII: folded over several lines
        "Ana ? Souza =) (VIP)",
    ],
)
def test_the_header_check_passes_every_honest_letter(name: str) -> None:
    for kind in LetterKind:
        check_headers(compose(letter(kind=kind, recipient_name=name.strip()[:200]), HEAD))
