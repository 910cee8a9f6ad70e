"""Staff accounts and sign-in: the only people who may see the appointment book."""

from __future__ import annotations

import functools
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

from .db import get_db
from .messages import say
from .safe_redirect import local_target

bp = Blueprint("staff", __name__)

MAX_FAILURES = 5
FAILURE_WINDOW = 15 * 60
MIN_PASSWORD_LENGTH = 10
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


def _find(db: sqlite3.Connection, *, staff_id: int | None = None, email: str | None = None) -> sqlite3.Row | None:
    if staff_id is not None:
        return db.execute("SELECT id, email, session_generation FROM staff WHERE id = ?", (staff_id,)).fetchone()
    return db.execute("SELECT * FROM staff WHERE email = ?", (email,)).fetchone()


def authenticate(db: sqlite3.Connection, email: str, password: str, now: float | None = None) -> Staff | None:
    """The staff member for these credentials, with the same work and answer for every failure."""
    now = time.time() if now is None else now
    email = email.strip()
    row = _find(db, email=email)
    recent = db.execute(
        "SELECT COUNT(*) FROM login_failures WHERE email = ? AND failed_at > ?", (email, now - FAILURE_WINDOW)
    ).fetchone()[0]
    password_ok = check_password_hash(row["password_hash"] if row else _DUMMY_HASH, password)
    if row is not None and password_ok and recent < MAX_FAILURES:
        db.execute("DELETE FROM login_failures WHERE email = ?", (email,))
        return Staff(row["id"], row["email"], row["session_generation"])
    db.execute("INSERT INTO login_failures (email, failed_at) VALUES (?, ?)", (email, now))
    db.execute("DELETE FROM login_failures WHERE failed_at < ?", (now - FAILURE_WINDOW,))
    return None


def load_signed_in_staff() -> None:
    """Put the signed-in staff member on g, dropping sessions a password change has ended."""
    g.staff = None
    if request.endpoint == "static" or request.blueprint == "webhooks":
        return
    staff_id = session.get("staff_id")
    if staff_id is None:
        return
    row = _find(get_db(), staff_id=staff_id)
    if row is None or row["session_generation"] != session.get("staff_generation"):
        session.clear()
        return
    g.staff = Staff(row["id"], row["email"], row["session_generation"])


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
    if request.method == "POST":
        staff = authenticate(get_db(), request.form.get("email", ""), request.form.get("password", ""))
        if staff is None:
            flash(say("sign_in_failed"), "error:sign_in_failed")
            return render_template("auth/login.html", email=request.form.get("email", "")), 401
        session.restart()  # type: ignore[attr-defined]
        session["staff_id"] = staff.id
        session["staff_generation"] = staff.session_generation
        return redirect(local_target(request.args.get("next"), url_for("appointments.index")))
    return render_template("auth/login.html", email="")


@bp.post("/logout")
def logout() -> Any:
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("staff.login"))
