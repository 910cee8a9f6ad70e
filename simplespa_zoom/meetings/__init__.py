"""The meeting core: adding, checking, changing and following meetings, with no Flask, SQL or Zoom.

init_app only reads the app's settings and book and fills its extensions.
"""

from __future__ import annotations

from typing import Any


def init_app(app: Any) -> None:
    """What every request's meeting services share, over the app's book (opened by book.init_app first)."""
    from simplespa_zoom.meetings.host_marks import HostMarks
    from simplespa_zoom.meetings.presence import PresenceEvents
    from simplespa_zoom.meetings.service import MeetingSetup, _utc_now

    marks = HostMarks(app.config["SECRET_KEY"], app.config["SECRET_KEY_FALLBACKS"])
    app.extensions["meetings"] = MeetingSetup(
        app.extensions["book"].appointments,
        app.config["SPA_TZ"],
        marks,
        topic_style=app.config["MEETING_TOPIC"],
        mail=app.config.get("SMTP_SERVER") is not None,
    )
    book = app.extensions["book"]
    app.extensions["presence"] = PresenceEvents(book.appointments, book.presence, app.config["SPA_TZ"], _utc_now, marks)
