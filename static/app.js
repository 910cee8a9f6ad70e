// The appointment page's behaviour: add, check and remove the Zoom meeting, copy links.
// Every request that may call Zoom runs inside navigator.locks.request("zoom"), so one
// browser never has two Zoom calls (and two token refreshes) in flight at once.
"use strict";

(() => {
  const RETRY_HEADER = "X-Zoom-Retry";
  const FALLBACK_MESSAGE = "Something went wrong. Nothing was changed; please try again.";
  const RECONNECT_CODES = new Set(["zoom_not_connected", "zoom_reconnect", "zoom_token_invalid"]);

  const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content || "";
  const appointment = () => document.getElementById("appointment");

  function withZoomLock(task) {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("zoom", task);
    }
    return task();
  }

  async function send(url, retry) {
    const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
    if (retry) headers[RETRY_HEADER] = "1";
    let response;
    try {
      response = await fetch(url, { method: "POST", headers, credentials: "same-origin" });
    } catch {
      return { ok: false, status: 0, code: "network", message: "The app could not be reached. Check the connection and try again; nothing was changed." };
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    const error = body && body.error;
    return {
      ok: response.ok,
      status: response.status,
      body,
      code: error ? error.code : response.ok ? null : "unknown",
      message: error ? error.message : FALLBACK_MESSAGE,
      help: error && typeof error.help === "string" && error.help.startsWith("/help#") ? error.help : null,
    };
  }

  // One Zoom-calling request; "retry" means another tab rotated the tokens: ask once more.
  function zoomRequest(url) {
    return withZoomLock(async () => {
      const answer = await send(url, false);
      if (answer.status === 409 && answer.code === "zoom_retry") {
        return send(url, true);
      }
      return answer;
    });
  }

  // A link to the message's entry in Help ("What to do"), as the server's own pages have.
  function helpLink(href) {
    const link = document.createElement("a");
    link.className = "help-link";
    link.href = href;
    link.textContent = "What to do";
    return link;
  }

  function showAlert(message, reconnect, help) {
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

  function clearAlert() {
    const box = document.getElementById("page-alert");
    if (box) {
      box.hidden = true;
      box.replaceChildren();
    }
  }

  // To Zoom's consent, always by the page's own form (a POST with its token, never a link);
  // with thenAdd the meeting asked for is created on return.
  function startConnect(thenAdd, reconnect) {
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

  function handleError(answer, context) {
    if (answer.code === "zoom_not_connected" && context === "add") {
      startConnect(true, false);
      return;
    }
    if (RECONNECT_CODES.has(answer.code)) {
      markDisconnected();
      showAlert(answer.message, context === "add" ? "add" : "connect", answer.help);
      // The click that found the connection dead goes straight on to Zoom, then creates the meeting.
      if (context === "add") startConnect(true, true);
      return;
    }
    showAlert(answer.message || FALLBACK_MESSAGE, false, answer.help);
  }

  function setBusy(button, busy) {
    if (!button) return;
    button.setAttribute("aria-busy", busy ? "true" : "false");
    button.disabled = busy;
  }

  // The server already accepts only https Zoom join links; the page checks again before linking.
  const ZOOM_JOIN_LINK = /^https:\/\/([a-z0-9-]+\.)*(zoom\.us|zoom\.com|zoomgov\.com)(:443)?\/[jw]\/\d{9,19}([?#]\S*)?$/i;

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
    if (ZOOM_JOIN_LINK.test(meeting.join_url)) field("join-link").href = meeting.join_url;
    field("copy-link").dataset.copyText = meeting.join_url;
    field("copy-invitation").dataset.copyText = meeting.invitation;
    part(meeting.personal_link ? "invitation" : "personal-link").remove();
    field("topic").textContent = meeting.topic;
    field("meeting-id").textContent = meeting.meeting_id_display;
    const check = widget.querySelector("[data-meeting-check]");
    const connect = part("connect-link");
    if (meeting.note) {
      // Ended, or a copied or typed line: said instead of checking with Zoom.
      check.replaceChildren(meeting.note, " ", helpLink(`/help#${encodeURIComponent(meeting.note_code)}`));
      if (!meeting.created_here) widget.querySelector("[data-remove-meeting]").remove();
    } else if (page.dataset.zoomConnected === "true") {
      connect.remove();
    } else {
      connect.addEventListener("click", () => startConnect(false, false));
    }
    widget.dataset.checkable = String(!meeting.note);
    widget.querySelector("[data-remove-meeting]")?.setAttribute("data-url", page.dataset.removeUrl);
    return widget;
  }

  // The meeting area shows the meeting, or the camera button while the appointment can get one.
  function renderMeeting(meeting, cancelled) {
    const area = document.getElementById("meeting-area");
    const page = appointment();
    if (!area || !page) return;
    if (meeting) area.replaceChildren(meetingWidget(meeting, page));
    else if (cancelled) area.replaceChildren();
    else area.replaceChildren(fromTemplate("add-meeting-template"));
    localizeTimes(area);
  }

  function showMeeting(body) {
    const page = appointment();
    if (page && typeof body.cancelled === "boolean") page.dataset.cancelled = String(body.cancelled);
    if ("meeting" in body) renderMeeting(body.meeting, body.cancelled === true);
    const notes = document.getElementById("notes");
    if (notes && typeof body.notes === "string") notes.textContent = body.notes;
  }

  async function addMeeting() {
    const page = appointment();
    const button = document.querySelector("[data-add-meeting]");
    if (!page || !button || button.getAttribute("aria-busy") === "true") return;
    clearAlert();
    if (page.dataset.zoomConnected !== "true") {
      startConnect(true);
      return;
    }
    setBusy(button, true);
    const status = document.querySelector("[data-add-status]");
    if (status) status.textContent = "Creating the Zoom meeting…";
    const answer = await zoomRequest(page.dataset.meetingUrl);
    if (answer.ok) {
      showMeeting(answer.body);
      return;
    }
    setBusy(button, false);
    if (status) status.textContent = "";
    handleError(answer, "add");
  }

  async function removeMeeting(button) {
    if (!window.confirm("Remove this Zoom meeting? It is deleted in Zoom and its line is removed from the notes.")) return;
    clearAlert();
    setBusy(button, true);
    const answer = await zoomRequest(button.dataset.url);
    if (answer.ok) {
      showMeeting(answer.body);
      const status = document.querySelector("[data-add-status]");
      if (status) status.textContent = "The meeting was removed.";
      return;
    }
    setBusy(button, false);
    handleError(answer, "remove");
  }

  // The app's meeting whose line was deleted by hand: delete it in Zoom, or keep it and put its line back.
  async function settleOrphan(button) {
    const deleting = button.dataset.orphanAction === "delete";
    if (deleting && !window.confirm("Delete this meeting in Zoom? A registered client is told it is cancelled.")) return;
    clearAlert();
    setBusy(button, true);
    const answer = await zoomRequest(button.dataset.url);
    if (answer.ok) {
      document.getElementById("orphaned-meeting")?.remove();
      showMeeting(answer.body);
      const status = document.querySelector("[data-add-status]");
      if (status) status.textContent = deleting ? "The meeting was deleted in Zoom." : "";
      return;
    }
    setBusy(button, false);
    handleError(answer, deleting ? "remove" : "keep");
  }

  async function checkMeeting() {
    const page = appointment();
    const region = document.querySelector("[data-meeting-id]");
    if (!page || !region || page.dataset.zoomConnected !== "true" || region.dataset.checkable !== "true") return;
    const check = region.querySelector("[data-meeting-check]");
    if (check) check.textContent = "Checking with Zoom…";
    const answer = await zoomRequest(`${page.dataset.meetingUrl}/status`);
    if (!answer.ok) {
      if (RECONNECT_CODES.has(answer.code)) {
        if (check) check.textContent = "";
        handleError(answer, "check");
      } else if (check) {
        check.textContent = answer.code === "network" || !answer.body ? "Couldn't check this meeting with Zoom just now." : answer.message;
      }
      return;
    }
    const state = answer.body.state;
    const help = typeof answer.body.help === "string" && answer.body.help.startsWith("/help#") ? answer.body.help : null;
    if (state === "gone" || state === "updated") showMeeting(answer.body);
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

  async function copyText(button) {
    const feedback = button.parentElement?.querySelector(".copied");
    try {
      await navigator.clipboard.writeText(button.dataset.copyText);
      if (feedback) feedback.textContent = "Copied";
    } catch {
      if (feedback) feedback.textContent = "Copy failed: select the link and copy it by hand.";
    }
    if (feedback) window.setTimeout(() => { feedback.textContent = ""; }, 2500);
  }

  const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

  // The same shape as the Zoom line ("Tuesday, November 11 2025 6:00 pm"), in the browser's own zone.
  function formatLocal(date) {
    const hour = date.getHours() % 12 || 12;
    const minutes = String(date.getMinutes()).padStart(2, "0");
    const ampm = date.getHours() < 12 ? "am" : "pm";
    return `${WEEKDAYS[date.getDay()]}, ${MONTHS[date.getMonth()]} ${date.getDate()} ${date.getFullYear()} ${hour}:${minutes} ${ampm}`;
  }

  function localizeTimes(root) {
    const spaZone = document.body.dataset.spaTimezone;
    const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!spaZone || spaZone === browserZone) return;
    root.querySelectorAll("time[data-local-time]").forEach((element) => {
      const date = new Date(element.getAttribute("datetime"));
      if (!Number.isNaN(date.getTime())) element.textContent = `${formatLocal(date)} (your time)`;
    });
  }

  // Forms whose submission may call Zoom hold the lock until the next page replaces this one.
  function submitUnderLock(form) {
    if (form.dataset.submitting === "true") return;
    form.dataset.submitting = "true";
    withZoomLock(() => new Promise((release) => {
      window.addEventListener("pagehide", release, { once: true });
      window.setTimeout(() => {
        form.dataset.submitting = "false";
        release();
      }, 30000);
      form.submit();
    }));
  }

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
    const orphan = target.closest("[data-orphan-action]");
    if (orphan) {
      settleOrphan(orphan);
      return;
    }
    const copy = target.closest("[data-copy-text]");
    if (copy) copyText(copy);
  });

  document.addEventListener("DOMContentLoaded", () => {
    const page = appointment();
    const area = document.getElementById("meeting-area");
    if (page && area) renderMeeting(JSON.parse(area.dataset.meeting || "null"), page.dataset.cancelled === "true");
    localizeTimes(document);
    if (page && page.dataset.autoAdd === "true" && document.querySelector("[data-add-meeting]")) {
      addMeeting();
    } else {
      checkMeeting();
    }
  });
})();
