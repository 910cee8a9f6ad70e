// Tell the front desk when a client arrives (issue 29 item 10). The presence poll (presence.js) hands over who
// waits since when; this module counts them in the tab's title and, in a browser that opted in ("Alert me when a
// client is waiting"), shows one desktop notification and plays one short tone per arrival. An arrival is an
// appointment and the time its wait began, as the server reports it (so it is the same in every tab and on every
// server); the arrivals already told are kept in the browser (IndexedDB, below), so however many tabs see an
// arrival, and after a reload, it is told once.

import { clearAlert, showAlert } from "./alerts.js";
import { fill, helpFor, texts } from "./server.js";

const OPTED_IN = "simplespa.arrival-alert"; // "on" in a browser that asked for the alert
const STORE = "simplespa-arrivals"; // IndexedDB database of the arrivals told, with one object store:
const TOLD = "told"; // "<appointment id>@<waiting since>" → when told (epoch ms)
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000; // the server forgets presence after a day
const TONE_HZ = 880;
const TONE_SECONDS = 0.35;
const TITLE = document.title;

let audio = null;
let refusalShown = false;

function stored(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage blocked: the browser never opted in
  }
}

// Opted in, and the browser still lets the page notify (permission can be taken back in its settings).
export function arrivalAlertWanted() {
  return stored(OPTED_IN) === "on" && "Notification" in window && Notification.permission === "granted";
}

// Browsers let a page play sound only once it has been clicked in: the context is made (or woken) by a click.
function wakeSound() {
  try {
    audio = audio || new AudioContext();
    if (audio.state === "suspended") audio.resume().catch(() => {});
  } catch {
    audio = null; // no Web Audio: the notification alone
  }
}

// One short generated tone, fading out (no audio file).
function chime() {
  wakeSound();
  if (!audio) return;
  const tone = audio.createOscillator();
  const volume = audio.createGain();
  const now = audio.currentTime;
  tone.frequency.value = TONE_HZ;
  volume.gain.setValueAtTime(0.2, now);
  volume.gain.exponentialRampToValueAtTime(0.001, now + TONE_SECONDS);
  tone.connect(volume).connect(audio.destination);
  tone.start(now);
  tone.stop(now + TONE_SECONDS);
}

function refuse(code) {
  for (const box of document.querySelectorAll("[data-arrival-alert]")) box.checked = false;
  showAlert(texts[code], false, helpFor(code));
  refusalShown = true;
}

async function optIn() {
  if (!("Notification" in window)) return refuse("alert_unsupported");
  let permission = Notification.permission;
  if (permission === "default") {
    try {
      permission = await Notification.requestPermission();
    } catch {
      return refuse("alert_unsupported");
    }
  }
  if (permission !== "granted") return refuse("alert_refused");
  try {
    window.localStorage.setItem(OPTED_IN, "on");
  } catch {
    return refuse("alert_unsupported");
  }
  wakeSound(); // within the click
  if (refusalShown) clearAlert();
  refusalShown = false;
}

function optOut() {
  try {
    window.localStorage.removeItem(OPTED_IN);
    indexedDB.deleteDatabase(STORE); // the arrivals told go with the opt-in (the privacy text says so)
  } catch {
    // nothing was stored
  }
}

function showChoice() {
  for (const box of document.querySelectorAll("[data-arrival-alert]")) box.checked = arrivalAlertWanted();
}

// The opt-in boxes of the page, as this browser has it; a change in another tab shows here too.
export function wireArrivalAlert() {
  showChoice();
  document.addEventListener("change", (event) => {
    const box = event.target instanceof Element ? event.target.closest("[data-arrival-alert]") : null;
    if (!box) return;
    for (const other of document.querySelectorAll("[data-arrival-alert]")) other.checked = box.checked;
    if (box.checked) optIn();
    else optOut();
  });
  window.addEventListener("storage", (event) => {
    if (event.key === OPTED_IN) showChoice();
  });
  document.addEventListener("pointerdown", () => arrivalAlertWanted() && wakeSound());
  if (arrivalAlertWanted()) claimNew([]).catch(() => {}); // arrivals told over a day ago are forgotten
}

// The arrivals already told, in IndexedDB: one readwrite transaction reads and marks them, and the browser runs
// such transactions one at a time across all tabs of the origin, so two tabs never both find one new. (Not
// localStorage under a Web Lock: browsers need not show one tab's localStorage write to another tab at once, and
// in Chromium, with tabs in other processes, it did not: the next holder of the lock told the same arrival again.)
function toldStore() {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open(STORE, 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore(TOLD);
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
}

// The arrivals (keys) no tab has told yet, now marked as told; entries older than a day are forgotten.
async function claimNew(keys) {
  const db = await toldStore();
  try {
    return await new Promise((resolve, reject) => {
      const fresh = [];
      const now = Date.now();
      const transaction = db.transaction(TOLD, "readwrite");
      const store = transaction.objectStore(TOLD);
      for (const key of keys) {
        const seen = store.get(key);
        seen.onsuccess = () => {
          if (seen.result !== undefined) return;
          store.put(now, key);
          fresh.push(key);
        };
      }
      store.openCursor().onsuccess = (event) => {
        const cursor = event.target.result;
        if (!cursor) return;
        if (now - cursor.value > FORGET_AFTER_MS) cursor.delete();
        cursor.continue();
      };
      transaction.oncomplete = () => resolve(fresh);
      transaction.onerror = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

function tell(wait, key) {
  const [title, body] = wait.someone
    ? [texts.arrival_someone_title, texts.arrival_someone_body]
    : [texts.arrival_title, texts.arrival_body];
  try {
    const note = new Notification(fill(title, wait), { body: fill(body, wait), tag: key });
    note.addEventListener("click", () => {
      window.focus();
      note.close();
    });
  } catch {
    // the browser took the permission back meanwhile: the title still counts
  }
}

// The arrivals no tab of this browser has told yet: one notification each, and one tone.
async function tellNew(arrivals) {
  let fresh;
  try {
    fresh = new Set(await claimNew(arrivals.map(([key]) => key)));
  } catch {
    return; // no IndexedDB here (a private window may refuse it): the title still counts
  }
  for (const [key, wait] of arrivals) if (fresh.has(key)) tell(wait, key);
  if (fresh.size) chime();
}

// The poll's answer of who waits ({appointment id: {since, client, someone}}): told if new, counted in the tab's title.
export async function noticeArrivals(waiting) {
  const arrivals = Object.entries(waiting || {}).map(([id, wait]) => [`${id}@${wait.since}`, wait]);
  if (arrivals.length && arrivalAlertWanted()) await tellNew(arrivals);
  document.title = arrivals.length ? fill(texts.waiting_count_title, { count: arrivals.length, title: TITLE }) : TITLE;
}
