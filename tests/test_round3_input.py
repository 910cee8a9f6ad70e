"""Issue 18, round three, input: starts no page can show."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask

from simplespa_zoom.book.appointments import Appointment

from .conftest import (
    add_appointment,
    connect_zoom,
    form_post,
    form_values,
    get_appointment,
    local,
    login,
    post,
    sql,
    staffed_app,
    with_app_meeting,
)


def new_form(**fields: str) -> dict[str, str]:
    return {
        "client_name": "Ana",
        "client_email": "",
        "start": "2030-01-01T10:00",
        "duration": "60",
        "notes": "",
        **fields,
    }


def edit_form(app: Flask, appointment: Appointment, **changes: str) -> dict[str, str]:
    """The edit form as the page fills it (its start in the spa's zone), with some fields changed."""
    return form_values(appointment, start=local(app, appointment.starts_at), **changes)


# --- 8. A start outside 1900-2200 written by hand reads as unreadable, never a 500 --------------

OUT_OF_RANGE = ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "12000-01-01T00:00:00Z", "1000-06-01T00:00:00Z"]


@pytest.mark.parametrize("stored", OUT_OF_RANGE)
def test_a_start_outside_the_range_written_by_hand_is_shown_as_unreadable(app: Flask, client, stored: str) -> None:
    good = add_appointment(app, "Odd Start One")
    bad = with_app_meeting(app, add_appointment(app, "Odd Start Two", "staff text"))
    sql(app, "UPDATE appointments SET starts_at = :stored WHERE id = :id", stored=stored, id=bad.id)
    login(client)
    found = client.get("/appointments?q=odd start")
    assert found.status_code == 200
    assert "Unreadable start: edit to set it" in found.get_data(as_text=True)
    view = client.get(f"/appointments/{bad.id}")
    assert view.status_code == 200 and "Unreadable start" in view.get_data(as_text=True)
    edit = client.get(f"/appointments/{bad.id}/edit")
    assert edit.status_code == 200 and 'name="start" type="datetime-local" value=""' in edit.get_data(as_text=True)
    status = post(client, f"/appointments/{bad.id}/meeting/status")
    assert status.status_code == 200 and status.get_json()["state"] == "ended"
    assert client.get(f"/appointments/{good.id}").status_code == 200


def test_a_meeting_is_not_added_for_an_unreadable_start_and_a_new_start_can_be_saved(app: Flask, client, zoom) -> None:
    bad = add_appointment(app, "Ana", "staff text")
    sql(app, "UPDATE appointments SET starts_at = '9999-12-31T23:59:59Z' WHERE id = :id", id=bad.id)
    login(client)
    connect_zoom(client)
    answer = post(client, f"/appointments/{bad.id}/meeting")
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "start_unreadable"
    assert len(zoom.calls) == 0 and get_appointment(app, bad.id).notes == "staff text"
    start = datetime(2030, 1, 1, 15, tzinfo=UTC)
    values = form_values(get_appointment(app, bad.id), start=local(app, start))
    assert form_post(client, f"/appointments/{bad.id}/edit", values).status_code == 302
    assert get_appointment(app, bad.id).starts_at == start


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
@pytest.mark.parametrize("start", ["1900-01-01T00:00", "2200-12-31T23:00"])
def test_the_ends_of_the_range_read_back_in_zones_far_from_utc(database: str, zone: str, start: str) -> None:
    app = staffed_app(database, SPA_TIMEZONE=zone)
    client = app.test_client()
    login(client)
    assert form_post(client, "/appointments/new", new_form(start=start)).status_code == 302
    page = client.get("/appointments/1").get_data(as_text=True)
    assert "Unreadable start" not in page and start[:4] in page
