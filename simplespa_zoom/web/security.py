"""Headers every response carries, and CSRF protection for every state-changing request."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask_wtf.csrf import CSRFProtect

from simplespa_zoom.loopback import is_loopback

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self' {zoom}; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


def zoom_form_targets(oauth_base_url: str, zoom_hosts: list[str]) -> str:
    """Where a form's redirects may lead: Chrome checks form-action on every redirect of a form
    submission, and the way to Zoom's consent (sign-in, then connect) passes through Zoom's own
    hosts (zoom.us, then us05web.zoom.us)."""
    parts = urlsplit(oauth_base_url)
    sources = [f"{parts.scheme}://{parts.netloc}"]
    for host in zoom_hosts:
        host = host.strip().lower()
        sources.append(f"http://{host}:*" if is_loopback(host) else f"https://{host}")
    return " ".join(dict.fromkeys(sources))


PRIVATE_TYPES = ("text/html", "application/json")  # they show appointments: never cached unless a view says so


def init_app(app: Flask) -> None:
    """CSRF on every state-changing request (Flask-WTF), and the headers every response carries."""
    # The token lives in the encrypted session, which has its own idle and absolute deadlines.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    csrf.init_app(app)
    every_response = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY.format(
            zoom=zoom_form_targets(app.config["ZOOM_OAUTH_BASE_URL"], app.config["ZOOM_HOSTS"])
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers.extend(every_response)
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if "Cache-Control" not in response.headers and response.mimetype in PRIVATE_TYPES:
            response.headers["Cache-Control"] = "no-store"
        return response
