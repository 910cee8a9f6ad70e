"""Template helpers: times in the spa's zone, meeting ids grouped as Zoom shows them."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app

from . import notes


def spa_time(instant: datetime) -> str:
    return notes.format_when(instant.astimezone(current_app.config["SPA_TZ"]))


def meeting_id_display(meeting_id: object) -> str:
    """'85746065432' as '857 4606 5432', the grouping Zoom uses."""
    digits = str(meeting_id)
    if len(digits) == 11:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if len(digits) == 10:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return digits


def init_app(app: Flask) -> None:
    from .zoom_auth import is_connected

    app.context_processor(lambda: {"zoom_connected": is_connected()})
    app.jinja_env.filters["spa_time"] = spa_time
    app.jinja_env.filters["meeting_id"] = meeting_id_display
    app.jinja_env.globals["spa_timezone"] = lambda: current_app.config["SPA_TZ"].key
