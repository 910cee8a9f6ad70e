// The page script's entry (loaded as a module by base.html): it wires the page's forms and buttons.
// The modules beside it: requests.js (JSON requests and the Zoom lock), alerts.js (the page's alert
// and reconnecting), widget.js (the meeting widget), times.js ("(your time)"), actions.js (the buttons),
// server.js (the texts and rules the server hands the script), start.js (Start meeting),
// day.js (the day list's check of today's meetings), presence.js (the presence poll), follow.js (open pages
// redrawn when the poll's version moves; Copy's fresh read), checked.js ("Checked with Zoom …" ageing),
// arrivals.js (the alert when a client is waiting: its opt-in, the notification, the tone and the title's count).

import { addMeeting, checkMeeting, copyText, removeMeeting, settleOrphan } from "./actions.js";
import { wireArrivalAlert } from "./arrivals.js";
import { checkDay } from "./day.js";
import { submitUnderLock } from "./requests.js";
import { startMeeting } from "./start.js";
import { localizeTimes } from "./times.js";
import { renderMeeting } from "./widget.js";
import { watchPresence } from "./presence.js";

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  if (form.hasAttribute("data-zoom-form")) {
    event.preventDefault();
    submitUnderLock(form);
  }
});

document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  const add = target.closest("[data-add-meeting]");
  if (add) {
    addMeeting();
    return;
  }
  const remove = target.closest("[data-remove-meeting]");
  if (remove) {
    removeMeeting(remove);
    return;
  }
  const start = target.closest("[data-start-meeting]");
  if (start) {
    startMeeting(start);
    return;
  }
  const orphan = target.closest("[data-orphan-action]");
  if (orphan) {
    settleOrphan(orphan);
    return;
  }
  const copy = target.closest("[data-copy-text]");
  if (copy) copyText(copy);
});

// Module scripts run once the document is parsed, before DOMContentLoaded.
document.addEventListener("DOMContentLoaded", () => {
  const page = document.getElementById("appointment");
  const area = document.getElementById("meeting-area");
  if (page && area) renderMeeting(JSON.parse(area.dataset.meeting || "null"), page.dataset.cancelled === "true");
  localizeTimes(document);
  checkDay();
  if (page && page.dataset.autoAdd === "true" && document.querySelector("[data-add-meeting]")) {
    addMeeting();
  } else {
    checkMeeting();
  }
});

// Who is in the meeting, live: polls the app (the database only, no Zoom call) while the page is open.
document.addEventListener("DOMContentLoaded", () => {
  wireArrivalAlert();
  watchPresence();
});
