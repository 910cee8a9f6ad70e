"""Contract of the stand-in: Zoom's own registration emails follow the meeting's settings.

Zoom's meeting settings (Create a meeting, `settings`): `registrants_confirmation_email` — whether Zoom
sends a new registrant a confirmation with their join link; `registrants_email_notification` — whether
it emails registrants about their registration (approval, cancellation, rejection). Both default to
true; the app sets both to false where the spa sends its own invitation, so no client gets two.
"""

from __future__ import annotations

from typing import Any

import pytest

from zoom_standin import LICENSED

from .helpers import standin_client
from .test_sandbox import REDIRECT, api, create, tokens


@pytest.fixture
def standin() -> tuple[Any, Any]:
    return standin_client(REDIRECT)


def registered(standin: Any, settings: dict[str, Any]) -> tuple[Any, Any, str, dict[str, Any]]:
    http, state = standin
    state.current_user().account_type = LICENSED
    access = tokens(http)["access_token"]
    meeting = create(http, access, settings={"approval_type": 0, **settings})
    api(http, "POST", f"/meetings/{meeting['id']}/registrants", access, json={"email": "a@b.c", "first_name": "Ana"})
    return http, state, access, meeting


@pytest.mark.parametrize(
    ("setting", "emails"),
    [({}, 1), ({"registrants_confirmation_email": True}, 1), ({"registrants_confirmation_email": False}, 0)],
)
def test_a_registrant_is_emailed_a_confirmation_unless_switched_off(
    standin, setting: dict[str, Any], emails: int
) -> None:
    _, state, _, _ = registered(standin, setting)
    confirmations = [sent for sent in state.emails_sent if sent["subject"].startswith("Registration confirmed")]
    assert len(confirmations) == emails
    if emails:
        assert confirmations[0]["to"] == "a@b.c" and "?tk=" in confirmations[0]["join_url"]


def test_the_settings_are_reported_back(standin) -> None:
    http, _, access, meeting = registered(
        standin, {"registrants_confirmation_email": False, "registrants_email_notification": False}
    )
    settings = api(http, "GET", f"/meetings/{meeting['id']}", access).get_json()["settings"]
    assert settings["registrants_confirmation_email"] is False and settings["registrants_email_notification"] is False


def test_no_cancellation_email_when_notifications_are_off(standin) -> None:
    http, state, access, meeting = registered(standin, {"registrants_email_notification": False})
    api(http, "DELETE", f"/meetings/{meeting['id']}?cancel_meeting_reminder=true", access)
    assert not [sent for sent in state.emails_sent if sent["subject"].startswith("Meeting cancelled")]
