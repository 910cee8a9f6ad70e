"""What real Zoom does that a naive stand-in hid: each item of zoom-contract.md's last table, app side."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from responses import matchers

from simplespa_zoom.meetings import notes
from simplespa_zoom.zoom.api import SCOPES
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

from .helpers import (
    ACCESS_TOKEN,
    API,
    JOIN_URL,
    MEETING_ID,
    OAUTH,
    ZOOM_USER_ID,
    add_appointment,
    connect_zoom,
    flashes,
    form_post,
    form_values,
    get_appointment,
    line_for,
    local,
    login,
    page_meeting,
    post,
    save_with_start,
    session_zoom,
    spelled_out,
    sql,
    staffed_app,
    with_app_meeting,
    zoom_meeting,
)

NOTES = "Prefers lavender oil."
GONE = {"code": 3001, "message": f"Meeting does not exist: {MEETING_ID}."}
FIX_IN_ZOOM = "https://zoom.us/meeting#/upcoming"
SAVED = ("info", "Appointment saved.")
MOVED = ("info", "The Zoom meeting was moved to the new time.")
NO_MAIL = ("info", "The spa emails nothing to Ana: it does not send its own email.")  # these tests' app sends none


def status(client, appointment) -> dict:
    return post(client, f"/appointments/{appointment.id}/meeting/status").get_json()


# --- 1. Past meetings keep their line -------------------------------------------------------


def test_an_ended_meeting_is_never_checked_and_keeps_its_line(app: Flask, signed_in, zoom) -> None:
    start = datetime.now(UTC) - timedelta(days=40)
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES, start=start))
    connect_zoom(signed_in)
    body = status(signed_in, appointment)  # `zoom` has no answers: any call would fail the test
    assert body["state"] == "ended" and body["message"] == "This meeting has ended."
    assert get_appointment(app, appointment.id).notes == appointment.notes
    assert page_meeting(signed_in.get(f"/appointments/{appointment.id}").get_data(as_text=True))["ended"] is True


def test_a_meeting_in_progress_is_still_checked(app: Flask, signed_in, zoom) -> None:
    start = datetime.now(UTC) - timedelta(minutes=30)
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES, start=start))
    connect_zoom(signed_in)
    zoom.get(f"{API}/meetings/{MEETING_ID}", status=404, json=GONE)
    assert status(signed_in, appointment)["state"] == "gone"
    assert get_appointment(app, appointment.id).notes == NOTES


# --- 2. Another Zoom user's meeting -----------------------------------------------------------


def test_another_hosts_meeting_is_not_checked_removed_moved_or_cancelled(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES), host="someone-else")
    connect_zoom(signed_in)
    body = status(signed_in, appointment)
    assert body["state"] == "other_account"
    assert body["message"] == "This meeting belongs to another Zoom account, so it can't be checked from here."
    removed = post(signed_in, f"/appointments/{appointment.id}/meeting/remove")
    assert removed.status_code == 409 and "belongs to another Zoom account" in removed.get_json()["error"]["message"]
    moved = appointment.starts_at + timedelta(days=1)
    page = save_with_start(signed_in, app, appointment, moved)
    assert "belongs to another Zoom account" in page and "moved to the new time" not in page
    page = form_post(signed_in, f"/appointments/{appointment.id}/cancel", follow_redirects=True).get_data(as_text=True)
    assert "belongs to another Zoom account" in page and "was deleted" not in page
    assert get_appointment(app, appointment.id).notes == appointment.notes


def test_a_host_mark_from_an_older_secret_key_is_still_recognised(tmp_path) -> None:
    from simplespa_zoom.meetings.host_marks import HostMarks

    old = HostMarks("old-secret-key-" + "x" * 32)
    rotated = HostMarks("new-secret-key-" + "y" * 32, ["old-secret-key-" + "x" * 32])
    mark = old.mark(ZOOM_USER_ID)
    assert rotated.matches(mark, ZOOM_USER_ID) and not rotated.matches(mark, "other")
    assert not HostMarks("new-secret-key-" + "y" * 32).matches(mark, ZOOM_USER_ID)
    assert ZOOM_USER_ID not in mark


def test_an_unknown_host_is_never_dropped_on_3001(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES), host=None)
    connect_zoom(signed_in)
    zoom.get(f"{API}/meetings/{MEETING_ID}", status=404, json=GONE)
    body = status(signed_in, appointment)
    assert body["state"] == "other_account" and "may belong to another Zoom account" in body["message"]
    assert get_appointment(app, appointment.id).notes == appointment.notes


def test_an_unknown_host_is_learnt_when_zoom_shows_the_meeting(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES), host=None)
    connect_zoom(signed_in)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment))
    assert status(signed_in, appointment)["state"] == "ok"
    mark = get_appointment(app, appointment.id).host_mark
    assert mark and app.extensions["meetings"].marks.matches(mark, ZOOM_USER_ID)
    zoom.get(f"{API}/meetings/{MEETING_ID}", status=404, json=GONE)
    assert status(signed_in, appointment)["state"] == "gone"  # now known to be ours: 3001 is proof


def test_an_unknown_host_shown_as_another_user_is_not_checked_further(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES), host=None)
    connect_zoom(signed_in)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json={**zoom_meeting(appointment), "host_id": "someone-else"})
    body = status(signed_in, appointment)
    assert body["state"] == "other_account"
    assert body["message"] == "This meeting belongs to another Zoom account, so it can't be checked from here."
    stored = get_appointment(app, appointment.id)
    assert stored.notes == appointment.notes and stored.host_mark is None


@pytest.mark.parametrize("host_id", ["missing", "", 12345, None])
def test_an_unknown_host_stays_unknown_when_zoom_names_no_host(app: Flask, signed_in, zoom, host_id: object) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES), host=None)
    connect_zoom(signed_in)
    meeting = {**zoom_meeting(appointment), "host_id": host_id}
    if host_id == "missing":
        del meeting["host_id"]
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=meeting)
    body = status(signed_in, appointment)
    assert (body["state"], body["message"]) == ("ok", "Checked with Zoom just now.")
    stored = get_appointment(app, appointment.id)
    assert stored.notes == appointment.notes and stored.host_mark is None


def test_an_unknown_host_is_asked_of_zoom_before_a_move_a_cancel_or_a_remove(app: Flask, signed_in, zoom) -> None:
    connect_zoom(signed_in)
    moving, cancelling, removing = (
        with_app_meeting(
            app,
            add_appointment(app, name, NOTES),
            meeting_id=MEETING_ID + number,
            join_url=f"https://us05web.zoom.us/j/{MEETING_ID + number}",
            host=None,
        )
        for number, name in enumerate(("Ana", "Bea", "Cy"))
    )
    moved = moving.starts_at + timedelta(days=1)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(moving))  # hosted by this browser's Zoom user
    zoom.patch(f"{API}/meetings/{MEETING_ID}", status=204)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(moving, start=moved))
    assert flashes(save_with_start(signed_in, app, moving, moved)) == [SAVED, MOVED, NO_MAIL]
    stored = get_appointment(app, moving.id)
    assert stored.notes == NOTES + "\n" + line_for(app, moving, start=moved)
    assert app.extensions["meetings"].marks.matches(stored.host_mark, ZOOM_USER_ID)

    # Zoom emails a registered client only of the cancelled appointment: a removed meeting's stays booked.
    for appointment, meeting_id, told in ((cancelling, MEETING_ID + 1, REMINDER), (removing, MEETING_ID + 2, None)):
        zoom.get(f"{API}/meetings/{meeting_id}", json=zoom_meeting(appointment, meeting_id=meeting_id))
        zoom.delete(f"{API}/meetings/{meeting_id}", status=204, match=[told or matchers.query_param_matcher({})])
    page = form_post(signed_in, f"/appointments/{cancelling.id}/cancel", follow_redirects=True).get_data(True)
    no_mail_to_bea = ("info", "The spa emails nothing to Bea: it does not send its own email.")
    assert flashes(page) == [
        ("info", "Appointment cancelled."),
        ("info", "The Zoom meeting was deleted."),
        no_mail_to_bea,
    ]
    assert post(signed_in, f"/appointments/{removing.id}/meeting/remove").status_code == 200
    assert [get_appointment(app, a.id).notes for a in (cancelling, removing)] == [NOTES, NOTES]
    assert {call.request.headers["Authorization"] for call in zoom.calls} == {f"Bearer {ACCESS_TOKEN}"}


def test_the_server_keeps_only_a_fingerprint_of_the_host(app: Flask, signed_in, zoom) -> None:
    appointment = add_appointment(app, "Ana", NOTES)
    connect_zoom(signed_in, user_id="zoom-user-XYZ")
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    post(signed_in, f"/appointments/{appointment.id}/meeting")
    dump = _dump(app)
    assert "zoom-user-XYZ" not in dump
    stored = get_appointment(app, appointment.id)
    assert stored.own_meeting_id == MEETING_ID
    assert app.extensions["meetings"].marks.matches(stored.host_mark, "zoom-user-XYZ")


def _dump(app: Flask) -> str:
    """Every row of every table, as text."""
    from simplespa_zoom.book.schema import metadata

    return "\n".join(str(row) for table in metadata.sorted_tables for row in sql(app, f"SELECT * FROM {table.name}"))


# --- 3. Install from the Zoom Marketplace ------------------------------------------------------


def test_a_stateless_code_is_never_exchanged_and_starts_a_fresh_authorization(app: Flask, signed_in) -> None:
    with responses.RequestsMock():  # no Zoom call may happen at all
        response = signed_in.get("/zoom/callback?code=from-the-marketplace")
    assert response.status_code == 200 and "Connect Zoom" in response.get_data(as_text=True)  # asks first
    with signed_in.session_transaction() as session:
        assert not any(key.startswith("_state_zoom_") for key in session)
    response = form_post(signed_in, "/zoom/connect", {"next": "/appointments"})
    location = urlsplit(response.headers["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{OAUTH}/oauth/authorize"
    assert query["state"][0] and query["code_challenge_method"] == ["S256"] and "code" not in query
    assert session_zoom(signed_in) is None


def test_a_stateless_code_while_signed_out_signs_in_first_then_connects(client) -> None:
    response = client.get("/zoom/callback?code=from-the-marketplace")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/zoom/connect?next=/appointments"]
    assert "from-the-marketplace" not in response.headers["Location"]


def test_the_marketplace_path_lands_on_the_list_saying_connected(app: Flask, signed_in) -> None:
    signed_in.get("/zoom/callback?code=from-the-marketplace")
    form_post(signed_in, "/zoom/connect", {"next": "/appointments"})  # the confirmation's button
    with signed_in.session_transaction() as session:
        state = next(key for key in session if key.startswith("_state_zoom_"))[len("_state_zoom_") :]
    with responses.RequestsMock() as zoom:
        zoom.post(f"{OAUTH}/oauth/token", json={**_token(), "scope": " ".join(_ALL_SCOPES)})
        zoom.get(f"{API}/users/me", json={"id": "u", "type": 1})
        response = signed_in.get(f"/zoom/callback?code=fresh&state={state}", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.request.path == "/appointments" and "Zoom is connected." in page
    assert "permission" not in page


_ALL_SCOPES = list(SCOPES)  # what the Zoom app is configured with: all the app asks for


def _token(**extra: str) -> dict:
    return {"access_token": "A" * 900, "refresh_token": "R" * 900, "expires_in": 3599, "token_type": "bearer", **extra}


# --- 4. Reconnect in one click -------------------------------------------------------------------


def test_a_dead_grant_says_one_browser_at_a_time_and_clears_the_connection(app: Flask, signed_in, zoom) -> None:
    appointment = add_appointment(app)
    connect_zoom(signed_in)
    zoom.post(f"{API}/users/me/meetings", status=401, json={"code": 124, "message": "Invalid access token."})
    zoom.post(f"{OAUTH}/oauth/token", status=400, json={"reason": "Invalid Token!", "error": "invalid_grant"})
    answer = post(signed_in, f"/appointments/{appointment.id}/meeting", headers={"X-Zoom-Retry": "1"})
    assert answer.status_code == 401
    assert "A Zoom user can be connected in one browser at a time." in answer.get_json()["error"]["message"]
    assert session_zoom(signed_in) is None
    assert "Disconnect Zoom" not in signed_in.get(f"/appointments/{appointment.id}").get_data(as_text=True)


def test_the_reconnect_from_add_creates_the_meeting_and_says_connected_again(app: Flask, signed_in) -> None:
    appointment = add_appointment(app)
    start = form_post(
        signed_in,
        "/zoom/connect",
        {"add_meeting": str(appointment.id), "next": f"/appointments/{appointment.id}", "reconnect": "1"},
    )
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    with responses.RequestsMock() as zoom:
        zoom.post(f"{OAUTH}/oauth/token", json={**_token(), "scope": " ".join(_ALL_SCOPES)})
        zoom.get(f"{API}/users/me", json={"id": "u", "type": 1})
        page = signed_in.get(f"/zoom/callback?code=c&state={state}", follow_redirects=True).get_data(as_text=True)
    assert "Zoom is connected again." in page and 'data-auto-add="true"' in page


# --- 5. Every join link Zoom hands out -----------------------------------------------------------

_label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
_hosts = st.one_of(
    st.builds(lambda sub: f"{sub}.zoom.us", _label),
    st.builds(lambda sub: f"{sub}.zoom.com", _label),
    st.just("zoom.us"),
    st.just("zoom.com"),
    st.just("zoomgov.com"),
    st.builds(lambda sub: f"{sub}.zoomgov.com", _label),
)
_secret_char = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
# Zoom's passcodes and tokens hold dots (pwd=AbC.1) but never end with one: a final dot is the staff's full stop.
_secret = st.builds(
    lambda body, last: body + last, st.text(alphabet=_secret_char + ".", max_size=39), st.sampled_from(_secret_char)
)
_query = st.one_of(
    st.builds(lambda pwd: f"?pwd={pwd}", _secret),
    st.builds(lambda tk, pwd: f"?tk={tk}&pwd={pwd}", _secret, _secret),
    st.builds(lambda tk: f"?tk={tk}", _secret),
    st.just(""),
)
_join_links = st.builds(
    lambda host, kind, digits, query: f"https://{host}/{kind}/{digits}{query}",
    _hosts,
    st.sampled_from(["j", "w"]),
    st.integers(min_value=10**8, max_value=10**19 - 1),
    _query,
)


@settings(max_examples=300, deadline=None)
@given(link=_join_links, client=st.text(max_size=40))
def test_every_join_link_zoom_hands_out_reads_back_from_its_line(link: str, client: str) -> None:
    line = notes.format_line(ZOOM_LINE_FORMAT, notes.topic_for(client), datetime(2026, 12, 1, 15, 0, tzinfo=UTC), link)
    found = notes.current_line(ZOOM_LINE_FORMAT, "Notes before.\n" + line)
    assert found is not None and found.join_url == link
    assert found.meeting_id == int(link.split("/")[4].split("?")[0])
    assert notes.reads_as_join_link(ZOOM_LINE_FORMAT, link)


@pytest.mark.parametrize(
    "link",
    [
        "https://zoom.example.com/j/85746065432?pwd=x",
        "https://us05web.zoom.us/s/85746065432?zak=x",
        "https://us05web.zoom.us/j/85746065432?pwd=has space",
        "http://us05web.zoom.us/j/85746065432",
    ],
)
def test_a_join_link_that_would_not_read_back_is_never_written(app: Flask, signed_in, zoom, link: str) -> None:
    appointment = add_appointment(app, "Ana", NOTES)
    connect_zoom(signed_in)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment, join_url=link), status=201)
    zoom.delete(f"{API}/meetings/{MEETING_ID}", status=204, match=[matchers.query_param_matcher({})])
    response = post(signed_in, f"/appointments/{appointment.id}/meeting")
    assert response.status_code == 500
    assert "can't read back" in response.get_json()["error"]["message"]
    stored = get_appointment(app, appointment.id)
    assert stored.notes == NOTES and stored.own_meeting_id is None
    assert [call.request.url for call in zoom.calls if call.request.method == "DELETE"] == [
        f"{API}/meetings/{MEETING_ID}"
    ]


# --- 6. Cancelling tells the client ---------------------------------------------------------------

REMINDER = matchers.query_param_matcher({"cancel_meeting_reminder": "true"})


def test_remove_on_a_booked_appointment_asks_zoom_to_email_no_one(app: Flask, signed_in, zoom) -> None:
    """Zoom's email to registered clients says the meeting is cancelled: the appointment stays booked."""
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in)
    zoom.delete(f"{API}/meetings/{MEETING_ID}", status=204, match=[matchers.query_param_matcher({})])
    assert post(signed_in, f"/appointments/{appointment.id}/meeting/remove").status_code == 200


def test_cancel_asks_zoom_to_email_registered_clients(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in)
    zoom.delete(f"{API}/meetings/{MEETING_ID}", status=204, match=[REMINDER])
    page = form_post(signed_in, f"/appointments/{appointment.id}/cancel", follow_redirects=True).get_data(True)
    assert flashes(page) == [("info", "Appointment cancelled."), ("info", "The Zoom meeting was deleted."), NO_MAIL]
    assert zoom.calls[0].request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"


def test_the_undo_of_an_unrecorded_meeting_emails_no_one(app: Flask, signed_in, zoom, monkeypatch) -> None:
    from simplespa_zoom.book.appointments import AppointmentStore

    appointment = add_appointment(app, "Ana", NOTES)
    connect_zoom(signed_in)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    zoom.delete(f"{API}/meetings/{MEETING_ID}", status=204, match=[matchers.query_param_matcher({})])
    monkeypatch.setattr(AppointmentStore, "record_meeting", lambda *a, **k: (_ for _ in ()).throw(RuntimeError()))
    assert post(signed_in, f"/appointments/{appointment.id}/meeting").status_code == 500
    [deleted] = [call.request.url for call in zoom.calls if call.request.method == "DELETE"]
    assert deleted == f"{API}/meetings/{MEETING_ID}"  # no cancel_meeting_reminder: no one is emailed


# --- 7. Changes made in Zoom ---------------------------------------------------------------------


def test_a_meeting_zoom_shows_without_a_topic_keeps_the_lines_topic(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in)
    meeting = zoom_meeting(appointment)
    del meeting["topic"]
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=meeting)
    assert status(signed_in, appointment)["state"] == "ok"
    assert get_appointment(app, appointment.id).notes == appointment.notes


def test_a_new_passcode_in_zoom_reaches_the_line_of_a_plain_link(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in)
    new_link = "https://us05web.zoom.us/j/85746065432?pwd=Fresh.1"
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment, join_url=new_link))
    assert status(signed_in, appointment)["state"] == "updated"
    assert get_appointment(app, appointment.id).notes == NOTES + "\n" + line_for(app, appointment, new_link)


@pytest.mark.parametrize(
    "personal", ["https://us05web.zoom.us/w/85746065432?tk=TOKEN&pwd=a.1", "https://acme.zoom.us/j/85746065432?tk=T"]
)
def test_a_registrants_personal_link_stays_when_zoom_changes_the_plain_link(
    app: Flask, signed_in, zoom, personal: str
) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES), join_url=personal)
    connect_zoom(signed_in)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment, join_url=JOIN_URL + "X"))
    assert status(signed_in, appointment)["state"] == "ok"
    assert get_appointment(app, appointment.id).notes == appointment.notes


def test_meeting_updated_follows_a_new_join_link_and_caps_the_topic(app: Flask, client) -> None:
    from .test_webhooks import deliver

    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    new_link = "https://us05web.zoom.us/j/85746065432?pwd=Other.2"
    topic = "T" * 200_000
    event = {
        "event": "meeting.updated",
        "payload": {"object": {"id": MEETING_ID, "join_url": new_link, "topic": topic}},
    }
    assert deliver(client, event).status_code == 204
    line = notes.current_line(ZOOM_LINE_FORMAT, get_appointment(app, appointment.id).notes)
    assert line is not None and line.join_url == new_link and line.topic == "T" * notes.TOPIC_MAX


# --- 8. Rescheduling into the past -------------------------------------------------------------


def test_moving_into_the_past_does_not_patch_and_says_so(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in)
    past = datetime.now(UTC) - timedelta(days=2)
    page = save_with_start(signed_in, app, appointment, past)
    assert "now starts in the past, so its Zoom meeting was not moved" in page
    assert get_appointment(app, appointment.id).notes == appointment.notes


def test_a_patch_zoom_ignored_is_reported_never_moved(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in)
    moved = appointment.starts_at + timedelta(days=1)
    zoom.patch(f"{API}/meetings/{MEETING_ID}", status=204)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment))  # Zoom kept the old start
    page = save_with_start(signed_in, app, appointment, moved)
    held = spelled_out(appointment.starts_at.astimezone(app.config["SPA_TZ"]))
    assert flashes(page) == [
        SAVED,
        (
            "warning",
            f"Zoom did not move the meeting: it still starts {held}. The line in the notes shows Zoom's time; "
            f"move the meeting in Zoom at {FIX_IN_ZOOM}.",
        ),
    ]
    assert get_appointment(app, appointment.id).notes == appointment.notes


def test_a_meeting_zoom_holds_at_no_fixed_time_is_reported_as_before(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in)
    zoom.patch(f"{API}/meetings/{MEETING_ID}", status=204)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json={**zoom_meeting(appointment), "start_time": None})
    page = save_with_start(signed_in, app, appointment, appointment.starts_at + timedelta(days=1))
    said = "Zoom did not move the meeting: it still starts as before. The line in the notes shows Zoom's time; "
    assert flashes(page) == [SAVED, ("warning", said + f"move the meeting in Zoom at {FIX_IN_ZOOM}.")]
    assert get_appointment(app, appointment.id).notes == appointment.notes


def test_a_moved_meeting_takes_zooms_topic_and_link_and_an_older_event_never_moves_it_back(
    app: Flask, signed_in, zoom
) -> None:
    from .test_webhooks import deliver, moved_event

    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in)
    before_ms = int(datetime.now(UTC).timestamp() * 1000) - 60_000
    moved = appointment.starts_at + timedelta(days=1)
    link = "https://us05web.zoom.us/j/85746065432?pwd=Moved.1"
    zoom.patch(f"{API}/meetings/{MEETING_ID}", status=204)
    in_zoom = zoom_meeting(appointment, start=moved, topic="Renamed in Zoom", join_url=link)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=in_zoom)
    assert flashes(save_with_start(signed_in, app, appointment, moved)) == [SAVED, MOVED, NO_MAIL]
    line = f"Zoom: [Renamed in Zoom] {spelled_out(moved.astimezone(app.config['SPA_TZ']))} \u2014 {link}"
    assert get_appointment(app, appointment.id).notes == NOTES + "\n" + line
    assert deliver(signed_in, moved_event(appointment.starts_at, before_ms)).status_code == 204  # sent before the move
    assert get_appointment(app, appointment.id).notes == NOTES + "\n" + line


def test_a_reschedule_that_finds_its_meeting_deleted_in_zoom_removes_the_line(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in)
    zoom.patch(f"{API}/meetings/{MEETING_ID}", status=404, json=GONE)
    page = save_with_start(signed_in, app, appointment, appointment.starts_at + timedelta(days=1))
    gone = "The Zoom meeting had been deleted in Zoom, so its line was removed from the notes. The client was not told."
    assert flashes(page) == [SAVED, ("warning", gone)]
    stored = get_appointment(app, appointment.id)
    assert stored.notes == NOTES and stored.own_meeting_id is None


def test_a_reschedule_over_zooms_daily_limit_says_when_it_resets_in_the_spas_zone(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in)
    limit = {"X-RateLimit-Type": "Daily-limit", "Retry-After": "2026-11-21T00:00:00Z"}
    zoom.patch(f"{API}/meetings/{MEETING_ID}", status=429, json={"code": 429, "message": "limit"}, headers=limit)
    page = save_with_start(signed_in, app, appointment, appointment.starts_at + timedelta(days=1))
    said = (
        "The appointment was saved, but its Zoom meeting was not updated. Today's limit of Zoom meeting changes "
        "for this Zoom user is reached; it resets at 7:00 pm (America/New_York). The notes were not changed. "
        f"Later, save the appointment again, or change it in Zoom at {FIX_IN_ZOOM}."
    )
    assert flashes(page) == [SAVED, ("warning", said)]
    assert get_appointment(app, appointment.id).notes == appointment.notes


def test_a_reschedule_while_not_connected_says_how_to_bring_zoom_along(app: Flask, signed_in) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    page = save_with_start(signed_in, app, appointment, appointment.starts_at + timedelta(days=1))
    said = (
        "The appointment was saved, but its Zoom meeting was not updated. Zoom is not connected in this browser. "
        f"Connect Zoom and save the appointment again, or change it in Zoom at {FIX_IN_ZOOM}."
    )
    assert flashes(page) == [SAVED, ("warning", said)]


def test_saving_without_a_new_time_or_length_asks_nothing_of_zoom(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in)
    assert flashes(save_with_start(signed_in, app, appointment, appointment.starts_at)) == [SAVED]
    assert len(zoom.calls) == 0


def test_a_duration_only_change_is_sent_to_zoom(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in)
    zoom.patch(
        f"{API}/meetings/{MEETING_ID}",
        status=204,
        match=[
            matchers.json_params_matcher(
                {
                    "start_time": appointment.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "duration": 90,
                    "timezone": "America/New_York",
                }
            )
        ],
    )
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment))
    values = form_values(appointment, start=local(app, appointment.starts_at), duration="90")
    page = form_post(signed_in, f"/appointments/{appointment.id}/edit", values, follow_redirects=True).get_data(True)
    assert flashes(page) == [SAVED, ("info", "The Zoom meeting now has the appointment's new length."), NO_MAIL]


# --- 10. Errors in Zoom's own terms ------------------------------------------------------------


def test_a_connect_missing_a_scope_says_so_at_once(app: Flask, signed_in) -> None:
    start = form_post(signed_in, "/zoom/connect", {"next": "/appointments"})
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    with responses.RequestsMock() as zoom:
        zoom.post(f"{OAUTH}/oauth/token", json=_token(scope="meeting:read:meeting user:read:user"))
        zoom.get(f"{API}/users/me", json={"id": "u", "type": 1})
        page = signed_in.get(f"/zoom/callback?code=c&state={state}", follow_redirects=True).get_data(as_text=True)
    assert "Zoom is connected." in page
    assert "create meetings (meeting:write:meeting)" in page and "admin of the SimpleSpa app" in page


def test_a_401_without_a_json_body_still_gets_one_refresh_and_retry(app: Flask, signed_in, zoom) -> None:
    appointment = add_appointment(app)
    connect_zoom(signed_in)
    zoom.post(f"{API}/users/me/meetings", status=401, body="<html>401 Unauthorized</html>")
    zoom.post(f"{OAUTH}/oauth/token", json={"access_token": "new", "refresh_token": "new-r", "expires_in": 3599})
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    assert post(signed_in, f"/appointments/{appointment.id}/meeting").status_code == 201


def test_registrant_names_are_cut_to_64_and_long_emails_skip_registration(app: Flask, signed_in, zoom) -> None:
    long_name = "A" * 70 + " " + "B" * 70
    appointment = add_appointment(app, long_name, email="ana@example.com")
    connect_zoom(signed_in, licensed=True)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    personal = "https://us05web.zoom.us/w/85746065432?tk=T"
    zoom.post(f"{API}/meetings/{MEETING_ID}/registrants", json={"join_url": personal}, status=201)
    post(signed_in, f"/appointments/{appointment.id}/meeting")
    sent = json.loads(zoom.calls[-1].request.body)
    assert sent["first_name"] == "A" * 64 and sent["last_name"] == "B" * 64

    long_email = add_appointment(app, "Bea", email="b" * 120 + "@example.com")
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(long_email), status=201)
    body = post(signed_in, f"/appointments/{long_email.id}/meeting").get_json()
    assert json.loads(zoom.calls[-1].request.body)["settings"].get("approval_type") is None
    assert body["meeting"]["personal_link"] is False and "Hello Bea" in body["meeting"]["invitation"]


def test_an_email_of_exactly_128_characters_still_registers_the_client(app: Flask, signed_in, zoom) -> None:
    email = "a" * (128 - len("@example.com")) + "@example.com"
    appointment = add_appointment(app, "Ana", email=email)
    connect_zoom(signed_in, licensed=True)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    personal = "https://us05web.zoom.us/w/85746065432?tk=T"
    zoom.post(f"{API}/meetings/{MEETING_ID}/registrants", json={"join_url": personal}, status=201)
    body = post(signed_in, f"/appointments/{appointment.id}/meeting").get_json()
    assert json.loads(zoom.calls[-1].request.body)["email"] == email
    assert body["meeting"]["join_url"] == personal


# --- 11. Regional API ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("api_url", "used"),
    [
        ("https://eu01api.zoom.us", "https://eu01api.zoom.us/v2"),
        ("https://eu01api.zoom.us/", "https://eu01api.zoom.us/v2"),
        ("https://api-eu.zoom.com", "https://api-eu.zoom.com/v2"),
        ("https://api.zoom.us.evil.example", API),
        ("https://evilzoom.us", API),
        ("https://api.notzoom.com", API),
        ("http://eu01api.zoom.us", API),
        (None, API),
        ("https://zoom.us", "https://zoom.us/v2"),
        ("https://a.zoom.us", "https://a.zoom.us/v2"),
        ("https://.zoom.us", API),
        ("https://[eu01api.zoom.us", API),
        ("http://localhost:8765", API),
    ],
)
def test_calls_go_to_the_users_region_only_on_a_zoom_host(
    app: Flask, signed_in, zoom, api_url: str | None, used: str
) -> None:
    appointment = add_appointment(app)
    connect_zoom(signed_in)
    with signed_in.session_transaction() as session:
        session["zoom"] = {**session["zoom"], "api_url": api_url}
    zoom.post(f"{used}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    assert post(signed_in, f"/appointments/{appointment.id}/meeting").status_code == 201


def _connect_through_zoom(client, token_answer: dict, users_me_at: str) -> str:
    """Connect Zoom as the browser does, Zoom answering the code exchange with token_answer; the page after."""
    start = form_post(client, "/zoom/connect", {"next": "/appointments"})
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    with responses.RequestsMock() as zoom:
        zoom.post(f"{OAUTH}/oauth/token", json=token_answer)
        zoom.get(f"{users_me_at}/users/me", json={"id": "u", "type": 1})
        return client.get(f"/zoom/callback?code=c&state={state}", follow_redirects=True).get_data(as_text=True)


@pytest.mark.parametrize(
    ("api_url", "used"),
    [("https://eu01api.zoom.us", "https://eu01api.zoom.us/v2"), (12345, API)],
    ids=["regional", "not-text"],
)
def test_the_region_zoom_names_when_connecting_is_used_from_then_on(
    app: Flask, signed_in, api_url: object, used: str
) -> None:
    page = _connect_through_zoom(signed_in, {**_token(scope=" ".join(_ALL_SCOPES)), "api_url": api_url}, used)
    assert "Zoom is connected." in page
    appointment = add_appointment(app)
    with responses.RequestsMock() as zoom:
        zoom.post(f"{used}/users/me/meetings", json=zoom_meeting(appointment), status=201)
        assert post(signed_in, f"/appointments/{appointment.id}/meeting").status_code == 201


@pytest.mark.parametrize(
    ("named", "used"),
    [(None, "https://eu01api.zoom.us/v2"), ("https://eu02api.zoom.us", "https://eu02api.zoom.us/v2")],
    ids=["region-kept", "region-moved"],
)
def test_a_refresh_keeps_the_users_region_unless_zoom_names_a_new_one(
    app: Flask, signed_in, zoom, named: str | None, used: str
) -> None:
    appointment = add_appointment(app)
    connect_zoom(signed_in, expires_in=10)
    with signed_in.session_transaction() as session:
        session["zoom"] = {**session["zoom"], "api_url": "https://eu01api.zoom.us"}
    fresh = {"access_token": "new", "refresh_token": "new-r", "expires_in": 3599}
    zoom.post(f"{OAUTH}/oauth/token", json={**fresh, "api_url": named} if named else fresh)
    zoom.post(f"{used}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    assert post(signed_in, f"/appointments/{appointment.id}/meeting").status_code == 201
    assert session_zoom(signed_in)["api_url"] == used.removesuffix("/v2")


@pytest.mark.parametrize(
    ("api_url", "used"),
    [("http://localhost:8765", "http://localhost:8765/v2"), ("ftp://localhost", API), ("http://zoom.us", API)],
)
def test_plain_http_reaches_only_a_loopback_stand_in_named_as_a_zoom_host(
    database: str, zoom, api_url: str, used: str
) -> None:
    app = staffed_app(database, ZOOM_HOSTS=["zoom.us", "*.zoom.us", "localhost"])
    client = app.test_client()
    login(client)
    appointment = add_appointment(app)
    connect_zoom(client)
    with client.session_transaction() as session:
        session["zoom"] = {**session["zoom"], "api_url": api_url}
    zoom.post(f"{used}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    assert post(client, f"/appointments/{appointment.id}/meeting").status_code == 201


def test_every_zoom_call_gives_up_after_the_configured_time(database: str, zoom) -> None:
    """A Zoom that stops answering holds a page for ZOOM_TIMEOUT, never longer: token refreshes and regions too."""
    limits = (1.5, 4.0)
    app = staffed_app(database, ZOOM_TIMEOUT=limits)
    client = app.test_client()
    login(client)
    appointment = add_appointment(app)
    connect_zoom(client, expires_in=10)
    with client.session_transaction() as session:
        session["zoom"] = {**session["zoom"], "api_url": "https://eu01api.zoom.us"}
    zoom.post(f"{OAUTH}/oauth/token", json={"access_token": "new", "refresh_token": "new-r", "expires_in": 3599})
    zoom.post("https://eu01api.zoom.us/v2/users/me/meetings", json=zoom_meeting(appointment), status=201)
    assert post(client, f"/appointments/{appointment.id}/meeting").status_code == 201
    assert [tuple(call.request.req_kwargs["timeout"]) for call in zoom.calls] == [limits, limits]


def test_a_regional_zoom_that_hiccups_is_asked_again(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in)
    with signed_in.session_transaction() as session:
        session["zoom"] = {**session["zoom"], "api_url": "https://eu01api.zoom.us"}
    regional = f"https://eu01api.zoom.us/v2/meetings/{MEETING_ID}"
    zoom.get(regional, status=502, body="<html>Bad Gateway</html>")
    zoom.get(regional, json=zoom_meeting(appointment))
    assert status(signed_in, appointment)["state"] == "ok"


# --- 13. Only the app's own meeting for that appointment ---------------------------------------------


def test_a_copied_line_is_shown_but_never_acts_in_zoom(app: Flask, signed_in, zoom) -> None:
    original = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    copy = add_appointment(app, "Ben", "Same call as Ana:\n" + original.notes.splitlines()[-1])
    connect_zoom(signed_in)
    shown = page_meeting(signed_in.get(f"/appointments/{copy.id}").get_data(as_text=True))
    assert shown is not None and shown["created_here"] is False
    assert status(signed_in, copy)["state"] == "not_created_here"
    removed = post(signed_in, f"/appointments/{copy.id}/meeting/remove")
    assert removed.status_code == 409 and removed.get_json()["error"]["code"] == "meeting_not_created_here"
    assert flashes(save_with_start(signed_in, app, copy, copy.starts_at)) == [SAVED]  # not moved: nothing to say
    copy = get_appointment(app, copy.id)
    moved = copy.starts_at + timedelta(days=1)
    page = save_with_start(signed_in, app, copy, moved)
    left = (
        "The Zoom meeting in the notes was left as it is. This Zoom line was not created here for this appointment "
        "(it was copied or typed into the notes), so SimpleSpa never changes its meeting in Zoom."
    )
    assert flashes(page) == [SAVED, ("warning", left)]
    page = form_post(signed_in, f"/appointments/{copy.id}/cancel", follow_redirects=True).get_data(as_text=True)
    assert "The Zoom meeting in the notes was left as it is" in page
    assert len(zoom.calls) == 0  # nothing asked of Zoom from the copy: not a check, a move or a delete
    assert get_appointment(app, copy.id).notes == copy.notes
    assert get_appointment(app, original.id).notes == original.notes


def test_meeting_updated_never_rewrites_a_line_pasted_over_the_apps_own(app: Flask, client) -> None:
    from .test_webhooks import deliver

    own = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    pasted = "Zoom: [Team call] Monday, December 7 2026 9:00 am \u2014 https://us05web.zoom.us/j/91234567890?pwd=x"
    with app.app_context():
        from simplespa_zoom.web import the_book

        edited = NOTES + "\n" + pasted  # a staff edit
        the_book().appointments.set_notes(
            own.id, own.version, edited, meeting_ids=notes.meeting_ids(ZOOM_LINE_FORMAT, edited)
        )
    event = {"event": "meeting.updated", "payload": {"object": {"id": MEETING_ID, "topic": "Renamed"}}}
    assert deliver(client, event).status_code == 204
    assert get_appointment(app, own.id).notes == NOTES + "\n" + pasted


def test_a_reschedule_never_drops_the_line_of_an_ended_meeting_on_3001(app: Flask, signed_in, zoom) -> None:
    start = datetime.now(UTC) - timedelta(days=40)
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES, start=start))
    connect_zoom(signed_in)
    zoom.patch(f"{API}/meetings/{MEETING_ID}", status=404, json=GONE)
    page = save_with_start(signed_in, app, appointment, datetime.now(UTC) + timedelta(days=3))
    assert "Zoom doesn&#39;t show this meeting" in page or "Zoom doesn't show this meeting" in page
    assert get_appointment(app, appointment.id).notes == appointment.notes


def test_remove_with_an_unknown_host_and_3001_keeps_the_line_and_deletes_nothing(app: Flask, signed_in) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES), host=None)
    connect_zoom(signed_in)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as zoom:
        zoom.get(f"{API}/meetings/{MEETING_ID}", status=404, json=GONE)
        zoom.delete(f"{API}/meetings/{MEETING_ID}", status=404, json=GONE)
        answer = post(signed_in, f"/appointments/{appointment.id}/meeting/remove")
        assert [call.request.method for call in zoom.calls] == ["GET"]
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "meeting_other_account"
    assert get_appointment(app, appointment.id).notes == appointment.notes


def test_the_csp_lets_forms_lead_through_zoom_hosts_only(client) -> None:
    policy = client.get("/login").headers["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if part.strip().startswith("form-action")).split()
    assert form_action[:3] == ["form-action", "'self'", "https://zoom.us"]
    assert "https://*.zoom.us" in form_action and "https://*.zoom.com" in form_action
    assert not any(source in ("*", "https:", "http:") for source in form_action)


def test_a_dead_grant_found_by_a_reschedule_says_so_and_offers_connecting(app: Flask, signed_in, zoom) -> None:
    """A form post cannot ask again, and ran under the page's Zoom lock: a refused refresh is final."""
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in, expires_in=10)
    zoom.post(f"{OAUTH}/oauth/token", status=400, json={"reason": "Invalid Token!", "error": "invalid_grant"})
    moved = appointment.starts_at + timedelta(days=1)
    page = save_with_start(signed_in, app, appointment, moved)
    assert "A Zoom user can be connected in one browser at a time." in page
    assert "Connect Zoom and save the appointment again" in page
    assert "Disconnect Zoom" not in page and session_zoom(signed_in) is None
