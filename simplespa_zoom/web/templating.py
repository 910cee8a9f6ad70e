"""Template helpers: times in the spa's zone, the table's words, and whether this browser is connected to Zoom."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, session
from flask_wtf.csrf import generate_csrf

from simplespa_zoom.meetings.domain import Appointment
from simplespa_zoom.meetings.when import format_day, format_when
from simplespa_zoom.messages import WORDS, say
from simplespa_zoom.web import page_script
from simplespa_zoom.web.appointment_forms import client_zones


def spa_time(instant: datetime) -> str:
    return format_when(instant.astimezone(current_app.config["SPA_TZ"]))


def start_text(appointment: Appointment) -> str:
    """The start in the spa's zone, or a plain word when the stored start no longer reads."""
    return spa_time(appointment.starts_at) if appointment.start_readable else WORDS["unreadable_start"]


def client_start_text(appointment: Appointment) -> str:
    """The start in the client's own zone ('' when none is given or the start does not read)."""
    if not appointment.client_timezone or not appointment.start_readable:
        return ""
    return format_when(appointment.starts_at.astimezone(ZoneInfo(appointment.client_timezone)))


def page_csrf_token() -> str:
    """The page script's token, minted only into a session this response keeps: an error page
    for a browser that brought no session must not begin one (it would replace the real one)."""
    return generate_csrf() if session.writable else ""  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    from simplespa_zoom.web.zoom_session import is_connected

    app.context_processor(lambda: {"zoom_connected": is_connected()})
    app.jinja_env.filters["start_text"] = start_text
    app.jinja_env.filters["day_text"] = format_day
    app.jinja_env.filters["client_start_text"] = client_start_text
    app.jinja_env.globals["client_zones"] = client_zones
    app.jinja_env.globals["spa_timezone"] = lambda: current_app.config["SPA_TZ"].key
    app.jinja_env.globals["say"] = say
    app.jinja_env.globals["words"] = WORDS
    app.jinja_env.globals["page_csrf_token"] = page_csrf_token
    page_script.init_app(app)  # the page script is handed its texts and rules as the templates are
