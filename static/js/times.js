// Start times in the browser's own zone, "(your time)", when staff are not in the spa's zone.
// The server writes every other time (simplespa_zoom/meetings/when.py); only the browser knows its
// own zone, so this one is written here, in the same shape, with Intl in English whatever the
// browser's language: "Tuesday, November 11 2025 6:00 pm".

import { fill, rules, texts } from "./server.js";

const SHAPE = new Intl.DateTimeFormat("en-US", {
  weekday: "long",
  month: "long",
  day: "numeric",
  year: "numeric",
  hour: "numeric",
  minute: "2-digit",
  hourCycle: "h12",
});

function formatLocal(date) {
  const part = Object.fromEntries(SHAPE.formatToParts(date).map(({ type, value }) => [type, value]));
  return `${part.weekday}, ${part.month} ${part.day} ${part.year} ${part.hour}:${part.minute} ${part.dayPeriod.toLowerCase()}`;
}

export function localizeTimes(root) {
  const spaZone = rules.spa_timezone;
  const browserZone = SHAPE.resolvedOptions().timeZone;
  if (!spaZone || spaZone === browserZone) return;
  root.querySelectorAll("time[data-local-time]").forEach((element) => {
    const date = new Date(element.getAttribute("datetime"));
    if (!Number.isNaN(date.getTime())) element.textContent = fill(texts.your_time, { when: formatLocal(date) });
  });
}
