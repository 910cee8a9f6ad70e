"""Add, check and remove through the JSON endpoints, with Zoom faked by `responses`."""

from __future__ import annotations

import base64
import json
import threading
import time
from datetime import timedelta

import pytest
import responses
from flask import Flask

from simplespa_zoom.book.appointments import AppointmentStore
from simplespa_zoom.meetings import notes
from simplespa_zoom.meetings.timing import CLAIM_WAIT_SECONDS
from simplespa_zoom.web import the_book
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

from .helpers import (
    ACCESS_TOKEN,
    API,
    JOIN_URL,
    MEETING_ID,
    OAUTH,
    REFRESH_TOKEN,
    ZOOM_USER_ID,
    add_appointment,
    connect_zoom,
    get_appointment,
    line_for,
    login,
    post,
    session_zoom,
    sql,
    with_app_meeting,
    zoom_meeting,
)

NOTES = "Prefers lavender oil.\r\nAsked about the couples package."


def basic_auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_add_creates_one_meeting_and_appends_the_line(app: Flask, signed_in, zoom: responses.RequestsMock) -> None:
    appointment = add_appointment(app, "Ana Souza", NOTES)
    connect_zoom(signed_in)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    response = post(signed_in, f"/appointments/{appointment.id}/meeting")
    assert response.status_code == 201
    expected = NOTES + "\r\n" + line_for(app, appointment)
    assert get_appointment(app, appointment.id).notes == expected
    body = response.get_json()
    assert body["notes"] == expected
    assert body["meeting"]["join_url"] == JOIN_URL and body["meeting"]["meeting_id"] == str(MEETING_ID)
    assert body["meeting"]["meeting_id_display"] == "857 4606 5432" and body["cancelled"] is False
    assert "zak=" not in response.get_data(as_text=True)
    sent = json.loads(zoom.calls[0].request.body)
    assert sent["start_time"].endswith("Z") and sent["timezone"] == "America/New_York"
    assert (sent["topic"], sent["duration"]) == ("Appointment with Ana Souza", appointment.duration_minutes)


def test_a_meeting_just_added_is_pointed_out_where_its_line_was_already_pasted(
    app: Flask, signed_in, zoom: responses.RequestsMock
) -> None:
    """The notes' meeting index follows the line Add Meeting writes, so the other appointment's page names it."""
    appointment = add_appointment(app, "Ana Souza", NOTES)
    pasted = add_appointment(app, "Bea Lima", "Pasted early:\n" + line_for(app, appointment))
    connect_zoom(signed_in)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    assert post(signed_in, f"/appointments/{appointment.id}/meeting").status_code == 201
    page = signed_in.get(f"/appointments/{pasted.id}").get_data(as_text=True)
    assert "The same Zoom meeting is also in the notes of this appointment" in page
    assert f'href="/appointments/{appointment.id}"' in page


def test_a_second_click_returns_the_existing_meeting_without_calling_zoom(app: Flask, signed_in) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as zoom:
        response = post(signed_in, f"/appointments/{appointment.id}/meeting")
        assert len(zoom.calls) == 0
    assert response.status_code == 200 and response.get_json()["created"] is False


def test_add_while_not_connected_asks_to_connect(app: Flask, signed_in) -> None:
    appointment = add_appointment(app)
    response = post(signed_in, f"/appointments/{appointment.id}/meeting")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "zoom_not_connected"


def claim_of(app: Flask, appointment_id: int) -> float | None:
    return sql(app, "SELECT meeting_claimed_at FROM appointments WHERE id = :id", id=appointment_id)[0][0]


def test_every_refused_add_leaves_the_appointment_free_to_claim(app: Flask, signed_in) -> None:
    with_line = with_app_meeting(app, add_appointment(app, "Ana"))
    not_connected = add_appointment(app, "Bea")
    assert post(signed_in, f"/appointments/{with_line.id}/meeting").status_code == 200
    assert post(signed_in, f"/appointments/{not_connected.id}/meeting").status_code == 401
    connect_zoom(signed_in)
    cancelled = add_appointment(app, "Cy")
    with app.app_context():
        the_book().appointments.cancel(cancelled.id, cancelled.version)
    assert post(signed_in, f"/appointments/{cancelled.id}/meeting").status_code == 409
    assert post(signed_in, "/appointments/999999/meeting").status_code == 404
    assert [claim_of(app, a.id) for a in (with_line, not_connected, cancelled)] == [None, None, None]


def test_while_another_request_holds_the_claim_a_meeting_already_made_is_answered_at_once(
    app: Flask, signed_in
) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in)
    held_at = time.time()
    sql(app, "UPDATE appointments SET meeting_claimed_at = :at WHERE id = :id", at=held_at, id=appointment.id)
    started = time.monotonic()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as zoom:
        response = post(signed_in, f"/appointments/{appointment.id}/meeting")
        assert len(zoom.calls) == 0
    assert time.monotonic() - started < CLAIM_WAIT_SECONDS / 2  # no waiting out the other request
    body = response.get_json()
    assert response.status_code == 200 and body["created"] is False
    assert body["meeting"]["join_url"] == JOIN_URL
    assert claim_of(app, appointment.id) == held_at  # the other request's claim is not this request's to release


def test_add_without_csrf_token_is_refused(app: Flask, signed_in) -> None:
    appointment = add_appointment(app)
    connect_zoom(signed_in)
    response = signed_in.post(f"/appointments/{appointment.id}/meeting", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert get_appointment(app, appointment.id).notes == ""


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (500, "<html>oops</html>", "zoom_unavailable"),
        (
            429,
            {"code": 429, "message": "You have exceeded the daily rate limit (100) of Meeting Create"},
            "zoom_daily_limit",
        ),
        (429, {"code": 429, "message": "You have reached the maximum per-second rate limit"}, "zoom_busy"),
        (400, {"code": 300, "message": "Validation Failed."}, "zoom_rejected"),
    ],
)
def test_zoom_failures_leave_the_notes_alone(app: Flask, signed_in, zoom, status, body, code) -> None:
    appointment = add_appointment(app, "Ana", NOTES)
    connect_zoom(signed_in)
    kwargs = {"json": body} if isinstance(body, dict) else {"body": body}
    zoom.post(f"{API}/users/me/meetings", status=status, **kwargs)
    response = post(signed_in, f"/appointments/{appointment.id}/meeting")
    assert response.get_json()["error"]["code"] == code
    assert get_appointment(app, appointment.id).notes == NOTES


def test_token_due_for_refresh_is_refreshed_first_and_rotated_in_the_same_response(app: Flask, signed_in, zoom) -> None:
    appointment = add_appointment(app)
    connect_zoom(signed_in, expires_in=30)
    zoom.post(
        f"{OAUTH}/oauth/token",
        json={
            "access_token": "new-access",
            "refresh_token": "new-refresh",
            "expires_in": 3599,
            "token_type": "bearer",
            "scope": "x",
        },
    )
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    post(signed_in, f"/appointments/{appointment.id}/meeting")
    token_request = zoom.calls[0].request
    assert token_request.headers["Authorization"] == basic_auth("client-id", "client-secret")
    assert f"refresh_token={REFRESH_TOKEN[:20]}" in token_request.body
    assert zoom.calls[1].request.headers["Authorization"] == "Bearer new-access"
    stored = session_zoom(signed_in)
    assert stored["access_token"] == "new-access" and stored["refresh_token"] == "new-refresh"


def test_expired_access_token_gets_one_refresh_and_one_retry(app: Flask, signed_in, zoom) -> None:
    appointment = add_appointment(app)
    connect_zoom(signed_in)
    zoom.post(f"{API}/users/me/meetings", status=401, json={"code": 124, "message": "Access token is expired."})
    zoom.post(
        f"{OAUTH}/oauth/token", json={"access_token": "new-access", "refresh_token": "new-refresh", "expires_in": 3599}
    )
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    assert post(signed_in, f"/appointments/{appointment.id}/meeting").status_code == 201
    assert session_zoom(signed_in)["refresh_token"] == "new-refresh"


def test_the_lifetime_zoom_gives_a_refreshed_token_decides_when_it_is_refreshed_again(
    app: Flask, signed_in, zoom
) -> None:
    first, second, third = (add_appointment(app, name) for name in ("Ana", "Bea", "Cy"))
    connect_zoom(signed_in, expires_in=30)
    # Zoom grants the first fresh token for 30 s only: within a minute of its end, so the next call refreshes again.
    zoom.post(f"{OAUTH}/oauth/token", json={"access_token": "second", "refresh_token": "r2", "expires_in": 30})
    zoom.post(f"{OAUTH}/oauth/token", json={"access_token": "third", "refresh_token": "r3", "expires_in": 3599})
    for number, appointment in enumerate((first, second, third)):
        meeting_id = MEETING_ID + number
        meeting = zoom_meeting(appointment, meeting_id=meeting_id, join_url=f"https://us05web.zoom.us/j/{meeting_id}")
        zoom.post(f"{API}/users/me/meetings", json=meeting, status=201)
        assert post(signed_in, f"/appointments/{appointment.id}/meeting").status_code == 201
    creates = [call.request for call in zoom.calls if call.request.url.endswith("/users/me/meetings")]
    assert [request.headers["Authorization"] for request in creates] == [
        "Bearer second",
        "Bearer third",
        "Bearer third",
    ]
    assert len([call for call in zoom.calls if call.request.url == f"{OAUTH}/oauth/token"]) == 2
    assert session_zoom(signed_in)["refresh_token"] == "r3"


def test_a_session_connected_before_the_zoom_user_was_kept_asks_zoom_once(app: Flask, signed_in, zoom) -> None:
    first, second = add_appointment(app, "Ana"), add_appointment(app, "Bea")
    connect_zoom(signed_in, user_id=None)
    zoom.get(f"{API}/users/me", json={"id": ZOOM_USER_ID, "type": 2, "email": "host@spa.example"})
    for number, appointment in enumerate((first, second)):
        meeting_id = MEETING_ID + number
        meeting = zoom_meeting(appointment, meeting_id=meeting_id, join_url=f"https://us05web.zoom.us/j/{meeting_id}")
        zoom.post(f"{API}/users/me/meetings", json=meeting, status=201)
        assert post(signed_in, f"/appointments/{appointment.id}/meeting").status_code == 201
    asked = [call.request for call in zoom.calls if call.request.url.endswith("/users/me")]
    assert len(asked) == 1 and asked[0].headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    stored = session_zoom(signed_in)
    assert (stored["user_id"], stored["licensed"]) == (ZOOM_USER_ID, True)
    marks = app.extensions["meetings"].marks
    assert all(marks.matches(get_appointment(app, a.id).host_mark, ZOOM_USER_ID) for a in (first, second))


def test_a_zoom_user_zoom_gives_no_id_still_gets_the_meeting_with_its_host_unknown(app: Flask, signed_in, zoom) -> None:
    appointment = add_appointment(app, "Ana")
    connect_zoom(signed_in, user_id=None)
    zoom.get(f"{API}/users/me", json={"type": 1, "email": "host@spa.example"})
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    assert post(signed_in, f"/appointments/{appointment.id}/meeting").status_code == 201
    stored = get_appointment(app, appointment.id)
    assert stored.own_meeting_id == MEETING_ID and stored.host_mark is None


def test_dead_refresh_token_first_says_retry_and_keeps_the_session(app: Flask, signed_in, zoom) -> None:
    appointment = add_appointment(app)
    connect_zoom(signed_in, expires_in=10)
    zoom.post(f"{OAUTH}/oauth/token", status=400, json={"reason": "Invalid Token!", "error": "invalid_grant"})
    response = post(signed_in, f"/appointments/{appointment.id}/meeting")
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "zoom_retry"
    assert session_zoom(signed_in)["access_token"] == ACCESS_TOKEN


@pytest.mark.parametrize("error", ["invalid_grant", "invalid_request"])
def test_dead_refresh_token_on_the_retry_clears_only_zoom(app: Flask, signed_in, zoom, error: str) -> None:
    appointment = add_appointment(app)
    connect_zoom(signed_in, expires_in=10)
    zoom.post(f"{OAUTH}/oauth/token", status=400, json={"reason": "Invalid Token!", "error": error})
    response = post(signed_in, f"/appointments/{appointment.id}/meeting", headers={"X-Zoom-Retry": "1"})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "zoom_reconnect"
    assert session_zoom(signed_in) is None
    assert signed_in.get("/appointments").status_code == 200


def test_notes_that_cannot_be_saved_delete_the_new_meeting_again(app: Flask, signed_in, zoom, monkeypatch) -> None:
    appointment = add_appointment(app, "Ana", NOTES)
    connect_zoom(signed_in)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    zoom.delete(f"{API}/meetings/{MEETING_ID}", status=204)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(AppointmentStore, "record_meeting", broken)
    response = post(signed_in, f"/appointments/{appointment.id}/meeting")
    assert response.status_code == 500
    assert "removed again" in response.get_json()["error"]["message"]
    assert response.get_json()["error"]["code"] == "meeting_not_saved"
    assert get_appointment(app, appointment.id).notes == NOTES
    assert [call.request.method + " " + call.request.url for call in zoom.calls] == [
        f"POST {API}/users/me/meetings",
        f"DELETE {API}/meetings/{MEETING_ID}",
    ]


def test_when_the_undo_fails_too_the_user_gets_the_meeting_id(app: Flask, signed_in, zoom, monkeypatch) -> None:
    appointment = add_appointment(app, "Ana", NOTES)
    connect_zoom(signed_in)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    for _ in range(3):
        zoom.delete(f"{API}/meetings/{MEETING_ID}", status=503, body="down")
    from simplespa_zoom.meetings import adding as meeting_ops

    monkeypatch.setattr(meeting_ops.time, "sleep", lambda _s: None)
    monkeypatch.setattr(
        AppointmentStore, "record_meeting", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("locked"))
    )
    app.extensions["zoom_connection"].client.backoff = 0
    response = post(signed_in, f"/appointments/{appointment.id}/meeting")
    assert str(MEETING_ID) in response.get_json()["error"]["message"]
    assert response.get_json()["error"]["code"] == "meeting_not_saved_undo_failed"
    deletes = [call.request.url for call in zoom.calls if call.request.method == "DELETE"]
    assert deletes == [f"{API}/meetings/{MEETING_ID}"] * 3  # asked, and asked again, before giving up


def test_a_concurrent_notes_edit_is_kept_when_the_line_is_appended(app: Flask, signed_in, zoom) -> None:
    appointment = add_appointment(app, "Ana", NOTES)
    connect_zoom(signed_in)

    def edit_then_answer(request):
        book = app.extensions["book"].appointments
        edited = NOTES + "\r\nEdited meanwhile."
        book.set_notes(
            appointment.id, appointment.version, edited, meeting_ids=notes.meeting_ids(ZOOM_LINE_FORMAT, edited)
        )
        return 201, {}, json.dumps(zoom_meeting(appointment))

    zoom.add_callback(responses.POST, f"{API}/users/me/meetings", callback=edit_then_answer)
    post(signed_in, f"/appointments/{appointment.id}/meeting")
    assert get_appointment(app, appointment.id).notes == NOTES + "\r\nEdited meanwhile.\r\n" + line_for(
        app, appointment
    )


def test_concurrent_adds_create_exactly_one_meeting(app: Flask) -> None:
    appointment = add_appointment(app, "Ana", NOTES)
    created = []
    gate, first_create = threading.Event(), threading.Event()

    def slow_create(request):
        created.append(1)
        first_create.set()
        gate.wait(5)
        return 201, {}, json.dumps(zoom_meeting(appointment))

    clients = []
    for _ in range(6):
        client = app.test_client()
        login(client)
        connect_zoom(client)
        clients.append(client)
    results: list[int] = []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as zoom:
        zoom.add_callback(responses.POST, f"{API}/users/me/meetings", callback=slow_create)
        threads = [
            threading.Thread(
                target=lambda c=c: results.append(post(c, f"/appointments/{appointment.id}/meeting").status_code)
            )
            for c in clients
        ]
        for thread in threads:
            thread.start()
        assert first_create.wait(20), "no request reached Zoom"
        gate.set()
        for thread in threads:
            thread.join(20)
        assert not any(thread.is_alive() for thread in threads), "a request never finished"
    assert len(created) == 1
    assert sorted(results) == [200] * 5 + [201]
    assert len(notes.find_lines(ZOOM_LINE_FORMAT, get_appointment(app, appointment.id).notes)) == 1


def test_status_removes_the_line_only_when_zoom_says_gone(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in)
    zoom.get(f"{API}/meetings/{MEETING_ID}", status=404, json={"code": 3001, "message": "Meeting does not exist."})
    body = post(signed_in, f"/appointments/{appointment.id}/meeting/status").get_json()
    assert body["state"] == "gone" and "deleted in Zoom" in body["message"]
    assert get_appointment(app, appointment.id).notes == NOTES


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, "<html/>"),
        (429, {"code": 429, "message": "x"}),
        (404, {"code": 1001, "message": "User not exist"}),
        (200, "garbage"),
        (400, {"code": 300, "message": "bad"}),
    ],
)
def test_status_leaves_everything_on_any_other_answer(app: Flask, signed_in, zoom, status, body) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    text = appointment.notes
    connect_zoom(signed_in)
    kwargs = {"json": body} if isinstance(body, dict) else {"body": body}
    for _ in range(3 if status >= 500 or status == 200 else 1):
        zoom.get(f"{API}/meetings/{MEETING_ID}", status=status, **kwargs)
    app.extensions["zoom_connection"].client.backoff = 0
    answer = post(signed_in, f"/appointments/{appointment.id}/meeting/status").get_json()
    assert answer["state"] == "unchecked"
    assert get_appointment(app, appointment.id).notes == text


def test_status_rewrites_the_line_when_zoom_has_a_new_time(app: Flask, signed_in, zoom) -> None:
    base = add_appointment(app, "Ana")
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    moved = base.starts_at + timedelta(hours=2)
    connect_zoom(signed_in)
    new_link = "https://us05web.zoom.us/j/85746065432?pwd=NEW.1"
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(base, start=moved, join_url=new_link))
    body = post(signed_in, f"/appointments/{appointment.id}/meeting/status").get_json()
    assert body["state"] == "updated"
    assert body["message"] == "The meeting was changed in Zoom; its line in the notes now matches."
    expected = NOTES + "\r\n" + line_for(app, base, new_link, start=moved)
    assert get_appointment(app, appointment.id).notes == expected
    # A retried event Zoom sent before this check never moves the line back.
    from .test_webhooks import deliver, moved_event

    earlier_ms = int(time.time() * 1000) - 60_000
    assert deliver(signed_in, moved_event(base.starts_at, earlier_ms)).status_code == 204
    assert get_appointment(app, appointment.id).notes == expected


def test_remove_deletes_in_zoom_and_restores_the_notes(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in)
    zoom.delete(f"{API}/meetings/{MEETING_ID}", status=404, json={"code": 3001, "message": "Meeting does not exist."})
    response = post(signed_in, f"/appointments/{appointment.id}/meeting/remove")
    assert response.status_code == 200
    assert get_appointment(app, appointment.id).notes == NOTES
    assert response.get_json()["meeting"] is None and response.get_json()["cancelled"] is False
    with app.app_context():  # no longer found as holding the meeting (another page's "shared with" list)
        assert the_book().appointments.mentioning(MEETING_ID) == []


def test_a_notes_edit_made_while_zoom_deletes_is_kept_when_the_line_is_removed(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    connect_zoom(signed_in)

    def edit_then_answer(request):
        book = app.extensions["book"].appointments
        edited = "Edited meanwhile.\r\n" + appointment.notes
        book.set_notes(
            appointment.id, appointment.version, edited, meeting_ids=notes.meeting_ids(ZOOM_LINE_FORMAT, edited)
        )
        return 204, {}, ""

    zoom.add_callback(responses.DELETE, f"{API}/meetings/{MEETING_ID}", callback=edit_then_answer)
    assert post(signed_in, f"/appointments/{appointment.id}/meeting/remove").status_code == 200
    assert get_appointment(app, appointment.id).notes == "Edited meanwhile.\r\n" + NOTES


def test_a_meeting_zoom_creates_without_a_start_is_written_at_the_appointments_time(
    app: Flask, signed_in, zoom
) -> None:
    appointment = add_appointment(app, "Ana Souza", NOTES)
    connect_zoom(signed_in)
    zoom.post(f"{API}/users/me/meetings", json={**zoom_meeting(appointment), "start_time": None}, status=201)
    assert post(signed_in, f"/appointments/{appointment.id}/meeting").status_code == 201
    assert get_appointment(app, appointment.id).notes == NOTES + "\r\n" + line_for(app, appointment)


def test_remove_failing_in_zoom_keeps_the_line(app: Flask, signed_in, zoom) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", NOTES))
    text = appointment.notes
    connect_zoom(signed_in)
    zoom.delete(f"{API}/meetings/{MEETING_ID}", status=400, json={"code": 3000, "message": "Cannot delete"})
    response = post(signed_in, f"/appointments/{appointment.id}/meeting/remove")
    assert response.status_code == 502
    assert get_appointment(app, appointment.id).notes == text


def test_paid_host_and_client_email_register_the_client_and_keep_their_personal_link(
    app: Flask, signed_in, zoom
) -> None:
    appointment = add_appointment(app, "Ana Maria Souza", NOTES, email="ana@example.com")
    connect_zoom(signed_in, licensed=True)
    personal = f"https://us05web.zoom.us/w/{MEETING_ID}?tk=PERSONAL&pwd=x"
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    zoom.post(
        f"{API}/meetings/{MEETING_ID}/registrants",
        status=201,
        json={"registrant_id": "r1", "id": MEETING_ID, "join_url": personal},
    )
    body = post(signed_in, f"/appointments/{appointment.id}/meeting").get_json()
    created = json.loads(zoom.calls[0].request.body)
    assert created["settings"]["approval_type"] == 0 and created["settings"]["registrants_confirmation_email"] is True
    assert json.loads(zoom.calls[1].request.body) == {
        "email": "ana@example.com",
        "first_name": "Ana",
        "last_name": "Maria Souza",
    }
    assert zoom.calls[1].request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert body["meeting"]["join_url"] == personal and body["meeting"]["personal_link"] is True


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        (400, {"code": 200, "message": "Only available for Paid user: u"}),
        (400, {"code": 404, "message": "Registration has not been enabled for this meeting"}),
        (401, {"code": 124, "message": "Invalid access token."}),
        (500, {"code": 500, "message": "down"}),
        (201, {"registrant_id": "r1", "join_url": ""}),
        (201, {"registrant_id": "r1", "join_url": 5}),
    ],
)
def test_registration_failures_fall_back_to_the_plain_link(app: Flask, signed_in, zoom, status, answer) -> None:
    appointment = add_appointment(app, "Ana", NOTES, email="ana@example.com")
    connect_zoom(signed_in, licensed=True)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    zoom.post(f"{API}/meetings/{MEETING_ID}/registrants", status=status, json=answer)
    response = post(signed_in, f"/appointments/{appointment.id}/meeting")
    assert response.status_code == 201 and response.get_json()["meeting"]["join_url"] == JOIN_URL
    assert len([c for c in zoom.calls if c.request.url.endswith("/users/me/meetings")]) == 1


@pytest.mark.parametrize(("licensed", "email"), [(False, "ana@example.com"), (True, "")])
def test_free_host_or_no_email_gets_a_plain_meeting_and_copy_invitation(
    app: Flask, signed_in, zoom, licensed, email
) -> None:
    appointment = add_appointment(app, "Ana", NOTES, email=email)
    connect_zoom(signed_in, licensed=licensed)
    zoom.post(f"{API}/users/me/meetings", json=zoom_meeting(appointment), status=201)
    body = post(signed_in, f"/appointments/{appointment.id}/meeting").get_json()
    assert "approval_type" not in json.loads(zoom.calls[0].request.body)["settings"]
    assert body["meeting"]["personal_link"] is False
    assert JOIN_URL in body["meeting"]["invitation"] and "Hello Ana" in body["meeting"]["invitation"]
