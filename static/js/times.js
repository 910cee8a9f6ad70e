// The widget's start is in the spa's time, like the rest of the page; a browser in another zone gets its own
// time added, "(your time: …)", when that reads differently. The server writes every other time
// (simplespa_zoom/meetings/when.py); only the browser knows its own zone, so this one is written here, in the
// same shape, with Intl in English whatever the browser's language: "Tuesday, November 11 2025 6:00 pm".

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
    element.removeAttribute("data-local-time"); // once: the page's pass and the widget's may meet the same time
    const date = new Date(element.getAttribute("datetime"));
    if (Number.isNaN(date.getTime())) return;
    const spaTime = element.textContent;
    const local = formatLocal(date);
    if (local !== spaTime) element.textContent = fill(texts.your_time, { when: spaTime, local });
  });
}
