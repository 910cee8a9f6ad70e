"""Issue 18, round three, input: what Chromium really sends from the edit form keeps the notes' bytes,
and the largest valid notes (in 4-byte characters) are saved, not refused as too large."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from .helpers import Stack, sign_in


def write_notes(stack: Stack, appointment_id: int, notes: str) -> None:
    """Notes as the CLI or another tool left them in the database, outside the app's forms."""
    with stack.app.extensions["book"].engine.begin() as connection:
        connection.execute(
            text("UPDATE appointments SET notes = :notes WHERE id = :id"), {"notes": notes, "id": appointment_id}
        )


def save_edit_form(page: Page, stack: Stack, appointment_id: int, duration: str, notes_typed: str = "") -> None:
    page.goto(f"{stack.url}/appointments/{appointment_id}/edit")
    page.get_by_label("Duration (minutes)").fill(duration)
    if notes_typed:
        notes = page.get_by_label("Notes")
        notes.press("Control+End")
        notes.press_sequentially(notes_typed)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Appointment saved.")).to_be_visible()


@pytest.mark.parametrize(
    "stored",
    ["one\rtwo\rthree", "a\r\nb\nc\r\n", "\nstarts with a line break\r", "nul \0 inside\r\nend"],
    ids=["lone-cr", "mixed", "leading-lf-trailing-cr", "nul"],
)
def test_saving_the_edit_form_in_chromium_keeps_unchanged_notes_byte_for_byte(
    page: Page, stack: Stack, database: str, stored: str
) -> None:
    if "\0" in stored and "postgresql" in database:
        pytest.skip("PostgreSQL text never held a NUL")
    appointment = stack.add_appointment("Ana Souza")
    write_notes(stack, appointment.id, stored)
    sign_in(page, stack)
    save_edit_form(page, stack, appointment.id, "45")
    saved = stack.appointment(appointment.id)
    assert saved.duration_minutes == 45 and saved.notes == stored


@pytest.mark.parametrize(
    ("stored", "expected"),
    [("one\rtwo", "one\rtwo\rthree"), ("a\r\nb\r\nc\nd", "a\r\nb\r\nc\nd\r\nthree")],
    ids=["lone-cr", "mostly-crlf"],
)
def test_a_line_typed_in_chromium_follows_the_notes_line_breaks(
    page: Page, stack: Stack, stored: str, expected: str
) -> None:
    appointment = stack.add_appointment("Ana Souza")
    write_notes(stack, appointment.id, stored)
    sign_in(page, stack)
    save_edit_form(page, stack, appointment.id, "60", notes_typed="\nthree")
    assert stack.appointment(appointment.id).notes == expected


def test_the_largest_valid_notes_in_emoji_are_saved_from_chromium(page: Page, stack: Stack) -> None:
    notes = "\U0001f338" * 100_000
    appointment = stack.add_appointment("Ana Souza")
    sign_in(page, stack)
    page.goto(f"{stack.url}/appointments/{appointment.id}/edit")
    page.get_by_label("Notes").fill(notes)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Appointment saved.")).to_be_visible()
    assert stack.appointment(appointment.id).notes == notes
