// Start times in the browser's own zone, "(your time)", when staff are not in the spa's zone.

import { fill, texts } from "./server.js";

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

// The same shape as the Zoom line ("Tuesday, November 11 2025 6:00 pm"), in the browser's own zone.
function formatLocal(date) {
  const hour = date.getHours() % 12 || 12;
  const minutes = String(date.getMinutes()).padStart(2, "0");
  const ampm = date.getHours() < 12 ? "am" : "pm";
  return `${WEEKDAYS[date.getDay()]}, ${MONTHS[date.getMonth()]} ${date.getDate()} ${date.getFullYear()} ${hour}:${minutes} ${ampm}`;
}

export function localizeTimes(root) {
  const spaZone = document.body.dataset.spaTimezone;
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!spaZone || spaZone === browserZone) return;
  root.querySelectorAll("time[data-local-time]").forEach((element) => {
    const date = new Date(element.getAttribute("datetime"));
    if (!Number.isNaN(date.getTime())) element.textContent = fill(texts.your_time, { when: formatLocal(date) });
  });
}
