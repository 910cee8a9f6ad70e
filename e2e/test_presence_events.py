"""The participant events Zoom really sends (issue 29 item 4) and who counts as the client (item 5), played from
the stand-in's Marketplace page: the open appointment page shows each sentence within seconds, without a reload."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from .helpers import Stack, add_meeting_connecting_first, sign_in

WITHIN = 5000  # ms: the poll asks every 2 s
SOON = datetime.now(UTC) + timedelta(minutes=10)  # near: its open pages ask every 2 s
TOPIC = "Appointment with Ana Souza"
T = r"\d{1,2}:\d\d [ap]m"


def play(page: Page, stack: Stack, steps: list[tuple[str, str]]) -> None:
    """Click each Marketplace button in a tab of its own; the appointment page then says the sentence."""
    presence = page.get_by_role("region", name="Who is in the meeting")
    zoom = page.context.new_page()
    zoom.goto(f"{stack.zoom_server.url}/marketplace")
    for action, sentence in steps:
        zoom.get_by_role("button", name=f"{action}: {TOPIC}").click()
        expect(presence.get_by_role("status")).to_have_text(re.compile(f"^{sentence}$"), timeout=WITHIN)


def test_a_free_accounts_client_before_the_host_put_back_and_admitted_is_told_as_someone(
    page: Page, stack: Stack
) -> None:
    appointment = stack.add_appointment("Ana Souza", start=SOON)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    play(
        page,
        stack,
        [
            ("Client arrives before the host", rf"Someone is waiting for the host to start the meeting since {T}\."),
            ("Host starts", rf"Someone is in the meeting with the host since {T}\."),  # admitted, no "left" event
            (
                "Host puts the client in the waiting room",
                rf"Someone is waiting since {T}; the host is in the meeting and can admit them\.",
            ),
            ("Host admits the client", rf"Someone is in the meeting with the host since {T}\."),
            ("Client leaves", rf"Someone left the meeting at {T}; they can rejoin with the same link\."),
            ("Meeting ends", rf"Meeting ended at {T}\."),
        ],
    )
    line = re.compile(rf"^Zoom attendance: someone joined {T}, left {T} \(0 min in all, joined 2 times\)$")
    expect(page.locator("#presence-attendance")).to_have_text(line, timeout=WITHIN)
    assert "client joined" not in stack.appointment(appointment.id).notes  # staff are never recorded as the client


def test_a_paid_accounts_registered_client_is_told_as_the_client(page: Page, stack: Stack) -> None:
    stack.zoom.current_user().account_type = 2  # Zoom registers the client: their registrant id marks them
    appointment = stack.add_appointment("Ana Souza", email="ana@example.com", start=SOON)
    sign_in(page, stack)
    add_meeting_connecting_first(page, stack, appointment)
    play(
        page,
        stack,
        [
            ("Client arrives before the host", rf"Client is waiting for the host to start the meeting since {T}\."),
            ("Host starts", rf"Client is in the meeting with the host since {T}\."),
            ("Meeting ends", rf"Meeting ended at {T}\."),
        ],
    )
    line = re.compile(rf"^Zoom attendance: client joined {T}, left {T} \(0 min\)$")
    expect(page.locator("#presence-attendance")).to_have_text(line, timeout=WITHIN)
