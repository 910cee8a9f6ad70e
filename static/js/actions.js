// What the appointment page's buttons do: add, check and remove the meeting, settle an orphaned one, copy.

import { clearAlert, handleError, helpLink, needsReconnect, showAlert, startConnect } from "./alerts.js";
import { zoomRequest } from "./requests.js";
import { showProtections } from "./protections.js";
import { helpHref, texts } from "./server.js";
import { showMeeting } from "./widget.js";

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
    showProtections(answer.body.protections);
    return;
  }
  setBusy(button, false);
  sayStatus("");
  handleError(answer, "add");
}

export async function removeMeeting(button) {
  if (!window.confirm(texts.confirm_remove)) return;
  clearAlert();
  setBusy(button, true);
  const answer = await zoomRequest(button.dataset.url);
  if (answer.ok) {
    showMeeting(answer.body);
    sayStatus(texts.removed);
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
    sayStatus(deleting ? texts.deleted_in_zoom : "");
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
  if (state === "gone" || state === "updated") showMeeting(answer.body);
  showProtections(answer.body.protections);
  if (state === "gone") {
    showAlert(answer.body.message, false, help);
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
