// The widget's Details: the meeting's waiting room and passcode as Zoom applied them (Zoom may override what
// was asked), from Zoom's answer to Add Meeting or to the check. Rows stay hidden when Zoom did not say.

import { texts } from "./server.js";

export function showProtections(protections) {
  if (!protections) return;
  for (const row of document.querySelectorAll("[data-protection]")) {
    const value = protections[row.dataset.protection];
    if (typeof value !== "boolean") continue;
    row.querySelector("dd").textContent = value ? texts.protection_on : texts.protection_off;
    row.hidden = false;
  }
}
