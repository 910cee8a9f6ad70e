"""Every error and warning staff can see, in one table: the app says them, the Help page explains them.

Each message has a stable code. The app shows `say(code)`, links it to `/help#<code>`, and the
Help page's troubleshooting lists every entry with what to do, so the guide cannot drift from
the app. Plain data: no Flask, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import NamedTuple

FIX_IN_ZOOM = "https://zoom.us/meeting#/upcoming"
ONE_BROWSER = "A Zoom user can be connected in one browser at a time."
RECONNECT_REASON = (
    "Zoom ended this browser's connection (the app was uninstalled or disconnected, or this Zoom user "
    f"connected in another browser). {ONE_BROWSER}"
)
OTHER_ACCOUNT = "This meeting belongs to another Zoom account, so it can't be changed from here."
NOT_CREATED_HERE = (
    "This Zoom line was not created here for this appointment (it was copied or typed into the notes), "
    "so SimpleSpa never changes its meeting in Zoom."
)

CONNECTING = "Connecting Zoom"
MEETINGS = "Meetings"
FOLLOWING = "Rescheduling and cancelling"
APPOINTMENTS = "Appointments"
SIGNING_IN = "Signing in and pages"
MAIL = "The spa's own email to clients"
AREAS = (CONNECTING, MEETINGS, FOLLOWING, MAIL, APPOINTMENTS, SIGNING_IN)


@dataclass(frozen=True)
class Message:
    code: str
    area: str
    text: str
    fix: str
    example: dict[str, str] = field(default_factory=dict)

    def say(self, **values: object) -> str:
        return self.text.format(**values) if values else self.text

    @property
    def sample(self) -> str:
        """The text as the Help page shows it, with its variable parts named."""
        return self.say(**self.example)


_CATALOGUE = (
    # --- Connecting Zoom -----------------------------------------------------------------
    Message(
        "zoom_not_connected",
        CONNECTING,
        "Connect Zoom to manage meetings.",
        "Click Add Meeting (the camera icon) or Connect Zoom and allow SimpleSpa in Zoom. You come back to "
        "the same page, and a meeting you asked for is created.",
    ),
    Message(
        "zoom_reconnect",
        CONNECTING,
        f"{RECONNECT_REASON} Nothing was changed; connect Zoom again to go on.",
        "Click Add Meeting again (or Reconnect Zoom): Zoom asks you to allow the app, or skips the question "
        "if you already did, and brings you back. If a colleague uses the same Zoom user in another browser, "
        "agree who connects where: connecting here disconnects them.",
    ),
    Message(
        "zoom_token_invalid",
        CONNECTING,
        "Zoom no longer accepts this connection. Please reconnect Zoom.",
        "Click Reconnect Zoom (or Add Meeting) and allow SimpleSpa again.",
    ),
    Message(
        "zoom_retry",
        CONNECTING,
        "Zoom was busy with another tab. Trying again.",
        "Nothing to do: the page asks once more by itself. If it keeps appearing, close the other SimpleSpa "
        "tabs and reload.",
    ),
    Message(
        "connect_expired",
        CONNECTING,
        "This Zoom sign-in link has expired or was opened in another browser. Please connect again.",
        "Start again from the camera icon in the same browser, and allow SimpleSpa within five minutes.",
    ),
    Message(
        "connect_denied",
        CONNECTING,
        "You chose not to allow SimpleSpa in Zoom, so no meeting was created. You can connect any time.",
        "To add meetings, click Add Meeting again and choose Allow in Zoom.",
    ),
    Message(
        "connect_failed",
        CONNECTING,
        "Zoom did not complete the connection. Please try again.",
        "Click Connect Zoom again. If it keeps failing, contact support with the time it happened.",
    ),
    Message(
        "connect_unavailable",
        CONNECTING,
        "Zoom is not answering right now. Please try connecting again in a few minutes.",
        "Wait a few minutes and connect again; Zoom's status page says whether Zoom has an outage.",
    ),
    Message(
        "zoom_missing_permission",
        CONNECTING,
        "Zoom did not give SimpleSpa the permission to {permissions}. The admin of the SimpleSpa app in the "
        "Zoom App Marketplace must add it to the app's scopes; then connect Zoom again.",
        "Ask whoever manages the SimpleSpa app for your Zoom account (the Zoom app's admin) to add the named "
        "scope in the Zoom App Marketplace. Then click Disconnect Zoom and connect again.",
        {"permissions": "create meetings (meeting:write:meeting)"},
    ),
    # --- Meetings --------------------------------------------------------------------------
    Message(
        "zoom_unavailable",
        MEETINGS,
        "Zoom is not answering right now. Please try again in a few minutes; the notes were not changed.",
        "Wait a few minutes and click again. Nothing was saved, so nothing needs undoing.",
    ),
    Message(
        "zoom_slow",
        MEETINGS,
        "Zoom is slow to answer right now, so this was not done. Please try again in a minute; "
        "the notes were not changed.",
        "Wait a minute and click again. If Zoom made the meeting while it was slow, the next Add Meeting "
        "finds that meeting and uses it, never a second one.",
    ),
    Message(
        "zoom_unreadable",
        MEETINGS,
        "Zoom sent an answer the app could not read. The notes were not changed.",
        "Try again in a few minutes. If it keeps happening, contact support with the time it happened.",
    ),
    Message(
        "zoom_busy",
        MEETINGS,
        "Zoom is busy. Please try again in a few seconds; the notes were not changed.",
        "Wait a few seconds and click again. Free Zoom accounts share this per-second limit with every app.",
    ),
    Message(
        "zoom_daily_limit",
        MEETINGS,
        "Today's limit of Zoom meeting changes for this Zoom user is reached; it resets at {time} ({zone}). "
        "The notes were not changed.",
        "Zoom allows 100 meeting creations and changes per Zoom user per day. Try again after the time shown, "
        "or connect another Zoom user.",
        {"time": "7:00 pm", "zone": "the spa's time zone"},
    ),
    Message(
        "zoom_rejected",
        MEETINGS,
        "Zoom refused the request.{detail} The notes were not changed.",
        "Zoom's own words follow 'Zoom said'. Fix what it names in Zoom, or contact support with the message.",
        {"detail": " Zoom said: …"},
    ),
    Message(
        "zoom_meeting_gone",
        MEETINGS,
        "This meeting no longer exists in Zoom.",
        "Create a new meeting with Add Meeting if the appointment still needs one.",
    ),
    Message(
        "meeting_deleted_in_zoom",
        MEETINGS,
        "This meeting was deleted in Zoom, so its line was removed from the notes. The client was not told.",
        "The appointment stays booked. Click Add Meeting to give it a new meeting (a client the spa emailed gets "
        "the new link as an update), or tell the client the session is no longer online.",
    ),
    Message(
        "meeting_deleted_in_zoom_client_holds_link",
        MEETINGS,
        "The Zoom meeting was deleted in Zoom on {when}. {client} was not told, and still holds its link from the "
        "spa's email: that link no longer works.",
        "Choose one. Add Meeting: the client gets the new link by email, as an update of the same calendar entry. "
        "Or Tell the client it is no longer online: the client gets an update by email that keeps the calendar "
        "entry without a link. This notice stays on the appointment page and the day list until you do one of these or "
        "the appointment is over.",
        {"when": "Tuesday, November 11 2025 5:02 pm", "client": "Dana Lee"},
    ),
    Message(
        "meeting_deleted_in_zoom_client_not_told",
        MEETINGS,
        "The Zoom meeting was deleted in Zoom on {when}. {client} was not told: if they were given its link, "
        "that link no longer works.",
        "Choose one. Add Meeting, then give the client the new link. Or tell the client yourself that the session "
        "is no longer online, and click Keep the appointment without a meeting. This notice stays on the appointment "
        "page and the day list until you do one of these or the appointment is over.",
        {"when": "Tuesday, November 11 2025 5:02 pm", "client": "Dana Lee"},
    ),
    Message(
        "meeting_ended",
        MEETINGS,
        "This meeting has ended.",
        "Nothing to do. Zoom forgets a meeting 30 days after its date, so ended meetings are not checked; "
        "the line stays in the notes as a record.",
    ),
    Message(
        "meeting_unchecked",
        MEETINGS,
        "Couldn't check this meeting with Zoom just now.",
        "Nothing changed. Reload the page later to check again.",
    ),
    Message(
        "meeting_check_slow",
        MEETINGS,
        "Zoom is slow; checked later. Nothing was changed.",
        "Nothing to do: the line stays as it is. Reload the page later to check with Zoom again.",
    ),
    Message(
        "meeting_other_account",
        MEETINGS,
        f"{OTHER_ACCOUNT} Its line was left in the notes; its host can change it in Zoom.",
        "The colleague whose Zoom user created the meeting can check, move or remove it, from SimpleSpa or in Zoom.",
    ),
    Message(
        "meeting_other_account_check",
        MEETINGS,
        "This meeting belongs to another Zoom account, so it can't be checked from here.",
        "Nothing to do: the line stays. Its host can check it from their browser.",
    ),
    Message(
        "meeting_not_shown_to_you",
        MEETINGS,
        "Zoom doesn't show this meeting to the connected Zoom account: it may belong to another Zoom account, "
        "so its line was kept.",
        "If the meeting was deleted in Zoom, edit the notes and remove the line by hand.",
    ),
    Message(
        "meeting_not_created_here",
        MEETINGS,
        NOT_CREATED_HERE,
        "The line is your text: keep it, or edit the notes to change or remove it. To give this appointment a "
        "meeting of its own, remove the copied line and click Add Meeting.",
    ),
    # --- Starting a meeting as its host (issue 21) ---
    Message(
        "start_not_created_here",
        MEETINGS,
        "This meeting was not created here, so it can't be started from here: whoever hosts it in Zoom starts it "
        "from Zoom.",
        "The meeting's host starts it from the Zoom app or at https://zoom.us/meeting. To give this appointment a "
        "meeting that can be started here, remove the copied line and click Add Meeting.",
    ),
    Message(
        "start_other_host",
        MEETINGS,
        "Another Zoom user hosts this meeting: only they can start it, with Start meeting in their own browser or "
        "from Zoom.",
        "Ask the colleague whose Zoom user created the meeting to start it. Meetings you create while your own "
        "Zoom user is connected here get a Start meeting button.",
    ),
    Message(
        "start_host_unknown",
        MEETINGS,
        "Zoom did not say that your Zoom user hosts this meeting, so it can't be started from here: its host starts "
        "it from Zoom.",
        "A start link logs anyone in as the meeting's host, so it is handed out only when Zoom names your connected "
        "Zoom user as the host. Start the meeting from the Zoom app or at https://zoom.us/meeting, or ask the "
        "colleague who hosts it.",
    ),
    Message(
        "start_connect_as_host",
        MEETINGS,
        "Its host can start this meeting from here once Zoom is connected in this browser.",
        "Connect Zoom with the Zoom user that created the meeting (Connect Zoom on this page): the Start meeting "
        "button appears.",
    ),
    Message(
        "start_tab_blocked",
        MEETINGS,
        "The browser blocked the new tab for Zoom. Allow pop-ups for this site, then click Start meeting again.",
        "Allow pop-ups (new windows) for SimpleSpa in the browser's address bar or settings. Each click asks Zoom "
        "for a new start link, so nothing is lost by trying again.",
    ),
    # --- The day list's check of today's meetings (issue 21) ---
    Message(
        "day_check_limit",
        MEETINGS,
        "Not checked with Zoom: the day list checks the first {limit} meetings of the day at once.",
        "Open the appointment: its page checks its meeting with Zoom. Reloading the day list checks the first "
        "meetings again.",
        {"limit": "30"},
    ),
    Message(
        "day_check_busy",
        MEETINGS,
        "Not checked with Zoom just now: this browser is checking today's meetings already, or has checked "
        "them several times within a minute. Reload the page in a minute to check again.",
        "The app limits how often one browser's day list checks Zoom, so reloads or many open tabs cannot use "
        "up the Zoom account's per-second limit. Wait a minute and reload the page; an appointment's own page "
        "checks its meeting at any time.",
    ),
    Message(
        "meeting_busy",
        MEETINGS,
        "Another meeting request for this appointment is still running. Please try again in a moment.",
        "Wait a moment and reload the page: the meeting usually appears by itself.",
    ),
    Message(
        "notes_busy",
        MEETINGS,
        "The notes kept changing while the meeting line was being updated. Please try again.",
        "Someone is editing this appointment's notes right now. Try again in a moment.",
    ),
    Message(
        "no_meeting",
        MEETINGS,
        "This appointment has no Zoom meeting.",
        "Reload the page: the meeting may have been removed in another tab.",
    ),
    Message(
        "appointment_cancelled",
        MEETINGS,
        "This appointment is cancelled, so it cannot get a meeting.",
        "Create a new appointment if the client still wants to meet.",
    ),
    Message(
        "meeting_not_saved",
        MEETINGS,
        "The notes could not be saved, so the new Zoom meeting was removed again. Nothing changed; please try again.",
        "Click Add Meeting again.",
    ),
    Message(
        "meeting_not_saved_undo_failed",
        MEETINGS,
        "The meeting was created in Zoom but could not be saved in the notes, and removing it from Zoom failed "
        f"too. Please delete meeting {{meeting_id}} at {FIX_IN_ZOOM}.",
        "Delete the named meeting in Zoom so the client is not sent two links, then click Add Meeting again.",
        {"meeting_id": "857 4606 5432"},
    ),
    Message(
        "join_link_unreadable",
        MEETINGS,
        "Zoom gave the new meeting a join link SimpleSpa can't read back, so the meeting was deleted again in "
        "Zoom. Nothing changed; please contact support.",
        "Contact support: Zoom is handing out a kind of join link the app does not know yet.",
    ),
    # --- Rescheduling and cancelling ---------------------------------------------------------
    Message(
        "zoom_not_followed",
        FOLLOWING,
        "The appointment was saved, but its Zoom meeting was not updated. {reason}. {fix}",
        f"Connect Zoom if asked, then save the appointment again or use Remove meeting; or change the meeting "
        f"in Zoom at {FIX_IN_ZOOM}.",
        {"reason": "Zoom is not connected in this browser", "fix": "Connect Zoom and save the appointment again."},
    ),
    Message(
        "reschedule_into_past",
        FOLLOWING,
        "The appointment now starts in the past, so its Zoom meeting was not moved (Zoom ignores start times in "
        f"the past). Move or delete the meeting in Zoom at {FIX_IN_ZOOM}.",
        "Check the new date. If it is right, move or delete the meeting in Zoom.",
    ),
    Message(
        "reschedule_not_applied",
        FOLLOWING,
        "Zoom did not move the meeting: it still starts {when}. The line in the notes shows Zoom's time; move "
        f"the meeting in Zoom at {FIX_IN_ZOOM}.",
        "Move the meeting in Zoom, or save the appointment again.",
        {"when": "Tuesday, November 11 2025 6:00 pm"},
    ),
    Message(
        "reschedule_other_account",
        FOLLOWING,
        f"The appointment was saved, but not its Zoom meeting. {OTHER_ACCOUNT} Its line was left in the notes; "
        "its host can change it in Zoom.",
        "Ask the colleague whose Zoom user created the meeting to save the appointment again, or to move it in Zoom.",
    ),
    Message(
        "reschedule_not_shown_to_you",
        FOLLOWING,
        "The appointment was saved, but not its Zoom meeting. Zoom doesn't show this meeting to the connected "
        "Zoom account: it may belong to another Zoom account, so its line was kept.",
        "Ask the meeting's host to move it, or remove the line and add a new meeting.",
    ),
    Message(
        "reschedule_gone",
        FOLLOWING,
        "The Zoom meeting had been deleted in Zoom, so its line was removed from the notes. The client was not told.",
        "Click Add Meeting if the appointment still needs a meeting, or tell the client the session is no longer "
        "online (the appointment page offers both).",
    ),
    Message(
        "cancel_other_account",
        FOLLOWING,
        f"The Zoom meeting was not deleted. {OTHER_ACCOUNT} Its line was left in the notes; its host can change "
        "it in Zoom.",
        "Ask the colleague whose Zoom user created the meeting to delete it, from SimpleSpa or in Zoom.",
    ),
    Message(
        "foreign_line_left",
        FOLLOWING,
        f"The Zoom meeting in the notes was left as it is. {NOT_CREATED_HERE}",
        "If that meeting should change too, change it from the appointment it was created for, or in Zoom.",
    ),
    # --- Appointments ------------------------------------------------------------------------
    Message(
        "day_unreadable",
        APPOINTMENTS,
        "That is not a date the appointment list can show (use the date picker); here is today.",
        "Pick the day with the date picker above the list, or use the arrows next to it.",
    ),
    Message(
        "search_only_latest",
        APPOINTMENTS,
        "Only the latest {count} appointments were searched: the name index cannot narrow the whole book down "
        "to a few appointments for “{text}”.",
        "The name index looks up parts of names of three letters or more that few clients share. Type more of the "
        "client's name, or a part of it fewer clients share: a text it narrows to a few appointments is looked "
        "for in the whole book.",
        {"count": "1,000", "text": "ana"},
    ),
    Message(
        "appointment_conflict",
        APPOINTMENTS,
        "This appointment was changed while you were editing it (for example a Zoom meeting was added in "
        "another tab). Your text is kept in the form below; the notes as saved now are shown under it. Check "
        "both, then save again.",
        "Compare your text with the notes as saved now, keep what is right (including any Zoom line), and save.",
    ),
    Message(
        "appointment_invalid",
        APPOINTMENTS,
        "Please fix the fields marked below.",
        "Each field with a problem says what it needs under it.",
    ),
    Message("client_name_missing", APPOINTMENTS, "Enter the client's name.", "Type the client's name."),
    Message(
        "client_name_invalid",
        APPOINTMENTS,
        "The client's name must be one line of at most {limit} characters, without hidden or control characters.",
        "Shorten the name, and retype it if it was pasted from elsewhere.",
        {"limit": "200"},
    ),
    Message(
        "client_name_encoded",
        APPOINTMENTS,
        "The client's name can't hold email's coded text (like =?utf-8?q?…?=): type the name as it is written.",
        "Retype the name as the client writes it, without the =?…?= part; it was probably copied from an email.",
    ),
    Message(
        "client_email_invalid",
        APPOINTMENTS,
        "Enter a valid email address, or leave it empty.",
        "Use an address like name@example.com, or leave it empty (then send the invitation yourself).",
    ),
    Message(
        "client_email_encoded",
        APPOINTMENTS,
        "The email address can't hold email's coded text (like =?utf-8?q?…?=): type the address as it is written.",
        "Retype the address as the client gave it, without the =?…?= part; it was probably copied from an email.",
    ),
    Message(
        "client_timezone_invalid",
        APPOINTMENTS,
        "Choose the client's time zone from the list (like Europe/Lisbon), or leave it empty.",
        "Start typing the client's city or region and pick the zone offered. Leave it empty when the client "
        "lives in the spa's time zone: the spa's email then shows the time in the spa's zone only.",
    ),
    Message(
        "start_invalid",
        APPOINTMENTS,
        "Enter the start as a date and time, like 2026-12-01T15:00.",
        "Pick the date and time in the Start field.",
    ),
    Message(
        "start_out_of_range",
        APPOINTMENTS,
        "Enter a start between the years {first} and {last}.",
        "Check the year of the start: it was probably mistyped.",
        {"first": "1900", "last": "2200"},
    ),
    Message(
        "start_nonexistent",
        APPOINTMENTS,
        "{when} does not exist in {zone} (the clocks change then).",
        "Choose a time an hour earlier or later.",
        {"when": "2026-03-08 02:30", "zone": "the spa's time zone"},
    ),
    Message(
        "duration_invalid",
        APPOINTMENTS,
        "Enter the duration as whole minutes from 1 to {limit}.",
        "Type a whole number of minutes.",
        {"limit": "1440"},
    ),
    Message(
        "notes_too_long",
        APPOINTMENTS,
        "Notes can hold at most {limit} characters.",
        "Shorten the notes; keep long documents elsewhere and link to them.",
        {"limit": "100,000"},
    ),
    Message(
        "notes_unstorable",
        APPOINTMENTS,
        "Notes cannot hold the NUL character or a broken character; remove it and save again.",
        "Such characters come from text pasted from another program or file: retype that part, or paste it "
        "as plain text first. The rest of the notes is kept in the form.",
    ),
    Message(
        "start_unreadable",
        APPOINTMENTS,
        "This appointment's start cannot be read (it was changed outside the app), so no meeting was added.",
        "Click Edit, pick the start again and save; then add the meeting.",
    ),
    # --- Signing in and pages -------------------------------------------------------------------
    Message(
        "sign_in_failed",
        SIGNING_IN,
        "That email and password do not match an account, or sign-in is paused. Please try again.",
        "Check the email and password. After several wrong tries sign-in pauses for a while; whoever runs "
        "SimpleSpa can set you a new password.",
    ),
    Message(
        "sign_in_paused",
        SIGNING_IN,
        "Too many sign-in attempts from here. Please wait {minutes} minute(s) and try again.",
        "Wait the time shown. A browser you signed in with before is held back only by its own mistakes, so "
        "your usual browser still works; whoever runs SimpleSpa can also set you a new password.",
        {"minutes": "2"},
    ),
    Message(
        "csrf_failed",
        SIGNING_IN,
        "This page has expired. Please reload it and try again; nothing was changed.",
        "Reload the page and do it again. It happens when a page stayed open across a sign-out or a long break.",
    ),
    Message("signed_out", SIGNING_IN, "Please sign in again.", "Sign in; you come back to the page you were on."),
    Message(
        "not_found",
        SIGNING_IN,
        "That page or appointment does not exist.",
        "Go back to the appointment list; the appointment may have been opened from an old link.",
    ),
    Message(
        "bad_request",
        SIGNING_IN,
        "The request could not be understood.",
        "Go back, reload the page and try again.",
    ),
    Message("forbidden", SIGNING_IN, "You are not allowed to do that.", "Sign in with a staff account."),
    Message(
        "not_allowed",
        SIGNING_IN,
        "That action is not available here.",
        "Use the buttons on the page rather than a typed address.",
    ),
    Message(
        "input_unstorable",
        SIGNING_IN,
        "The {field} sent holds a character the appointment book cannot store (a NUL or a broken character). "
        "Nothing was changed.",
        "Retype the text rather than pasting it. If a link led here, go back to the appointments and search "
        "from there.",
        {"field": "email"},
    ),
    Message(
        "too_large",
        SIGNING_IN,
        "That is more text than the app accepts at once.",
        "Send less text at once; notes hold at most 100,000 characters.",
    ),
    Message(
        "book_unavailable",
        SIGNING_IN,
        "The appointment book is unavailable, nothing was changed. Please try again in a few minutes.",
        "Wait a few minutes and try again: the appointment book's database is not answering. If it lasts, tell "
        "whoever runs SimpleSpa; the Help, Privacy and Support pages still work meanwhile.",
    ),
    Message(
        "internal_error",
        SIGNING_IN,
        "Something went wrong on our side. Nothing was changed; please try again.",
        "Try again. If it keeps happening, contact support with the time and the page you were on.",
    ),
    # --- Who is in the meeting, from Zoom's events (issue 21) ------------------------------------
    Message(
        "presence_waiting",
        MEETINGS,
        "Client is waiting since {time}.",
        "The client is in the meeting's waiting room. Start the meeting in Zoom (or ask the therapist to) and "
        "admit them. This sentence follows Zoom's events by itself, within a few seconds. SimpleSpa keeps only "
        "the kind and time of each event (no one's name, email or Zoom id), for 24 hours.",
        {"time": "5:58 pm"},
    ),
    Message(
        "presence_in_meeting",
        MEETINGS,
        "Client is in the meeting since {time}.",
        "Nothing to do: the client joined the Zoom meeting at that time.",
        {"time": "6:03 pm"},
    ),
    Message(
        "presence_started",
        MEETINGS,
        "Meeting started at {time}; the client has not joined yet.",
        "Wait a few minutes, then send the client their join link again (Copy invitation) or call them.",
        {"time": "6:00 pm"},
    ),
    Message(
        "presence_nobody",
        MEETINGS,
        "Zoom has reported no one in the meeting yet.",
        "Nothing to do before the appointment. If the client should be there by now, send them their join link "
        "again (Copy invitation) or call them. Shown on the appointment page until the appointment is over.",
    ),
    Message(
        "presence_waiting_host_in",
        MEETINGS,
        "Client is waiting since {time}; the host is in the meeting and can admit them.",
        "The host should admit the client from Zoom's waiting room (Participants, then Admit).",
        {"time": "6:02 pm"},
    ),
    Message(
        "presence_both_in",
        MEETINGS,
        "Client is in the meeting with the host since {time}.",
        "Nothing to do: the session is under way.",
        {"time": "6:03 pm"},
    ),
    Message(
        "presence_client_left",
        MEETINGS,
        "Client left the meeting at {time}; they can rejoin with the same link.",
        "If the client left by mistake, they click their join link again. If they cannot, send it again "
        "(Copy invitation) or call them. The meeting has not ended.",
        {"time": "6:20 pm"},
    ),
    Message(
        "presence_host_left",
        MEETINGS,
        "The host left the meeting at {time}; it has not ended.",
        "The host rejoins with Start meeting (or from Zoom), or ends the meeting in Zoom if the session is over.",
        {"time": "6:30 pm"},
    ),
    Message(
        "presence_ended",
        MEETINGS,
        "Meeting ended at {time}.",
        "Nothing to do: the attendance line in the notes says whether and how long the client joined. It is "
        "the app's own text, written when the meeting ends and rewritten if it is held again.",
        {"time": "6:45 pm"},
    ),
    Message(
        "presence_limit",
        MEETINGS,
        "Zoom ended the meeting at {time}, at its 40-minute limit for free accounts; the client can rejoin with the "
        "same link.",
        "On a free (Basic) Zoom account, Zoom ends a meeting with two or more people in it after 40 minutes. The "
        "client clicks their join link again and the host clicks Start meeting: Zoom starts the same meeting "
        "anew, and SimpleSpa counts every part held around the appointment (from an hour before its start to an "
        "hour after its end) as one session in the attendance line. A paid Zoom plan has no such limit.",
        {"time": "6:40 pm"},
    ),
    Message(
        "presence_closed",
        MEETINGS,
        "Zoom never said when the meeting ended; the record of it stops at {time}.",
        "Zoom drops an event it could not deliver after three retries. An hour after the appointment's end "
        "(and the last word from Zoom), SimpleSpa closes the session itself and writes the attendance line from "
        "what Zoom did report; a client Zoom never reported leaving is counted until the time shown.",
        {"time": "7:00 pm"},
    ),
    Message(
        "presence_waiting_for_host",
        MEETINGS,
        "Client is waiting for the host to start the meeting since {time}.",
        "The client opened their link before the host started the meeting, and the meeting does not let anyone in "
        "before the host. Start the meeting (Start meeting, or in Zoom); the client gets in, or into the waiting "
        "room, by themselves. Zoom sends this only for meetings on a paid (Pro or higher) account.",
        {"time": "5:57 pm"},
    ),
    # Where Zoom's events do not tell the client from staff (a free account's plain join link), the same states
    # say "someone" (SOMEONE below maps each client sentence to its someone sentence).
    Message(
        "presence_someone_waiting",
        MEETINGS,
        "Someone is waiting since {time}.",
        "Someone is in the meeting's waiting room: most likely the client, but on this meeting Zoom does not tell "
        "the client from a member of staff who joins without signing in to Zoom. Start the meeting in Zoom and "
        "admit them.",
        {"time": "5:58 pm"},
    ),
    Message(
        "presence_someone_waiting_host_in",
        MEETINGS,
        "Someone is waiting since {time}; the host is in the meeting and can admit them.",
        "The host should admit them from Zoom's waiting room (Participants, then Admit). Zoom does not tell the "
        "client from staff on this meeting, so SimpleSpa says someone.",
        {"time": "6:02 pm"},
    ),
    Message(
        "presence_someone_waiting_for_host",
        MEETINGS,
        "Someone is waiting for the host to start the meeting since {time}.",
        "Someone opened the meeting's link before the host started it. Start the meeting (Start meeting, or in "
        "Zoom). Zoom does not tell the client from staff on this meeting, so SimpleSpa says someone.",
        {"time": "5:57 pm"},
    ),
    Message(
        "presence_someone_both_in",
        MEETINGS,
        "Someone is in the meeting with the host since {time}.",
        "Nothing to do if that is the client. Zoom does not tell the client from a member of staff who joined "
        "without signing in (the host on a second device, a colleague), so SimpleSpa says someone.",
        {"time": "6:03 pm"},
    ),
    Message(
        "presence_someone_in_meeting",
        MEETINGS,
        "Someone is in the meeting since {time}.",
        "Someone other than the signed-in host joined: most likely the client, but Zoom does not tell the client "
        "from a member of staff who joined without signing in, so SimpleSpa says someone.",
        {"time": "6:03 pm"},
    ),
    Message(
        "presence_someone_left",
        MEETINGS,
        "Someone left the meeting at {time}; they can rejoin with the same link.",
        "If it was the client and they left by mistake, they click their join link again. Zoom does not tell the "
        "client from staff on this meeting, so SimpleSpa says someone.",
        {"time": "6:20 pm"},
    ),
    Message(
        "presence_off",
        MEETINGS,
        "Presence is off: the Zoom user who hosts this meeting disconnected SimpleSpa or removed it in Zoom, so Zoom "
        "no longer tells who joins.",
        "Zoom sends a meeting's events only while its host has SimpleSpa installed. Until that Zoom user connects "
        "Zoom here again (the camera icon, or Add Meeting), pages cannot show who is in their meetings and no "
        "attendance line is written. Signing out does not cause this; Disconnect Zoom and uninstalling in Zoom do.",
    ),
    Message(
        "attendance_dates",
        MEETINGS,
        "The attendance export needs two dates, from and to, written as YYYY-MM-DD, from not after to.",
        "Pick the first and the last day on the day list's Attendance export, or write the address as "
        "/attendance.csv?from=2026-12-01&to=2026-12-31. The days are in the spa's time zone.",
    ),
    Message(
        "attendance_too_long",
        MEETINGS,
        "The attendance export covers at most {days} days at a time.",
        "Export a shorter range (a month, or a year at most), several times if you need more.",
        {"days": "366"},
    ),
    # The arrival alert's opt-in (static/js/arrivals.js), when the browser will not show notifications.
    Message(
        "alert_refused",
        MEETINGS,
        "This browser blocks notifications from SimpleSpa, so the alert for waiting clients is off.",
        "Allow notifications for this site in the browser's site settings (the icon left of the address), then "
        "tick Alert me when a client is waiting again. The day list still shows who is waiting.",
    ),
    Message(
        "alert_unsupported",
        MEETINGS,
        "This browser cannot show notifications from this page, so the alert for waiting clients is off.",
        "Use a current Chrome, Edge, Firefox or Safari on the spa's https address of SimpleSpa. The day list "
        "still shows who is waiting.",
    ),
    # --- Said by the page script itself, when no answer from the app carries a message ----------
    Message(
        "request_failed",
        SIGNING_IN,
        "Something went wrong. Nothing was changed; please try again.",
        "Try again. If it keeps happening, reload the page; then contact support with the time and the page "
        "you were on.",
    ),
    Message(
        "network_unreachable",
        SIGNING_IN,
        "The app could not be reached. Check the connection and try again; nothing was changed.",
        "Check this computer's network connection, then click again. If other sites work, the spa's SimpleSpa "
        "server may be down: tell whoever runs it.",
    ),
    Message(
        "copy_stale",
        MEETINGS,
        "Not copied: the meeting changed since this page showed it. The page now shows it as it is.",
        "The meeting's link changed (a new passcode in Zoom), or the meeting was removed or deleted, while the page "
        "was open. Nothing old was copied: look at the meeting again and click Copy once more if it is still there.",
    ),
    Message(
        "copy_failed",
        MEETINGS,
        "Copy failed: select the link and copy it by hand.",
        "The browser did not let the page copy. Select the link or invitation text and copy it with Ctrl+C "
        "(Cmd+C on a Mac).",
    ),
    # --- The spa's own email to clients ---------------------------------------------------------
    Message(
        "mail_queued",
        MAIL,
        "The {what} to {to} is waiting to be sent.",
        "Nothing to do: it goes as soon as the spa's mail server takes it. If it waits for long, the mail server "
        'is down or answers "try later"; SimpleSpa tries again by itself, waiting a little longer each time (up to '
        "an hour), until the appointment is over. If it waits for hours, tell whoever runs SimpleSpa.",
        {"what": "invitation", "to": "ana@client.example"},
    ),
    Message(
        "mail_sent",
        MAIL,
        "The {what} was sent to {to} on {when}.",
        "Nothing to do. The client's email has the join link and a calendar file; a reschedule or cancel sends "
        "them an update that moves or removes the calendar entry, and a reminder goes before the start.",
        {"what": "invitation", "to": "ana@client.example", "when": "Tuesday, November 11 2025 6:02 pm"},
    ),
    Message(
        "mail_failed",
        MAIL,
        "The {what} to {to} could not be delivered: {why}.",
        "The mail server refused it for good, usually because the address is wrong. Correct the client's email "
        "(Edit), then click Resend invitation. Or click Copy invitation and send it yourself.",
        {"what": "invitation", "to": "ana@client.example", "why": "550 5.1.1 no such mailbox"},
    ),
    Message(
        "mail_too_late",
        MAIL,
        "the mail server did not take it before the appointment ended",
        "The spa's mail server was down or refused for the whole time: tell whoever runs SimpleSpa. Until it "
        "works again, send clients their invitation yourself with Copy invitation.",
    ),
    Message(
        "mail_unwritable",
        MAIL,
        "the client's name or email can't be written in an email",
        "Edit the appointment: the client's name or email holds a line break, a hidden character or email's "
        "coded text (=?…?=), which no email header may carry (it was written outside the app). Correct it, "
        "save, then click Resend invitation.",
    ),
    Message(
        "mail_login_refused",
        MAIL,
        "the mail server refused the spa's login",
        "Tell whoever runs SimpleSpa: the spa's mail settings hold a user or password its mail server no longer "
        "accepts. Letters wait and go once it is fixed.",
    ),
    Message(
        "mail_server_unreachable",
        MAIL,
        "the mail server could not be reached",
        "Nothing is lost: the letter waits and SimpleSpa tries again by itself. If it lasts, tell whoever runs "
        "SimpleSpa that the spa's mail server could not be reached.",
    ),
    Message(
        "mail_resend_too_soon",
        MAIL,
        "The invitation went to the client less than {minutes} minutes ago, so it is not sent again yet: "
        "one resend every {minutes} minutes keeps the client's inbox clear.",
        "Wait a few minutes and click Resend invitation again. The letter list on the appointment page shows "
        "whether the last one was sent, and to which address.",
        {"minutes": "5"},
    ),
    Message(
        "mail_stopped",
        MAIL,
        "The {what} to {to} was stopped on {when} and not sent.",
        "Nothing to do: staff clicked Stop before it went. To send the client their invitation after all, "
        "click Resend invitation.",
        {"what": "reminder", "to": "ana@client.example", "when": "Tuesday, November 11 2025 6:02 pm"},
    ),
    Message(
        "mail_unaddressed",
        MAIL,
        "The {what} is not sent: the appointment has no client email.",
        "A letter goes to the client's email as it is when the letter is sent; the email was removed before "
        "this one went. Add the client's email (Edit), then click Resend invitation, or tell the client yourself.",
        {"what": "invitation"},
    ),
    Message(
        "mail_not_waiting",
        MAIL,
        "That letter is no longer waiting, so it could not be stopped: it was sent, refused or stopped already, "
        "or it is being sent right now.",
        "The letter list on the appointment page says where each letter stands now.",
    ),
    Message(
        "mail_resend_impossible",
        MAIL,
        "There is no invitation to resend: the appointment needs its Zoom meeting, a client email and the spa's mail.",
        "Add the client's email (Edit) and a meeting (Add Meeting). The spa sends its own email only when whoever "
        "runs SimpleSpa has set up the spa's mail server.",
    ),
)

# The meeting-provider port's own codes (meetings/ports.py): the core and any provider's errors that are not
# Zoom's name these. This app's one provider is Zoom and staff know it as Zoom, so each is worded as the Zoom
# code it stands beside (Zoom's errors subtype the port's, keeping their own codes); each has its Help entry.
PROVIDER_CODES = {
    "provider_failed": "zoom_rejected",
    "provider_not_connected": "zoom_not_connected",
    "provider_reconnect": "zoom_reconnect",
    "provider_retry": "zoom_retry",
    "provider_meeting_gone": "zoom_meeting_gone",
    "provider_unavailable": "zoom_unavailable",
    "provider_slow": "zoom_slow",
    "provider_busy": "zoom_busy",
    "provider_daily_limit": "zoom_daily_limit",
    "provider_missing_permission": "zoom_missing_permission",
    "provider_rejected": "zoom_rejected",
}
_CATALOGUE += tuple(
    replace(next(message for message in _CATALOGUE if message.code == worded_as), code=code)
    for code, worded_as in PROVIDER_CODES.items()
)
MESSAGES: dict[str, Message] = {message.code: message for message in _CATALOGUE}

# The codes that mean this browser's Zoom connection is missing or dead: connecting again is the fix,
# so the page offers Reconnect Zoom with them (and Add Meeting goes straight on to Zoom's consent).
RECONNECT_CODES = (
    "zoom_not_connected",
    "zoom_reconnect",
    "zoom_token_invalid",
    "provider_not_connected",
    "provider_reconnect",
)

# What pages and the page script say that is not a message: labels, progress, feedback and
# questions. They need no "what to do", so they have no Help entry. "{when}" and "{local}" are filled in.
WORDS = {
    "help_link": "What to do",
    "reconnect": "Reconnect Zoom",
    "adding": "Creating the Zoom meeting…",
    "checking": "Checking with Zoom…",
    "copied": "Copied",
    "removed": "The meeting was removed.",
    "deleted_in_zoom": "The meeting was deleted in Zoom.",
    "your_time": "{when} (your time: {local})",
    "unreadable_start": "Unreadable start: edit to set it",
    "starting": "Opening Zoom as the meeting's host…",
    "protection_on": "On",
    "protection_off": "Off",
    "start_opened": "Zoom opened in a new tab.",
    "confirm_remove": "Remove this Zoom meeting? It is deleted in Zoom and its line is removed from the notes.",
    "confirm_remove_booked": "Remove this Zoom meeting? It is deleted in Zoom and its line is removed from the notes. "
    "The appointment stays booked, no longer a video call. {told}",
    "confirm_delete_orphan": "Delete this meeting in Zoom? The appointment stays booked, no longer a video call.",
    "not_online_tell": "Tell the client it is no longer online",
    "not_online_keep": "Keep the appointment without a meeting",
    "deleted_in_zoom_row_link": "Zoom meeting deleted in Zoom on {when}; the client still holds its link.",
    "deleted_in_zoom_row": "Zoom meeting deleted in Zoom on {when}; the client was not told.",
    "confirm_cancel": "Cancel this appointment?",
    "confirm_cancel_with_meeting": "Cancel this appointment? Its Zoom meeting will be deleted too.",
    "resend_invitation": "Resend invitation",
    "attendance_by_staff": "Attendance as corrected by staff: {line}",
    "attendance_export": "Attendance export (CSV)",
    "letters_heading": "Emails to the client",
    "stop_letter": "Stop",
    # The arrival alert (static/js/arrivals.js): its opt-in, its notification ({client} as the meeting topic names
    # them; "someone" where Zoom's events do not tell the client from staff), and the tab's title while clients
    # wait ({count} of them; {title} the page's own).
    "alert_when_waiting": "Alert me when a client is waiting",
    "arrival_title": "A client is waiting",
    "arrival_body": "{client} is waiting to join their Zoom meeting.",
    "arrival_someone_title": "Someone is waiting",
    "arrival_someone_body": "Someone is waiting to join the Zoom meeting of the appointment with {client}: most "
    "likely the client.",
    "waiting_count_title": "({count}) {title}",
    "confirm_disconnect": "Disconnect Zoom? This removes SimpleSpa from your Zoom user: until you connect again, "
    "pages stop showing who is in your meetings, no attendance line is written for them, and changes made to them in "
    "Zoom are no longer followed here. Meetings already in notes stay. To end your shift, Sign out instead.",
}
HTTP_CODES = {
    400: "bad_request",
    401: "signed_out",
    403: "forbidden",
    404: "not_found",
    405: "not_allowed",
    413: "too_large",
    500: "internal_error",
}


# What the app tells staff when all went well, and the parts it fills into messages above: no Help
# entry, as there is nothing to fix, but one home like every other sentence staff see.
CONFIRMATIONS = {
    "meeting_checked": "Checked with Zoom just now.",
    # The same check, aged by the page left open (static/js/checked.js): under an hour in minutes, then in hours.
    "checked_minute": "Checked with Zoom 1 minute ago.",
    "checked_minutes": "Checked with Zoom {count} minutes ago.",
    "checked_hour": "Checked with Zoom 1 hour ago.",
    "checked_hours": "Checked with Zoom {count} hours ago.",
    "meeting_updated_from_zoom": "The meeting was changed in Zoom; its line in the notes now matches.",
    "meeting_moved": "The Zoom meeting was moved to the new time.",
    "meeting_new_length": "The Zoom meeting now has the appointment's new length.",
    "meeting_deleted": "The Zoom meeting was deleted.",
    "reason_not_connected": "Zoom is not connected in this browser",
    "fix_after_connecting": "Connect Zoom and {retry}, or {what} it in Zoom at " + FIX_IN_ZOOM + ".",
    "fix_later": "Later, {retry}, or {what} it in Zoom at " + FIX_IN_ZOOM + ".",
    "retry_change": "save the appointment again",
    "retry_delete": "use Remove meeting on this page",
    "start_as_before": "as before",
    "any_permission": "do what was asked",
    "zoom_said": " Zoom said: {said}",
    "no_join_link": " Zoom sent no personal join link.",
    "appointment_saved": "Appointment saved.",
    "appointment_cancelled": "Appointment cancelled.",
    "invitation_resent": "The invitation is queued again.",
    "letter_stopped": "The {what} is stopped: it will not be sent.",
    "told_letter": "{client} will get {what} by email.",
    "told_no_mail": "The spa emails nothing to {client}: it does not send its own email.",
    "told_no_address": "The spa emails nothing to {client}: the appointment has no client email.",
    "told_never_written": "The spa emails nothing to {client}: it has not emailed them about this appointment.",
    "told_waits": "The spa emails nothing to {client} yet: they hear of it once the Zoom meeting follows.",
    "told_nothing_new": "The spa emails nothing to {client} for this change.",
    "no_longer_online": "The appointment stays booked without a meeting.",
    "sign_in_to_connect": "Sign in to finish connecting Zoom.",
    "zoom_connected": "Zoom is connected.",
    "zoom_connected_again": "Zoom is connected again.",
    "zoom_disconnected": "Zoom is disconnected. Meetings already in appointment notes stay there; "
    "connect Zoom again to add or change meetings.",
    "signed_out": "You are signed out. Zoom stays connected for your meetings' presence and attendance; sign in "
    "again to use it from this browser.",
}

# When each presence sentence is shown (the state table of meetings/presence.py STATES, in its order): Help and
# the README list them beside the sentence itself (the message above, by the same code).
PRESENCE_STATES = {
    "presence_closed": "No end came from Zoom; closed an hour after the appointment (and the last event)",
    "presence_limit": "Zoom ended the meeting at its 40-minute limit for free accounts (it can start again)",
    "presence_ended": "The meeting ended",
    "presence_waiting_host_in": "Host in the meeting, client in the waiting room",
    "presence_waiting": "Client in the waiting room, no host in",
    "presence_waiting_for_host": "Client arrived before the host started the meeting (join before host off)",
    "presence_host_left": "The host left and has not come back; the meeting goes on",
    "presence_both_in": "Client and host in the meeting",
    "presence_in_meeting": "Client in the meeting, no host seen",
    "presence_client_left": "Client joined and left (can rejoin)",
    "presence_started": "The meeting started (or the host is in); the client has not come yet",
    "presence_nobody": "Nobody yet (the appointment page only, until the appointment is over)",
}

# The outcome column of the attendance export (meetings/attendance.py Outcome), and what it adds when staff
# corrected the line or no line was written: the export's words, like the sentences above, have one home here.
ATTENDANCE_OUTCOMES = {
    "attended": "attended",
    "late": "late ({minutes} min)",
    "left_early": "left early ({minutes} min before the end)",
    "waited": "waited but was not admitted",
    "not_joined": "did not join",
    "not_started": "the host did not start",
    "corrected": "{outcome} (corrected by staff)",
    "corrected_unreadable": "corrected by staff (see the notes)",
    "removed": "line removed by staff",
    "no_line": "no attendance line",
}

# The sentence of each state where Zoom's events do not tell the client from staff (meetings/presence.py
# client_identified): "Someone …" instead of "Client …". The other states name no participant.
SOMEONE = {
    "presence_waiting_host_in": "presence_someone_waiting_host_in",
    "presence_waiting": "presence_someone_waiting",
    "presence_waiting_for_host": "presence_someone_waiting_for_host",
    "presence_both_in": "presence_someone_both_in",
    "presence_in_meeting": "presence_someone_in_meeting",
    "presence_client_left": "presence_someone_left",
}

# How staff messages name each kind of letter ("The {what} to … is waiting to be sent").
LETTER_KINDS = {
    "invitation": "invitation",
    "update": "updated invitation",
    "new_link": "new join link",
    "new_length": "updated invitation",
    "not_online": "update that the session is no longer online",
    "cancellation": "cancellation",
    "reminder": "reminder",
}

# What staff are told a client gets ("{client} will get {what} by email."), by the letter's kind.
LETTER_NEWS = {
    "invitation": "the invitation",
    "update": "an update with the new time",
    "new_link": "an update with the new join link",
    "new_length": "an update with the new end time",
    "not_online": "an update saying the session is no longer online",
    "cancellation": "a cancellation",
}

# What the spa's own letters to clients say (clients read them, not staff: no Help entry). Filled in:
# {name} the client, {spa} MAIL_FROM's name, {when} the start in the spa's zone {zone}, {link} the join
# link, {client_when} the start in the client's own zone when the appointment has one.
LETTERS = {
    "subject_invitation": "Your video appointment with {spa}: {when}",
    "subject_update": "Changed: your video appointment with {spa} is now {when}",
    "subject_new_link": "New join link: your video appointment with {spa} on {when}",
    "subject_new_length": "Changed: your video appointment with {spa} on {when} now ends at {end}",
    "subject_not_online": "Changed: your appointment with {spa} on {when} is no longer a video call",
    "subject_cancellation": "Cancelled: your video appointment with {spa} on {when}",
    "subject_reminder": "Reminder: your video appointment with {spa} at {when}",
    "greeting": "Hello {name},",
    "body_invitation": "Your appointment with {spa} on {when} ({zone}) is a video call on Zoom.",
    "body_update": "Your appointment with {spa} has moved: it is now on {when} ({zone}) until {end}, a video call "
    "on Zoom. Your calendar entry moves with this email.",
    "body_new_link": "Your video appointment with {spa} on {when} ({zone}) until {end} has a new join link: the "
    "link you had before no longer works. Your calendar entry is updated with this email.",
    "body_new_length": "Your video appointment with {spa} on {when} ({zone}) now ends at {end}. "
    "Your calendar entry is updated with this email.",
    "body_not_online": "Your appointment with {spa} on {when} ({zone}) stays booked, but it is no longer a video "
    "call: the join link you were sent no longer works. Your calendar entry is updated with this email.",
    "body_cancellation": "Your video appointment with {spa} on {when} ({zone}) is cancelled. "
    "Your calendar entry is removed with this email.",
    "body_reminder": "A reminder: your video appointment with {spa} starts on {when} ({zone}).",
    "client_time": " In your time zone that is {when} ({zone}).",
    "join": "Join from any device with this link:",
    "signature": "See you soon,\n{spa}",
    "event_summary": "Video appointment with {spa}",
    "event_description": "Join the video call: {link}",
    "event_summary_not_online": "Appointment with {spa}",
}

# What the webhook answers Zoom (not staff: no Help entry), by the answer's code.
ANSWERS_TO_ZOOM = {
    "bad_signature": "The signature does not match.",
    "bad_body": "The body is not JSON the app can read.",
}

# What each permission the app asks Zoom for (a scope) lets it do, in the words staff see when one is missing.
PERMISSIONS = {
    "meeting:write:meeting": "create meetings",
    "meeting:read:meeting": "check meetings",
    "meeting:read:list_meetings": "find a meeting whose creation Zoom did not confirm, so none is made twice",
    "meeting:update:meeting": "move meetings",
    "meeting:delete:meeting": "delete meetings",
    "meeting:write:registrant": "register clients so Zoom emails them",
    "user:read:user": "see which Zoom user is connected and whether the account is paid",
}


def say(code: str, **values: object) -> str:
    """The message for code, with its variable parts filled in."""
    return MESSAGES[code].say(**values)


def tell(code: str, **values: object) -> str:
    """The confirmation (or message part) for code, with its variable parts filled in."""
    return CONFIRMATIONS[code].format(**values)


class Problem(NamedTuple):
    """One message as shown: its code (for the Help link) and its text."""

    code: str
    text: str

    def __str__(self) -> str:
        return self.text


def problem(code: str, **values: object) -> Problem:
    return Problem(code, say(code, **values))


def by_area() -> list[tuple[str, list[Message]]]:
    """Help's troubleshooting, each message once: a provider code is listed as the Zoom message it is worded as."""
    return [(area, [m for m in _CATALOGUE if m.area == area and m.code not in PROVIDER_CODES]) for area in AREAS]


def help_aliases() -> dict[str, list[str]]:
    """The provider codes each Help entry also stands for, so that their "What to do" links land on it."""
    aliases: dict[str, list[str]] = {}
    for code, worded_as in PROVIDER_CODES.items():
        aliases.setdefault(worded_as, []).append(code)
    return aliases
