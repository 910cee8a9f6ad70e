// Requests to the app's JSON endpoints, and the Web Lock that keeps one Zoom call in flight per browser.
// Zoom refresh tokens rotate and live in one cookie shared by all tabs, so every request that may
// call Zoom runs inside navigator.locks.request("zoom"): two at once would refresh twice, and the
// second refresh would kill the first one's token.

import { helpHref, rules, texts } from "./server.js";

const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

export function withZoomLock(task) {
  if (navigator.locks && navigator.locks.request) {
    return navigator.locks.request("zoom", task);
  }
  return task();
}

async function send(url, retry) {
  const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
  if (retry) headers[rules.retry_header] = "1";
  let response;
  try {
    response = await fetch(url, { method: "POST", headers, credentials: "same-origin" });
  } catch {
    return { ok: false, status: 0, code: "network_unreachable", message: texts.network_unreachable };
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const error = body && body.error;
  return {
    ok: response.ok,
    status: response.status,
    body,
    code: error ? error.code : response.ok ? null : "unknown",
    message: error ? error.message : texts.request_failed,
    help: error ? helpHref(error.help) : null,
  };
}

// One Zoom-calling request; "retry" means another tab rotated the tokens: ask once more.
export function zoomRequest(url) {
  return withZoomLock(async () => {
    const answer = await send(url, false);
    if (answer.status === 409 && answer.code === rules.retry_code) {
      return send(url, true);
    }
    return answer;
  });
}

// Forms whose submission may call Zoom hold the lock until the next page replaces this one.
export function submitUnderLock(form) {
  if (form.dataset.submitting === "true") return;
  form.dataset.submitting = "true";
  withZoomLock(() => new Promise((release) => {
    window.addEventListener("pagehide", release, { once: true });
    window.setTimeout(() => {
      form.dataset.submitting = "false";
      release();
    }, 30000);
    form.submit();
  }));
}
