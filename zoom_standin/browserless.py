"""Sign in and connect Zoom over plain HTTP, as a browser would: for load tests and benchmarks."""

from __future__ import annotations

import re

import requests

_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
_HIDDEN = re.compile(r'name="([a-z_]+)" value="([^"]*)"')


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    if not match:
        raise ValueError("the page carries no CSRF token")
    return match.group(1)


def sign_in_and_connect(app_url: str, zoom_url: str, email: str, password: str) -> requests.Session:
    """A requests session signed in to the app and connected to the Zoom stand-in."""
    browser = requests.Session()
    token = csrf_token(browser.get(f"{app_url}/login").text)
    browser.post(f"{app_url}/login", data={"csrf_token": token, "email": email, "password": password})
    confirm = browser.get(f"{app_url}/zoom/connect", params={"next": "/appointments"})
    consent = browser.post(
        f"{app_url}/zoom/connect", data={"csrf_token": csrf_token(confirm.text), "next": "/appointments"}
    )
    if "Disconnect Zoom" in consent.text:
        return browser  # this Zoom user allowed the app before: Zoom skips its consent page
    fields = dict(_HIDDEN.findall(consent.text))
    landed = browser.post(f"{zoom_url}/oauth/authorize", data={**fields, "decision": "allow"})
    if "Disconnect Zoom" not in landed.text:
        raise RuntimeError("connecting to the Zoom stand-in failed")
    return browser
