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
        "This meeting was deleted in Zoom, so its line was removed from the notes.",
        "Nothing to do. Click Add Meeting if the appointment still needs a meeting.",
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
        "The Zoom meeting had been deleted in Zoom, so its line was removed from the notes.",
        "Click Add Meeting if the appointment still needs a meeting.",
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
        "That is not a date the book can show (use the date picker); here is today.",
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
        "client_email_invalid",
        APPOINTMENTS,
        "Enter a valid email address, or leave it empty.",
        "Use an address like name@example.com, or leave it empty (then send the invitation yourself).",
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
        "Check the email and password. After several wrong tries sign-in pauses for a while; the owner can "
        "set a new password with the simplespa-zoom set-password command.",
    ),
    Message(
        "sign_in_paused",
        SIGNING_IN,
        "Too many sign-in attempts from here. Please wait {minutes} minute(s) and try again.",
        "Wait the time shown. A browser you signed in with before is held back only by its own mistakes, so "
        "your usual browser still works; the owner can also set a new password with set-password.",
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
        "presence_ended",
        MEETINGS,
        "Meeting ended at {time}.",
        "Nothing to do: the attendance line in the notes says whether and how long the client joined. It is "
        "the app's own text, written when the meeting ends and rewritten if it is held again.",
        {"time": "6:45 pm"},
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
        'is down or answers "try later"; the scheduled send-mail task tries again, waiting a little longer each '
        "time (up to an hour), until the appointment is over.",
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
        "The spa's mail server was down or refused for the whole time. Check SMTP_URL and the mail server; "
        "tell the client yourself next time with Copy invitation.",
    ),
    Message(
        "mail_unwritable",
        MAIL,
        "the client's name or email can't be written in an email",
        "Edit the appointment: the client's name or email holds a character no email header may carry "
        "(it was written outside the app). Save it again, then click Resend invitation.",
    ),
    Message(
        "mail_login_refused",
        MAIL,
        "the mail server refused the spa's login",
        "Whoever runs the server: check the user and password in SMTP_URL. Letters wait and go once it is fixed.",
    ),
    Message(
        "mail_server_unreachable",
        MAIL,
        "the mail server could not be reached",
        "Nothing is lost: the letter waits in the outbox and send-mail tries again. If it lasts, check that the "
        "mail server in SMTP_URL is up.",
    ),
    Message(
        "mail_resend_impossible",
        MAIL,
        "There is no invitation to resend: the appointment needs its Zoom meeting, a client email and the spa's mail.",
        "Add the client's email (Edit) and a meeting (Add Meeting); the spa sends its own email only when "
        "SMTP_URL is set.",
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
# questions. They need no "what to do", so they have no Help entry. "{when}" is filled in.
WORDS = {
    "help_link": "What to do",
    "reconnect": "Reconnect Zoom",
    "adding": "Creating the Zoom meeting…",
    "checking": "Checking with Zoom…",
    "copied": "Copied",
    "removed": "The meeting was removed.",
    "deleted_in_zoom": "The meeting was deleted in Zoom.",
    "your_time": "{when} (your time)",
    "unreadable_start": "Unreadable start: edit to set it",
    "starting": "Opening Zoom as the meeting's host…",
    "protection_on": "On",
    "protection_off": "Off",
    "start_opened": "Zoom opened in a new tab.",
    "confirm_remove": "Remove this Zoom meeting? It is deleted in Zoom and its line is removed from the notes.",
    "confirm_delete_orphan": "Delete this meeting in Zoom? A registered client is told it is cancelled.",
    "confirm_cancel": "Cancel this appointment?",
    "confirm_cancel_with_meeting": "Cancel this appointment? Its Zoom meeting will be deleted too.",
    "resend_invitation": "Resend invitation",
    "confirm_disconnect": "Disconnect Zoom from this browser? Meetings already in notes stay; you will need to connect "
    "again to add or change meetings.",
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
    "sign_in_to_connect": "Sign in to finish connecting Zoom.",
    "zoom_connected": "Zoom is connected.",
    "zoom_connected_again": "Zoom is connected again.",
    "zoom_disconnected": "Zoom is disconnected. Meetings already in appointment notes stay there; "
    "connect Zoom again to add or change meetings.",
    "signed_out": "You are signed out. This browser's Zoom connection was ended too.",
}

# How staff messages name each kind of letter ("The {what} to … is waiting to be sent").
LETTER_KINDS = {"invitation": "invitation", "update": "updated invitation", "cancellation": "cancellation"}

# What the spa's own letters to clients say (clients read them, not staff: no Help entry). Filled in:
# {name} the client, {spa} MAIL_FROM's name, {when} the start in the spa's zone {zone}, {link} the join
# link, {client_when} the start in the client's own zone when the appointment has one.
LETTERS = {
    "subject_invitation": "Your video appointment with {spa}: {when}",
    "subject_update": "Changed: your video appointment with {spa} is now {when}",
    "subject_cancellation": "Cancelled: your video appointment with {spa} on {when}",
    "subject_reminder": "Reminder: your video appointment with {spa} at {when}",
    "greeting": "Hello {name},",
    "body_invitation": "Your appointment with {spa} on {when} ({zone}) is a video call on Zoom.",
    "body_update": "Your appointment with {spa} has changed: it is now on {when} ({zone}), a video call on Zoom. "
    "Your calendar entry moves with this email.",
    "body_cancellation": "Your video appointment with {spa} on {when} ({zone}) is cancelled. "
    "Your calendar entry is removed with this email.",
    "body_reminder": "A reminder: your video appointment with {spa} starts on {when} ({zone}).",
    "client_time": " In your time zone that is {when} ({zone}).",
    "join": "Join from any device with this link:",
    "signature": "See you soon,\n{spa}",
    "event_summary": "Video appointment with {spa}",
    "event_description": "Join the video call: {link}",
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
    return [(area, [m for m in _CATALOGUE if m.area == area]) for area in AREAS]
