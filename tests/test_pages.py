"""Help, Privacy and Support: public, from one source each, and every message has its Help entry."""

from __future__ import annotations

import re
from datetime import datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from simplespa_zoom.meetings import attendance
from simplespa_zoom.meetings.attendance import Attended
from simplespa_zoom.messages import CONFIRMATIONS, MESSAGES, WORDS
from simplespa_zoom.zoom.api import SCOPES
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

from .helpers import API, add_appointment, connect_zoom, login, post, zoom_meeting

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "simplespa_zoom").rglob("*.py"))


@pytest.mark.parametrize("path", ["/help", "/privacy", "/support"])
def test_the_public_pages_need_no_sign_in_and_link_help_and_privacy(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'href="/help">Help</a>' in page and 'href="/privacy">Privacy</a>' in page
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>" not in page and " style=" not in page


def test_every_page_of_the_app_links_help_and_privacy(app: Flask, client) -> None:
    login(client)
    appointment = add_appointment(app)
    for path in ("/appointments", f"/appointments/{appointment.id}", "/appointments/new", "/appointments/999"):
        page = client.get(path).get_data(as_text=True)
        assert 'href="/help">Help</a>' in page and 'href="/privacy">Privacy</a>' in page, path


def test_help_has_one_entry_per_message_with_what_to_do(client) -> None:
    page = client.get("/help").get_data(as_text=True)
    anchors = re.findall(r'<(?:dt|span) id="([a-z_]+)">', page)  # every code's link lands on its entry
    assert sorted(anchors) == sorted(MESSAGES) and len(anchors) == len(set(anchors))
    for code, message in MESSAGES.items():
        assert message.fix and message.sample in _unescape(page), code
    assert 'href="mailto:support@spa.example">Contact support</a>' in page
    for section in ("Add Meeting", "Copy invitation", "Remove meeting", "Disconnect Zoom", "Uninstall"):
        assert section in page


def test_help_lists_each_message_once(client) -> None:
    """A provider code worded as a Zoom message (provider_slow as zoom_slow) is that entry, not a second copy."""
    page = _unescape(client.get("/help").get_data(as_text=True))
    listed = re.findall(r"<dt id=[^>]*>(?:<span id=[^>]*></span>)*([^<]*)</dt>", page)
    assert len(listed) == len({message.text for message in MESSAGES.values()})
    assert sorted(set(listed)) == sorted(listed)
    assert f'<dt id="zoom_slow"><span id="provider_slow"></span>{MESSAGES["zoom_slow"].sample}</dt>' in page


# What only whoever runs SimpleSpa knows: env var names, commands, the outbox, "the book". They belong in the
# README's operator part; staff are told to ask whoever runs SimpleSpa.
OPERATOR_WORDS = re.compile(
    r"\b[A-Z]{2,}(?:_[A-Z0-9]+)+\b|send-mail|simplespa-zoom |set-password|\boutbox\b|\bthe book\b", re.I
)


def test_what_staff_read_holds_no_operator_words(client) -> None:
    help_text = re.sub(r"<[^>]*>", " ", _unescape(client.get("/help").get_data(as_text=True)))
    assert not OPERATOR_WORDS.findall(help_text)
    for code, message in MESSAGES.items():
        assert not OPERATOR_WORDS.findall(f"{message.sample} {message.fix}"), code
    for code, text_ in {**WORDS, **CONFIRMATIONS}.items():
        assert not OPERATOR_WORDS.findall(text_), code


def test_help_guides_start_meeting_and_the_attendance_line_as_the_app_writes_it(client) -> None:
    page = _unescape(client.get("/help").get_data(as_text=True))
    assert '<h2 id="start-meeting">Start meeting</h2>' in page and '<h2 id="attendance">' in page
    assert f'"{WORDS["start_opened"]}"' in page
    spa = ZoneInfo("America/New_York")
    at = partial(datetime, 2030, 3, 12, tzinfo=spa)
    for attended, line in (
        (Attended(at(18, 3), at(18, 44), 41, 1), "Zoom attendance: client joined 6:03 pm, left 6:44 pm (41 min)"),
        (
            Attended(at(18, 3), at(18, 52), 44, 2),
            "Zoom attendance: client joined 6:03 pm, left 6:52 pm (44 min in all, joined 2 times)",
        ),
        (Attended(None, None, 0, 0), "Zoom attendance: client did not join"),
    ):
        assert line in page and attendance.format_line(ZOOM_LINE_FORMAT, attended, spa) == line  # as the app writes


def _unescape(page: str) -> str:
    import html

    return html.unescape(page)


def test_every_message_the_code_names_is_in_the_table() -> None:
    """A message said by code but missing from the table would be a page without its Help entry."""
    named: set[str] = set()
    patterns = (
        r'\bsay\("([a-z_]+)"',
        r'\bproblem\("([a-z_]+)"',
        r'\bcode = "([a-z_]+)"',
        r'Notice\.warning\("([a-z_]+)"',
        r'_failed\([^,]+, "([a-z_]+)"\)',
        r'_check\([^"]+"[a-z_]+", "([a-z_]+)"\)',
        r'because\("([a-z_]+)"',
        r'_undo\([^,]+, "([a-z_]+)"\)',
        r'"(?:warning|error):([a-z_]+)"',
    )
    for source in SOURCES:
        text = source.read_text()
        for pattern in patterns:
            named.update(re.findall(pattern, text))
    assert named and named <= set(MESSAGES), sorted(named - set(MESSAGES))
    assert len(named) > 40


def test_a_json_error_carries_its_help_link(app: Flask, client, zoom) -> None:
    login(client)
    appointment = add_appointment(app)
    connect_zoom(client)
    zoom.post(f"{API}/users/me/meetings", status=503, body="down")
    error = post(client, f"/appointments/{appointment.id}/meeting").get_json()["error"]
    assert error["code"] == "zoom_unavailable" and error["help"] == "/help#zoom_unavailable"


def test_a_flashed_error_links_to_its_help_entry(client) -> None:
    page = login(client, password="wrong password!").get_data(as_text=True)
    assert 'role="alert">That email and password do not match an account' in page
    assert 'href="/help#sign_in_failed">What to do</a>' in page


def test_a_field_error_links_to_its_help_entry(app: Flask, client) -> None:
    from .helpers import form_post

    login(client)
    page = form_post(client, "/appointments/new", {"client_name": "", "start": "x", "duration": "0"}).get_data(True)
    for code in ("client_name_missing", "start_invalid", "duration_invalid", "appointment_invalid"):
        assert f'href="/help#{code}">What to do</a>' in page


def test_an_error_page_links_to_its_help_entry(app: Flask, client) -> None:
    login(client)
    page = client.get("/appointments/424242").get_data(as_text=True)
    assert 'role="alert">That page or appointment does not exist.' in page
    assert 'href="/help#not_found">What to do</a>' in page


def test_support_names_the_address_version_and_what_never_to_send(client) -> None:
    page = client.get("/support").get_data(as_text=True)
    assert 'href="mailto:support@spa.example?subject=' in page and ">Contact support</a>" in page
    assert "version <strong>0.1.0</strong>" in page
    assert "Never send a password, a Zoom token or a cookie." in page


def test_privacy_and_the_readmes_security_section_are_one_text(client) -> None:
    statement = (ROOT / "templates/pages/privacy.md").read_text()
    readme = (ROOT / "README.md").read_text()
    between = re.search(r"<!-- privacy:start[^>]*-->\n(.*)<!-- privacy:end -->", readme, re.S)
    assert between, "the README's Security section lost its privacy markers"
    assert between.group(1) == statement, "copy templates/pages/privacy.md into the README between the markers"
    page = client.get("/privacy").get_data(as_text=True)
    assert "<h4>On the spa&#x27;s server</h4>" in page or "<h4>On the spa's server</h4>" in page
    for heading in ("In the staff member", "Nowhere", "Disconnecting and uninstalling"):
        assert heading in page


def test_privacy_explains_every_scope_the_app_uses(client) -> None:
    page = client.get("/privacy").get_data(as_text=True)
    listed = re.findall(r"<td><code>([a-z_:]+)</code></td>", page)
    assert listed == list(SCOPES)


def test_a_status_message_that_needs_one_links_its_help_entry(app: Flask, client, zoom) -> None:
    from .helpers import with_app_meeting

    login(client)
    appointment = with_app_meeting(app, add_appointment(app, "Ana"), host="someone-else")
    connect_zoom(client)
    body = post(client, f"/appointments/{appointment.id}/meeting/status").get_json()
    assert body["help"] == "/help#meeting_other_account_check"
    zoom.get(f"{API}/meetings/85746065432", json=zoom_meeting(appointment))
    appointment = with_app_meeting(app, add_appointment(app, "Bea"))
    assert post(client, f"/appointments/{appointment.id}/meeting/status").get_json()["help"] is None
