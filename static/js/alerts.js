// The page's alert, its "What to do" links, and the way to Zoom's consent when the connection is missing or dead.

const RECONNECT_CODES = new Set(["zoom_not_connected", "zoom_reconnect", "zoom_token_invalid"]);
const FALLBACK_MESSAGE = "Something went wrong. Nothing was changed; please try again.";

const appointment = () => document.getElementById("appointment");

export function needsReconnect(code) {
  return RECONNECT_CODES.has(code);
}

// A link to the message's entry in Help ("What to do"), as the server's own pages have.
export function helpLink(href) {
  const link = document.createElement("a");
  link.className = "help-link";
  link.href = href;
  link.textContent = "What to do";
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
    button.textContent = "Reconnect Zoom";
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
  if (answer.code === "zoom_not_connected" && context === "add") {
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
  showAlert(answer.message || FALLBACK_MESSAGE, false, answer.help);
}
