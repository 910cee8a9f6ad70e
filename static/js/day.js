// The day list: today's meetings checked with Zoom by one request after the page loads, inside the Zoom
// lock like every Zoom call (the page itself is rendered from the notes alone). Each row shows its result.

import { helpLink, needsReconnect } from "./alerts.js";
import { markChecked } from "./checked.js";
import { zoomRequest } from "./requests.js";
import { helpHref, rules, texts } from "./server.js";

export async function checkDay() {
  const table = document.querySelector("[data-day-check-url]");
  const cells = table ? [...table.querySelectorAll("[data-day-check]")] : [];
  if (!cells.length) return;
  for (const cell of cells) cell.textContent = texts.checking;
  const answer = await zoomRequest(table.dataset.dayCheckUrl);
  if (!answer.ok || !answer.body) {
    // Reconnect, or this browser's checks are spaced out: the server's words say what to do.
    const own = needsReconnect(answer.code) || answer.code === rules.day_check_busy_code;
    const said = own ? answer.message : texts.meeting_unchecked;
    for (const cell of cells) cell.textContent = said;
    return;
  }
  for (const cell of cells) cell.textContent = "";
  for (const row of answer.body.rows) {
    const cell = table.querySelector(`[data-appointment-row="${Number(row.appointment_id)}"] [data-day-check]`);
    if (!cell) continue;
    cell.replaceChildren(row.message);
    if (row.state === "ok") markChecked(cell);
    const help = helpHref(row.help);
    if (help) cell.append(" ", helpLink(help));
    if (!row.has_meeting) cell.parentElement.querySelector(".camera-mark")?.remove();
  }
}
