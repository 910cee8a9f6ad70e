"""Zoom itself: the provider adapter, the REST client, OAuth tokens and refresh, webhook signatures and
events; no views and no Flask (init_app only reads the app's settings and fills its extensions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def init_app(app: Any, *, refusal_is_final: Callable[[], bool]) -> None:
    """The process's Zoom connection: one kept-alive API client, the token endpoint and the call slots;
    and Zoom's line format, how the app's line in the notes reads (the book and the core use it).

    refusal_is_final says whether the request can ask again after a refused refresh (the web layer knows).
    """
    from simplespa_zoom.zoom.api import ZoomClient, ZoomGate
    from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT
    from simplespa_zoom.zoom.oauth import TokenEndpoint, ZoomConnection

    config = app.config
    endpoint = TokenEndpoint(
        config["ZOOM_OAUTH_BASE_URL"].rstrip("/"),
        config["ZOOM_CLIENT_ID"],
        config["ZOOM_CLIENT_SECRET"],
        config["ZOOM_TIMEOUT"],
    )
    client = ZoomClient(config["ZOOM_API_BASE_URL"], timeout=config["ZOOM_TIMEOUT"])
    gate = ZoomGate(config["ZOOM_CALL_SLOTS"], calls_per_second=config["DAY_CHECK_CALLS_PER_SECOND"])
    app.extensions["meeting_line_format"] = ZOOM_LINE_FORMAT
    app.extensions["zoom_connection"] = ZoomConnection(client, endpoint, config["ZOOM_HOSTS"], refusal_is_final, gate)
