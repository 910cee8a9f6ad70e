"""This browser's Zoom connection in its encrypted session, and the app's Zoom clients."""

from __future__ import annotations

from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, g, request, session

from simplespa_zoom.web.negotiation import wants_json
from simplespa_zoom.zoom.oauth import Tokens, ZoomConnection
from simplespa_zoom.zoom.provider import ZoomProvider

SESSION_KEY = "zoom"
RETRY_HEADER = "X-Zoom-Retry"


class SessionTokenStore:
    """The token store of the request's browser: its encrypted session cookie, nothing on the server.

    Keyed by provider, as Flask-Dance keys its storage by blueprint: session["zoom"] holds Zoom's tokens.
    """

    def __init__(self, key: str) -> None:
        self.key = key

    def get(self) -> Tokens | None:
        data = session.get(self.key)
        if not isinstance(data, dict):
            return None
        try:
            user_id = data.get("user_id")
            api_url = data.get("api_url")
            return Tokens(
                str(data["access_token"]),
                str(data["refresh_token"]),
                float(data["expires_at"]),
                api_url if isinstance(api_url, str) else None,
                user_id if isinstance(user_id, str) else None,
                bool(data.get("licensed")),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def set(self, tokens: Tokens) -> None:
        session[self.key] = {
            **tokens.token_fields(),
            "api_url": tokens.api_url,
            "user_id": tokens.user_id,
            "licensed": tokens.licensed,
        }

    def delete(self) -> None:
        session.pop(self.key, None)


_browser_tokens = SessionTokenStore(SESSION_KEY)


def refusal_is_final() -> bool:
    """The page script asks again once (another tab may just have rotated the token); a form post
    cannot, and it ran under the page's Zoom lock, so for it a refused refresh is final."""
    return not wants_json() or request.headers.get(RETRY_HEADER) == "1"


def is_connected() -> bool:
    return zoom_provider().tokens.get() is not None


def zoom_connection() -> ZoomConnection:
    return current_app.extensions["zoom_connection"]


def zoom_provider() -> ZoomProvider:
    """This browser's Zoom for this request: its token cookie read at most once, however many calls; every
    read and write of the connection in a request goes through its bound store."""
    if "zoom_provider" not in g:
        g.zoom_provider = ZoomProvider(zoom_connection(), _browser_tokens)
    return g.zoom_provider


def revoke_and_forget() -> None:
    """Revoke this browser's Zoom token (best effort) and drop the connection from its session."""
    zoom_connection().revoke(zoom_provider().tokens)


def oauth_client(app: Flask | None = None) -> Any:
    return (app or current_app).extensions["zoom_oauth"].zoom


def init_app(app: Flask) -> None:
    """Register the Zoom OAuth client (Authlib's Flask integration: the glue, not the protocol)."""
    base = app.config["ZOOM_OAUTH_BASE_URL"].rstrip("/")
    oauth = OAuth(app)
    oauth.register(
        "zoom",
        client_id=app.config["ZOOM_CLIENT_ID"],
        client_secret=app.config["ZOOM_CLIENT_SECRET"],
        authorize_url=f"{base}/oauth/authorize",
        access_token_url=f"{base}/oauth/token",
        client_kwargs={
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_basic",
            "default_timeout": app.config["ZOOM_TIMEOUT"],
        },
    )
    app.extensions["zoom_oauth"] = oauth
