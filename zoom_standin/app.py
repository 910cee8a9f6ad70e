"""The Zoom stand-in's HTTP face: OAuth pages, the REST API, a Marketplace page, test switches."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests
from flask import Flask, Response, abort, g, jsonify, redirect, render_template, request

from . import presence
from .mailbox import Mailbox
from .mailbox_page import add_mailbox_page
from .state import LICENSED, MEETING_ID_LIFETIME, ApiFailure, ClientApp, Fault, OAuthFailure, SandboxState, User

REGISTRANT_NAME_MAX = 64
REGISTRANT_EMAIL_MAX = 128
LIST_PAGE_SIZE_MAX = 300
LIST_AGENDA_MAX = 250  # Zoom's list of meetings cuts each agenda to 250 characters
LIST_TYPES = ("scheduled", "live", "upcoming", "upcoming_meetings", "previous_meetings")
LIST_FIELDS = (
    "uuid", "id", "host_id", "topic", "type", "duration", "timezone", "agenda", "created_at", "join_url"
)  # fmt: skip
PERMISSIONS = (
    ("meeting:write:meeting", "Create meetings for your appointments"),
    ("meeting:read:meeting", "See whether those meetings still exist"),
    ("meeting:read:list_meetings", "List your upcoming meetings, to find one whose creation was not confirmed"),
    ("meeting:update:meeting", "Move a meeting when its appointment moves"),
    ("meeting:delete:meeting", "Delete a meeting when its appointment is cancelled"),
    ("meeting:write:registrant", "Register your client so Zoom emails them their link"),
    ("user:read:user", "Read your account type (free or paid)"),
)


def create_sandbox(state: SandboxState | None = None, *, mailbox: Mailbox | None = None) -> Flask:
    """A Flask app that answers like Zoom's OAuth server and REST API; with a mailbox, also its /mailbox page."""
    app = Flask(__name__)
    app.config["SANDBOX"] = state or SandboxState()
    app.secret_key = secrets.token_bytes(16)
    sandbox: SandboxState = app.config["SANDBOX"]

    @app.before_request
    def simulate_network() -> Any:
        if request.path.startswith(("/_sandbox", "/mailbox")):  # switches and the mailbox are not Zoom
            return None
        g.call = sandbox.log_call(request.method, request.path)
        g.call["host"] = request.host
        g.call["query"] = request.query_string.decode()
        if sandbox.latency_ms:
            time.sleep(sandbox.latency_ms / 1000)
        fault = sandbox.take_fault(request.method, request.path)
        if fault is not None and fault.kind == "late":
            g.late = float(fault.retry_after or 5)
            return None
        return _fault_response(fault) if fault else None

    @app.after_request
    def record(response: Response) -> Response:
        if "call" in g:
            g.call["status"] = response.status_code
        if "late" in g:
            sandbox.late_answers.wait(g.late)
        return response

    @app.errorhandler(ApiFailure)
    def api_failure(error: ApiFailure) -> Any:
        return jsonify({"code": error.code, "message": error.message}), error.status, error.headers

    @app.errorhandler(OAuthFailure)
    def oauth_failure(error: OAuthFailure) -> Any:
        return jsonify({"reason": error.reason, "error": error.error}), error.status

    _oauth_routes(app, sandbox)
    _api_routes(app, sandbox)
    _marketplace_routes(app, sandbox)
    _control_routes(app, sandbox)
    presence.register(app, sandbox, _notify_apps, _zoom_time)
    if mailbox is not None:
        add_mailbox_page(app, mailbox)
    app.jinja_env.globals["has_mailbox"] = mailbox is not None
    return app


def _fault_response(fault: Fault) -> Any:
    if fault.kind == "timeout":
        time.sleep(float(fault.retry_after or 5))
        return jsonify({"code": 500, "message": "late"}), 500
    if fault.kind == "500":
        return Response("<html><body><h1>502 Bad Gateway</h1></body></html>", 500, mimetype="text/html")
    if fault.kind == "html":
        return Response("<html><body>Service Unavailable</body></html>", 503, mimetype="text/html")
    if fault.kind == "xml":
        return Response("<?xml version='1.0'?><error><code>300</code></error>", 400, mimetype="application/xml")
    if fault.kind in ("429", "qps"):
        headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
        if fault.kind == "qps":
            headers["X-RateLimit-Type"] = "QPS"
        body = {
            "code": 429,
            "message": "You have reached the maximum per-second rate limit for this API. Try again later.",
        }
        return jsonify(body), 429, headers
    if fault.kind == "daily":
        body = {
            "code": 429,
            "message": "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests "
            "permitted for this particular user. You may resume these requests at GMT 00:00:00.",
        }
        headers = {"X-RateLimit-Type": "Daily-limit"}
        if fault.retry_after:
            headers["Retry-After"] = fault.retry_after
        return jsonify(body), 429, headers
    if fault.kind == "expired":
        return jsonify({"code": 124, "message": "Access token is expired."}), 401
    if fault.kind == "401_html":
        return Response("<html><body><h1>401 Unauthorized</h1></body></html>", 401, mimetype="text/html")
    if fault.kind == "invalid_grant":
        return jsonify({"reason": "Invalid Token!", "error": "invalid_grant"}), 400
    abort(500)


def _basic_auth() -> tuple[str | None, str | None]:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return None, None
    try:
        decoded = base64.b64decode(header[6:]).decode()
    except (ValueError, UnicodeDecodeError):
        return None, None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def _oauth_routes(app: Flask, sandbox: SandboxState) -> None:
    @app.get("/oauth/authorize")
    def authorize() -> Any:
        if request.args.get("response_type") != "code":
            return render_template("sandbox/problem.html", message="response_type must be code."), 400
        hop = sandbox.authorize_hop_host
        if hop and request.host != hop:
            return redirect(f"{request.scheme}://{hop}{request.full_path}")
        try:
            client = sandbox.check_authorize(request.args.get("client_id", ""), request.args.get("redirect_uri", ""))
        except OAuthFailure as failure:
            return render_template("sandbox/problem.html", message=failure.reason), 400
        if sandbox.has_authorized(sandbox.current_user(), client.client_id):
            return _redirect_with_code(sandbox, client, request.args)
        return render_template(
            "sandbox/consent.html",
            client=client,
            user=sandbox.current_user(),
            permissions=PERMISSIONS,
            args=request.args,
        )

    @app.post("/oauth/authorize")
    def decide() -> Any:
        form = request.form
        client = sandbox.check_authorize(form.get("client_id", ""), form.get("redirect_uri", ""))
        state = form.get("state")
        if form.get("decision") != "allow":
            params = {
                "error": "access_denied",
                "error_description": "The user denied access",
                **({"state": state} if state else {}),
            }
            return redirect(f"{form['redirect_uri']}?{urlencode(params)}")
        sandbox.allow(sandbox.current_user(), client.client_id)  # Allow adds the app, before any code is used
        return _redirect_with_code(sandbox, client, form)

    @app.post("/oauth/token")
    def token() -> Any:
        if "access_token" in request.args or "refresh_token" in request.args:
            raise OAuthFailure(400, "invalid_request", "Tokens are not accepted in the URL")
        client = sandbox.authenticate_client(*_basic_auth())
        grant = request.form.get("grant_type")
        if grant == "authorization_code":
            answer = sandbox.exchange_code(
                client,
                request.form.get("code", ""),
                request.form.get("redirect_uri", ""),
                request.form.get("code_verifier"),
            )
        elif grant == "refresh_token":
            answer = sandbox.refresh(client, request.form.get("refresh_token", ""))
        else:
            raise OAuthFailure(400, "unsupported_grant_type", "Unsupported grant type")
        return jsonify(answer)

    @app.post("/oauth/revoke")
    def revoke() -> Any:
        client = sandbox.authenticate_client(*_basic_auth())
        user_id = sandbox.revoke(client, request.form.get("token", ""))
        if user_id is not None:
            send_webhook(sandbox, client, "app_deauthorized", _deauthorized_payload(sandbox, client, user_id))
        return jsonify({"status": "success"})


def _redirect_with_code(sandbox: SandboxState, client: ClientApp, args: Any) -> Any:
    """Back to the app with a code, and the state only when the app sent one (a Marketplace Add sends none)."""
    code = sandbox.issue_code(
        client.client_id,
        args["redirect_uri"],
        args.get("code_challenge") or None,
        args.get("code_challenge_method", "plain"),
    )
    state = args.get("state")
    return redirect(f"{args['redirect_uri']}?{urlencode({'code': code, **({'state': state} if state else {})})}")


def _bearer_user(sandbox: SandboxState, scope: str) -> User:
    header = request.headers.get("Authorization", "")
    token = header[7:] if header.startswith("Bearer ") else None
    if "access_token" in request.args:
        token = None
    return sandbox.user_for_token(token, scope)


def _join_url(user: User, meeting_id: int, pwd: str) -> str:
    return f"{user.join_host}/j/{meeting_id}?pwd={pwd}"


def _new_pwd() -> str:
    """Zoom's embedded passcodes may hold a dot (pwd=AbC.1)."""
    return f"{secrets.token_urlsafe(24)}.1"


def _zoom_time(instant: float) -> str:
    return datetime.fromtimestamp(instant, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _validation(field: str, message: str) -> ApiFailure:
    failure = ApiFailure(400, 300, "Validation Failed.")
    failure.message = f"Validation Failed. {field}: {message}"
    return failure


def _parse_start(body: dict[str, Any]) -> float | None:
    """Zoom's two forms: UTC with Z, or local time together with `timezone`."""
    value = body.get("start_time")
    if value is None:
        return None
    if not isinstance(value, str):
        raise _validation("start_time", "Invalid field.")
    try:
        if value.endswith("Z"):
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
        zone = ZoneInfo(body.get("timezone") or "UTC")
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=zone).timestamp()
    except (ValueError, ZoneInfoNotFoundError) as error:
        raise _validation("start_time", "Invalid field.") from error


def _meeting_body(meeting: dict[str, Any]) -> dict[str, Any]:
    visible = {key: value for key, value in meeting.items() if not key.startswith("_")}
    visible["start_time"] = _zoom_time(meeting["_start"])
    return visible


def _applied_settings(asked: dict[str, Any], password: str, approval: Any) -> dict[str, Any]:
    """The settings as Zoom applies them: a meeting needs a passcode, a waiting room or authentication,
    so a request that turns all off silently gets the waiting room back."""
    settings = {"join_before_host": False, "waiting_room": True, **asked, "approval_type": approval}
    if not password and not settings["waiting_room"] and not settings.get("meeting_authentication"):
        settings["waiting_room"] = True
    return settings


def _start_url(sandbox: SandboxState, meeting_id: int) -> str:
    """A new host start link on the stand-in itself (where its host start page is), valid two hours."""
    zak = sandbox.issue_start_link(meeting_id)
    return f"{request.host_url}s/{meeting_id}?zak={zak}"


def _in_list(meeting: dict[str, Any], kind: str, now: float) -> bool:
    ends = meeting["_start"] + 60 * meeting["duration"]
    if kind == "previous_meetings":
        return ends < now
    if kind == "live":
        return meeting["_start"] <= now <= ends
    return ends >= now


def _list_item(meeting: dict[str, Any]) -> dict[str, Any]:
    """A meeting as Zoom's list shows it: fewer fields than Get a meeting, the agenda cut to 250 characters."""
    item = {name: meeting[name] for name in LIST_FIELDS if name in meeting}
    item["agenda"] = str(meeting.get("agenda") or "")[:LIST_AGENDA_MAX]
    item["start_time"] = _zoom_time(meeting["_start"])
    return item


def _api_routes(app: Flask, sandbox: SandboxState) -> None:
    @app.get("/v2/users/me")
    def me() -> Any:
        user = _bearer_user(sandbox, "user:read:user")
        return jsonify(
            {
                "id": user.id,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "type": user.account_type,
                "timezone": user.timezone,
                "pmi": user.pmi,
                "account_id": user.account_id,
            }
        )

    @app.post("/v2/users/me/meetings")
    def create_meeting() -> Any:
        user = _bearer_user(sandbox, "meeting:write:meeting")
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiFailure(400, 300, "Request Body should be a valid JSON object.")
        topic = body.get("topic", "Zoom meeting")
        if not isinstance(topic, str) or len(topic) > 200:
            raise _validation("topic", "Topic must be at most 200 characters.")
        duration = body.get("duration", 60)
        if not isinstance(duration, int) or duration <= 0:
            raise _validation("duration", "Invalid field.")
        start = _parse_start(body) or sandbox.now()
        settings = dict(body.get("settings") or {})
        approval = settings.get("approval_type", 2)
        # default_password (true by default for most accounts) gives the meeting a generated passcode.
        password = str(body["password"]) if body.get("password") else ""
        if not password and body.get("default_password", True):
            password = secrets.token_hex(3)
        sandbox.count_write(user)
        meeting_id = sandbox.new_meeting_id()
        pwd = _new_pwd() if password else ""
        meeting: dict[str, Any] = {
            "uuid": base64.b64encode(secrets.token_bytes(16)).decode(),
            "id": meeting_id,
            "host_id": user.id,
            "host_email": user.email,
            "topic": topic,
            "type": body.get("type", 2),
            "status": "waiting",
            "duration": duration,
            "timezone": body.get("timezone") or user.timezone,
            "agenda": body.get("agenda", ""),
            "created_at": _zoom_time(sandbox.now()),
            "join_url": _join_url(user, meeting_id, pwd) if pwd else f"{user.join_host}/j/{meeting_id}",
            "password": password,
            "encrypted_password": pwd,
            "settings": _applied_settings(settings, password, approval),
            "_start": start,
            "_registrants": {},
        }
        if approval in (0, 1):
            meeting["registration_url"] = f"{user.join_host}/meeting/register/{secrets.token_urlsafe(16)}"
        with sandbox.lock:
            sandbox.meetings[meeting_id] = meeting
        return jsonify({**_meeting_body(meeting), "start_url": _start_url(sandbox, meeting_id)}), 201

    @app.get("/v2/users/me/meetings")
    def list_meetings() -> Any:
        """One page of the user's meetings: 'upcoming' includes live ones, ended ones are 'previous'."""
        user = _bearer_user(sandbox, "meeting:read:list_meetings")
        kind = request.args.get("type", "scheduled")
        size = request.args.get("page_size", "30")
        if kind not in LIST_TYPES:
            raise _validation("type", "Invalid field.")
        if not size.isdigit() or not 1 <= int(size) <= LIST_PAGE_SIZE_MAX:
            raise _validation("page_size", f"The page size must be between 1 and {LIST_PAGE_SIZE_MAX}.")
        offset = 0
        if token := request.args.get("next_page_token"):
            found = sandbox.page_offset(token)
            if found is None:
                raise ApiFailure(400, 300, "The next page token is invalid or expired.")
            offset = found
        now = sandbox.now()
        listed = [
            meeting
            for meeting in sandbox.meetings_of(user.id)
            if now <= meeting["_start"] + 60 * meeting["duration"] + MEETING_ID_LIFETIME
            and (
                kind not in ("upcoming", "upcoming_meetings", "previous_meetings", "live")
                or _in_list(meeting, kind, now)
            )
        ]
        page = listed[offset : offset + int(size)]
        more = offset + len(page) < len(listed)
        return jsonify(
            {
                "page_size": int(size),
                "total_records": len(listed),
                "next_page_token": sandbox.page_token(offset + len(page)) if more else "",
                "meetings": [_list_item(meeting) for meeting in page],
            }
        )

    @app.get("/v2/meetings/<int:meeting_id>")
    def get_meeting(meeting_id: int) -> Any:
        user = _bearer_user(sandbox, "meeting:read:meeting")
        meeting = _meeting_body(sandbox.meeting_for(user, meeting_id))
        return jsonify({**meeting, "start_url": _start_url(sandbox, meeting_id)})  # a fresh one at every read

    @app.patch("/v2/meetings/<int:meeting_id>")
    def update_meeting(meeting_id: int) -> Any:
        user = _bearer_user(sandbox, "meeting:update:meeting")
        meeting = sandbox.meeting_for(user, meeting_id)
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiFailure(400, 300, "Request Body should be a valid JSON object.")
        start = _parse_start(body)
        sandbox.count_write(user)
        with sandbox.lock:
            if start is not None and start > sandbox.now():
                meeting["_start"] = start
            for key in ("topic", "duration", "timezone", "agenda"):
                if key in body:
                    meeting[key] = body[key]
            if "password" in body:  # a new passcode means a new join link
                meeting["password"] = str(body["password"])
                meeting["encrypted_password"] = _new_pwd()
                meeting["join_url"] = _join_url(user, meeting_id, meeting["encrypted_password"])
        return "", 204

    @app.delete("/v2/meetings/<int:meeting_id>")
    def delete_meeting(meeting_id: int) -> Any:
        user = _bearer_user(sandbox, "meeting:delete:meeting")
        meeting = sandbox.meeting_for(user, meeting_id)
        with sandbox.lock:
            sandbox.meetings.pop(meeting_id, None)
            # Zoom emails registrants of a deleted meeting only when asked (cancel_meeting_reminder) and
            # while the meeting's registrants_email_notification setting (default true) lets it.
            notify = meeting["settings"].get("registrants_email_notification", True) is not False
            if request.args.get("cancel_meeting_reminder") == "true" and notify:
                for registrant in meeting["_registrants"].values():
                    sandbox.emails_sent.append(
                        {"to": registrant["email"], "subject": f"Meeting cancelled: {meeting['topic']}"}
                    )
        return "", 204

    @app.post("/v2/meetings/<int:meeting_id>/registrants")
    def add_registrant(meeting_id: int) -> Any:
        user = _bearer_user(sandbox, "meeting:write:registrant")
        meeting = sandbox.meeting_for(user, meeting_id, gone_code=1001)
        if user.account_type != LICENSED:
            raise ApiFailure(400, 200, f"Only available for Paid user: {user.id}")
        if meeting["settings"].get("approval_type", 2) not in (0, 1):
            raise ApiFailure(400, 404, f"Registration has not been enabled for this meeting: {meeting_id}.")
        body = request.get_json(silent=True) or {}
        if not body.get("email") or not body.get("first_name"):
            raise _validation("email", "Email and first name are required.")
        for name in ("first_name", "last_name"):
            if len(str(body.get(name) or "")) > REGISTRANT_NAME_MAX:
                raise _validation(name, f"The length should be at most {REGISTRANT_NAME_MAX} characters.")
        if len(str(body["email"])) > REGISTRANT_EMAIL_MAX:
            raise _validation("email", f"The length should be at most {REGISTRANT_EMAIL_MAX} characters.")
        registrant_id = secrets.token_urlsafe(16)
        join_url = (
            f"{user.join_host}/{user.registrant_path}/{meeting_id}"
            f"?tk={secrets.token_urlsafe(40)}&pwd={meeting['encrypted_password']}"
        )
        with sandbox.lock:
            meeting["_registrants"][registrant_id] = {"email": body["email"], "join_url": join_url}
            # Zoom emails each new registrant their link unless the meeting's registrants_confirmation_email
            # setting (default true) is false: the spa then sends its own invitation instead.
            if meeting["settings"].get("registrants_confirmation_email", True) is not False:
                sandbox.emails_sent.append(
                    {
                        "to": body["email"],
                        "subject": f"Registration confirmed: {meeting['topic']}",
                        "join_url": join_url,
                    }
                )
        return jsonify(
            {
                "registrant_id": registrant_id,
                "id": meeting_id,
                "topic": meeting["topic"],
                "start_time": _zoom_time(meeting["_start"]),
                "join_url": join_url,
            }
        ), 201


def _marketplace_routes(app: Flask, sandbox: SandboxState) -> None:
    @app.get("/s/<int:meeting_id>")
    def host_start(meeting_id: int) -> Any:
        """Zoom's host start page: a valid start link starts the meeting as its host; an old one has expired."""
        meeting = sandbox.start_with(meeting_id, request.args.get("zak", ""))
        if meeting is None:
            message = "This link has expired or is not valid. Ask the host for a new start link."
            return render_template("sandbox/problem.html", message=message), 403
        host = sandbox.users[meeting["host_id"]]
        return render_template("sandbox/host_start.html", meeting=meeting, host=host)

    @app.get("/marketplace")
    def marketplace() -> Any:
        user = sandbox.current_user()
        upcoming = [m for m in sandbox.meetings_of(user.id) if m["_start"] >= sandbox.now() - 3600]
        installed = [sandbox.clients[c] for c in sorted(user.authorized_clients) if c in sandbox.clients]
        return render_template(
            "sandbox/marketplace.html",
            user=user,
            meetings=upcoming,
            installed=installed,
            listings=[c for c in sandbox.clients.values() if c.redirect_uris],
            when=lambda m: _zoom_time(m["_start"]),
            session_buttons=[(action, presence.LABELS[action]) for action in presence.ACTIONS],
        )

    @app.post("/marketplace/apps/<client_id>/add")
    def add_from_listing(client_id: str) -> Any:
        """The listing's Add button: Zoom's own consent, then the redirect URL with a code and no state."""
        client = sandbox.clients.get(client_id) or abort(404)
        args = {"client_id": client.client_id, "redirect_uri": client.redirect_uris[-1]}
        if sandbox.has_authorized(sandbox.current_user(), client.client_id):
            return _redirect_with_code(sandbox, client, args)
        return render_template(
            "sandbox/consent.html", client=client, user=sandbox.current_user(), permissions=PERMISSIONS, args=args
        )

    @app.post("/marketplace/meetings/<int:meeting_id>/passcode")
    def change_passcode(meeting_id: int) -> Any:
        """A new passcode in Zoom's web portal: a new join link, announced by meeting.updated."""
        user = sandbox.current_user()
        with sandbox.lock:
            meeting = sandbox.meetings.get(meeting_id) or abort(404)
            old = {"id": meeting_id, "password": meeting["password"], "join_url": meeting["join_url"]}
            meeting["password"] = secrets.token_hex(3)
            meeting["encrypted_password"] = _new_pwd()
            meeting["join_url"] = _join_url(user, meeting_id, meeting["encrypted_password"])
            changed = {"id": meeting_id, "password": meeting["password"], "join_url": meeting["join_url"]}
        _notify_apps(sandbox, user, "meeting.updated", {"object": changed, "old_object": old})
        return redirect("/marketplace")

    @app.post("/marketplace/meetings/<int:meeting_id>/delete")
    def delete_from_marketplace(meeting_id: int) -> Any:
        user = sandbox.current_user()
        with sandbox.lock:
            meeting = sandbox.meetings.pop(meeting_id, None)
        if meeting is not None:
            deleted = {
                "uuid": meeting["uuid"],
                "id": meeting_id,
                "host_id": user.id,
                "topic": meeting["topic"],
                "type": meeting["type"],
                "start_time": _zoom_time(meeting["_start"]),
                "duration": meeting["duration"],
                "timezone": meeting["timezone"],
            }
            _notify_apps(sandbox, user, "meeting.deleted", {"object": deleted})
        return redirect("/marketplace")

    @app.post("/marketplace/apps/<client_id>/uninstall")
    def uninstall(client_id: str) -> Any:
        client = sandbox.clients.get(client_id) or abort(404)
        user_id = sandbox.uninstall(sandbox.current_user_id, client_id)
        send_webhook(sandbox, client, "app_deauthorized", _deauthorized_payload(sandbox, client, user_id))
        return redirect("/marketplace")


def _control_routes(app: Flask, sandbox: SandboxState) -> None:
    """Switches for tests and benchmarks; Zoom has no such thing."""

    @app.post("/_sandbox/settings")
    def settings() -> Any:
        body = request.get_json(force=True)
        with sandbox.lock:
            if "latency_ms" in body:
                sandbox.latency_ms = int(body["latency_ms"])
            if "token_lifetime" in body:
                sandbox.token_lifetime = int(body["token_lifetime"])
            if "clock_offset" in body:
                sandbox.clock_offset = float(body["clock_offset"])
            if "account_type" in body:
                sandbox.current_user().account_type = int(body["account_type"])
            if "join_host" in body:
                sandbox.current_user().join_host = str(body["join_host"])
        return jsonify({"ok": True})

    @app.post("/_sandbox/faults")
    def add_fault() -> Any:
        body = request.get_json(force=True)
        sandbox.add_fault(
            Fault(
                body.get("method", "*"),
                body.get("path_prefix", "/"),
                body["kind"],
                int(body.get("count", 1)),
                body.get("retry_after"),
            )
        )
        return jsonify({"ok": True})

    @app.post("/_sandbox/expire-tokens")
    def expire_tokens() -> Any:
        sandbox.expire_access_tokens()
        return jsonify({"ok": True})

    @app.post("/_sandbox/webhooks/<int:index>/resend")
    def resend(index: int) -> Any:
        """Deliver a sent event again, byte for byte: Zoom's retry of a delivery it thinks failed."""
        record = sandbox.webhooks_sent[index]
        for client_id in list(sandbox.current_user().authorized_clients):
            if client := sandbox.clients.get(client_id):
                _post_signed(client, record["body"].encode(), record)
        return jsonify({"status": record["status"]})

    @app.get("/_sandbox/calls")
    def calls() -> Any:
        with sandbox.lock:
            return jsonify(list(sandbox.calls))


def _notify_apps(
    sandbox: SandboxState, user: User, event: str, payload: dict[str, Any], event_ms: int | None = None
) -> None:
    """Send a meeting event to every app the host has added, as Zoom does. A change someone made names its
    operator; a session event (event_ms: when it happened) names none."""
    operated = {"operator": user.email, "time_stamp": int(time.time() * 1000)} if event_ms is None else {}
    full = {"account_id": user.account_id, **operated, **payload}
    for client_id in list(user.authorized_clients):
        client = sandbox.clients.get(client_id)
        if client:
            send_webhook(sandbox, client, event, full, event_ms)


def _deauthorized_payload(sandbox: SandboxState, client: ClientApp, user_id: str) -> dict[str, Any]:
    return {
        "account_id": sandbox.users[user_id].account_id,
        "user_id": user_id,
        "signature": secrets.token_hex(32),
        "deauthorization_time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "client_id": client.client_id,
        "event_ts": int(time.time() * 1000),
    }


def send_webhook(
    sandbox: SandboxState, client: ClientApp, event: str, payload: dict[str, Any], event_ms: int | None = None
) -> None:
    """Post a signed event to the app's webhook, as Zoom does (best effort, no retries here)."""
    event_ts = int(time.time() * 1000) if event_ms is None else event_ms
    body = json.dumps({"event": event, "event_ts": event_ts, "payload": payload}).encode()
    record = {"event": event, "payload": payload, "status": None, "body": body.decode()}
    sandbox.webhooks_sent.append(record)
    _post_signed(client, body, record)


def _post_signed(client: ClientApp, body: bytes, record: dict[str, Any]) -> None:
    """Sign and post one body to the app (again, for a replay: Zoom retries a delivery with the same body)."""
    if not client.webhook_url or not client.webhook_secret:
        return
    timestamp = str(int(time.time()))
    signature = (
        "v0=" + hmac.new(client.webhook_secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    )
    headers = {"Content-Type": "application/json", "x-zm-request-timestamp": timestamp, "x-zm-signature": signature}
    try:
        record["status"] = requests.post(client.webhook_url, data=body, headers=headers, timeout=3).status_code
    except requests.RequestException:
        record["status"] = "unreachable"
