"""Pages left open follow the truth (issue 28 items 3 and 4), through the Flask client: the presence poll carries
a version of each appointment that moves with its notes and its letters, the page's redraw reads the database
alone, and the README and Help list the presence state table."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask

from simplespa_zoom.meetings.presence import STATES
from simplespa_zoom.messages import MESSAGES, PRESENCE_STATES

from .helpers import JOIN_URL, MEETING_ID, add_appointment, login, sql, with_app_meeting
from .test_webhooks import deliver

NEW_LINK = JOIN_URL.split("?")[0] + "?pwd=NewPasscode99"


def version(client, appointment_id: int) -> str:
    answer = client.get(f"/appointments/{appointment_id}/presence").get_json()
    day = client.get(f"/appointments/presence?ids={appointment_id}").get_json()["versions"]
    assert day == {str(appointment_id): answer["version"]}  # the day list's poll carries the same
    return answer["version"]


def rendered_version(page: str) -> str:
    found = re.search(r'id="presence"[^>]*data-version="([^"]*)"', page, re.S)
    assert found is not None
    return found.group(1)


def test_a_new_passcode_in_zoom_moves_the_version_and_the_redraw_reads_only_the_database(
    app: Flask, client, zoom
) -> None:
    """zoom (responses) has no answer registered: any Zoom call by the poll or the redraw would fail the test."""
    appointment = with_app_meeting(app, add_appointment(app, "Ana Souza", "Bring a towel."))
    login(client)
    page = client.get(f"/appointments/{appointment.id}").get_data(as_text=True)
    before = version(client, appointment.id)
    assert rendered_version(page) == before  # the page opens at the version it shows
    assert version(client, appointment.id) == before  # polls in between change nothing

    updated = {"id": MEETING_ID, "join_url": NEW_LINK}
    event = {"event": "meeting.updated", "event_ts": 1, "payload": {"object": updated, "old_object": {"id": 1}}}
    assert deliver(client, event).status_code == 204
    assert version(client, appointment.id) != before

    shown = client.get(f"/appointments/{appointment.id}/meeting/shown")
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    body = shown.get_json()
    assert body["meeting"]["join_url"] == NEW_LINK and NEW_LINK in body["meeting"]["invitation"]
    assert body["notes"].startswith("Bring a towel.\nZoom: ") and body["notes"].endswith(NEW_LINK)


def test_a_letter_sent_or_failed_moves_the_version(app: Flask, client) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana Souza", email="ana@example.com"))
    login(client)
    before = version(client, appointment.id)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    sql(
        app,
        "INSERT INTO outbox (appointment_id, kind, recipient, recipient_name, sequence, meeting_id, join_url, "
        "starts_at, duration_minutes, due_at, created_at) VALUES (:a, 'invitation', 'ana@example.com', 'Ana', 0, "
        ":m, :j, :s, 60, :n, :n)",
        a=appointment.id, m=MEETING_ID, j=JOIN_URL, s=now, n=now,
    )  # fmt: skip
    queued = version(client, appointment.id)
    assert queued != before
    sql(app, "UPDATE outbox SET state = 'sending', attempts = 1 WHERE appointment_id = :a", a=appointment.id)
    sending = version(client, appointment.id)
    assert sending != queued
    sql(app, "UPDATE outbox SET state = 'sent', settled_at = :n WHERE appointment_id = :a", a=appointment.id, n=now)
    assert version(client, appointment.id) not in (before, queued, sending)


def test_the_day_list_renders_each_rows_version(app: Flask, client) -> None:
    start = datetime.now(UTC) + timedelta(hours=1)
    first = with_app_meeting(app, add_appointment(app, "Ana Souza", start=start))
    second = add_appointment(app, "Bea Lima", start=start + timedelta(minutes=5))
    login(client)
    day = first.local_start(app.config["SPA_TZ"]).date().isoformat()
    page = client.get(f"/appointments?day={day}").get_data(as_text=True)
    answer = client.get(f"/appointments/presence?ids={first.id},{second.id}").get_json()
    for appointment in (first, second):
        assert (
            f'data-appointment-row="{appointment.id}" data-version="{answer["versions"][str(appointment.id)]}"' in page
        )


def test_the_presence_state_table_is_in_help_and_in_the_readme(client) -> None:
    assert list(PRESENCE_STATES) == list(STATES)  # one sentence and one description per state, in the core's order
    help_page = client.get("/help").get_data(as_text=True)
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for code in STATES:
        sample = MESSAGES[code].sample
        assert f'<td>{PRESENCE_STATES[code]}</td><td><a href="#{code}">{sample}</a></td>' in help_page
        assert f'| {PRESENCE_STATES[code]} | "{sample}" |' in readme
