// The meeting widget, built from the meeting's data on page load and after every add, check and remove.

import { helpLink, startConnect } from "./alerts.js";
import { refreshLetters } from "./letters.js";
import { helpFor } from "./server.js";
import { fillStart } from "./start.js";
import { localizeTimes } from "./times.js";

// The server hands only join links its one join-link pattern read from the notes; the page still
// links nothing but https (never javascript: or data:), whatever it is given.
function isHttps(url) {
  try {
    return new URL(url).protocol === "https:";
  } catch {
    return false;
  }
}

const appointment = () => document.getElementById("appointment");

function fromTemplate(id) {
  return document.getElementById(id).content.firstElementChild.cloneNode(true);
}

// Build the widget from the meeting's data: every value goes in as text, never as markup.
function meetingWidget(meeting, page) {
  const widget = fromTemplate("meeting-template");
  const field = (name) => widget.querySelector(`[data-field="${name}"]`);
  const part = (name) => widget.querySelector(`[data-part="${name}"]`);
  widget.dataset.meetingId = meeting.meeting_id;
  const when = field("when");
  when.textContent = meeting.when;
  if (meeting.start_iso) {
    when.setAttribute("datetime", meeting.start_iso);
    when.dataset.localTime = "";
  }
  if (isHttps(meeting.join_url)) field("join-link").href = meeting.join_url;
  field("copy-link").dataset.copyText = meeting.join_url;
  field("copy-invitation").dataset.copyText = meeting.invitation;
  part(meeting.personal_link ? "invitation" : "personal-link").remove();
  const mailState = field("mail-state");
  if (meeting.mail) {
    // The spa emails the client itself (Zoom's emails are off then): where that letter stands replaces
    // the advice to send it yourself and the word that Zoom emailed them.
    mailState.replaceChildren(meeting.mail.text);
    if (meeting.mail.help) mailState.append(" ", helpLink(helpFor(meeting.mail.code))); // none for "sent"
    mailState.classList.toggle("mail-failed", meeting.mail.failed);
    widget.querySelectorAll('[data-part="invitation-hint"]').forEach((hint) => hint.remove());
    part("personal-link")?.remove();
  } else {
    mailState.remove();
    widget.querySelector(`[data-hint="${meeting.client_has_email ? "no-email" : "free-zoom"}"]`)?.remove();
  }
  field("topic").textContent = meeting.topic;
  field("meeting-id").textContent = meeting.meeting_id_display;
  const check = widget.querySelector("[data-meeting-check]");
  const connect = part("connect-link");
  if (meeting.note) {
    // Ended, or a copied or typed line: said instead of checking with Zoom.
    check.replaceChildren(meeting.note, " ", helpLink(helpFor(meeting.note_code)));
    if (!meeting.created_here) widget.querySelector("[data-remove-meeting]").remove();
  } else if (page.dataset.zoomConnected === "true") {
    connect.remove();
  } else {
    connect.addEventListener("click", () => startConnect(false, false));
  }
  fillStart(widget, meeting, page);
  widget.dataset.checkable = String(!meeting.note);
  widget.querySelector("[data-remove-meeting]")?.setAttribute("data-url", page.dataset.removeUrl);
  return widget;
}

// The meeting area shows the meeting, or the camera button while the appointment can get one.
export function renderMeeting(meeting, cancelled) {
  const area = document.getElementById("meeting-area");
  const page = appointment();
  if (!area || !page) return;
  if (meeting) area.replaceChildren(meetingWidget(meeting, page));
  else if (cancelled) area.replaceChildren();
  else area.replaceChildren(fromTemplate("add-meeting-template"));
  localizeTimes(area);
}

// Redraw from a JSON answer: the widget and the notes, as the server now has them.
export function showMeeting(body) {
  const page = appointment();
  if (page && typeof body.cancelled === "boolean") page.dataset.cancelled = String(body.cancelled);
  if ("meeting" in body) renderMeeting(body.meeting, body.cancelled === true);
  const notes = document.getElementById("notes");
  if (notes && typeof body.notes === "string") notes.textContent = body.notes;
  refreshLetters();
}
