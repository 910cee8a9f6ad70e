"""The Flask side: blueprints, the encrypted session, CSRF, headers and error pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app, g

if TYPE_CHECKING:
    from simplespa_zoom.book import Book
    from simplespa_zoom.meetings.service import Meetings, MeetingSetup


def the_book() -> Book:
    """The app's appointment book, opened once at start-up."""
    return current_app.extensions["book"]


def meeting_setup() -> MeetingSetup:
    """What the meeting services of every request share, built once at start-up."""
    return current_app.extensions["meetings"]


def meetings() -> Meetings:
    """This request's meeting services, acting through this browser's Zoom (built on first use)."""
    from simplespa_zoom.web.zoom_session import zoom_provider

    if "meetings" not in g:
        g.meetings = meeting_setup().services(zoom_provider())
    return g.meetings
