// "Checked with Zoom just now" is true only just then: on a page left open it ages ("Checked with Zoom
// 5 minutes ago."), in the server's words (messages.py), redrawn on every presence poll.

import { fill, texts } from "./server.js";

const MINUTE_MS = 60000;

// The element now holds a check that found all well: its sentence ages from this moment.
export function markChecked(element) {
  if (!element) return;
  element.dataset.checkedAt = String(Date.now());
  element.textContent = texts.meeting_checked;
}

export function checkedText(checkedAt, now) {
  const minutes = Math.floor((now - checkedAt) / MINUTE_MS);
  if (minutes < 1) return texts.meeting_checked;
  if (minutes < 60) return minutes === 1 ? texts.checked_minute : fill(texts.checked_minutes, { count: minutes });
  const hours = Math.floor(minutes / 60);
  return hours === 1 ? texts.checked_hour : fill(texts.checked_hours, { count: hours });
}

export function ageChecks(root) {
  const now = Date.now();
  for (const element of root.querySelectorAll("[data-checked-at]")) {
    const text = checkedText(Number(element.dataset.checkedAt), now);
    if (element.textContent !== text) element.textContent = text;
  }
}
