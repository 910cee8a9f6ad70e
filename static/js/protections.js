// The widget's Details: the meeting's waiting room and passcode as Zoom applied them (Zoom may override what
// was asked), from Zoom's answer to Add Meeting or to the check. Rows stay hidden when Zoom did not say.

import { texts } from "./server.js";

export function showProtections(protections) {
  if (!protections) return;
  for (const label of document.querySelectorAll("dt[data-protection]")) {
    const value = protections[label.dataset.protection];
    if (typeof value !== "boolean") continue;
    const shown = label.nextElementSibling;
    shown.textContent = value ? texts.protection_on : texts.protection_off;
    label.hidden = false;
    shown.hidden = false;
  }
}
