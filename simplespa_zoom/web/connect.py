"""Connect and disconnect Zoom: the OAuth redirect dance and the revoke button."""

from __future__ import annotations

import logging
from typing import Any

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from simplespa_zoom.messages import say, tell
from simplespa_zoom.web.presence import presence_events
from simplespa_zoom.web.safe_redirect import local_target
from simplespa_zoom.web.staff import login_required
from simplespa_zoom.web.words import say_error
from simplespa_zoom.web.zoom_session import oauth_client, revoke_and_forget, zoom_connection, zoom_provider
from simplespa_zoom.zoom.api import ZoomError
from simplespa_zoom.zoom.oauth import Tokens, loggable_oauth_error, missing_scopes

log = logging.getLogger(__name__)

bp = Blueprint("connect", __name__, url_prefix="/zoom")

RETURN_KEY = "zoom_return"
AUTO_ADD_KEY = "zoom_auto_add"


PENDING_KEPT = 1  # older unfinished authorizations kept besides the new one
STATE_PREFIX = "_state_zoom_"  # where Authlib keeps each pending authorization's state and PKCE verifier


def _drop_stale_authorizations() -> None:
    """Each unfinished connect leaves ~640 bytes in the cookie: keep only the newest, so it never overflows."""
    pending = sorted(
        (key for key in session if key.startswith(STATE_PREFIX)),
        key=lambda key: (session[key] or {}).get("exp", 0) if isinstance(session[key], dict) else 0,
    )
    for key in pending[: max(0, len(pending) - PENDING_KEPT)]:
        session.pop(key)


def _start(next_path: str | None, add_meeting_for: int | None, *, reconnect: bool = False) -> Any:
    _drop_stale_authorizations()
    session[RETURN_KEY] = {
        "next": local_target(next_path, url_for("appointments.index")),
        "add": add_meeting_for,
        "reconnect": reconnect,
    }
    return oauth_client().authorize_redirect(url_for("connect.callback", _external=True))


@bp.get("/connect")
@login_required
def connect() -> Any:
    """Ask first: a link (from any site) must not start a grant, which Zoom may make without asking
    and which ends the same Zoom user's connection in their other browser."""
    return _confirm(request.args.get("next"))


def _confirm(next_path: str | None) -> Any:
    home = url_for("appointments.index")
    return render_template("zoom/connect.html", next_path=local_target(next_path, home))


@bp.post("/connect")
@login_required
def connect_and_add() -> Any:
    """Start connecting: a same-site form with the page's token (the confirmation, or the camera
    button, whose meeting is then created on return)."""
    appointment_id = request.form.get("add_meeting", type=int)
    return _start(request.form.get("next"), appointment_id, reconnect=request.form.get("reconnect") == "1")


@bp.get("/callback")
def callback() -> Any:
    """Zoom's redirect back: the end of our own authorization, or the start of a Marketplace install."""
    if "state" not in request.args:
        return _from_marketplace()
    if g.get("staff") is None:
        return redirect(url_for("staff.login", next=url_for("appointments.index")))
    return _finish()


def _from_marketplace() -> Any:
    """The listing's Add button sends a code without state: never exchanged (it could be an attacker's).

    Any site can link here, so staff confirm before a fresh state-bound PKCE authorization
    starts (Zoom does not ask again for an app the user already allowed); staff not signed in
    sign in first, then confirm.
    """
    home = url_for("appointments.index")
    if "code" not in request.args:
        return _failed(home, "connect_failed")
    if g.get("staff") is None:
        session.start()  # type: ignore[attr-defined]  # Zoom's redirect is a top-level GET: any session came with it
        flash(tell("sign_in_to_connect"), "info")
        return redirect(url_for("staff.login", next=url_for("connect.connect", next=home)))
    return _confirm(home)


def _finish() -> Any:
    back = session.pop(RETURN_KEY, None) or {}
    next_path = local_target(back.get("next"), url_for("appointments.index"))
    try:
        token = oauth_client().authorize_access_token()
    except MismatchingStateError:
        return _failed(next_path, "connect_expired")
    except OAuthError as error:
        if error.error == "access_denied":
            return _failed(next_path, "connect_denied")
        log.warning("Zoom authorization failed: %s", loggable_oauth_error(error.error))
        return _failed(next_path, "connect_failed")
    except (requests.RequestException, ValueError):
        return _failed(next_path, "connect_unavailable")
    try:
        tokens = zoom_connection().with_user(Tokens.from_token_response(dict(token)))
    except ZoomError:
        return _failed(next_path, "connect_unavailable")
    zoom_provider().tokens.set(tokens)
    if tokens.user_id:
        presence_events().host_back(tokens.user_id)  # their meetings' events come again
    if back.get("add"):
        session[AUTO_ADD_KEY] = back["add"]
    flash(tell("zoom_connected_again" if back.get("reconnect") else "zoom_connected"), "info")
    if missing := missing_scopes(dict(token)):
        warning = say_error("zoom_missing_permission", {"scopes": missing}, current_app.config["SPA_TZ"])
        flash(warning, "warning:zoom_missing_permission")
    return redirect(next_path)


def _failed(next_path: str, code: str) -> Any:
    return render_template("zoom/connect_failed.html", code=code, message=say(code), next_path=next_path), 400


@bp.post("/disconnect")
@login_required
def disconnect() -> Any:
    revoke_and_forget()
    flash(tell("zoom_disconnected"), "info")
    return redirect(local_target(request.form.get("next"), url_for("appointments.index")))


def pop_auto_add(appointment_id: int) -> bool:
    """Whether this page should create the meeting asked for before connecting."""
    if session.get(AUTO_ADD_KEY) == appointment_id:
        session.pop(AUTO_ADD_KEY)
        return True
    return False
