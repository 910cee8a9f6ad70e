"""The stand-in's meeting sessions: a host starts a meeting, a client waits, joins, leaves, and the meeting
ends, each announced to the apps the host added by the signed events Zoom sends, in Zoom's shapes
(Zoom's Meetings webhooks; field names as in Zoom's official Rivet library types, zoom.github.io/rivet-javascript,
"Meetings.Meeting…Event"):

- meeting.started / meeting.ended: object {uuid, id, host_id, topic, type, start_time, duration,
  timezone} (+ end_time when ended);
- meeting.participant_joined_waiting_room / _left_waiting_room / _admitted / _put_in_waiting_room: object {…,
  participant {user_id, user_name, id, participant_uuid, email, date_time, registrant_id?}};
- meeting.participant_jbh_waiting (join before host off: the client waits for the host; Zoom's Marketplace page
  "Participant Waiting for Host": Pro or higher plans) and meeting.participant_jbh_joined (join before host on:
  the client got in first): participant {id, user_name, registrant_id?};
- meeting.participant_joined / _left: the same participant with join_time / leave_time (+ leave_reason).

`object.id` is a string of digits in participant events, as Zoom's Rivet types and its webhook reference give it
("id: string — The meeting ID"). leave_reason uses Zoom's own texts ("$name left the meeting.", "Host ended the
meeting.", "Host did not join."): Zoom's OpenAPI description lists them for a participant's leave_reason in its
Dashboards "meeting participants" answer (as clients generated from it carry them); that the webhook's
leave_reason uses the same texts is our reading, not confirmed. A client is admitted with
meeting.participant_admitted and no separate "left the waiting room" (shared/zoom-contract.md, turn 4).

The host's participant id is the host's user id (host_id); a client who registered carries their
registrant_id. Each session (from start to end) has its own uuid, as in Zoom.

Zoom's 40-minute limit (the "Zoom's 40-minute limit" button): a Basic (free) account's meeting with two or
more participants is ended by Zoom at 40 minutes; joining the same link again starts a new instance of the
meeting, with the same meeting id and a new uuid. Source: Zoom's support pages on meeting time limits for
Basic accounts, as collected in the project's Zoom contract (turn 4: "A Basic (free) account ends a meeting
with two or more participants after 40 minutes. Joining the same link again starts a new instance: same
meeting id, new uuid"); still worth a live check on a real free account before a release. The stand-in
ends it when the button is pressed (or the test switch says so), whatever the clock: the app must not
rely on the 40 minutes being exact.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from flask import Flask, abort, jsonify, redirect, request

from .state import SandboxState, User

ACTIONS = (
    "host_starts",
    "client_waits_for_host",
    "client_waits",
    "host_admits",
    "client_joins",
    "host_puts_client_back",
    "client_leaves",
    "host_leaves",
    "host_rejoins",
    "meeting_ends",
    "free_limit",
)
LABELS = {
    "client_waits": "Client joins the waiting room",
    "client_waits_for_host": "Client arrives before the host",
    "host_admits": "Host admits the client",
    "host_puts_client_back": "Host puts the client in the waiting room",
    "client_joins": "Client joins",
    "client_leaves": "Client leaves",
    "host_starts": "Host starts",
    "host_leaves": "Host leaves",
    "host_rejoins": "Host rejoins",
    "meeting_ends": "Meeting ends",
    "free_limit": "Zoom's 40-minute limit",
}


def register(app: Flask, sandbox: SandboxState, notify: Any, zoom_time: Any) -> None:
    """The Marketplace page's session buttons, and the same as a test switch that may set the event time."""

    def act(meeting_id: int, action: str, at: float | None) -> list[str]:
        user = sandbox.current_user()
        with sandbox.lock:
            meeting = sandbox.meetings.get(meeting_id) or abort(404)
            sent = _session_events(meeting, user, action, at if at is not None else sandbox.now(), zoom_time)
        for name, payload, event_ms in sent:
            notify(sandbox, user, name, payload, event_ms)
        return [name for name, _, _ in sent]

    @app.post("/marketplace/meetings/<int:meeting_id>/session")
    def session_button(meeting_id: int) -> Any:
        action = request.form.get("action", "")
        if action not in ACTIONS:
            abort(400)
        act(meeting_id, action, None)
        return redirect("/marketplace")

    @app.post("/_sandbox/meetings/<int:meeting_id>/session")
    def session_switch(meeting_id: int) -> Any:
        body = request.get_json(force=True)
        if body.get("action") not in ACTIONS:
            abort(400)
        at = body.get("at")
        return jsonify({"sent": act(meeting_id, body["action"], float(at) if at is not None else None)})


def _session_events(
    meeting: dict[str, Any], user: User, action: str, at: float, zoom_time: Any
) -> list[tuple[str, dict[str, Any], int]]:
    """The events one action causes, in the order Zoom sends them; the meeting remembers who is where."""
    session = meeting.setdefault("_session", {"uuid": _uuid(), "live": False, "client": None})
    session.setdefault("host_in", session["live"])
    base = {
        "uuid": session["uuid"],
        "id": str(meeting["id"]),  # a string in Zoom's participant events (Rivet: "id: string")
        "host_id": user.id,
        "topic": meeting["topic"],
        "type": meeting["type"],
        "start_time": zoom_time(meeting["_start"]),
        "duration": meeting["duration"],
        "timezone": meeting["timezone"],
    }
    ms = int(at * 1000)
    client = _client(meeting)
    host = {"user_id": "16778240", "user_name": f"{user.first_name} {user.last_name}", "id": user.id,
            "participant_uuid": "host-" + session["uuid"][:8], "email": user.email}  # fmt: skip
    events: list[tuple[str, dict[str, Any], int]] = []

    def send(name: str, person: dict[str, Any] | None = None, **times: str) -> None:
        obj = dict(base) if person is None else {**base, "participant": {**person, **times}}
        events.append((name, {"object": obj}, ms))

    def left(person: dict[str, Any], reason: str) -> None:
        send("meeting.participant_left", person, leave_time=zoom_time(at), leave_reason=reason)

    def admit() -> None:  # Zoom's admission; no separate "left the waiting room" comes with it
        send("meeting.participant_admitted", client, date_time=zoom_time(at))
        send("meeting.participant_joined", client, join_time=zoom_time(at))
        session["client"] = "in"

    if action == "host_starts" and not session["live"]:
        session["live"] = session["host_in"] = True
        send("meeting.started")
        send("meeting.participant_joined", host, join_time=zoom_time(at))
        if session["client"] == "awaiting":  # the meeting's waiting room takes the client who waited for the host
            session["client"] = "waiting"
            send("meeting.participant_joined_waiting_room", client, date_time=zoom_time(at))
        if session["client"] == "waiting":  # the host admits the client at once
            admit()
    elif action == "client_waits_for_host" and session["client"] is None and not session["live"]:
        if meeting.get("settings", {}).get("join_before_host"):  # the client starts the meeting
            session["live"], session["client"] = True, "in"
            send("meeting.started")
            send("meeting.participant_jbh_joined", _early(client))
            send("meeting.participant_joined", client, join_time=zoom_time(at))
        else:
            session["client"] = "awaiting"
            send("meeting.participant_jbh_waiting", _early(client))
    elif action == "client_waits" and session["client"] is None:
        session["client"] = "waiting"
        send("meeting.participant_joined_waiting_room", client, date_time=zoom_time(at))
    elif action == "host_admits" and session["client"] == "waiting" and session["host_in"]:
        admit()
    elif action == "client_joins" and session["client"] not in ("in", "awaiting"):
        if session["client"] == "waiting":
            send("meeting.participant_left_waiting_room", client, date_time=zoom_time(at))
        session["client"] = "in"
        send("meeting.participant_joined", client, join_time=zoom_time(at))
    elif action == "host_puts_client_back" and session["client"] == "in" and session["host_in"]:
        session["client"] = "waiting"
        send("meeting.participant_put_in_waiting_room", client, date_time=zoom_time(at))
    elif action == "client_leaves" and session["client"] == "in":
        left(client, f"{client['user_name']} left the meeting.")
        session["client"] = None
    elif action == "client_leaves" and session["client"] == "waiting":
        send("meeting.participant_left_waiting_room", client, date_time=zoom_time(at))
        session["client"] = None
    elif action == "client_leaves" and session["client"] == "awaiting":  # gave up before the host came
        left(client, "Host did not join.")
        session["client"] = None
    elif action == "host_leaves" and session["host_in"]:  # the meeting goes on (Zoom hands it to someone else)
        session["host_in"] = False
        left(host, f"{host['user_name']} left the meeting.")
    elif action == "host_rejoins" and session["live"] and not session["host_in"]:
        session["host_in"] = True
        send("meeting.participant_joined", host, join_time=zoom_time(at))
    elif (action == "meeting_ends" and session["live"]) or (
        action == "free_limit" and session["live"] and (session["client"] == "in") + session["host_in"] >= 2
    ):  # Zoom's limit ends only a meeting of two or more
        # Zoom's text for the host's end; for its time limit the stand-in has no confirmed text of Zoom's, so it
        # says so plainly (the app reads no leave_reason to tell them apart: the meeting's end and its time do).
        reason = "Host ended the meeting." if action == "meeting_ends" else "The meeting reached its time limit."
        if session["client"] == "in":
            left(client, reason)
        if session["host_in"]:
            left(host, reason)
        base["end_time"] = zoom_time(at)
        send("meeting.ended")
        meeting["_session"] = {"uuid": _uuid(), "live": False, "client": None}  # the next session is another
    return events


def _client(meeting: dict[str, Any]) -> dict[str, Any]:
    """The client as a participant: a guest, or the registrant Zoom emailed a personal link."""
    person: dict[str, Any] = {"user_id": "16778241", "user_name": "Client", "id": "",
                              "participant_uuid": "client-" + str(meeting["id"]), "email": ""}  # fmt: skip
    registrants = meeting.get("_registrants") or {}
    if registrants:
        registrant_id, registrant = next(iter(registrants.items()))
        person.update(registrant_id=registrant_id, email=registrant["email"])
    return person


def _early(client: dict[str, Any]) -> dict[str, Any]:
    """The client as Zoom's join-before-host events give a participant (Rivet: id, user_name, registrant_id)."""
    return {key: client[key] for key in ("id", "user_name", "registrant_id") if key in client}


def _uuid() -> str:
    return base64.b64encode(secrets.token_bytes(16)).decode()
