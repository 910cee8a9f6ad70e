// What the appointment page's buttons do: add, check and remove the meeting, settle an orphaned one, copy.

import { clearAlert, handleError, helpLink, needsReconnect, showAlert, startConnect } from "./alerts.js";
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
  if (fresh) {
    fresh.textContent = answer.body.message;
    if (help) fresh.append(" ", helpLink(help));
  }
}

export async function copyText(button) {
  const feedback = button.parentElement?.querySelector(".copied");
  try {
    await navigator.clipboard.writeText(button.dataset.copyText);
    if (feedback) feedback.textContent = texts.copied;
  } catch {
    if (feedback) feedback.textContent = texts.copy_failed;
  }
  if (feedback) window.setTimeout(() => { feedback.textContent = ""; }, 2500);
}
