// Who is in the meeting, live (issue 21): the appointment page and the day list ask the app every few
// seconds what Zoom's events said. The answer is read from the database only (no Zoom call, no lock):
// an event received by any of the app's servers shows on a page served by any other.

const EVERY_MS = 2000;
const AFTER_FAILURE_MS = 10000;

function show(element, text) {
  if (!element) return;
  element.textContent = text || "";
  element.hidden = !text;
}

async function ask(url) {
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (response.status === 401 || response.status === 403) return { stop: true };
    return response.ok ? { body: await response.json() } : {};
  } catch {
    return {};
  }
}

function poll(url, apply) {
  const next = async () => {
    if (document.visibilityState === "hidden") {
      setTimeout(next, EVERY_MS);
      return;
    }
    const answer = await ask(url);
    if (answer.stop) return;
    if (answer.body) apply(answer.body);
    setTimeout(next, answer.body ? EVERY_MS : AFTER_FAILURE_MS);
  };
  next(); // the page is served without who is in the meeting: ask as it opens
}

function watchAppointment() {
  const section = document.getElementById("presence");
  if (!section) return;
  poll(section.dataset.presenceUrl, (body) => {
    show(document.getElementById("presence-now"), body.presence);
    show(document.getElementById("presence-attendance"), body.attendance);
  });
}

function watchDay() {
  const day = document.getElementById("presence-day");
  const rows = [...document.querySelectorAll("[data-presence-for]")];
  if (!day || rows.length === 0) return;
  const ids = rows.map((row) => row.dataset.presenceFor).join(",");
  poll(`${day.dataset.presenceUrl}?ids=${ids}`, (body) => {
    for (const row of rows) show(row, body[row.dataset.presenceFor]);
  });
}

export function watchPresence() {
  watchAppointment();
  watchDay();
}
