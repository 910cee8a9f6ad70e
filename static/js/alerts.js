// The page's alert, its "What to do" links, and the way to Zoom's consent when the connection is missing or dead.

import { rules, texts } from "./server.js";

const appointment = () => document.getElementById("appointment");

export function needsReconnect(code) {
  return rules.reconnect_codes.includes(code);
}

// A link to the message's entry in Help ("What to do"), as the server's own pages have.
export function helpLink(href) {
  const link = document.createElement("a");
  link.className = "help-link";
  link.href = href;
  link.textContent = texts.help_link;
  return link;
}

export function showAlert(message, reconnect, help) {
  const box = document.getElementById("page-alert");
  if (!box) return;
  box.replaceChildren(document.createTextNode(message));
  if (help) box.append(" ", helpLink(help));
  if (reconnect) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = texts.reconnect;
    button.addEventListener("click", () => startConnect(reconnect === "add", true));
    box.append(button);
  }
  box.hidden = false;
}

export function clearAlert() {
  const box = document.getElementById("page-alert");
  if (box) {
    box.hidden = true;
    box.replaceChildren();
  }
}

// To Zoom's consent, always by the page's own form (a POST with its token, never a link);
// with thenAdd the meeting asked for is created on return.
export function startConnect(thenAdd, reconnect) {
  const page = appointment();
  const form = document.getElementById("connect-form");
  if (!page || !form) return;
  form.querySelector('input[name="add_meeting"]').value = thenAdd ? page.dataset.appointmentId : "";
  form.querySelector('input[name="reconnect"]').value = reconnect ? "1" : "";
  form.submit();
}

// Zoom ended the connection: stop offering what only a live connection can do.
function markDisconnected() {
  const page = appointment();
  if (page) page.dataset.zoomConnected = "false";
  document.getElementById("disconnect-form")?.remove();
}

export function handleError(answer, context) {
  if (answer.code === rules.not_connected_code && context === "add") {
    startConnect(true, false);
    return;
  }
  if (needsReconnect(answer.code)) {
    markDisconnected();
    showAlert(answer.message, context === "add" ? "add" : "connect", answer.help);
    // The click that found the connection dead goes straight on to Zoom, then creates the meeting.
    if (context === "add") startConnect(true, true);
    return;
  }
  showAlert(answer.message || texts.request_failed, false, answer.help);
}
