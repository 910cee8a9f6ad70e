"""Issue 18, round three, input: characters no database can hold, starts no page can show, notes
limits that trap staff, notes bytes an unchanged save must keep, and names that hide characters."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from simplespa_zoom.cli import main
from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.web.appointments import _notes_to_save as notes_to_save

from .helpers import (
    JOIN_URL,
    STAFF_EMAIL,
    STAFF_PASSWORD,
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

UNSTORABLE = "sent holds a character the appointment book cannot store"
HIDDEN = "without hidden or control characters"
NOTES_UNSTORABLE = "Notes cannot hold the NUL character"


def as_browser_sends(notes: str) -> str:
    """A textarea's value as a browser submits it: NUL was shown as U+FFFD, every line break is CRLF."""
    return re.sub(r"\r\n|\r|\n", "\r\n", notes.replace("\0", "\ufffd"))


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


def count(app: Flask) -> int:
    return sql(app, "SELECT COUNT(*) FROM appointments")[0][0]


# --- 4. NUL (and other text no database column can hold) is a clear 400 everywhere -------------


@pytest.mark.parametrize("field", ["email", "password"])
def test_a_nul_at_sign_in_is_a_clear_400_and_sign_in_still_works(app: Flask, client, field: str) -> None:
    values = {"email": STAFF_EMAIL, "password": STAFF_PASSWORD, field: "a\0b"}
    response = form_post(client, "/login", values)
    assert response.status_code == 400
    assert f"The {field} {UNSTORABLE}" in response.get_data(as_text=True)
    assert login(client).status_code == 302


def test_a_nul_at_sign_in_answers_json_to_the_script(client) -> None:
    response = post(client, "/login", data={"email": "x\0@spa.example", "password": "p"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "input_unstorable"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/appointments?q=An%00a", "search"),
        ("/appointments?day=2030-01-01%00", "date"),
        ("/login?next=/appointments%00", "return address"),
        ("/zoom/connect?next=%00", "return address"),
        ("/appointments?%00=1", "text"),
    ],
)
def test_a_nul_in_an_address_is_a_clear_400(app: Flask, client, path: str, field: str) -> None:
    add_appointment(app, "Ana")
    login(client)
    response = client.get(path)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"The {field} {UNSTORABLE}" in page and STAFF_EMAIL in page  # still shown as signed in


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("notes", "before\0after", NOTES_UNSTORABLE),
        ("client_name", "An\0a", HIDDEN),
        ("client_email", "ana\0@spa.example", "Enter a valid email address"),
    ],
)
def test_a_nul_in_the_appointment_form_is_shown_at_its_field(
    app: Flask, client, field: str, value: str, shown: str
) -> None:
    login(client)
    response = form_post(client, "/appointments/new", new_form(**{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(rf'id="{field}-error">[^<]*{re.escape(shown)}', page), page
    assert count(app) == 0
    appointment = add_appointment(app, "Ana", "keep me")
    response = form_post(client, f"/appointments/{appointment.id}/edit", edit_form(app, appointment, **{field: value}))
    assert response.status_code == 400 and re.search(
        rf'id="{field}-error">[^<]*{re.escape(shown)}', response.get_data(True)
    )
    assert get_appointment(app, appointment.id) == appointment


@pytest.mark.parametrize(
    "args",
    [
        ["--client", "Ana", "--notes", "a\0b"],
        ["--client", "Ana", "--notes", "broken \udcff byte"],
        ["--client", "An\udcffa"],
        ["--client", "Ana", "--email", "ana\0@spa.example"],
    ],
    ids=["nul-notes", "surrogate-notes", "surrogate-name", "nul-email"],
)
def test_the_cli_refuses_text_the_book_cannot_store(app: Flask, args: list[str]) -> None:
    result = app.test_cli_runner().invoke(main, args=["add-appointment", "--start", "2030-01-01T10:00", *args])
    assert result.exit_code == 1 and "Traceback" not in result.output and "Error:" in result.output
    assert count(app) == 0


@pytest.mark.parametrize(
    ("args", "password"),
    [
        (["add-staff", "new\0@spa.example", "--password-stdin"], "a long enough password\n"),
        (["add-staff", "new@spa.example", "--password-stdin"], "a long enough \0 password\n"),
        (["set-password", "staff\udcff@spa.example", "--password-stdin"], "a long enough password\n"),
        (["set-password", STAFF_EMAIL, "--password-stdin"], b"a long enough \xff password\n"),
    ],
    ids=["nul-email", "nul-password", "surrogate-email", "surrogate-password"],
)
def test_the_staff_commands_refuse_text_the_book_cannot_store(
    app: Flask, args: list[str], password: str | bytes
) -> None:
    result = app.test_cli_runner().invoke(main, args=args, input=password)
    assert result.exit_code != 0 and "NUL or a broken character" in result.output and "Traceback" not in result.output
    assert sql(app, "SELECT COUNT(*) FROM staff")[0][0] == 1
    assert login(app.test_client()).status_code == 302


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


# --- 9. Notes limits agree and the app's own line never makes notes unsaveable ----------------


def test_notes_of_100000_characters_with_the_apps_line_can_be_saved_and_rescheduled(app: Flask, client) -> None:
    staff_text = "x" * 100_000
    appointment = with_app_meeting(app, add_appointment(app, "Ana", staff_text))
    login(client)
    unchanged = edit_form(app, appointment, notes=as_browser_sends(appointment.notes), duration="45")
    assert form_post(client, f"/appointments/{appointment.id}/edit", unchanged).status_code == 302
    saved = get_appointment(app, appointment.id)
    assert saved.notes == appointment.notes and saved.duration_minutes == 45
    later = saved.starts_at + timedelta(days=1)
    moved = form_values(saved, notes=as_browser_sends(saved.notes), start=local(app, later))
    assert form_post(client, f"/appointments/{appointment.id}/edit", moved).status_code == 302
    saved = get_appointment(app, appointment.id)
    assert saved.starts_at == later and saved.notes.startswith(staff_text + "\n")
    grown = edit_form(app, saved, notes=as_browser_sends(saved.notes.replace(staff_text, staff_text + "y")))
    response = form_post(client, f"/appointments/{appointment.id}/edit", grown)
    assert response.status_code == 400 and "Notes can hold at most 100,000 characters" in response.get_data(True)


def test_staff_text_beside_the_apps_line_may_grow_up_to_the_limit(app: Flask, client) -> None:
    staff_text = "x" * 99_990
    appointment = with_app_meeting(app, add_appointment(app, "Ana", staff_text))
    login(client)
    grown = as_browser_sends(appointment.notes.replace(staff_text, staff_text + "y" * 10))
    response = form_post(client, f"/appointments/{appointment.id}/edit", edit_form(app, appointment, notes=grown))
    assert response.status_code == 302
    saved = get_appointment(app, appointment.id)
    assert saved.notes.startswith(staff_text + "y" * 10 + "\n") and saved.line_is_own
    over = as_browser_sends(saved.notes.replace("y" * 10, "y" * 11))
    response = form_post(client, f"/appointments/{appointment.id}/edit", edit_form(app, saved, notes=over))
    assert response.status_code == 400 and "Notes can hold at most 100,000 characters" in response.get_data(True)


def test_notes_stored_over_the_limit_can_still_be_saved_unchanged_or_shorter(app: Flask, client) -> None:
    appointment = add_appointment(app, "Ana")
    sql(app, "UPDATE appointments SET notes = :notes WHERE id = :id", notes="z" * 100_500, id=appointment.id)
    appointment = get_appointment(app, appointment.id)
    login(client)
    response = form_post(client, f"/appointments/{appointment.id}/edit", edit_form(app, appointment, duration="30"))
    assert response.status_code == 302
    shorter = edit_form(app, get_appointment(app, appointment.id), notes="z" * 100_400)
    assert form_post(client, f"/appointments/{appointment.id}/edit", shorter).status_code == 302
    assert get_appointment(app, appointment.id).notes == "z" * 100_400


@pytest.mark.parametrize("content_type", [None, "multipart/form-data"])
def test_the_largest_valid_notes_in_four_byte_characters_fit_the_request_limits(
    app: Flask, client, content_type: str | None
) -> None:
    login(client)
    notes = "\U0001f338" * 100_000  # 100,000 characters, 1.2 MB once percent-encoded
    kwargs = {"content_type": content_type} if content_type else {}
    response = form_post(client, "/appointments/new", new_form(notes=notes), **kwargs)
    assert response.status_code == 302, response.status_code
    assert sql(app, "SELECT notes FROM appointments")[0][0] == notes
    response = form_post(client, "/appointments/new", new_form(notes=notes + "\U0001f338"), **kwargs)
    assert response.status_code == 400 and "Notes can hold at most 100,000 characters" in response.get_data(True)


def test_the_apps_line_on_the_largest_notes_still_fits_the_request_limit(app: Flask, client) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", "\U0001f338" * 100_000))
    login(client)
    values = edit_form(app, appointment, notes=as_browser_sends(appointment.notes), duration="30")
    assert form_post(client, f"/appointments/{appointment.id}/edit", values).status_code == 302
    assert get_appointment(app, appointment.id).notes == appointment.notes


# --- 10. Saving unchanged notes keeps their bytes; edits keep their line-break style ------------

STORED_NOTES = [
    "one\rtwo\rthree",
    "one\r\ntwo\nthree\r\n",
    "\ntrailing CR\r",
    "lone\r\n\rmixed\n\r\nends",
    "nul \0 inside",
]


def notes_written_outside_the_app(app: Flask, database: str, stored: str) -> Appointment:
    """An appointment whose notes the CLI or a hand-written SQL statement stored, byte for byte."""
    if "\0" in stored and "postgresql" in database:
        pytest.skip("PostgreSQL text never held a NUL")
    appointment = add_appointment(app, "Ana")
    sql(app, "UPDATE appointments SET notes = :notes WHERE id = :id", notes=stored, id=appointment.id)
    return get_appointment(app, appointment.id)


@pytest.mark.parametrize("stored", STORED_NOTES)
def test_saving_the_form_with_unchanged_notes_keeps_their_bytes(app: Flask, client, database: str, stored: str) -> None:
    appointment = notes_written_outside_the_app(app, database, stored)
    login(client)
    values = edit_form(app, appointment, notes=as_browser_sends(stored), duration="45")
    assert form_post(client, f"/appointments/{appointment.id}/edit", values).status_code == 302
    saved = get_appointment(app, appointment.id)
    assert saved.notes == stored and saved.duration_minutes == 45


@pytest.mark.parametrize(
    ("stored", "edit", "expected"),
    [
        ("one\rtwo", lambda seen: seen + "\r\nthree", "one\rtwo\rthree"),
        ("a\r\nb\nc\r\n", lambda seen: seen.replace("c", "C"), "a\r\nb\nC\r\n"),
        ("a\nb\r\nc\r\nd", lambda seen: seen + "\r\ne", "a\nb\r\nc\r\nd\r\ne"),
        ("first\nlast", lambda seen: seen.replace("first", "first\r\nnew"), "first\nnew\nlast"),
        ("", lambda seen: "typed\r\nhere", "typed\nhere"),
        ("x \0 y\rz", lambda seen: seen + "!", "x \ufffd y\rz!"),
    ],
    ids=["lone-cr", "mixed-edit-in-place", "mostly-crlf", "lf-insert", "new-notes-lf", "nul-shown-as-replacement"],
)
def test_an_edit_keeps_the_stored_line_breaks_around_it(
    app: Flask, client, database: str, stored: str, edit, expected: str
) -> None:
    appointment = notes_written_outside_the_app(app, database, stored)
    login(client)
    values = edit_form(app, appointment, notes=edit(as_browser_sends(stored)))
    assert form_post(client, f"/appointments/{appointment.id}/edit", values).status_code == 302
    assert get_appointment(app, appointment.id).notes == expected


NOTES_PIECES = st.sampled_from(["a", "b", "\r", "\n", "\r\n", "\0", "\ufffd", "é"])


@settings(max_examples=500, deadline=None)
@given(st.lists(NOTES_PIECES, max_size=16).map("".join), st.lists(NOTES_PIECES, max_size=16).map("".join))
def test_what_staff_see_is_what_is_saved_and_unchanged_notes_keep_their_bytes(stored: str, typed: str) -> None:
    seen = re.sub(r"\r\n|\r", "\n", stored).replace("\0", "\ufffd")
    typed = re.sub(r"\r\n|\r", "\n", typed).replace("\0", "\ufffd")
    assert notes_to_save(as_browser_sends(seen), stored) == stored
    saved = notes_to_save(as_browser_sends(typed), stored)
    assert re.sub(r"\r\n|\r", "\n", saved).replace("\0", "\ufffd") == typed
    assert "\0" not in saved or typed == seen


def test_the_apps_line_survives_an_unchanged_save_of_cr_notes(app: Flask, client) -> None:
    appointment = with_app_meeting(app, add_appointment(app, "Ana", "one\rtwo\r"))
    login(client)
    values = edit_form(app, appointment, notes=as_browser_sends(appointment.notes))
    assert form_post(client, f"/appointments/{appointment.id}/edit", values).status_code == 302
    saved = get_appointment(app, appointment.id)
    assert saved.notes == appointment.notes and JOIN_URL in saved.notes


# --- 12. Names (and emails) that hide characters are refused, wherever they come in -----------

INVISIBLE = {
    "soft-hyphen": "\u00ad",
    "combining-grapheme-joiner": "\u034f",
    "arabic-letter-mark": "\u061c",
    "mongolian-vowel-separator": "\u180e",
    "hangul-choseong-filler": "\u115f",
    "hangul-jungseong-filler": "\u1160",
    "hangul-filler": "\u3164",
    "halfwidth-hangul-filler": "\uffa0",
    "braille-blank": "\u2800",
    "tag-a": "\U000e0061",
    "cancel-tag": "\U000e007f",
    "vs16": "\ufe0f",
    "vs1": "\ufe00",
    "vs17": "\U000e0100",
    "vs256": "\U000e01ef",
    "word-joiner": "\u2060",
    "khmer-inherent-aq": "\u17b4",
    "mongolian-fvs1": "\u180b",
    "interlinear-anchor": "\ufff9",
    "shorthand-format": "\U0001bca0",
    "musical-begin-beam": "\U0001d173",
}


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_names_and_emails_with_invisible_characters_are_refused(app: Flask, client, char: str) -> None:
    login(client)
    response = form_post(client, "/appointments/new", new_form(client_name=f"Ana{char} Souza"))
    assert response.status_code == 400 and HIDDEN in response.get_data(as_text=True)
    response = form_post(client, "/appointments/new", new_form(client_email=f"ana{char}@spa.example"))
    assert response.status_code == 400 and "Enter a valid email address" in response.get_data(as_text=True)
    result = app.test_cli_runner().invoke(
        main, args=["add-appointment", "--client", f"Ana{char}", "--start", "2030-01-01T10:00"]
    )
    assert result.exit_code == 1 and HIDDEN in result.output
    assert count(app) == 0


@pytest.mark.parametrize(
    "name",
    [
        "Zoë Ågren",
        "José María",
        "李小龍",
        "김민지",
        "محمد علي",
        "अनिता शर्मा",
        "Ana 🌸",
        "O'Neil-Brown",
        "Nguyễn Thị Hằng",
    ],
)
def test_real_names_in_any_script_are_accepted(app: Flask, client, name: str) -> None:
    login(client)
    assert form_post(client, "/appointments/new", new_form(client_name=name)).status_code == 302
    assert sql(app, "SELECT client_name FROM appointments")[0][0] == name


def test_an_existing_hidden_name_is_still_shown_and_can_be_fixed(app: Flask, client) -> None:
    appointment = add_appointment(app, "Ana")
    sql(app, "UPDATE appointments SET client_name = :name WHERE id = :id", name="Ana\u00ad", id=appointment.id)
    login(client)
    assert client.get(f"/appointments/{appointment.id}").status_code == 200
    values = edit_form(app, get_appointment(app, appointment.id), client_name="Ana")
    assert form_post(client, f"/appointments/{appointment.id}/edit", values).status_code == 302
