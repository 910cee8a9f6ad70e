// Who is in the meeting, live (issue 21): the appointment page and the day list ask the app every few
// seconds what Zoom's events said. The answer is read from the database only (no Zoom call, no lock):
// an event received by any of the app's servers shows on a page served by any other.

import { arrivalAlertWanted, noticeArrivals } from "./arrivals.js";
import { ageChecks } from "./checked.js";
import { followAppointment, followRows } from "./follow.js";

const EVERY_MS = 2000; // until the server says (next_poll_seconds: often near a meeting, seldom elsewhere)
const AFTER_FAILURE_MS = 10000;
const WHILE_HIDDEN_MS = 10000; // a tab in the background asks only for the arrival alert, and less often

// When the server asks this page to ask again: its answer's next_poll_seconds (issue 30: a chain's open pages).
function nextMs(body) {
  const seconds = Number(body.next_poll_seconds);
  return seconds > 0 ? seconds * 1000 : EVERY_MS;
}

function show(element, text) {
  if (!element) return;
  element.textContent = text || "";
  element.hidden = !text;
}

async function ask(url) {
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (response.status === 401 || response.status === 403) return { stop: true };
    return response.ok ? { body: await response.json() } : {};
  } catch {
    return {};
  }
}

function poll(url, apply) {
  const next = async () => {
    const hidden = document.visibilityState === "hidden";
    if (hidden && !arrivalAlertWanted()) {
      setTimeout(next, EVERY_MS);
      return;
    }
    const answer = await ask(url);
    if (answer.stop) return;
    if (answer.body) await apply(answer.body);
    ageChecks(document);
    setTimeout(next, !answer.body ? AFTER_FAILURE_MS : hidden ? WHILE_HIDDEN_MS : nextMs(answer.body));
  };
  next(); // the page is served without who is in the meeting: ask as it opens
}

// Each answer also carries the appointment's version: a new one redraws the widget, the notes and the mail
// state from the database (follow.js). A redraw that fails is tried again at the next answer.
function watchAppointment() {
  const section = document.getElementById("presence");
  if (!section) return;
  let version = section.dataset.version;
  poll(section.dataset.presenceUrl, async (body) => {
    show(document.getElementById("presence-now"), body.presence);
    show(document.getElementById("presence-attendance"), body.attendance);
    await noticeArrivals(body.waiting);
    if (!body.version || body.version === version) return;
    try {
      await followAppointment();
      version = body.version;
    } catch {
      // the same version is seen as new again next time
    }
  });
}

function watchDay() {
  const day = document.getElementById("presence-day");
  const ids = [...document.querySelectorAll("[data-appointment-row]")].map((row) => row.dataset.appointmentRow);
  if (!day || ids.length === 0) return;
  poll(`${day.dataset.presenceUrl}?ids=${ids.join(",")}`, async (body) => {
    const versions = body.versions || {};
    const changed = ids.filter((id) => {
      const row = document.querySelector(`[data-appointment-row="${id}"]`);
      return row && id in versions && row.dataset.version !== versions[id];
    });
    if (changed.length) {
      try {
        await followRows(changed);
      } catch {
        // the list could not be read again (an error page): tried at the next change, not at every answer
        for (const id of changed) {
          const row = document.querySelector(`[data-appointment-row="${id}"]`);
          if (row) row.dataset.version = versions[id];
        }
      }
    }
    for (const row of document.querySelectorAll("[data-presence-for]")) {
      show(row, (body.presence || {})[row.dataset.presenceFor]);
    }
    await noticeArrivals(body.waiting);
  });
}

export function watchPresence() {
  watchAppointment();
  watchDay();
}
