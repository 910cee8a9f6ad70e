"""simplespa-zoom: one-click Zoom meetings for spa appointments, no Zoom data on the server."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from simplespa_zoom import config as settings

_PACKAGE = Path(__file__).resolve().parent


def _asset_folder(name: str) -> str:
    """Templates and static files: inside an installed wheel, else at the repository's top."""
    inside = _PACKAGE / name
    return str(inside if inside.is_dir() else _PACKAGE.parent / name)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then the environment, then `config` (tests, the demo)."""
    app = Flask(
        __name__,
        template_folder=_asset_folder("templates"),
        static_folder=_asset_folder("static"),
        instance_relative_config=True,
    )
    merged = settings.build(config)
    if "DATABASE" not in merged:
        # Only the default SQLite file lives in the instance folder. With DATABASE set, nothing is
        # written beside the installed package (read-only under systemd's ProtectSystem=strict).
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        merged["DATABASE"] = str(Path(app.instance_path) / "simplespa-zoom.sqlite")
    app.config.update(merged)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        TEMPLATES_AUTO_RELOAD=False,
    )

    from simplespa_zoom import book, mail, meetings, web, zoom
    from simplespa_zoom.web.zoom_session import refusal_is_final

    zoom.init_app(app, refusal_is_final=refusal_is_final)  # first: the book reads the provider's line format
    book.init_app(app)
    meetings.init_app(app)
    mail.init_app(app)
    web.init_app(app)
    return app
