"""simplespa-zoom: one-click Zoom meetings for spa appointments, no Zoom data on the server."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, redirect, url_for
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from simplespa_zoom import config as settings

_PACKAGE = Path(__file__).resolve().parent


def _asset_folder(name: str) -> str:
    """Templates and static files: inside an installed wheel, else at the repository's top."""
    inside = _PACKAGE / name
    return str(inside if inside.is_dir() else _PACKAGE.parent / name)


class RowIdConverter(IntegerConverter):
    """A database row id: ASCII digits that fit a signed 64-bit integer (larger ids are simply not found)."""

    regex = r"[0-9]{1,18}"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then the environment, then `config` (tests, the demo)."""
    app = Flask(
        __name__,
        template_folder=_asset_folder("templates"),
        static_folder=_asset_folder("static"),
        instance_relative_config=True,
    )
    merged = settings.build(config)
    merged.setdefault("DATABASE", str(Path(app.instance_path) / "simplespa-zoom.sqlite"))
    app.config.update(merged)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        TEMPLATES_AUTO_RELOAD=False,
    )
    if not config or "DATABASE" not in config:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from simplespa_zoom.book import Book
    from simplespa_zoom.meetings.host_marks import HostMarks
    from simplespa_zoom.meetings.service import MeetingSetup
    from simplespa_zoom.web import errors, security, zoom_session
    from simplespa_zoom.web.appointments import bp as appointments_bp
    from simplespa_zoom.web.connect import bp as connect_bp
    from simplespa_zoom.web.health import bp as health_bp
    from simplespa_zoom.web.input_text import refuse_unstorable_input
    from simplespa_zoom.web.meetings import bp as meetings_bp
    from simplespa_zoom.web.pages import bp as pages_bp
    from simplespa_zoom.web.session import EncryptedCookieSessionInterface, SessionCrypto
    from simplespa_zoom.web.staff import bp as staff_bp
    from simplespa_zoom.web.staff import load_signed_in_staff
    from simplespa_zoom.web.templating import init_app as init_templating
    from simplespa_zoom.web.webhooks import bp as webhooks_bp

    app.url_map.converters["row_id"] = RowIdConverter
    app.session_interface = EncryptedCookieSessionInterface(
        SessionCrypto(app.config["SECRET_KEY"], app.config["SECRET_KEY_FALLBACKS"])
    )
    book = Book.open(app.config["DATABASE"])
    app.extensions["book"] = book
    security.init_app(app)
    if hops := app.config["TRUSTED_PROXY_HOPS"]:
        # The client's address (sign-in throttling), scheme and host as the proxy saw them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    errors.init_app(app)
    zoom_session.init_app(app)
    app.extensions["meetings"] = MeetingSetup(
        book=book.appointments,
        tz=app.config["SPA_TZ"],
        marks=HostMarks(app.config["SECRET_KEY"], app.config["SECRET_KEY_FALLBACKS"]),
    )
    init_templating(app)
    app.before_request(load_signed_in_staff)
    app.before_request(refuse_unstorable_input)  # after: its 400 page shows who is signed in
    for blueprint in (staff_bp, appointments_bp, meetings_bp, connect_bp, webhooks_bp, pages_bp, health_bp):
        app.register_blueprint(blueprint)
    security.csrf.exempt(webhooks_bp)

    @app.get("/")
    def home() -> Any:
        return redirect(url_for("appointments.index"))

    return app
