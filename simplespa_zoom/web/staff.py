"""Staff accounts and sign-in: the only people who may see the appointment book."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy.exc import SQLAlchemyError

from simplespa_zoom.book import sign_in_guard
from simplespa_zoom.book.staff import SignInPaused
from simplespa_zoom.messages import say, tell
from simplespa_zoom.web import known_browser, the_book
from simplespa_zoom.web.errors import book_unavailable
from simplespa_zoom.web.negotiation import wants_json
from simplespa_zoom.web.safe_redirect import local_target

bp = Blueprint("staff", __name__)

View = TypeVar("View", bound=Callable[..., Any])


def load_signed_in_staff() -> None:
    """Put the signed-in staff member on g, dropping sessions a sign-out or password change has ended."""
    g.staff = None
    if request.endpoint == "static" or request.blueprint in ("webhooks", "health"):
        return
    staff_id, session_id = session.get("staff_id"), session.get("session_id")
    if staff_id is None:
        return
    try:
        found = the_book().staff.signed_in(staff_id if isinstance(staff_id, int) else -1, str(session_id))
    except SQLAlchemyError as error:
        if not book_unavailable(error):
            raise
        g.staff_unknown = error  # public pages still render; login_required answers with it
        return
    if found is None or found[1] or not session_id or found[0].session_generation != session.get("staff_generation"):
        session.clear()
        return
    g.staff = found[0]


def login_required(view: View) -> View:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("staff") is None:
            if (unknown := g.get("staff_unknown")) is not None:
                raise unknown
            if wants_json():
                abort(401)
            return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        session.start()  # type: ignore[attr-defined]  # its form's token needs a session
        return render_template("auth/login.html", email="")
    email = sign_in_guard.cut_email(request.form.get("email", ""))
    known = known_browser.read()
    try:
        staff = the_book().staff.authenticate(
            email,
            request.form.get("password", ""),
            request.remote_addr or "unknown",
            known_staff=frozenset(known.staff),
            browser_id=known.id,
        )
    except SignInPaused as paused:
        flash(say("sign_in_paused", minutes=paused.minutes), "error:sign_in_paused")
        return render_template("auth/login.html", email=email), 429
    if staff is None:
        flash(say("sign_in_failed"), "error:sign_in_failed")
        return render_template("auth/login.html", email=email), 401
    session.restart()  # type: ignore[attr-defined]
    session.update(
        {"staff_id": staff.id, "staff_generation": staff.session_generation, "session_id": secrets.token_urlsafe(16)}
    )
    response = redirect(local_target(request.args.get("next"), url_for("appointments.index")))
    known_browser.remember(response, known, staff.id)
    return response


@bp.post("/logout")
def logout() -> Any:
    """End this session for good, on the server too, so a copy of its cookie is dead.

    The Zoom connection is not revoked: on Zoom a revoke uninstalls the app for that user, and Zoom then sends no
    more events of their meetings (presence, attendance, changes made in Zoom). Only Disconnect Zoom revokes.
    """
    session_id = session.get("session_id")
    if session_id:
        the_book().staff.end_session(str(session_id))
    session.clear()  # the known-browser mark is its own cookie: this browser stays known
    flash(tell("signed_out"), "info")
    return redirect(url_for("staff.login"))
