// What the server hands the page script: every text staff can see from the script, and the rules it
// acts on (which error codes mean reconnect, the retry header, where Help lives, the spa's zone).
// page_data.js is not a file: the app renders it from simplespa_zoom/messages.py
// (simplespa_zoom/web/page_script.py). Nothing is restated here.

import { rules, texts } from "./page_data.js";

export { rules, texts };

// A text with its "{name}" parts filled in, as messages.say does on the server.
export function fill(text, values) {
  return text.replace(/\{([a-z_]+)\}/g, (part, name) => (name in values ? values[name] : part));
}

// A link into the Help page's entry for a message code.
export function helpFor(code) {
  return `${rules.help_prefix}${encodeURIComponent(code)}`;
}

// A Help link from an answer of the app, kept only when it leads into the Help page.
export function helpHref(href) {
  return typeof href === "string" && href.startsWith(rules.help_prefix) ? href : null;
}
