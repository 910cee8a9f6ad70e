"""The Flask side: blueprints, the encrypted session, CSRF, headers and error pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from simplespa_zoom.book import Book
    from simplespa_zoom.meetings.service import MeetingService


def the_book() -> Book:
    """The app's appointment book, opened once at start-up."""
    return current_app.extensions["book"]


def meeting_service() -> MeetingService:
    """The app's meeting service, built once at start-up."""
    return current_app.extensions["meetings"]
