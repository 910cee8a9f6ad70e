// Start meeting: the widget's button for the meeting's host, and its click. Zoom's start link logs
// anyone in as the host, so it is asked of the server only at the click (inside the Zoom lock, like
// every Zoom call), opened in a new tab, and kept nowhere in this page.

import { clearAlert, handleError, helpLink, showAlert } from "./alerts.js";
import { zoomRequest } from "./requests.js";
import { helpFor, helpHref, texts } from "./server.js";

function isWebLink(url) {
  try {
    return ["https:", "http:"].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

// The widget's start part: the button where this browser's Zoom user may host, else who can start it.
export function fillStart(widget, meeting, page) {
  const part = widget.querySelector('[data-part="start"]');
  if (!part) return;
  const start = meeting.start || {};
  const button = part.querySelector("[data-start-meeting]");
  const note = part.querySelector('[data-field="start-note"]');
  if (start.offered) {
    button.dataset.url = page.dataset.startUrl;
  } else if (start.note) {
    button.remove();
    note.replaceChildren(start.note);
    const help = helpHref(start.help);
    if (help) note.append(" ", helpLink(help));
  } else {
    part.remove();
  }
}

function sayProgress(button, text) {
  const note = button.parentElement?.querySelector('[data-field="start-note"]');
  if (note) note.textContent = text;
}

export async function startMeeting(button) {
  if (button.getAttribute("aria-busy") === "true") return;
  clearAlert();
  // The tab is opened now, inside the click: one opened when the answer arrives would be blocked as a pop-up.
  const tab = window.open("", "_blank");
  if (!tab) {
    showAlert(texts.start_tab_blocked, false, helpFor("start_tab_blocked"));
    return;
  }
  tab.opener = null;
  button.setAttribute("aria-busy", "true");
  button.disabled = true;
  sayProgress(button, texts.starting);
  const answer = await zoomRequest(button.dataset.url);
  button.setAttribute("aria-busy", "false");
  button.disabled = false;
  const link = answer.ok && answer.body ? answer.body.start_url : null;
  if (isWebLink(link)) {
    tab.location.replace(link);
    sayProgress(button, texts.start_opened);
    return;
  }
  tab.close();
  sayProgress(button, "");
  handleError(answer, "start");
}
