"""The appointment book: forms, validation, conflicts, and reschedule/cancel following through to Zoom."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from simplespa_zoom.book.appointments import CLAIM_STALE_AFTER
from simplespa_zoom.meetings import notes
from simplespa_zoom.web import the_book
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

from .helpers import (
    API,
    MEETING_ID,
    add_appointment,
    connect_zoom,
    day_page,
    form_post,
    form_values,
    get_appointment,
    line_for,
    local,
    page_meeting,
    with_app_meeting,
    zoom_meeting,
)

NOTES = "Prefers lavender oil."


def test_every_page_but_login_needs_a_signed_in_staff_member(client) -> None:
    for path in ("/appointments", "/appointments/new", "/appointments/1", "/zoom/connect"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_new_appointment_is_stored_in_utc_from_spa_wall_clock(app: Flask, signed_in) -> None:
    response = form_post(
        signed_in,
        "/appointments/new",
        {
            "client_name": "Ana",
            "client_email": "ana@example.com",
            "start": "2026-12-01T15:00",
            "duration": "60",
            "notes": "line one\r\nline two",
        },
    )
    assert response.status_code == 302
    appointment = get_appointment(app, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert appointment.starts_at.isoformat() == "2026-12-01T20:00:00+00:00"
    assert appointment.notes == "line one\nline two"
    page = signed_in.get(f"/appointments/{appointment.id}").get_data(as_text=True)
    assert "Tuesday, December 1 2026 3:00 pm" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("client_name", "  ", "Enter the client&#39;s name."),
        ("client_name", "Ana\nBob", "one line"),
        ("client_email", "not-an-email", "valid email"),
        ("start", "tomorrow", "date and time"),
        ("start", "2026-03-08T02:30", "does not exist in America/New_York"),
        ("duration", "-5", "whole minutes"),
        ("duration", "abc", "whole minutes"),
        ("duration", "100000", "whole minutes"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(
    app: Flask, signed_in, field: str, value: str, message: str
) -> None:
    values = {"client_name": "Ana", "client_email": "", "start": "2026-12-01T15:00", "duration": "60", "notes": ""}
    values[field] = value
    response = form_post(signed_in, "/appointments/new", values)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and 'role="alert"' in page


def test_an_edit_based_on_an_old_version_shows_a_conflict_and_keeps_both_texts(app: Flask, signed_in) -> None:
    appointment = add_appointment(app, "Ana", NOTES)
    stale = form_values(appointment, start=local(app, appointment.starts_at), notes=NOTES + "\nMy edit.")

    with app.app_context():
        edited = NOTES + "\nZoom: added meanwhile"
        the_book().appointments.set_notes(
            appointment.id, appointment.version, edited, meeting_ids=notes.meeting_ids(ZOOM_LINE_FORMAT, edited)
        )
    response = form_post(signed_in, f"/appointments/{appointment.id}/edit", stale)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "changed while you were editing" in page and "My edit." in page and "Zoom: added meanwhile" in page
    assert get_appointment(app, appointment.id).notes == NOTES + "\nZoom: added meanwhile"


def test_textarea_keeps_a_leading_newline(app: Flask, signed_in) -> None:
    appointment = add_appointment(app, "Ana", "\nstarts with a blank line")
    page = signed_in.get(f"/appointments/{appointment.id}/edit").get_data(as_text=True)
    assert "\n\nstarts with a blank line</textarea>" in page


def with_meeting(app: Flask):
    return with_app_meeting(app, add_appointment(app, "Ana", NOTES))


def save_moved_as_zoom_follows(app: Flask, client, zoom, appointment, base, moved) -> Any:
    """Save `base` at a new time while Zoom accepts the PATCH and reports the moved meeting."""
    zoom.patch(f"{API}/meetings/{MEETING_ID}", status=204)
    zoom.get(f"{API}/meetings/{MEETING_ID}", json=zoom_meeting(appointment, start=moved))
    values = form_values(base, start=local(app, moved))
    return form_post(client, f"/appointments/{appointment.id}/edit", values, follow_redirects=True)


def test_reschedule_while_connected_patches_zoom_and_rewrites_the_line(app: Flask, signed_in, zoom) -> None:
    appointment = with_meeting(app)
    connect_zoom(signed_in)
    moved = appointment.starts_at + timedelta(days=1)
    response = save_moved_as_zoom_follows(app, signed_in, zoom, appointment, appointment, moved)
    assert "moved to the new time" in response.get_data(as_text=True)
    assert get_appointment(app, appointment.id).notes == notes.append_line(
        NOTES, line_for(app, appointment, start=moved)
    )


def test_reschedule_while_not_connected_saves_and_says_how_to_fix_zoom(app: Flask, signed_in) -> None:
    appointment = with_meeting(app)
    moved = appointment.starts_at + timedelta(days=1)
    response = form_post(
        signed_in,
        f"/appointments/{appointment.id}/edit",
        form_values(appointment, start=local(app, moved)),
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "was not updated" in page and "https://zoom.us/meeting#/upcoming" in page
    stored = get_appointment(app, appointment.id)
    assert stored.starts_at == moved and stored.notes == appointment.notes


def test_reschedule_when_zoom_fails_keeps_the_change_and_the_line(app: Flask, signed_in, zoom) -> None:
    appointment = with_meeting(app)
    connect_zoom(signed_in)
    zoom.patch(f"{API}/meetings/{MEETING_ID}", status=500, body="<html/>")
    moved = appointment.starts_at + timedelta(hours=3)
    response = form_post(
        signed_in,
        f"/appointments/{appointment.id}/edit",
        form_values(appointment, start=local(app, moved)),
        follow_redirects=True,
    )
    assert "was not updated" in response.get_data(as_text=True)
    assert get_appointment(app, appointment.id).starts_at == moved
    assert get_appointment(app, appointment.id).notes == appointment.notes


def test_cancel_while_connected_deletes_the_meeting_and_its_line(app: Flask, signed_in, zoom) -> None:
    appointment = with_meeting(app)
    connect_zoom(signed_in)
    zoom.delete(f"{API}/meetings/{MEETING_ID}", status=204)
    response = form_post(signed_in, f"/appointments/{appointment.id}/cancel", follow_redirects=True)
    assert "Zoom meeting was deleted" in response.get_data(as_text=True)
    stored = get_appointment(app, appointment.id)
    assert stored.cancelled and stored.notes == NOTES


def test_cancel_while_not_connected_cancels_and_warns(app: Flask, signed_in) -> None:
    appointment = with_meeting(app)
    response = form_post(signed_in, f"/appointments/{appointment.id}/cancel", follow_redirects=True)
    assert "was not updated" in response.get_data(as_text=True)
    stored = get_appointment(app, appointment.id)
    assert stored.cancelled and stored.notes == appointment.notes


def test_list_marks_appointments_with_a_meeting(app: Flask, signed_in) -> None:
    appointment = with_meeting(app)
    add_appointment(app, "Bea", start=appointment.starts_at)
    page = signed_in.get(day_page(app, appointment)).get_data(as_text=True)
    assert "Bea" in page
    assert page.count('aria-label="Has a Zoom meeting"') == 1


def test_hostile_names_and_notes_render_as_text(app: Flask, signed_in) -> None:
    appointment = add_appointment(
        app, "<script>alert(1)</script>", "<img src=x onerror=alert(1)>\nZoom: [x] Tuesday \u2014 javascript:alert(1)"
    )
    page = signed_in.get(f"/appointments/{appointment.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert 'href="javascript:' not in page
    assert page_meeting(page) is None


def test_saving_again_after_connecting_moves_the_meeting_an_earlier_save_could_not(app: Flask, signed_in, zoom) -> None:
    appointment = with_meeting(app)
    moved = appointment.starts_at + timedelta(days=1)
    form_post(signed_in, f"/appointments/{appointment.id}/edit", form_values(appointment, start=local(app, moved)))
    saved = get_appointment(app, appointment.id)
    assert saved.notes == appointment.notes
    connect_zoom(signed_in)
    response = save_moved_as_zoom_follows(app, signed_in, zoom, appointment, saved, moved)
    assert "moved to the new time" in response.get_data(as_text=True)
    assert get_appointment(app, appointment.id).notes == notes.append_line(
        NOTES, line_for(app, appointment, start=moved)
    )


def test_a_cancelled_appointment_can_still_remove_its_meeting(app: Flask, signed_in) -> None:
    appointment = with_meeting(app)
    form_post(signed_in, f"/appointments/{appointment.id}/cancel")
    page = signed_in.get(f"/appointments/{appointment.id}").get_data(as_text=True)
    assert "Remove meeting" in page and "use Remove meeting on this page" in page


def test_a_meeting_claim_blocks_others_until_released_or_stale(app: Flask) -> None:
    appointment = add_appointment(app, "Ana", NOTES)
    with app.app_context():
        store = the_book().appointments
        held = store.claim_meeting(appointment.id, now=1000.0)
        assert held is not None and held.notes == NOTES
        assert store.claim_meeting(appointment.id, now=1000.0 + CLAIM_STALE_AFTER - 1) is None
        assert store.claim_meeting(appointment.id, now=1000.0 + CLAIM_STALE_AFTER + 1) is not None
        store.release_meeting(appointment.id)
        claimed = store.claim_meeting(appointment.id)
        assert claimed is not None
        saved = store.record_meeting(
            appointment.id, claimed.version, NOTES + "\nline", MEETING_ID, None, meeting_ids=set(), line_digest="line"
        )
        assert saved.version == claimed.version + 1
        assert store.claim_meeting(appointment.id) is not None


def test_a_meeting_copied_into_another_appointment_is_pointed_out_on_both(app: Flask, signed_in) -> None:
    own = with_meeting(app)
    line = own.notes.splitlines()[-1]
    assert line.startswith("Zoom: [")
    copy = add_appointment(app, "Bea Lima", "Pasted by hand:\n" + line)
    alone = add_appointment(app, "Cy")
    for shown, other in ((copy, own), (own, copy)):
        page = signed_in.get(f"/appointments/{shown.id}").get_data(as_text=True)
        assert "The same Zoom meeting is also in the notes of this appointment" in page
        assert f'href="/appointments/{other.id}"' in page
    assert "The same Zoom meeting" not in signed_in.get(f"/appointments/{alone.id}").get_data(as_text=True)
