// Pages left open follow the truth (issue 28): the presence poll carries a version of each appointment, and
// when it changes the page redraws from the app's database (never Zoom): the appointment page its widget, notes
// and mail state from GET …/meeting/shown; the day list its changed rows from the day list itself.

import { keepRemoveConfirm, showDeleted } from "./told.js";
import { showMeeting } from "./widget.js";

const appointment = () => document.getElementById("appointment");

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!response.ok) throw new Error(`${response.status}`);
  return response.json();
}

// What the widget showed that came from Zoom's answers or this page's own doings (the check's line, the
// waiting room and passcode, the add or remove status) still holds for the same meeting: it is kept.
const CARRIED = ["[data-meeting-check]", "[data-protection]", "[data-add-status]"];

function redrawMeeting(body) {
  const area = document.getElementById("meeting-area");
  const before = area?.querySelector("[data-meeting-id]")?.dataset.meetingId;
  const kept = area ? CARRIED.map((selector) => [...area.querySelectorAll(selector)]) : [];
  showMeeting(body);
  showDeleted(body.deleted_in_zoom); // a deletion in Zoom reaches the open page with its notice and actions
  keepRemoveConfirm(body);
  const after = area?.querySelector("[data-meeting-id]")?.dataset.meetingId;
  if (!area || before !== after) return;
  CARRIED.forEach((selector, index) => {
    area.querySelectorAll(selector).forEach((fresh, n) => {
      const old = kept[index][n];
      if (old && !(selector === "[data-meeting-check]" && fresh.closest("[data-checkable='false']"))) {
        fresh.replaceWith(old);
      }
    });
  });
}

// The appointment page: the widget, the notes and the mail state as the database has them now.
export async function followAppointment() {
  const page = appointment();
  if (!page) return;
  redrawMeeting(await getJson(`${page.dataset.meetingUrl}/shown`));
}

// The text a copy button may hand out: the line's own, read again now. Rejects with "stale" (after redrawing
// the widget) when the meeting or its link is no longer what the button was showing.
export async function freshCopyText(field, shown) {
  const page = appointment();
  if (!page) return shown;
  const body = await getJson(`${page.dataset.meetingUrl}/shown`);
  const meeting = body.meeting;
  const now = meeting ? { "copy-link": meeting.join_url, "copy-invitation": meeting.invitation }[field] : null;
  if (now === shown) return shown;
  redrawMeeting(body);
  throw "stale";
}

// The day list: each changed row as the day list renders it now (the page itself reads only the database).
// A row no longer on that day goes; the check with Zoom said of a row stays with it.
export async function followRows(ids) {
  const response = await fetch(window.location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" });
  if (!response.ok) throw new Error(`${response.status}`);
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  for (const id of ids) {
    const row = document.querySelector(`[data-appointment-row="${id}"]`);
    const now = fresh.querySelector(`[data-appointment-row="${id}"]`);
    if (!row) continue;
    if (!now) {
      row.remove();
      continue;
    }
    const checked = row.querySelector("[data-day-check]");
    const cell = now.querySelector("[data-day-check]");
    if (checked && cell) cell.replaceWith(checked);
    row.replaceWith(document.importNode(now, true));
  }
}
