"""The public pages Zoom's Marketplace review asks for: the user guide, privacy and support."""

from __future__ import annotations

from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, render_template
from markdown_it import MarkdownIt
from markupsafe import Markup

from simplespa_zoom.meetings.invitations import RESEND_EVERY
from simplespa_zoom.meetings.presence import STATES
from simplespa_zoom.messages import MESSAGES, ONE_BROWSER, PRESENCE_STATES, by_area, help_aliases

bp = Blueprint("pages", __name__)

# The privacy statement is one Markdown file: this page renders it, and the README's Security
# section is the same text (a test holds them together), so the two cannot disagree.
PRIVACY_FILE = "pages/privacy.md"
# What the outbox of the spa's own email keeps: shown after the statement.


@cache
def privacy_html(path: str) -> Markup:
    text = Path(path).read_text(encoding="utf-8")
    return Markup(MarkdownIt("commonmark", {"html": False}).enable("table").render(text))


def app_version() -> str:
    try:
        return metadata.version("simplespa-zoom")
    except metadata.PackageNotFoundError:
        return "unknown"


@bp.get("/help", endpoint="help")
def guide() -> Any:
    presence = [(PRESENCE_STATES[code], MESSAGES[code]) for code in STATES]
    return render_template(
        "pages/help.html",
        areas=by_area(),
        aliases=help_aliases(),
        one_browser=ONE_BROWSER,
        presence_states=presence,
        resend_minutes=int(RESEND_EVERY.total_seconds() // 60),
    )


@bp.get("/privacy")
def privacy() -> Any:
    folder = Path(current_app.template_folder or "templates")
    return render_template(
        "pages/privacy.html",
        statement=privacy_html(str(folder / PRIVACY_FILE)),
    )


@bp.get("/support")
def support() -> Any:
    return render_template(
        "pages/support.html", support_email=current_app.config.get("SUPPORT_EMAIL"), version=app_version()
    )
