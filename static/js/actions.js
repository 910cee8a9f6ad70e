// What the appointment page's buttons do: add, check and remove the meeting, settle an orphaned one, copy.

import { clearAlert, handleError, helpLink, needsReconnect, showAlert, startConnect } from "./alerts.js";
import { markChecked } from "./checked.js";
import { freshCopyText } from "./follow.js";
import { zoomRequest } from "./requests.js";
import { showProtections } from "./protections.js";
import { helpHref, texts } from "./server.js";
import { keepRemoveConfirm, sayTold, showDeleted } from "./told.js";
import { showMeeting } from "./widget.js";

// After every answer that redraws the widget: the deleted-in-Zoom notice and Remove meeting's question follow.
function followAnswer(body) {
  showDeleted(body.deleted_in_zoom);
  keepRemoveConfirm(body);
}

const appointment = () => document.getElementById("appointment");

function setBusy(button, busy) {
  if (!button) return;
  button.setAttribute("aria-busy", busy ? "true" : "false");
  button.disabled = busy;
}

function sayStatus(text) {
  const status = document.querySelector("[data-add-status]");
  if (status) status.textContent = text;
}

export async function addMeeting() {
  const page = appointment();
  const button = document.querySelector("[data-add-meeting]");
  if (!page || !button || button.getAttribute("aria-busy") === "true") return;
  clearAlert();
  if (page.dataset.zoomConnected !== "true") {
    startConnect(true);
    return;
  }
  setBusy(button, true);
  sayStatus(texts.adding);
  const answer = await zoomRequest(page.dataset.meetingUrl);
  if (answer.ok) {
    showMeeting(answer.body);
    followAnswer(answer.body);
    sayTold(answer.body.told);
    showProtections(answer.body.protections);
    return;
  }
  setBusy(button, false);
  sayStatus("");
  handleError(answer, "add");
}

export async function removeMeeting(button) {
  if (!window.confirm(appointment()?.dataset.removeConfirm || texts.confirm_remove)) return;
  clearAlert();
  setBusy(button, true);
  const answer = await zoomRequest(button.dataset.url);
  if (answer.ok) {
    showMeeting(answer.body);
    followAnswer(answer.body);
    sayStatus(texts.removed);
    sayTold(answer.body.told);
    return;
  }
  setBusy(button, false);
  handleError(answer, "remove");
}

// The app's meeting whose line was deleted by hand: delete it in Zoom, or keep it and put its line back.
export async function settleOrphan(button) {
  const deleting = button.dataset.orphanAction === "delete";
  if (deleting && !window.confirm(texts.confirm_delete_orphan)) return;
  clearAlert();
  setBusy(button, true);
  const answer = await zoomRequest(button.dataset.url);
  if (answer.ok) {
    document.getElementById("orphaned-meeting")?.remove();
    showMeeting(answer.body);
    followAnswer(answer.body);
    sayStatus(deleting ? texts.deleted_in_zoom : "");
    sayTold(answer.body.told);
    return;
  }
  setBusy(button, false);
  handleError(answer, deleting ? "remove" : "keep");
}

export async function checkMeeting() {
  const page = appointment();
  const region = document.querySelector("[data-meeting-id]");
  if (!page || !region || page.dataset.zoomConnected !== "true" || region.dataset.checkable !== "true") return;
  const check = region.querySelector("[data-meeting-check]");
  if (check) check.textContent = texts.checking;
  const answer = await zoomRequest(`${page.dataset.meetingUrl}/status`);
  if (!answer.ok) {
    if (needsReconnect(answer.code)) {
      if (check) check.textContent = "";
      handleError(answer, "check");
    } else if (check) {
      check.textContent = answer.code === "network_unreachable" || !answer.body ? texts.meeting_unchecked : answer.message;
    }
    return;
  }
  const state = answer.body.state;
  const help = helpHref(answer.body.help);
  if (state === "gone" || state === "updated") {
    showMeeting(answer.body);
    followAnswer(answer.body);
  }
  showProtections(answer.body.protections);
  if (state === "gone") {
    // The deleted-in-Zoom notice is the page's alert when it shows; else (a past or cancelled appointment) the message.
    if (!answer.body.deleted_in_zoom) showAlert(answer.body.message, false, help);
    return;
  }
  const fresh = document.querySelector("[data-meeting-check]");
  if (fresh && state === "ok") {
    markChecked(fresh);
  } else if (fresh) {
    fresh.textContent = answer.body.message;
    if (help) fresh.append(" ", helpLink(help));
  }
}

// Copy link and Copy invitation hand out only what the line holds now: the text is read again from the
// app (the database, no Zoom call) at the click; when it changed, nothing is copied and the widget is redrawn.
// The clipboard write starts inside the click (a ClipboardItem waiting for the text), as browsers ask.
export async function copyText(button) {
  const field = button.dataset.field;
  const text = field ? freshCopyText(field, button.dataset.copyText) : Promise.resolve(button.dataset.copyText);
  let said = texts.copied;
  try {
    if (window.ClipboardItem && navigator.clipboard.write) {
      const blob = text.then((value) => new Blob([value], { type: "text/plain" }));
      await navigator.clipboard.write([new ClipboardItem({ "text/plain": blob })]);
    } else {
      await navigator.clipboard.writeText(await text);
    }
  } catch {
    said = (await text.then(() => false, (stale) => stale === "stale")) ? texts.copy_stale : texts.copy_failed;
  }
  const shown = field ? document.querySelector(`[data-field="${field}"]`) : button;
  const feedback = shown?.parentElement?.querySelector(".copied");
  if (!feedback) return;
  feedback.textContent = said;
  if (said === texts.copied) window.setTimeout(() => { feedback.textContent = ""; }, 2500);
}
