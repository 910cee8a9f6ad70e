// What the page says beside the widget after an action: what the client was sent or will be sent, and the
// notice of a meeting deleted in Zoom (shown when the server's answer carries one, hidden once staff acted).

import { helpFor } from "./server.js";

export function sayTold(text) {
  const told = document.getElementById("client-told");
  if (told) told.textContent = text || "";
}

export function showDeleted(deleted) {
  const notice = document.getElementById("deleted-in-zoom");
  if (!notice) return;
  notice.hidden = !deleted;
  if (!deleted) return;
  notice.querySelector("[data-deleted-text]").textContent = deleted.text;
  notice.querySelector("[data-deleted-help]")?.setAttribute("href", helpFor(deleted.code));
}

// Remove meeting's question says what the client will get; each answer brings it anew.
export function keepRemoveConfirm(body) {
  const page = document.getElementById("appointment");
  if (page && typeof body?.remove_confirm === "string") page.dataset.removeConfirm = body.remove_confirm;
}
