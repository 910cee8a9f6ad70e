"""Staff accounts and sign-in: the only people who may see the appointment book."""

from __future__ import annotations

import functools
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
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
from werkzeug.security import check_password_hash, generate_password_hash

from simplespa_zoom.book import sign_in_guard
from simplespa_zoom.book.database import get_db
from simplespa_zoom.messages import say
from simplespa_zoom.web.safe_redirect import local_target
from simplespa_zoom.zoom import oauth as zoom_auth

bp = Blueprint("staff", __name__)

MIN_PASSWORD_LENGTH = 10
# Kept in the session across sign-outs: this browser's own id, and the accounts it signed in to.
BROWSER_KEY = "browser_id"
KNOWN_KEY = "known_staff"
ENDED_SESSIONS_KEPT = 8 * 24 * 3600  # longer than any session lives
_DUMMY_HASH = generate_password_hash("not a real password, used to even out timing")

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class Staff:
    id: int
    email: str
    session_generation: int


class StaffError(ValueError):
    """A staff account could not be created or changed; the message says why."""


def create_staff(db: sqlite3.Connection, email: str, password: str) -> Staff:
    email = email.strip()
    if "@" not in email or len(email) > 254:
        raise StaffError(f"{email!r} is not an email address.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    try:
        cursor = db.execute(
            "INSERT INTO staff (email, password_hash) VALUES (?, ?)", (email, generate_password_hash(password))
        )
    except sqlite3.IntegrityError as error:
        raise StaffError(f"There is already a staff account for {email}.") from error
    return Staff(int(cursor.lastrowid or 0), email, 0)


def set_password(db: sqlite3.Connection, email: str, password: str) -> None:
    """Change a password and end every session signed in with the old one."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    cursor = db.execute(
        "UPDATE staff SET password_hash = ?, session_generation = session_generation + 1 WHERE email = ?",
        (generate_password_hash(password), email.strip()),
    )
    if cursor.rowcount != 1:
        raise StaffError(f"There is no staff account for {email}.")


class SignInPaused(Exception):
    """Too many recent failures from this client: the attempt is refused unchecked and uncounted."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.minutes = max(1, int(seconds + 59) // 60)


def authenticate(
    db: sqlite3.Connection,
    email: str,
    password: str,
    client: str,
    *,
    known_staff: frozenset[int] = frozenset(),
    browser_id: str | None = None,
    now: float | None = None,
) -> Staff | None:
    """The staff member for these credentials, with the same work and answer for every failure.

    A browser that signed in to this account before is throttled by its own failures only.
    """
    now = time.time() if now is None else now
    email = sign_in_guard.cut_email(email)
    row = db.execute("SELECT * FROM staff WHERE email = ?", (email,)).fetchone()
    known = row is not None and row["id"] in known_staff and browser_id is not None
    client = f"browser:{browser_id}" if known else client
    wait = sign_in_guard.seconds_to_wait(db, email, client, now, known_browser=known)
    if wait > 0:
        raise SignInPaused(wait)
    password_ok = check_password_hash(row["password_hash"] if row else _DUMMY_HASH, password)
    if row is not None and password_ok:
        sign_in_guard.forget_failures(db, email, client)
        return Staff(row["id"], row["email"], row["session_generation"])
    sign_in_guard.record_failure(db, email, client, now)
    return None


def load_signed_in_staff() -> None:
    """Put the signed-in staff member on g, dropping sessions a sign-out or password change has ended."""
    g.staff = None
    if request.endpoint == "static" or request.blueprint == "webhooks":
        return
    staff_id, session_id = session.get("staff_id"), session.get("session_id")
    if staff_id is None:
        return
    row = (
        get_db()
        .execute(
            """
        SELECT id, email, session_generation,
               EXISTS (SELECT 1 FROM ended_sessions WHERE session_id = :sid) AS ended
        FROM staff WHERE id = :staff
        """,
            {"sid": str(session_id), "staff": staff_id if isinstance(staff_id, int) else -1},
        )
        .fetchone()
    )
    if row is None or row["ended"] or not session_id or row["session_generation"] != session.get("staff_generation"):
        _end_session_keeping_the_browser()
        return
    g.staff = Staff(row["id"], row["email"], row["session_generation"])


def _end_session_keeping_the_browser() -> None:
    """Clear the session but keep which accounts this browser signed in to (for the sign-in guard)."""
    kept = {key: session[key] for key in (BROWSER_KEY, KNOWN_KEY) if key in session}
    session.clear()
    session.update(kept)


def login_required(view: View) -> View:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("staff") is None:
            if request.accept_mimetypes.best == "application/json" or request.is_json:
                abort(401)
            return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        return render_template("auth/login.html", email="")
    email = sign_in_guard.cut_email(request.form.get("email", ""))
    known = session.get(KNOWN_KEY)
    try:
        staff = authenticate(
            get_db(),
            email,
            request.form.get("password", ""),
            request.remote_addr or "unknown",
            known_staff=frozenset(known) if isinstance(known, list) else frozenset(),
            browser_id=session.get(BROWSER_KEY),
        )
    except SignInPaused as paused:
        flash(say("sign_in_paused", minutes=paused.minutes), "error:sign_in_paused")
        return render_template("auth/login.html", email=email), 429
    if staff is None:
        flash(say("sign_in_failed"), "error:sign_in_failed")
        return render_template("auth/login.html", email=email), 401
    browser_id = session.get(BROWSER_KEY) or secrets.token_urlsafe(12)
    known_staff = sorted({*(known if isinstance(known, list) else []), staff.id})[-20:]
    session.restart()  # type: ignore[attr-defined]
    session.update(
        {
            "staff_id": staff.id,
            "staff_generation": staff.session_generation,
            "session_id": secrets.token_urlsafe(16),
            BROWSER_KEY: browser_id,
            KNOWN_KEY: known_staff,
        }
    )
    return redirect(local_target(request.args.get("next"), url_for("appointments.index")))


@bp.post("/logout")
def logout() -> Any:
    """End this session for good, on the server too, and revoke the Zoom connection it held."""
    session_id = session.get("session_id")
    if session_id:
        now = time.time()
        db = get_db()
        db.execute("INSERT OR IGNORE INTO ended_sessions (session_id, ended_at) VALUES (?, ?)", (str(session_id), now))
        db.execute("DELETE FROM ended_sessions WHERE ended_at < ?", (now - ENDED_SESSIONS_KEPT,))
    zoom_auth.revoke_and_forget()
    _end_session_keeping_the_browser()
    flash("You are signed out. This browser's Zoom connection was ended too.", "info")
    return redirect(url_for("staff.login"))
