// The appointment page's list of emails to the client (issue 28) is drawn by the server. Whenever the widget is
// redrawn (an action's answer, or an open page following the database) the list is read again from the page as
// the server renders it now, so it never says "waiting" of a letter that went, nor misses one just written.

export async function refreshLetters() {
  const shown = document.getElementById("letters");
  if (!shown) return;
  try {
    const response = await fetch(window.location.pathname, {
      headers: { Accept: "text/html" },
      credentials: "same-origin",
    });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("letters");
    if (fresh) shown.replaceWith(document.importNode(fresh, true));
  } catch {
    // the next redraw reads it again
  }
}
